//! Session tokens and the cookie that carries them.

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use http::request::Parts;
use rand::RngCore;

pub const SESSION_COOKIE: &str = "rapport_session";
/// Over https the cookie carries the `__Host-` prefix: the browser then accepts it only with
/// `Secure`, `Path=/` and no `Domain`, so a sibling subdomain cannot plant one (ASVS 3.4.4).
pub const SECURE_SESSION_COOKIE: &str = "__Host-rapport_session";

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// A new random token (256 bits, hex).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The session token of a request; over https only the `__Host-` cookie counts.
pub fn session_token_from(parts: &Parts, secure: bool) -> Option<String> {
    CookieJar::from_headers(&parts.headers)
        .get(cookie_name(secure))
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn session_cookie(token: &str, days: i64, secure: bool) -> String {
    Cookie::build((cookie_name(secure), token.to_string()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time_days(days))
        .build()
        .to_string()
}

pub fn clearing_cookie(secure: bool) -> String {
    Cookie::build((cookie_name(secure), ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time_days(0))
        .build()
        .to_string()
}

fn time_days(days: i64) -> cookie::time::Duration {
    cookie::time::Duration::days(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_and_same_site_lax() {
        let cookie = session_cookie(&new_token(), 30, false);
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Lax"));
        assert!(!cookie.contains("Secure"));
        let secure = session_cookie("t", 1, true);
        assert!(
            secure.starts_with("__Host-rapport_session=t")
                && secure.contains("Secure")
                && secure.contains("Path=/")
                && !secure.contains("Domain"),
            "{secure}"
        );
        assert!(clearing_cookie(true).starts_with("__Host-rapport_session="));
        assert!(clearing_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn over_https_only_the_host_prefixed_cookie_counts() {
        let token = new_token();
        let request = |cookie: String| http::Request::builder().header("cookie", cookie).body(()).unwrap().into_parts().0;
        let plain = request(format!("rapport_session={token}"));
        let prefixed = request(format!("__Host-rapport_session={token}"));
        assert_eq!(session_token_from(&plain, false).as_deref(), Some(token.as_str()));
        assert_eq!(session_token_from(&plain, true), None, "a cookie planted without the prefix is ignored");
        assert_eq!(session_token_from(&prefixed, true).as_deref(), Some(token.as_str()));
    }

    #[test]
    fn token_hash_depends_on_the_secret() {
        use crate::domain::signing::token_hash;
        let token = new_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token_hash(b"one", &token), token_hash(b"two", &token));
        assert_eq!(token_hash(b"one", &token), token_hash(b"one", &token));
    }
}
