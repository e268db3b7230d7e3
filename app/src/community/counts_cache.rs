//! Community-wide counts — categories with their thread counts, the portal's totals and
//! happiness strip — cost a scan of the forum (100k threads, 1M posts) but change slowly.
//! Each server keeps them for a few seconds, so busy portal pages read memory instead of
//! scanning on every request. What they show may lag new posts by up to [`COUNTS_TTL`].

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::model::{CategorySummary, PortalStats};

/// How long community-wide counts are reused before they are read again.
pub const COUNTS_TTL: Duration = Duration::from_secs(10);

#[derive(Default)]
pub struct CountsCache {
    categories: Memo<Vec<CategorySummary>>,
    stats: Memo<PortalStats>,
}

impl CountsCache {
    pub async fn categories<E, Fut>(&self, load: impl FnOnce() -> Fut) -> Result<Vec<CategorySummary>, E>
    where
        Fut: Future<Output = Result<Vec<CategorySummary>, E>>,
    {
        self.categories.get_or_load(load).await
    }

    pub async fn stats<E, Fut>(&self, load: impl FnOnce() -> Fut) -> Result<PortalStats, E>
    where
        Fut: Future<Output = Result<PortalStats, E>>,
    {
        self.stats.get_or_load(load).await
    }
}

/// One value, reloaded when older than [`COUNTS_TTL`]. Concurrent callers wait for a single
/// load instead of all scanning at once when it has expired.
struct Memo<T> {
    slot: Mutex<Option<(Instant, T)>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo { slot: Mutex::new(None) }
    }
}

impl<T: Clone> Memo<T> {
    async fn get_or_load<E, Fut>(&self, load: impl FnOnce() -> Fut) -> Result<T, E>
    where
        Fut: Future<Output = Result<T, E>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some((loaded_at, value)) = slot.as_ref() {
            if loaded_at.elapsed() < COUNTS_TTL {
                return Ok(value.clone());
            }
        }
        let value = load().await?;
        *slot = Some((Instant::now(), value.clone()));
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_fresh_value_is_reused_and_a_failed_load_is_not_kept() {
        let memo: Memo<u32> = Memo::default();
        assert_eq!(memo.get_or_load(|| async { Err::<u32, &str>("down") }).await, Err("down"));
        assert_eq!(memo.get_or_load(|| async { Ok::<u32, &str>(1) }).await, Ok(1));
        assert_eq!(memo.get_or_load(|| async { Ok::<u32, &str>(2) }).await, Ok(1), "reused while fresh");
    }
}
