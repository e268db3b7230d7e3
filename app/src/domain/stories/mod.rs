//! Resolved stories and gratitude quotes: consent, drafts, what the public sees, candidates,
//! digests and the ripple effect's arithmetic.

pub mod candidates;
pub mod consent;
pub mod digest;
pub mod draft;
pub mod model;
pub mod quotes;
pub mod ripple;
