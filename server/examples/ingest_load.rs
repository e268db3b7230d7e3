//! Ingestion throughput: posts messages to a running server with many requests in flight and
//! prints messages per second. Every message is scored and the conversation's risk
//! recomputed, as in production. With a batch size above 1 the messages go to
//! `/api/v1/messages/batch`, that many per request; otherwise one per `/api/v1/messages`.
//!   RAPPORT_URL=http://127.0.0.1:3952 RAPPORT_TOKEN=... cargo run --release -p server --example ingest_load -- 20000 64 [batch]

use std::sync::Arc;
use std::time::Instant;

const BODIES: &[&str] = &[
    "You charged my card twice for $129.00. This is the third time I'm asking! Please refund the duplicate today.",
    "Great, another delay. Order #482913 was supposed to arrive last week and I'm still waiting.",
    "Just wanted to say thank you! Sam solved my problem in minutes and was so kind about it.",
    "Hi, my latest invoice lists the Pro plan but I'm on Plus. Could you correct it when you have a moment?",
    "I can't log in since the update, the reset link never arrives. I'm worried I'll lose my data.",
];

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let total: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let in_flight: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(64);
    let batch: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1).max(1);
    let base = std::env::var("RAPPORT_URL").expect("RAPPORT_URL");
    let token = std::env::var("RAPPORT_TOKEN").expect("RAPPORT_TOKEN");
    let client = reqwest::Client::builder().pool_max_idle_per_host(in_flight).build().unwrap();
    let customers = 500;
    for n in 0..customers {
        let response = client
            .post(format!("{base}/api/v1/customers"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"external_ref": format!("load-{n}"), "name": format!("Load Customer {n}")}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
    }
    let run = format!("{}", std::process::id());
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..in_flight)
        .map(|_| {
            let (client, base, token, next, run) = (client.clone(), base.clone(), token.clone(), next.clone(), run.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let first = next.fetch_add(batch, std::sync::atomic::Ordering::Relaxed);
                    if first >= total {
                        break latencies;
                    }
                    let message = |n: usize| {
                        serde_json::json!({
                            "idempotency_key": format!("load-{run}-{n}"),
                            "customer_ref": format!("load-{}", n % customers),
                            "subject": "Load test",
                            "channel": "email",
                            "direction": "inbound",
                            "body": BODIES[n % BODIES.len()],
                        })
                    };
                    let (path, body, expected) = if batch == 1 {
                        ("messages", message(first), 201)
                    } else {
                        let messages: Vec<_> = (first..(first + batch).min(total)).map(message).collect();
                        ("messages/batch", serde_json::json!({ "messages": messages }), 200)
                    };
                    let sent = Instant::now();
                    let response = client.post(format!("{base}/api/v1/{path}")).bearer_auth(&token).json(&body).send().await.unwrap();
                    assert_eq!(response.status().as_u16(), expected, "{:?}", response.text().await);
                    latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                }
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort_by(|a, b| a.total_cmp(b));
    let p = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{{\"messages\": {total}, \"batch\": {batch}, \"in_flight\": {in_flight}, \"seconds\": {seconds:.2}, \"per_second\": {:.0}, \"p50_ms\": {:.1}, \"p95_ms\": {:.1}, \"p99_ms\": {:.1}}}",
        total as f64 / seconds,
        p(0.5),
        p(0.95),
        p(0.99)
    );
}
