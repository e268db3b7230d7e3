-- Step texts keep their placeholders until they are sent, so that what is only known later
-- (what changed, who looks after it) goes in then. The values live on the journey (JSON); a
-- step whose text needs a value nobody has given yet is held with the reason.
-- Lock-step with ../postgres/0012_journey_personalization.sql.
ALTER TABLE journeys ADD COLUMN personalization TEXT NOT NULL DEFAULT '{}';
ALTER TABLE journey_steps ADD COLUMN held_reason TEXT;
