//! Bare axum serving one file (tower-http's `ServeFile`, no Rapport code), as the baseline
//! the load harness compares a server-rendered page with: the same bytes, the same machine,
//! the same load tool, in the same run. Like Rapport's server it turns off Nagle's algorithm
//! (otherwise delayed ACKs add 40 ms to every response and the baseline means nothing).
//!   cargo run --release -p server --example static_page -- FILE ADDRESS

use axum::Router;
use tower_http::services::ServeFile;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(address)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: static_page FILE ADDRESS (e.g. /tmp/home.html 127.0.0.1:3999)");
    };
    anyhow::ensure!(std::path::Path::new(&file).is_file(), "no file at {file}");
    let app = Router::new().route_service("/", ServeFile::new(file));
    let listener = tokio::net::TcpListener::bind(&address).await?;
    axum::serve(server::http::without_nagle(listener), app).await?;
    Ok(())
}
