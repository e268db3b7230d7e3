//! A webhook receiver on a free port: answers every POST to `/hook` with one status and keeps
//! what it was sent (headers and body), for the webhook and scale-out tests.

use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;

pub type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// The receiver's URL and what it has received so far.
pub async fn start(status: u16) -> (String, Received) {
    let received: Received = Arc::default();
    let store = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push((headers, body));
                axum::http::StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}/hook"), received)
}
