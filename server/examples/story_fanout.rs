//! Fan-out of live stories: N browsers' worth of `/api/live/stories` connections to a running
//! server, then E story changes made through the studio; prints the delivery latency over all
//! subscribers (change request sent → event received) and the server's memory per subscriber.
//!   story_fanout <base url> <server pid> <subscribers> <events> <story id>
//! Used by `.dev/bench-fanout`, which starts a release server on seeded demo data.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

/// Delivery latencies, written by every subscriber task: a plain mutex held for one push
/// (an async mutex here made the measuring itself the bottleneck), and a counter the main
/// task polls without taking the lock.
#[derive(Default)]
struct Deliveries {
    latencies_ms: Mutex<Vec<f64>>,
    count: AtomicUsize,
}

impl Deliveries {
    fn record(&self, started: Instant) {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        self.latencies_ms.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(ms);
        self.count.fetch_add(1, Ordering::Release);
    }

    fn sorted(&self) -> Vec<f64> {
        let mut all = self.latencies_ms.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        all.sort_by(|a, b| a.total_cmp(b));
        all
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| status.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// One subscriber: reads the stream and, for every `event: story`, records how long after the
/// current change's start it arrived.
async fn subscriber(
    address: String,
    ready: Arc<tokio::sync::Semaphore>,
    start: watch::Receiver<Option<Instant>>,
    deliveries: Arc<Deliveries>,
) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(&address).await?;
    stream.write_all(format!("GET /api/live/stories HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n").as_bytes()).await?;
    let mut buffer = vec![0u8; 16 * 1024];
    let mut seen_snapshot = false;
    loop {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Ok(());
        }
        let received = &buffer[..read];
        if !seen_snapshot && contains(received, b"event: snapshot") {
            seen_snapshot = true;
            ready.add_permits(1);
        }
        if seen_snapshot && contains(received, b"event: story") {
            let started = *start.borrow();
            if let Some(started) = started {
                deliveries.record(started);
            }
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    anyhow::ensure!(args.len() == 6, "usage: story_fanout <base url> <server pid> <subscribers> <events> <story id>");
    let base = args[1].trim_end_matches('/').to_string();
    let pid: u32 = args[2].parse()?;
    let subscribers: usize = args[3].parse()?;
    let events: usize = args[4].parse()?;
    let story = args[5].clone();
    let address = base.trim_start_matches("http://").to_string();

    let before = rss_kib(pid);
    let ready = Arc::new(tokio::sync::Semaphore::new(0));
    let (start_tx, start_rx) = watch::channel(None);
    let deliveries = Arc::new(Deliveries::default());
    let connecting = Instant::now();
    for n in 0..subscribers {
        tokio::spawn(subscriber(address.clone(), ready.clone(), start_rx.clone(), deliveries.clone()));
        if n % 500 == 499 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let all = ready.acquire_many(subscribers as u32).await?;
    all.forget();
    let connected_in = connecting.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(pid);

    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let signed_in = client
        .post(format!("{base}/api/auth/sign_in"))
        .header("Origin", &base)
        .form(&[("email", "marketing@rapport.demo"), ("password", "rapport-demo-password"), ("next", "")])
        .send()
        .await?;
    anyhow::ensure!(signed_in.status().as_u16() < 400, "sign in failed: {}", signed_in.status());
    for n in 0..events {
        let expected = subscribers * (n + 1);
        let action = if n % 2 == 0 { "unfeature" } else { "feature" };
        start_tx.send(Some(Instant::now()))?;
        let changed = client
            .post(format!("{base}/api/stories/publishing"))
            .header("Origin", &base)
            .form(&[("id", story.as_str()), ("action", action)])
            .send()
            .await?;
        anyhow::ensure!(changed.status().as_u16() < 400, "{action} failed: {}", changed.status());
        let waiting = Instant::now();
        while deliveries.count.load(Ordering::Acquire) < expected && waiting.elapsed() < Duration::from_secs(30) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let all = deliveries.sorted();
    let delivered = all.len();
    println!("| subscribers | connected in | events | deliveries | p50 ms | p95 ms | p99 ms | max ms | server RSS before → after | per subscriber |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {subscribers} | {:.1} s | {events} | {delivered} of {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0} → {:.0} MiB | {:.1} KiB |",
        connected_in.as_secs_f64(),
        subscribers * events,
        percentile(&all, 0.5),
        percentile(&all, 0.95),
        percentile(&all, 0.99),
        all.last().copied().unwrap_or(f64::NAN),
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        after.saturating_sub(before) as f64 / subscribers as f64
    );
    Ok(())
}
