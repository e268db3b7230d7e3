//! The customer's side of consent: answering in their account or through the emailed link,
//! and withdrawing with one click.

use leptos::prelude::*;

use crate::domain::stories::model::CustomerStory;
use crate::error::AppError;

/// The consent email: the exact text, how to answer, and that saying no changes nothing.
pub fn consent_email(customer_name: &str, text: &str, link: &str, site: &str) -> String {
    let quoted: String = text.lines().map(|line| format!("> {line}\n")).collect();
    format!(
        "Hello {customer_name},\n\nWe would like to share how we solved your problem with our community, so others can see what to expect. \
         This is exactly what would be published:\n\n{quoted}\nYou decide. Agree or decline here: {link}\n\
         (or in your account at {}/account). Declining changes nothing about your support. \
         If you agree, you can withdraw at any time with one click, and the story disappears everywhere at once.\n",
        site.trim_end_matches('/')
    )
}

#[cfg(feature = "ssr")]
fn parse_answer(answer: &str) -> Result<crate::domain::stories::consent::Decision, AppError> {
    use crate::domain::stories::consent::Decision;
    match answer {
        "grant" => Ok(Decision::Granted),
        "decline" => Ok(Decision::Declined),
        "withdraw" => Ok(Decision::Withdrawn),
        other => Err(AppError::invalid("answer", format!("Unknown answer “{other}”: use grant, decline or withdraw."))),
    }
}

#[cfg(feature = "ssr")]
async fn announce_answer(state: &crate::state::AppState, answered: crate::data::consents::Answered) {
    use crate::data::consents::Subject;
    use crate::realtime::StoryChange;
    if answered.was_published {
        let change = match answered.subject {
            Subject::Story => StoryChange::Removed(answered.id),
            Subject::Quote => StoryChange::QuoteRemoved(answered.id),
        };
        state.story_feed.announce(change).await;
    }
}

#[cfg(feature = "ssr")]
fn map_answer_error(error: crate::data::DataError) -> AppError {
    AppError::not_found_as("There is no such story or quote for your account.")(error)
}

/// The signed-in customer's stories and their consent.
#[server(prefix = "/api", endpoint = "stories/mine")]
pub async fn my_stories() -> Result<Vec<CustomerStory>, AppError> {
    use crate::auth::guard::{require, Access};
    let viewer = require(Access::SignedIn).await?;
    let db = crate::state::app_state()?.db;
    match crate::data::customers::id_by_user(&db, viewer.user_id).await? {
        Some(customer_id) => Ok(crate::data::consents::customer_stories(&db, customer_id).await?),
        None => Ok(Vec::new()),
    }
}

/// `answer`: grant, decline or withdraw — about one of the signed-in customer's stories
/// (`kind` "story", the default) or quotes (`kind` "quote").
#[server(prefix = "/api", endpoint = "stories/answer")]
pub async fn answer_my_story(story_id: i64, answer: String, #[server(default)] kind: String) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    use crate::data::consents::{self, Answerer, Subject};
    let outcome: Result<String, AppError> = async {
        let viewer = require(Access::SignedIn).await?;
        let state = crate::state::app_state()?;
        let customer_id = crate::data::customers::id_by_user(&state.db, viewer.user_id)
            .await?
            .ok_or_else(|| AppError::Forbidden("Consent answers are for customer accounts.".into()))?;
        let answer = parse_answer(&answer)?;
        let subject = match kind.as_str() {
            "" => Subject::Story,
            other => {
                Subject::parse(other).ok_or_else(|| AppError::invalid("kind", format!("Unknown kind “{other}”: use story or quote.")))?
            }
        };
        let answered =
            consents::answer(&state.db, Answerer::Customer { customer_id, subject, id: story_id }, answer, "account", chrono::Utc::now())
                .await
                .map_err(map_answer_error)?;
        announce_answer(&state, answered).await;
        Ok(format!("/account#{}-{story_id}", subject.kind()))
    }
    .await;
    finish_form(outcome)
}

#[cfg(feature = "ssr")]
fn link_hash(token: &str) -> Result<String, AppError> {
    let invalid = || AppError::NotFound("This consent link is not valid. Open the newest email, or answer in your account.".into());
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid());
    }
    let state = crate::state::app_state()?;
    Ok(crate::domain::signing::token_hash(&state.security.secret, token))
}

/// The story or quote a consent link asks about.
#[server(prefix = "/api", endpoint = "stories/by_link")]
pub async fn story_by_link(token: String) -> Result<CustomerStory, AppError> {
    use crate::auth::guard::{authorize, Access};
    authorize(Access::Public).await?;
    let hash = link_hash(&token)?;
    let db = crate::state::app_state()?.db;
    crate::data::consents::subject_by_token(&db, &hash)
        .await
        .map_err(AppError::not_found_as("This consent link is not valid. Open the newest email, or answer in your account."))
}

/// Answers through the emailed link: whoever holds the link is the customer it was sent to.
#[server(prefix = "/api", endpoint = "stories/answer_link")]
pub async fn answer_by_link(token: String, answer: String) -> Result<(), AppError> {
    use crate::auth::guard::{authorize, Access};
    use crate::auth::respond::finish_form;
    use crate::data::consents::{answer as record_answer, Answerer};
    let outcome: Result<String, AppError> = async {
        authorize(Access::Public).await?;
        let decision = parse_answer(&answer)?;
        let hash = link_hash(&token)?;
        let state = crate::state::app_state()?;
        let answered = record_answer(&state.db, Answerer::Link { token_hash: &hash }, decision, "email link", chrono::Utc::now())
            .await
            .map_err(map_answer_error)?;
        announce_answer(&state, answered).await;
        Ok(format!("/consent/{token}"))
    }
    .await;
    finish_form(outcome)
}

#[cfg(test)]
mod tests {
    use super::consent_email;

    #[test]
    fn the_email_quotes_the_exact_text_and_says_how_to_withdraw() {
        let mail = consent_email("Dana", "Title\n\nStory", "https://x.example/consent/abc", "https://x.example/");
        assert!(mail.contains("> Title\n>\n> Story\n") || mail.contains("> Title\n> \n> Story\n"), "{mail}");
        assert!(mail.contains("https://x.example/consent/abc"));
        assert!(mail.contains("https://x.example/account"));
        assert!(mail.contains("withdraw at any time"));
    }
}
