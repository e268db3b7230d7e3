//! The Content-Security-Policy of every response. Pages rendered by Leptos run our own
//! scripts and WASM, plus the inline hydration and resource scripts Leptos writes — those only
//! with this response's nonce, so injected markup cannot run script. Embeds set their own,
//! framable policy (`stories::embed`); everything else gets [`DEFAULT_POLICY`].

/// For responses that are not Leptos pages (API, files, feeds): no inline script at all.
pub const DEFAULT_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The policy of a rendered page whose inline scripts carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets the page's policy on the response being rendered (call from the shell).
#[cfg(feature = "ssr")]
pub fn apply_to_page() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) else { return };
    if let Ok(value) = http::HeaderValue::from_str(&page_policy(&nonce)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_allow_only_their_own_nonce_and_no_inline_anything_else() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-abc123';"));
        for policy in [policy.as_str(), DEFAULT_POLICY] {
            assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"), "{policy}");
            assert!(policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"));
        }
    }
}
