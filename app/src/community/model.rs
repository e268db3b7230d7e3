//! What the public portal shows, shared by server and browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CategorySummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub thread_count: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ThreadSummary {
    pub id: i64,
    pub title: String,
    pub category_slug: String,
    pub category_name: String,
    pub kind: String,
    pub state: String,
    pub pinned: bool,
    pub post_count: i64,
    pub author_name: Option<String>,
    pub last_post_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PostView {
    pub id: i64,
    pub author_name: Option<String>,
    pub body_markdown: String,
    pub is_staff: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadPage {
    pub thread: ThreadSummary,
    pub posts: Vec<PostView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryPage {
    pub category: CategorySummary,
    pub threads: Vec<ThreadSummary>,
    pub page: i64,
    pub has_more: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PortalStats {
    pub threads: i64,
    pub posts: i64,
    pub solved_threads: i64,
    pub published_stories: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalHome {
    pub categories: Vec<CategorySummary>,
    pub latest_threads: Vec<ThreadSummary>,
    pub recently_solved: Vec<ThreadSummary>,
    pub stats: PortalStats,
}

/// A story as the public sees it: the naming the customer consented to is already applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishedStory {
    pub id: i64,
    pub title: String,
    pub narrative: String,
    pub told_by: String,
    pub published_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishedQuote {
    pub id: i64,
    pub quote: String,
    pub said_by: String,
    pub published_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    pub threads: Vec<ThreadSummary>,
}
