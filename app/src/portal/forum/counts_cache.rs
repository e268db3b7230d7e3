//! Community-wide counts — categories with their thread counts, the portal's totals and
//! happiness strip — cost a scan of the forum (100k threads, 1M posts) but change slowly.
//! Each server keeps them for a few seconds, so busy portal pages read memory instead of
//! scanning on every request. What they show may lag new posts by up to [`COUNTS_TTL`].

use std::future::Future;
use std::time::{Duration, Instant};

use std::sync::{Arc, RwLock};

use tokio::sync::Mutex;

use crate::domain::community::model::{CategorySummary, PortalStats};

/// How long community-wide counts are reused before they are read again.
pub const COUNTS_TTL: Duration = Duration::from_secs(10);

#[derive(Default)]
pub struct CountsCache {
    categories: Arc<Memo<Vec<CategorySummary>>>,
    stats: Arc<Memo<PortalStats>>,
    /// The gratitude wall's (shown, thank-yous) line: counting the survey comments means the
    /// engine reads each one, too much for every view of a public page.
    wall_selection: Arc<Memo<(i64, i64)>>,
}

impl CountsCache {
    pub async fn categories<E, Fut>(&self, load: impl FnOnce() -> Fut) -> Result<Vec<CategorySummary>, E>
    where
        E: std::fmt::Display + Send + 'static,
        Fut: Future<Output = Result<Vec<CategorySummary>, E>> + Send + 'static,
    {
        self.categories.get_or_load(load).await
    }

    pub async fn stats<E, Fut>(&self, load: impl FnOnce() -> Fut) -> Result<PortalStats, E>
    where
        E: std::fmt::Display + Send + 'static,
        Fut: Future<Output = Result<PortalStats, E>> + Send + 'static,
    {
        self.stats.get_or_load(load).await
    }

    pub async fn wall_selection<E, Fut>(&self, load: impl FnOnce() -> Fut) -> Result<(i64, i64), E>
    where
        E: std::fmt::Display + Send + 'static,
        Fut: Future<Output = Result<(i64, i64), E>> + Send + 'static,
    {
        self.wall_selection.get_or_load(load).await
    }
}

/// One value, reloaded when older than [`COUNTS_TTL`]. Only the very first callers wait for
/// a load; once the value has expired, a background task reloads it while every request
/// keeps getting the previous value (a reload scans 100k threads and 1M posts: hundreds of
/// milliseconds under load, which no visitor should wait for).
struct Memo<T> {
    value: RwLock<Option<(Instant, T)>>,
    loading: Arc<Mutex<()>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo { value: RwLock::new(None), loading: Arc::default() }
    }
}

impl<T: Clone + Send + Sync + 'static> Memo<T> {
    fn current(&self) -> Option<(bool, T)> {
        let value = self.value.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        value.as_ref().map(|(loaded_at, value)| (loaded_at.elapsed() < COUNTS_TTL, value.clone()))
    }

    fn store(&self, value: T) {
        let mut slot = self.value.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = Some((Instant::now(), value));
    }

    async fn get_or_load<E, Fut>(self: &Arc<Self>, load: impl FnOnce() -> Fut) -> Result<T, E>
    where
        E: std::fmt::Display + Send + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
    {
        match self.current() {
            Some((true, value)) => return Ok(value),
            Some((false, stale)) => {
                if let Ok(loading) = self.loading.clone().try_lock_owned() {
                    let memo = Arc::clone(self);
                    let reload = load();
                    tokio::spawn(async move {
                        let _loading = loading;
                        match reload.await {
                            Ok(value) => memo.store(value),
                            Err(error) => tracing::warn!(%error, "community counts could not be reloaded; showing the previous ones"),
                        }
                    });
                }
                return Ok(stale);
            }
            None => {}
        }
        let _loading = self.loading.lock().await;
        if let Some((_, value)) = self.current() {
            return Ok(value);
        }
        let value = load().await?;
        self.store(value.clone());
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_fresh_value_is_reused_and_a_failed_first_load_is_not_kept() {
        let memo: Arc<Memo<u32>> = Arc::default();
        assert_eq!(memo.get_or_load(|| async { Err::<u32, &str>("down") }).await, Err("down"));
        assert_eq!(memo.get_or_load(|| async { Ok::<u32, &str>(1) }).await, Ok(1));
        assert_eq!(memo.get_or_load(|| async { Ok::<u32, &str>(2) }).await, Ok(1), "reused while fresh");
    }

    #[tokio::test]
    async fn an_expired_value_is_served_while_it_reloads_in_the_background() {
        let memo: Arc<Memo<u32>> = Arc::default();
        *memo.value.write().unwrap() = Some((Instant::now() - COUNTS_TTL, 1));
        assert_eq!(memo.get_or_load(|| async { Err::<u32, &str>("down") }).await, Ok(1));
        let _ = memo.loading.lock().await;
        assert_eq!(memo.current(), Some((false, 1)), "a failed reload keeps the old value");
        assert_eq!(memo.get_or_load(|| async { Ok::<u32, &str>(2) }).await, Ok(1), "still the old one while reloading");
        let _ = memo.loading.lock().await;
        assert_eq!(memo.get_or_load(|| async { Ok::<u32, &str>(3) }).await, Ok(2), "the reloaded value, fresh");
    }
}
