//! Coaching: the emotional labour of an agent, made visible to them and their lead — how
//! customers' mood moved after their replies, which tone-check flags they took up or let
//! through, and the recovery journeys of their conversations. Framed for coaching, not
//! ranking: an agent sees only their own numbers; a lead (admin) sees each agent's, listed
//! by name. Here: the page and its server functions; the numbers are `domain::coaching`,
//! `data::coaching` reads the facts.

pub mod api;
mod page;

pub use page::CoachingPage;
