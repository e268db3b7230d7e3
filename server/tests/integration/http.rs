//! The real server on a free port: health, sign-up/sign-in, roles, CSRF, rate limits, the API.
//! Multi-threaded runtimes, as in production.

use crate::support::{TestApp, TestDb};
use app::domain::accounts::Role;
use reqwest::StatusCode;

const PASSWORD: &str = "a long enough password";

async fn sign_in(app: &TestApp, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
    app.call(client, "auth/sign_in", &[("email", email), ("password", password), ("next", "")]).await
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("rapport_session="))
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    let client = app.client();
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let health: serde_json::Value = health.json().await.unwrap();
    // The test app has opened its pool and allocated: each of these is a real reading.
    assert!(health["db_connections"].as_u64().is_some_and(|open| open >= 1), "{health}");
    assert!(health["db_connections_idle"].as_u64().is_some(), "{health}");
    if cfg!(not(target_env = "msvc")) {
        assert!(health["heap_in_use_bytes"].as_u64().is_some_and(|bytes| bytes > 0), "{health}");
        assert!(health["heap_resident_bytes"].as_u64().is_some_and(|bytes| bytes > 0), "{health}");
    }
    let ready: serde_json::Value = client.get(app.url("/readyz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready["database"], "ok");
}

async fn sign_up_sign_in_and_roles(app: TestApp) {
    let customer = app.client();
    let signed_up = app
        .call(
            &customer,
            "auth/sign_up",
            &[("display_name", "Ana Silva"), ("email", "Ana@Example.com"), ("password", PASSWORD), ("next", "")],
        )
        .await;
    assert_eq!(signed_up.status(), StatusCode::OK, "{}", signed_up.text().await.unwrap_or_default());
    assert_eq!(signed_up.headers()["location"], "/account");
    let cookie = session_cookie(&signed_up).expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));

    let account = customer.get(app.url("/account")).send().await.unwrap();
    assert_eq!(account.status(), StatusCode::OK);
    assert!(account.text().await.unwrap().contains("Hello, Ana Silva"));

    // A customer is refused the staff areas, as a page and as a server function.
    let workspace = customer.get(app.url("/workspace")).send().await.unwrap();
    assert_eq!(workspace.status(), StatusCode::FORBIDDEN);
    assert!(workspace.text().await.unwrap().contains("have access here"));
    let inbox = app.call(&customer, "workspace/inbox", &[("page", "1")]).await;
    assert_eq!(inbox.status(), StatusCode::FORBIDDEN);
    let body = inbox.text().await.unwrap();
    assert!(body.contains(r#""error":"forbidden""#) && !body.contains("subject"), "no data leaks: {body}");
    assert_eq!(app.call(&customer, "studio/overview", &[]).await.status(), StatusCode::FORBIDDEN);

    // Anonymous callers must sign in.
    let anonymous = app.client();
    assert_eq!(app.page_status(&anonymous, "/workspace").await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.call(&anonymous, "workspace/inbox", &[("page", "1")]).await.status(), StatusCode::UNAUTHORIZED);

    // Staff reach their areas.
    app.create_staff(Role::Agent, "sam@example.com", PASSWORD).await;
    app.create_staff(Role::Marketing, "mia@example.com", PASSWORD).await;
    let agent = app.client();
    let signed_in = sign_in(&app, &agent, "SAM@example.com", PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert_eq!(signed_in.headers()["location"], "/workspace");
    assert_eq!(app.call(&agent, "workspace/inbox", &[("page", "1")]).await.status(), StatusCode::OK);
    assert_eq!(app.page_status(&agent, "/workspace").await, StatusCode::OK);
    assert_eq!(app.call(&agent, "studio/overview", &[]).await.status(), StatusCode::FORBIDDEN);
    let marketing = app.client();
    sign_in(&app, &marketing, "mia@example.com", PASSWORD).await;
    assert_eq!(app.call(&marketing, "studio/overview", &[]).await.status(), StatusCode::OK);

    // One message for an unknown email and for a wrong password.
    let stranger = app.client();
    let wrong_password = sign_in(&app, &stranger, "sam@example.com", "not the password!").await;
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    let unknown = sign_in(&app, &stranger, "nobody@example.com", "not the password!").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.text().await.unwrap(), unknown.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_sign_in_and_roles_on_sqlite() {
    sign_up_sign_in_and_roles(TestApp::spawn(TestDb::sqlite().await).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_sign_in_and_roles_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        sign_up_sign_in_and_roles(TestApp::spawn(db).await).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_reports_each_bad_field() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    let client = app.client();
    for (name, email, password, expected) in [
        ("", "a@example.com", PASSWORD, "Enter your name."),
        ("Ana", "not-an-email", PASSWORD, "Enter an email address like name@example.com."),
        ("Ana", "a@example.com", "short", "Use at least 10 characters"),
        ("Ana", "a@example.com", "password1234", "too easy to guess"),
        ("Ana Lovelace", "ana.lovelace@example.com", "ana.lovelace@example.com", "too easy to guess"),
    ] {
        let response =
            app.call(&client, "auth/sign_up", &[("display_name", name), ("email", email), ("password", password), ("next", "")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains(expected));
    }
    app.call(&client, "auth/sign_up", &[("display_name", "Ana"), ("email", "a@example.com"), ("password", PASSWORD), ("next", "")]).await;
    let duplicate = app
        .call(&app.client(), "auth/sign_up", &[("display_name", "Ana"), ("email", "A@example.com"), ("password", PASSWORD), ("next", "")])
        .await;
    assert_eq!(duplicate.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(duplicate.text().await.unwrap().contains("already exists"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_rotates_the_session_and_sign_out_everywhere_ends_all() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    app.create_staff(Role::Agent, "sam@example.com", PASSWORD).await;
    let laptop = app.client();
    let first = session_cookie(&sign_in(&app, &laptop, "sam@example.com", PASSWORD).await).unwrap();
    let second = session_cookie(&sign_in(&app, &laptop, "sam@example.com", PASSWORD).await).unwrap();
    assert_ne!(first, second, "signing in issues a new session id");
    let phone = app.client();
    sign_in(&app, &phone, "sam@example.com", PASSWORD).await;
    assert_eq!(app.call(&phone, "workspace/inbox", &[("page", "1")]).await.status(), StatusCode::OK);

    let everywhere = app.call(&laptop, "auth/sign_out_everywhere", &[]).await;
    assert_eq!(everywhere.status(), StatusCode::OK);
    assert_eq!(app.call(&phone, "workspace/inbox", &[("page", "1")]).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.call(&laptop, "workspace/inbox", &[("page", "1")]).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_mutations_are_refused() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let sign_in_from = |origin: Option<String>| {
        let mut request = plain.post(app.url("/api/auth/sign_in")).form(&[("email", "a@b.co"), ("password", "x"), ("next", "")]);
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        async move { request.send().await.unwrap() }
    };
    assert_eq!(sign_in_from(None).await.status(), StatusCode::FORBIDDEN);
    let evil = sign_in_from(Some("http://evil.example".into())).await;
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    assert!(evil.text().await.unwrap().contains(r#""error":"cross_site""#));
    // Same host, other scheme: another origin to the browser (review finding).
    let ours = app.url("").trim_end_matches('/').to_string();
    assert_eq!(sign_in_from(Some(ours.replace("http://", "https://"))).await.status(), StatusCode::FORBIDDEN);
    assert_ne!(sign_in_from(Some(ours)).await.status(), StatusCode::FORBIDDEN);
}

/// One person's pages and answers are never kept by a shared cache or the back/forward store
/// (review finding: /workspace and /account lacked `Cache-Control: no-store`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_pages_are_not_stored_by_caches() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    app.create_staff(Role::Agent, "sam@example.com", PASSWORD).await;
    let agent = app.signed_in("sam@example.com", PASSWORD).await;
    for path in ["/workspace", "/account", "/studio", "/forum/moderation", "/account/export.json"] {
        let response = agent.get(app.url(path)).send().await.unwrap();
        let cache = response.headers().get("cache-control").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert_eq!(cache, "no-store", "{path} ({})", response.status());
    }
    let public = agent.get(app.url("/forum")).send().await.unwrap();
    assert!(public.headers().get("cache-control").is_none(), "public pages stay cacheable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_rate_limited_per_address() {
    let app = TestApp::spawn_with(TestDb::sqlite().await, |config| config.sign_in_per_ip_per_minute = 3).await;
    let client = app.client();
    for _ in 0..3 {
        assert_eq!(sign_in(&app, &client, "x@example.com", "wrong password!").await.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = sign_in(&app, &client, "y@example.com", "wrong password!").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.text().await.unwrap().contains("Too many attempts"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_real_data_and_unknown_pages_are_404() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    server::seed::seed_demo(&app.database.db, &server::seed::SeedOptions { customers: 10, threads: 6, ..Default::default() })
        .await
        .unwrap();
    let client = app.client();
    let home = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(html.contains("Latest discussions") && html.contains("Getting started"), "home shows seeded forum data");
    let missing = client.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("We couldn"));

    let sitemap = client.get(app.url("/sitemap.xml")).send().await.unwrap();
    assert_eq!(sitemap.status(), StatusCode::OK);
    assert!(sitemap.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().starts_with("application/xml"));
    let xml = sitemap.text().await.unwrap();
    let origin = app.url("");
    assert!(xml.contains(&format!("<loc>{}/forum/c/getting-started</loc>", origin.trim_end_matches('/'))), "{xml}");
    assert_eq!(xml.matches("/forum/t/").count(), 6, "every seeded thread: {xml}");
    let hostile = client.get(app.url("/sitemap.xml")).header(reqwest::header::HOST, "evil\"><x>").send().await.unwrap();
    // The sitemap names the configured public address, whatever Host the request claims.
    assert_eq!(hostile.status(), StatusCode::OK);
    let xml = hostile.text().await.unwrap();
    assert!(
        !xml.contains("evil") && xml.contains(&format!("<loc>{}/forum/c/getting-started</loc>", origin.trim_end_matches('/'))),
        "{xml}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_requires_a_live_token() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    let secret = app.config.resolve_session_secret().unwrap();
    let token = server::accounts::create_token(&app.database.db, &secret, "helpdesk-sync").await.unwrap();
    let client = reqwest::Client::new();
    let anonymous = client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = anonymous.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    let me: serde_json::Value = client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["token_name"], "helpdesk-sync");
    let missing = client.get(app.url("/api/v1/nothing-here")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    server::accounts::revoke_token(&app.database.db, "helpdesk-sync").await.unwrap();
    assert_eq!(client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

/// A file never carries a page's headers, and every page keeps its own. Leptos' file handler
/// answered a file inside whatever page was last started on the same worker thread and moved
/// that page's headers onto the file: its Content-Security-Policy (the page went out with the
/// default policy and never hydrated — the browser tests' rare flake) and any cookie it set.
/// One thread, pages and files interleaved, as a browser loads them; the pages are the inbox,
/// which sends its first byte only once its data is loaded (the window in which a file could
/// take its headers).
#[tokio::test(flavor = "current_thread")]
async fn files_never_take_a_page_s_headers() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    let seed = server::seed::SeedOptions { customers: 20, threads: 2, ..Default::default() };
    server::seed::seed_demo(&app.database.db, &seed).await.expect("seed");
    let agent = app.signed_in("agent@rapport.demo", server::seed::DEMO_PASSWORD).await;
    let requests = (0..80).map(|n| {
        let path = if n % 2 == 0 { "/workspace" } else { "/favicon.svg" };
        let request = agent.get(app.url(path)).send();
        async move { (path, request.await.unwrap_or_else(|error| panic!("{path}: {error}"))) }
    });
    for (path, response) in futures::future::join_all(requests).await {
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let policy = response.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        if path == "/favicon.svg" {
            assert!(!policy.contains("'nonce-"), "a file took a page's policy: {policy}");
            assert!(response.headers().get("set-cookie").is_none(), "a file took a page's cookie");
        } else {
            assert!(policy.contains("'nonce-"), "a page lost its policy: {policy}");
        }
    }
}

/// Security headers (ASVS 14.4) on pages, the API, the embeds and files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_security_headers() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    let client = app.client();
    struct Fetched(reqwest::header::HeaderMap);
    impl Fetched {
        fn headers(&self) -> &reqwest::header::HeaderMap {
            &self.0
        }
    }
    let header = |response: &Fetched, name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    for path in [
        "/",
        "/signin",
        "/stories",
        "/healthz",
        "/api/v1/customers",
        "/stories/feed.xml",
        "/embed/stories",
        "/no/such/page",
        "/favicon.svg",
    ] {
        let response = client.get(app.url(path)).send().await.unwrap_or_else(|error| panic!("{path}: {error}"));
        let headers = response.headers().clone();
        let html = response.text().await.unwrap_or_else(|error| panic!("{path}: {error}"));
        let response = Fetched(headers);
        assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{path}");
        assert!(!header(&response, "referrer-policy").is_empty(), "{path}");
        let policy = header(&response, "content-security-policy");
        assert!(policy.contains("default-src"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(header(&response, "strict-transport-security").is_empty(), "{path}: no HSTS over plain http");
        if path.starts_with("/embed/") {
            assert!(
                policy.contains("frame-ancestors *") && header(&response, "x-frame-options").is_empty(),
                "{path}: embeds may be framed"
            );
        } else {
            assert!(policy.contains("frame-ancestors 'none'") && header(&response, "x-frame-options") == "DENY", "{path}: {policy}");
        }
        // A rendered page's inline scripts carry the nonce its policy allows, and no other.
        if let Some(nonce) = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()) {
            for script in html.split("<script").skip(1) {
                let tag = script.split('>').next().unwrap_or("");
                assert!(
                    tag.contains(" src=") || tag.contains(&format!("nonce=\"{nonce}\"")),
                    "{path}: an inline script without the nonce: <script{tag}>"
                );
            }
        }
    }
    let policy_of = |response: reqwest::Response| Fetched(response.headers().clone());
    let first = header(&policy_of(client.get(app.url("/signin")).send().await.unwrap()), "content-security-policy");
    let again = header(&policy_of(client.get(app.url("/signin")).send().await.unwrap()), "content-security-policy");
    assert!(first.contains("'nonce-") && first != again, "a fresh nonce per page: {first}");
}
