//! Resolved stories: drafted by marketing from real conversations, published only with the
//! customer's consent (which they can take back at any time), shown live on the portal.
//!
//! Here the portal's and customers' side; the studio drafts and publishes (`studio`). The rules
//! are `domain::stories`; the data layer enforces them in its transactions
//! (`data::story_editing`, `data::consents`).

pub mod api;
pub mod consent_api;
pub mod customer_pages;
pub mod digest_api;
#[cfg(feature = "ssr")]
pub mod embed;
#[cfg(feature = "ssr")]
pub mod feed;
pub mod public_pages;

/// Where portal pages listen for stories being published and withdrawn.
pub const LIVE_PATH: &str = "/api/live/stories";

/// The Atom feed of published stories.
pub const FEED_PATH: &str = "/stories/feed.xml";
