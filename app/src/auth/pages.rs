//! Sign-in and sign-up pages. Both work without JavaScript (plain form posts).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::domain::accounts::PASSWORD_MIN_CHARS;
use crate::shell::notice::{form_error, FormError};
use crate::shell::use_session;

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = form_error(session.sign_in.value(), "auth/sign_in");
    let show_password = RwSignal::new(false);
    view! {
        <Title text="Sign in"/>
        <section class="page narrow auth-page">
            <h1>"Sign in"</h1>
            <ActionForm action=session.sign_in attr:class="stack-form" attr:novalidate=true>
                <input type="hidden" name="next" value=next/>
                <FormError message=error/>
                <label for="signin-email">"Email"</label>
                <input id="signin-email" type="email" name="email" autocomplete="email" required/>
                <label for="signin-password">"Password"</label>
                <div class="password-field">
                    <input
                        id="signin-password"
                        name="password"
                        autocomplete="current-password"
                        required
                        type=move || if show_password.get() { "text" } else { "password" }
                    />
                    <button
                        type="button"
                        class="link-button"
                        aria-pressed=move || if show_password.get() { "true" } else { "false" }
                        on:click=move |_| show_password.update(|shown| *shown = !*shown)
                    >
                        {move || if show_password.get() { "Hide password" } else { "Show password" }}
                    </button>
                </div>
                <button type="submit" class="button" disabled=move || session.sign_in.pending().get()>
                    {move || if session.sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p>"New here? " <A href="/signup">"Create an account"</A></p>
        </section>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = form_error(session.sign_up.value(), "auth/sign_up");
    view! {
        <Title text="Join the community"/>
        <section class="page narrow auth-page">
            <h1>"Join the Rapport community"</h1>
            <p class="lede">"Ask questions, help others and see how problems get solved."</p>
            <ActionForm action=session.sign_up attr:class="stack-form" attr:novalidate=true>
                <input type="hidden" name="next" value=next/>
                <FormError message=error/>
                <label for="signup-name">"Your name"</label>
                <input id="signup-name" type="text" name="display_name" autocomplete="name" required maxlength="80"/>
                <label for="signup-email">"Email"</label>
                <input id="signup-email" type="email" name="email" autocomplete="email" required/>
                <label for="signup-password">"Password"</label>
                <input
                    id="signup-password"
                    type="password"
                    name="password"
                    autocomplete="new-password"
                    required
                    minlength=PASSWORD_MIN_CHARS.to_string()
                    aria-describedby="signup-password-hint"
                />
                <p id="signup-password-hint" class="hint">{format!("At least {PASSWORD_MIN_CHARS} characters.")}</p>
                <button type="submit" class="button" disabled=move || session.sign_up.pending().get()>
                    "Create account"
                </button>
            </ActionForm>
            <p>"Already have an account? " <A href="/signin">"Sign in"</A></p>
        </section>
    }
}
