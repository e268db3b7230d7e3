//! The community forum: categories, threads, posting, search, moderation, profiles and the
//! portal's home page.

pub mod api;
#[cfg(feature = "ssr")]
pub mod counts_cache;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod moderation;
pub mod new_thread;
pub mod pages;
pub mod posting;
pub mod profile;
pub mod recognition;
pub mod seo;
#[cfg(feature = "ssr")]
pub mod sitemap;
pub mod thread_page;
