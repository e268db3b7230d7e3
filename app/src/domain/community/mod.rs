//! The forum's and the portal's types and rules: posts, threads, how members are named in
//! public, happiness marks and plain text for search.

pub mod happiness;
pub mod model;
pub mod naming;
pub mod plain_text;

/// Lengths a forum post's title and body, and a flag's reason, may have (in characters).
pub const TITLE_CHARS: (usize, usize) = (8, 150);
pub const BODY_CHARS: (usize, usize) = (2, 20_000);
pub const FLAG_REASON_MAX_CHARS: usize = 500;
