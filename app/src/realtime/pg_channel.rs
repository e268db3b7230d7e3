//! One Postgres `LISTEN` connection for all of the server's channels, kept open for its life:
//! it reconnects when the connection drops, and says so (`on_gap`), because anything sent
//! meanwhile was missed. One connection, because it is held out of the pool for good.

use std::time::Duration;

/// Calls `on_notification(channel, payload)` for every notification on `channels`, and
/// `on_gap` whenever the connection was lost. Returns when the pool closes.
pub async fn listen(pool: sqlx::PgPool, channels: &[&str], on_notification: impl Fn(&str, &str), on_gap: impl Fn()) {
    let mut first = true;
    loop {
        match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(mut listener) => match listener.listen_all(channels.iter().copied()).await {
                Ok(()) => {
                    if !first {
                        on_gap();
                    }
                    first = false;
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(notification)) => on_notification(notification.channel(), notification.payload()),
                            // The connection dropped; the next call reconnects.
                            Ok(None) => {
                                tracing::warn!(?channels, "LISTEN connection lost; reconnecting");
                                on_gap();
                            }
                            Err(error) => {
                                tracing::warn!(?channels, %error, "LISTEN failed; reconnecting");
                                break;
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(?channels, %error, "cannot LISTEN; retrying"),
            },
            Err(error) => tracing::warn!(?channels, %error, "cannot connect to LISTEN; retrying"),
        }
        if pool.is_closed() {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
