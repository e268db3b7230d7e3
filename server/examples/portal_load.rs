//! Public portal pages under load: requests sent at a fixed rate (open loop: a slow response
//! never delays the next request, so queueing shows up in the latencies) to a mix of the
//! portal's pages — home, forum, categories, threads (from `/sitemap.xml`), search, stories,
//! the wall — then one row per page kind: count, errors, p50/p95/p99/max in ms, measured at
//! the client (an upper bound of the server's time: it includes the local connection),
//! after an untimed warm-up request per page.
//!   RAPPORT_URL=http://127.0.0.1:3954 cargo run --release -p server --example portal_load -- [rate/s] [seconds]
//! With `WITH_INBOX=1` every tenth request is the agent's inbox or one of its conversations,
//! signed in as the demo agent (the soak test's mix, `.dev/soak`).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const SEARCHES: &[&str] = &["refund", "invoice plan", "deliv", "password reset", "thank"];

/// Every n-th request of the mix goes to each kind; threads get most, as on a real forum.
const MIX: &[&str] = &[
    "thread", "thread", "thread", "thread", "thread", "home", "category", "thread", "forum", "search", "thread", "thread", "category",
    "stories", "wall", "thread", "home", "thread", "thread", "category",
];

fn locations(sitemap: &str) -> Vec<String> {
    sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split("</loc>").next())
        .filter_map(|url| url.find("://").and_then(|i| url[i + 3..].find('/').map(|j| url[i + 3 + j..].to_string())))
        .collect()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let rate: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let base = std::env::var("RAPPORT_URL").expect("RAPPORT_URL");
    // A response not complete in 15 s counts as an error (a stall), never as a hang of the run.
    let client = reqwest::Client::builder().pool_max_idle_per_host(512).timeout(Duration::from_secs(15)).build().unwrap();
    let with_inbox = std::env::var("WITH_INBOX").is_ok_and(|value| value == "1");
    let agent = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(15))
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut conversations = Vec::new();
    if with_inbox {
        let signed_in = agent
            .post(format!("{base}/api/auth/sign_in"))
            .header("origin", &base)
            .form(&[("email", "agent@rapport.demo"), ("password", "rapport-demo-password"), ("next", "")])
            .send()
            .await
            .unwrap();
        assert!(signed_in.status().is_success() || signed_in.status().is_redirection(), "agent sign-in: {}", signed_in.status());
        let inbox = agent.get(format!("{base}/workspace")).send().await.unwrap().text().await.unwrap();
        conversations =
            inbox.split("/workspace/c/").skip(1).filter_map(|rest| rest.split('"').next()).map(|id| format!("/workspace/c/{id}")).collect();
        assert!(!conversations.is_empty(), "the inbox lists no conversations");
    }
    let sitemap = client.get(format!("{base}/sitemap.xml")).send().await.unwrap().text().await.unwrap();
    let paths = locations(&sitemap);
    let threads: Vec<String> = paths.iter().filter(|p| p.starts_with("/forum/t/")).cloned().collect();
    let categories: Vec<String> = paths.iter().filter(|p| p.starts_with("/forum/c/")).cloned().collect();
    assert!(!threads.is_empty() && !categories.is_empty(), "the sitemap lists no threads or categories: seed the forum first");

    let path_for = |n: usize, kind: &str| -> String {
        match kind {
            "home" => "/".into(),
            "forum" => "/forum".into(),
            "stories" => "/stories".into(),
            "wall" => "/wall".into(),
            "category" => categories[n % categories.len()].clone(),
            "search" => format!("/search?q={}", SEARCHES[n % SEARCHES.len()].replace(' ', "+")),
            "inbox" => "/workspace".into(),
            "conversation" => conversations[n % conversations.len()].clone(),
            // Spread over all threads, not the first few (a cache would flatter those).
            _ => threads[(n.wrapping_mul(7919)) % threads.len()].clone(),
        }
    };

    // Warm-up, untimed: each page kind once, so the first loads (caches, SQLite pages) do
    // not count; a server that has just started is measured separately if at all.
    for n in 0..MIX.len().max(SEARCHES.len()) {
        for kind in ["home", "forum", "stories", "wall", "category", "search", "thread"] {
            let response = client.get(format!("{base}{}", path_for(n, kind))).send().await.unwrap();
            assert!(response.status().is_success(), "{kind}: {}", response.status());
            // Read whole: a body left unread is a page given up on, not a page served.
            response.bytes().await.unwrap();
        }
    }

    let total = (rate * seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    let mut requests = Vec::with_capacity(total);
    for n in 0..total {
        ticker.tick().await;
        let kind = match MIX[n % MIX.len()] {
            _ if with_inbox && n % 20 == 9 => "inbox",
            _ if with_inbox && n % 20 == 19 => "conversation",
            kind => kind,
        };
        let url = format!("{base}{}", path_for(n, kind));
        let client = if matches!(kind, "inbox" | "conversation") { agent.clone() } else { client.clone() };
        requests.push(tokio::spawn(async move {
            let sent = Instant::now();
            let ok = match client.get(&url).send().await {
                Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                Err(_) => false,
            };
            (kind, ok, sent.elapsed().as_secs_f64() * 1000.0)
        }));
    }
    let sending = started.elapsed().as_secs_f64();
    let mut by_kind: BTreeMap<&str, (Vec<f64>, usize)> = BTreeMap::new();
    for request in requests {
        let (kind, ok, ms) = request.await.unwrap();
        for key in [kind, "all"] {
            let entry = by_kind.entry(key).or_default();
            entry.0.push(ms);
            if !ok {
                entry.1 += 1;
            }
        }
    }
    println!(
        "{total} requests at {rate}/s (sent in {sending:.1} s), {} threads and {} categories in the mix",
        threads.len(),
        categories.len()
    );
    println!("{:<10} {:>7} {:>7} {:>8} {:>8} {:>8} {:>8}", "page", "count", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms");
    for (kind, (mut times, errors)) in by_kind {
        times.sort_by(|a, b| a.total_cmp(b));
        let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        println!(
            "{kind:<10} {:>7} {errors:>7} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            times.len(),
            p(0.5),
            p(0.95),
            p(0.99),
            times[times.len() - 1]
        );
    }
}
