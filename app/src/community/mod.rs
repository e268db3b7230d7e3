//! The public community portal: forum, stories, gratitude wall, search.

pub mod api;
pub mod model;
pub mod naming;
pub mod pages;
