//! Server functions of the public portal that read. All public; writes are in `posting`.

use leptos::prelude::*;

use crate::domain::community::model::{CategoryPage, PortalHome, ProfilePage, SearchResults, ThreadPage};
use crate::error::AppError;

pub const THREADS_PER_PAGE: i64 = 30;
pub const SEARCH_QUERY_MAX_CHARS: usize = 200;

#[server(prefix = "/api", endpoint = "community/home")]
pub async fn load_portal_home() -> Result<PortalHome, AppError> {
    use crate::auth::guard::{authorize, Access};
    use crate::data::community;
    authorize(Access::Public).await?;
    let state = crate::state::app_state()?;
    let db = &state.db;
    let now = chrono::Utc::now();
    let counts = &state.community_counts;
    Ok(PortalHome {
        categories: counts
            .categories(|| {
                let db = db.clone();
                async move { community::categories(&db).await }
            })
            .await?,
        latest_threads: community::latest_threads(db, 8).await?,
        popular_threads: community::popular_threads(db, now - chrono::Duration::days(30), 5).await?,
        recently_solved: community::recently_solved(db, 5).await?,
        stats: portal_stats(&state).await?,
    })
}

/// The community-wide numbers of the happiness strip (cached for a few seconds).
#[cfg(feature = "ssr")]
pub async fn portal_stats(state: &crate::state::AppState) -> Result<crate::domain::community::model::PortalStats, AppError> {
    let now = chrono::Utc::now();
    let db = state.db.clone();
    Ok(state.community_counts.stats(|| async move { crate::data::community::stats(&db, now).await }).await?)
}

#[server(prefix = "/api", endpoint = "community/categories")]
pub async fn forum_categories() -> Result<Vec<crate::domain::community::model::CategorySummary>, AppError> {
    use crate::auth::guard::{authorize, Access};
    authorize(Access::Public).await?;
    let state = crate::state::app_state()?;
    let db = state.db.clone();
    Ok(state.community_counts.categories(|| async move { crate::data::community::categories(&db).await }).await?)
}

#[server(prefix = "/api", endpoint = "community/category")]
pub async fn forum_category(slug: String, page: i64, sort: String) -> Result<CategoryPage, AppError> {
    use crate::auth::guard::{authorize, Access};
    use crate::data::community;
    authorize(Access::Public).await?;
    if page < 1 {
        return Err(AppError::invalid("page", "Page numbers start at 1."));
    }
    let sort = if sort.is_empty() { "latest".to_string() } else { sort };
    if !crate::domain::community::model::THREAD_SORTS.iter().any(|(key, _)| *key == sort) {
        return Err(AppError::invalid("sort", "Sort by latest, top or unanswered."));
    }
    let db = crate::state::app_state()?.db;
    let category = community::category_by_slug(&db, &slug)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no forum category at this address.".into()))?;
    let mut threads = community::threads_in_category(&db, category.id, &sort, THREADS_PER_PAGE + 1, (page - 1) * THREADS_PER_PAGE).await?;
    let has_more = threads.len() as i64 > THREADS_PER_PAGE;
    threads.truncate(THREADS_PER_PAGE as usize);
    Ok(CategoryPage { category, threads, sort, page, has_more })
}

#[server(prefix = "/api", endpoint = "community/thread")]
pub async fn forum_thread(id: i64) -> Result<ThreadPage, AppError> {
    use crate::auth::guard::{authorize, Access};
    use crate::portal::forum::markdown::render;
    let viewer = authorize(Access::Public).await?;
    let db = crate::state::app_state()?.db;
    let viewer_id = viewer.as_ref().map(|v| v.user_id);
    let is_staff = viewer.as_ref().is_some_and(|v| v.role.is_staff());
    let reader = crate::data::community::ThreadReader { user_id: viewer_id, moderator: is_staff };
    let Some(read) = crate::data::community::thread(&db, id, &reader).await? else {
        return Err(AppError::NotFound("This thread does not exist or was removed.".into()));
    };
    let rendered = |posts: Vec<crate::domain::community::model::PostView>| {
        posts
            .into_iter()
            .map(|mut post| {
                post.body_html = render(&post.body_markdown);
                post
            })
            .collect::<Vec<_>>()
    };
    Ok(ThreadPage {
        can_accept: is_staff || (viewer_id.is_some() && viewer_id == read.author_user_id),
        can_moderate: is_staff,
        signed_in: viewer.is_some(),
        accepted_post_id: read.accepted_post_id,
        thread: read.thread,
        posts: rendered(read.posts),
        hidden_posts: rendered(read.hidden_posts),
    })
}

#[server(prefix = "/api", endpoint = "community/search")]
pub async fn search_forum(query: String, category: String, solved: bool) -> Result<SearchResults, AppError> {
    use crate::auth::guard::{authorize, Access};
    use crate::data::forum_search::{search_posts, SearchFilter};
    use crate::data::fulltext::SearchTerms;
    authorize(Access::Public).await?;
    let query = query.trim().to_string();
    if query.chars().count() > SEARCH_QUERY_MAX_CHARS {
        return Err(AppError::invalid("q", format!("Search for at most {SEARCH_QUERY_MAX_CHARS} characters.")));
    }
    let db = crate::state::app_state()?.db;
    let filter = SearchFilter { category_slug: (!category.is_empty()).then_some(category.as_str()), solved_only: solved };
    let hits = search_posts(&db, &SearchTerms::parse(&query), &filter, 30).await?;
    let stories = if category.is_empty() && !solved { crate::data::stories::search_published(&db, &query, 3).await? } else { Vec::new() };
    Ok(SearchResults { stories, query, category, solved_only: solved, hits })
}

#[server(prefix = "/api", endpoint = "community/member")]
pub async fn member_profile(id: i64) -> Result<ProfilePage, AppError> {
    use crate::auth::guard::{authorize, Access};
    authorize(Access::Public).await?;
    let db = crate::state::app_state()?.db;
    let activity = crate::data::community::member_activity(&db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no member at this address.".into()))?;
    Ok(ProfilePage {
        user_id: id,
        badges: crate::portal::forum::recognition::badges(activity.accepted_answers, activity.helped_reactions),
        display_name: activity.display_name,
        is_staff: activity.role != "customer",
        member_since: activity.member_since,
        posts: activity.posts,
        accepted_answers: activity.accepted_answers,
        helped_reactions: activity.helped_reactions,
        recent_posts: activity.recent_posts,
    })
}
