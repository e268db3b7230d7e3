-- What the emotion engine read in each message, and each conversation's current risk.
-- Kept in lock-step with ../sqlite/0002_scores.sql.
ALTER TABLE messages ADD COLUMN analysis TEXT;          -- JSON: emotions, intents, situation with evidence
ALTER TABLE conversations ADD COLUMN risk_level TEXT NOT NULL DEFAULT 'low'
    CHECK (risk_level IN ('low', 'medium', 'high', 'critical'));
ALTER TABLE conversations ADD COLUMN risk_factors TEXT; -- JSON list of {key, label, points}
ALTER TABLE conversations ADD COLUMN guidance TEXT;     -- resolve_first | acknowledge_first | celebrate
ALTER TABLE conversations ADD COLUMN last_excerpt TEXT;
