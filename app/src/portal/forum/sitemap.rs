//! `/sitemap.xml` for search engines: the portal's public pages and every forum thread
//! (newest activity first, up to the protocol's 50,000 URLs per file).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

const MAX_URLS: i64 = 50_000;

/// URLs name the configured public address, never the request's `Host` header (which anyone
/// can set, and a cache in front might keep).
pub async fn sitemap_xml(State(state): State<AppState>) -> Response {
    let origin = html_escape::encode_text(state.public_url.trim_end_matches('/')).into_owned();
    let (categories, threads) =
        match (crate::data::community::categories(&state.db).await, crate::data::community::thread_activity(&state.db, MAX_URLS).await) {
            (Ok(categories), Ok(threads)) => (categories, threads),
            (Err(error), _) | (_, Err(error)) => {
                tracing::error!(%error, "sitemap failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
    let mut xml = String::with_capacity(200 + threads.len() * 120);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for path in ["/", "/forum", "/stories", "/wall"] {
        xml.push_str(&format!("<url><loc>{origin}{path}</loc></url>\n"));
    }
    for category in categories {
        // Slugs are lower-case words and hyphens (set by staff), safe in XML and URLs.
        xml.push_str(&format!("<url><loc>{origin}/forum/c/{}</loc></url>\n", category.slug));
    }
    for (id, last_activity) in threads {
        xml.push_str(&format!("<url><loc>{origin}/forum/t/{id}</loc><lastmod>{}</lastmod></url>\n", last_activity.format("%Y-%m-%d")));
    }
    xml.push_str("</urlset>\n");
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response()
}
