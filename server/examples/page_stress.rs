//! Hammers every server-rendered route with many concurrent clients and counts the responses
//! that are not complete within 5 s (a stall). Signed in where a page needs it (customer,
//! agent, marketing, admin demo accounts). A stalled response's body so far is kept in
//! `target/stress/` and its last bytes printed: they show which `Suspense` never resolved
//! (its fallback is the last thing sent). Exit code 1 on any stall or failed request.
//!   RAPPORT_URL=http://127.0.0.1:3955 cargo run -p server --example page_stress -- [clients] [seconds]
//! `.dev/stress-pages` seeds a database, starts the server and runs this on SQLite and Postgres.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const STALL_AFTER: Duration = Duration::from_secs(5);
const DEMO_PASSWORD: &str = "rapport-demo-password";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Customer,
    Agent,
    Marketing,
    Admin,
}

struct Outcome {
    route: String,
    /// When the response ended, in whole minutes since the run began: throughput per minute
    /// tells a server that slows down over a run from one that is slow throughout.
    minute: usize,
    ms: f64,
    problem: Option<String>,
}

async fn signed_in(base: &str, who: Who) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    let email = match who {
        Who::Anonymous => return client,
        Who::Customer => "customer@rapport.demo",
        Who::Agent => "agent@rapport.demo",
        Who::Marketing => "marketing@rapport.demo",
        Who::Admin => "admin@rapport.demo",
    };
    let response = client
        .post(format!("{base}/api/auth/sign_in"))
        .header("origin", base)
        .form(&[("email", email), ("password", DEMO_PASSWORD), ("next", "")])
        .send()
        .await
        .expect("sign in");
    assert!(response.status().is_success() || response.status().is_redirection(), "sign in as {who:?}: {}", response.status());
    client
}

/// Ids found in a page's links, e.g. `/workspace/c/` → conversation ids.
fn linked(html: &str, prefix: &str) -> Vec<String> {
    html.split(prefix)
        .skip(1)
        .filter_map(|rest| {
            let id: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            (!id.is_empty()).then(|| format!("{prefix}{id}"))
        })
        .collect()
}

async fn routes(base: &str, clients: &BTreeMap<Who, reqwest::Client>) -> Vec<(Who, String)> {
    let page = |who: Who, path: &str| {
        let client = clients[&who].clone();
        let url = format!("{base}{path}");
        async move { client.get(url).send().await.expect("discovery request").text().await.unwrap_or_default() }
    };
    let forum = page(Who::Anonymous, "/forum").await;
    let home = page(Who::Anonymous, "/").await;
    let stories = page(Who::Anonymous, "/stories").await;
    let inbox = page(Who::Agent, "/workspace").await;
    let mut routes: Vec<(Who, String)> =
        ["/", "/forum", "/stories", "/wall", "/search?q=refund", "/search?q=thank+you", "/signin", "/signup"]
            .into_iter()
            .map(|path| (Who::Anonymous, path.to_string()))
            .collect();
    let found = [linked(&forum, "/forum/c/"), linked(&home, "/forum/t/"), linked(&home, "/u/"), linked(&stories, "/stories/")];
    for paths in found {
        routes.extend(paths.into_iter().take(5).map(|path| (Who::Anonymous, path)));
    }
    routes.extend(["/account", "/forum/new", "/"].map(|path| (Who::Customer, path.to_string())));
    routes.extend(
        ["/workspace", "/workspace?risk=critical", "/workspace/outbox", "/workspace/coaching", "/workspace/kpis", "/forum/moderation"]
            .map(|path| (Who::Agent, path.to_string())),
    );
    routes.extend(linked(&inbox, "/workspace/c/").into_iter().take(10).map(|path| (Who::Agent, path)));
    routes.extend(
        ["/studio", "/studio/stories", "/studio/stories/new", "/studio/ripple", "/studio/quotes", "/studio/journeys"]
            .map(|path| (Who::Marketing, path.to_string())),
    );
    routes.extend(["/workspace/webhooks", "/account"].map(|path| (Who::Admin, path.to_string())));
    routes.sort();
    routes.dedup();
    routes
}

/// One request, read to its end chunk by chunk, with a stall reported with the bytes so far.
async fn fetch(
    client: &reqwest::Client,
    base: &str,
    who: Who,
    path: &str,
    stalls: &std::path::Path,
    n: usize,
    run_began: Instant,
) -> Outcome {
    let route = format!("{who:?} {path}");
    let started = Instant::now();
    let mut body = Vec::new();
    let read = async {
        let mut response = client.get(format!("{base}{path}")).send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
            body.extend_from_slice(&chunk);
        }
        if status.is_server_error() {
            return Err(format!("status {status}"));
        }
        Ok(())
    };
    let problem = match tokio::time::timeout(STALL_AFTER, read).await {
        Ok(Ok(())) => None,
        Ok(Err(error)) => Some(format!("failed: {error}")),
        Err(_) => {
            let file = stalls.join(format!("stall-{n}.html"));
            let _ = std::fs::write(&file, &body);
            let text = String::from_utf8_lossy(&body);
            let tail: String = text.chars().rev().take(300).collect::<Vec<_>>().into_iter().rev().collect();
            Some(format!("STALLED after {} bytes ({}); last bytes: {tail}", body.len(), file.display()))
        }
    };
    let minute = (run_began.elapsed().as_secs() / 60) as usize;
    Outcome { route, minute, ms: started.elapsed().as_secs_f64() * 1000.0, problem }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let concurrency: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(32);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(60);
    let base = std::env::var("RAPPORT_URL").expect("RAPPORT_URL");
    let stalls = std::path::PathBuf::from(std::env::var("STRESS_OUT").unwrap_or_else(|_| "target/stress".into()));
    std::fs::create_dir_all(&stalls).expect("stall directory");

    let mut clients = BTreeMap::new();
    for who in [Who::Anonymous, Who::Customer, Who::Agent, Who::Marketing, Who::Admin] {
        clients.insert(who, signed_in(&base, who).await);
    }
    let routes = std::sync::Arc::new(routes(&base, &clients).await);
    println!("{} routes, {concurrency} concurrent clients, {seconds} s", routes.len());

    let run_began = Instant::now();
    let until = run_began + Duration::from_secs(seconds);
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let (routes, clients, base, stalls) = (routes.clone(), clients.clone(), base.clone(), stalls.clone());
        workers.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            let mut n = worker;
            while Instant::now() < until {
                let (who, path) = &routes[n.wrapping_mul(7919) % routes.len()];
                outcomes.push(fetch(&clients[who], &base, *who, path, &stalls, n, run_began).await);
                n += concurrency;
            }
            outcomes
        }));
    }
    let mut by_route: BTreeMap<String, (Vec<f64>, Vec<String>)> = BTreeMap::new();
    let mut per_minute: BTreeMap<usize, usize> = BTreeMap::new();
    for worker in workers {
        for outcome in worker.await.expect("worker") {
            *per_minute.entry(outcome.minute).or_default() += 1;
            let entry = by_route.entry(outcome.route).or_default();
            entry.0.push(outcome.ms);
            entry.1.extend(outcome.problem);
        }
    }
    let (mut total, mut problems) = (0, 0);
    println!("{:<44} {:>7} {:>9} {:>8} {:>8}", "route", "count", "problems", "p50 ms", "max ms");
    for (route, (times, route_problems)) in &mut by_route {
        times.sort_by(|a, b| a.total_cmp(b));
        total += times.len();
        problems += route_problems.len();
        println!(
            "{route:<44} {:>7} {:>9} {:>8.1} {:>8.1}",
            times.len(),
            route_problems.len(),
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
    for (route, (_, route_problems)) in &by_route {
        for problem in route_problems.iter().take(3) {
            println!("  {route}: {problem}");
        }
    }
    let rates: Vec<String> = per_minute.iter().map(|(minute, count)| format!("{minute}: {:.0}/s", *count as f64 / 60.0)).collect();
    println!("requests per second by minute of the run (the last minute may be partial): {}", rates.join(", "));
    println!("{total} requests, {problems} stalled or failed");
    if problems > 0 {
        std::process::exit(1);
    }
}
