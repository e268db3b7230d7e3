//! The public community portal: forum, stories, gratitude wall, search.

pub mod api;
#[cfg(feature = "ssr")]
pub mod counts_cache;
pub mod happiness;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod model;
pub mod moderation;
pub mod naming;
pub mod new_thread;
pub mod pages;
pub mod plain_text;
pub mod posting;
pub mod profile;
pub mod recognition;
pub mod seo;
#[cfg(feature = "ssr")]
pub mod sitemap;
pub mod thread_page;
