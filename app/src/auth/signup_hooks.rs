//! What other areas do when a person signs up, without sign-up knowing them: the server
//! registers the hooks when it assembles the state (today the studio's ripple report credits
//! the story the person read just before). A hook must not fail the sign-up; it logs instead.

use http::request::Parts;

use crate::state::AppState;

/// Runs every registered hook, in order.
pub async fn after_signup(state: &AppState, parts: &Parts, user_id: i64) {
    for hook in state.signup_hooks.iter() {
        hook(state, parts, user_id).await;
    }
}
