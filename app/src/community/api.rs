//! Server functions of the public portal. All public; they only read.

use leptos::prelude::*;

use super::model::{
    CategoryPage, PortalHome, PublishedQuote, PublishedStory, SearchResults, ThreadPage,
};
use crate::error::AppError;

pub const THREADS_PER_PAGE: i64 = 30;
pub const SEARCH_QUERY_MAX_CHARS: usize = 200;

#[server(prefix = "/api", endpoint = "community/home")]
pub async fn load_portal_home() -> Result<PortalHome, AppError> {
    use crate::auth::guard::{authorize, Access};
    use crate::data::community;
    authorize(Access::Public).await?;
    let db = crate::state::app_state()?.db;
    Ok(PortalHome {
        categories: community::categories(&db).await?,
        latest_threads: community::latest_threads(&db, 8).await?,
        recently_solved: community::recently_solved(&db, 5).await?,
        stats: community::stats(&db).await?,
    })
}

#[server(prefix = "/api", endpoint = "community/categories")]
pub async fn forum_categories() -> Result<Vec<super::model::CategorySummary>, AppError> {
    use crate::auth::guard::{authorize, Access};
    authorize(Access::Public).await?;
    let db = crate::state::app_state()?.db;
    Ok(crate::data::community::categories(&db).await?)
}

#[server(prefix = "/api", endpoint = "community/category")]
pub async fn forum_category(slug: String, page: i64) -> Result<CategoryPage, AppError> {
    use crate::auth::guard::{authorize, Access};
    use crate::data::community;
    authorize(Access::Public).await?;
    if page < 1 {
        return Err(AppError::invalid("page", "Page numbers start at 1."));
    }
    let db = crate::state::app_state()?.db;
    let category = community::category_by_slug(&db, &slug)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no forum category at this address.".into()))?;
    let mut threads = community::threads_in_category(
        &db,
        category.id,
        THREADS_PER_PAGE + 1,
        (page - 1) * THREADS_PER_PAGE,
    )
    .await?;
    let has_more = threads.len() as i64 > THREADS_PER_PAGE;
    threads.truncate(THREADS_PER_PAGE as usize);
    Ok(CategoryPage {
        category,
        threads,
        page,
        has_more,
    })
}

#[server(prefix = "/api", endpoint = "community/thread")]
pub async fn forum_thread(id: i64) -> Result<ThreadPage, AppError> {
    use crate::auth::guard::{authorize, Access};
    authorize(Access::Public).await?;
    let db = crate::state::app_state()?.db;
    match crate::data::community::thread(&db, id).await? {
        Some((thread, posts)) => Ok(ThreadPage { thread, posts }),
        None => Err(AppError::NotFound(
            "This thread does not exist or was removed.".into(),
        )),
    }
}

#[server(prefix = "/api", endpoint = "community/search")]
pub async fn search_forum(query: String) -> Result<SearchResults, AppError> {
    use crate::auth::guard::{authorize, Access};
    authorize(Access::Public).await?;
    let query = query.trim().to_string();
    if query.chars().count() > SEARCH_QUERY_MAX_CHARS {
        return Err(AppError::invalid(
            "q",
            format!("Search for at most {SEARCH_QUERY_MAX_CHARS} characters."),
        ));
    }
    let words: Vec<String> = query
        .split_whitespace()
        .take(8)
        .map(str::to_string)
        .collect();
    let db = crate::state::app_state()?.db;
    let threads = crate::data::community::search_threads(&db, &words, 50).await?;
    Ok(SearchResults { query, threads })
}

#[server(prefix = "/api", endpoint = "community/stories")]
pub async fn published_stories() -> Result<Vec<PublishedStory>, AppError> {
    use crate::auth::guard::{authorize, Access};
    authorize(Access::Public).await?;
    let db = crate::state::app_state()?.db;
    Ok(crate::data::stories::published_stories(&db, 50).await?)
}

#[server(prefix = "/api", endpoint = "community/quotes")]
pub async fn published_quotes() -> Result<Vec<PublishedQuote>, AppError> {
    use crate::auth::guard::{authorize, Access};
    authorize(Access::Public).await?;
    let db = crate::state::app_state()?.db;
    Ok(crate::data::stories::published_quotes(&db, 100).await?)
}
