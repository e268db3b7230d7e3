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
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body_markdown: String,
    pub is_staff: bool,
    pub created_at: DateTime<Utc>,
    /// Waiting for a moderator's approval (shown only to its author and moderators).
    pub held: bool,
    /// The sanitized HTML of `body_markdown` (rendered on the server).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub body_html: String,
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub helped: i64,
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub hearts: i64,
    /// Reactions the viewer gave this post ("helped", "heart").
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub mine: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadPage {
    pub thread: ThreadSummary,
    pub accepted_post_id: Option<i64>,
    pub posts: Vec<PostView>,
    /// What the viewer may do here.
    pub signed_in: bool,
    pub can_accept: bool,
    pub can_moderate: bool,
    /// Staff only: hidden posts of this thread, to restore.
    pub hidden_posts: Vec<PostView>,
}

/// Thread orders of a listing.
pub const THREAD_SORTS: [(&str, &str); 3] = [("latest", "Latest"), ("top", "Most replies"), ("unanswered", "Unanswered")];
pub const THREAD_KINDS: [(&str, &str); 3] =
    [("question", "Question"), ("discussion", "Discussion"), ("experience", "Share your experience")];

/// A member's public profile: activity and recognition earned from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfilePage {
    pub user_id: i64,
    pub display_name: String,
    pub is_staff: bool,
    pub member_since: DateTime<Utc>,
    pub posts: i64,
    pub accepted_answers: i64,
    pub helped_reactions: i64,
    pub badges: Vec<Badge>,
    pub recent_posts: Vec<ProfilePost>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Badge {
    pub name: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ProfilePost {
    pub post_id: i64,
    pub thread_id: i64,
    pub title: String,
    pub accepted: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryPage {
    pub category: CategorySummary,
    pub threads: Vec<ThreadSummary>,
    pub sort: String,
    pub page: i64,
    pub has_more: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PortalStats {
    pub threads: i64,
    pub posts: i64,
    pub solved_threads: i64,
    pub happiness: super::happiness::Happiness,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalHome {
    pub categories: Vec<CategorySummary>,
    pub latest_threads: Vec<ThreadSummary>,
    /// Most replied-to threads active in the last 30 days.
    pub popular_threads: Vec<ThreadSummary>,
    pub recently_solved: Vec<ThreadSummary>,
    pub stats: PortalStats,
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
    pub category: String,
    pub solved_only: bool,
    pub hits: Vec<SearchHit>,
    /// Published stories that match (unfiltered searches only).
    pub stories: Vec<crate::domain::stories::model::StoryCard>,
}

/// Part of a search snippet: the words that matched are marked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnippetPart {
    pub text: String,
    pub matched: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub post_id: i64,
    pub thread_id: i64,
    pub title: String,
    pub category_slug: String,
    pub category_name: String,
    pub state: String,
    pub snippet: Vec<SnippetPart>,
}

/// A post waiting for a moderator's approval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct HeldPost {
    pub post_id: i64,
    pub thread_id: i64,
    pub thread_title: String,
    /// The post opened its thread (approving it publishes the thread).
    pub opens_thread: bool,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body_markdown: String,
    pub created_at: DateTime<Utc>,
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub body_html: String,
}

/// A post members flagged, with their open flags.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct FlaggedPost {
    pub post_id: i64,
    pub thread_id: i64,
    pub thread_title: String,
    pub author_name: Option<String>,
    pub body_markdown: String,
    pub hidden: bool,
    pub first_flagged_at: DateTime<Utc>,
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub flags: Vec<FlagView>,
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub body_html: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct FlagView {
    pub post_id: i64,
    pub flagged_by: Option<String>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// What waits for moderators: held posts and flagged posts, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModerationQueue {
    pub held: Vec<HeldPost>,
    pub flagged: Vec<FlaggedPost>,
}
