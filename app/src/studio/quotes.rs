//! `/studio/quotes`: the studio side of the gratitude wall. Thank-you messages the engine
//! detected are proposed, the customer consents to the exact words and naming, and only then
//! does marketing put them on the wall (`portal::wall`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::format::when;
use crate::domain::stories::model::Publication;
use crate::domain::stories::quotes::{GratitudeCandidate, StudioQuote};
use crate::error::AppError;
use crate::shell::frame::StaffPage;
use crate::shell::notice::{form_error, loaded, FormError};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteStudio {
    pub candidates: Vec<GratitudeCandidate>,
    pub quotes: Vec<StudioQuote>,
    /// The public address, for links in mail snippets.
    pub site: String,
}

#[server(prefix = "/api", endpoint = "wall/studio")]
pub async fn load_quote_studio() -> Result<QuoteStudio, AppError> {
    use crate::auth::guard::{require, Access};
    require(Access::Roles(crate::domain::accounts::STUDIO_ROLES)).await?;
    let state = crate::state::app_state()?;
    let db = state.db;
    Ok(QuoteStudio {
        site: state.public_url,
        candidates: crate::data::quotes::candidates(&db, chrono::Utc::now() - chrono::Duration::days(30), 30).await?,
        quotes: crate::data::quotes::studio_list(&db, 100).await?,
    })
}

/// Proposes the chosen words of a thank-you message or survey comment (`source`:
/// `message:<id>` or `csat:<id>`) and asks the customer for consent.
#[server(prefix = "/api", endpoint = "wall/propose")]
pub async fn propose_quote(source: String, #[server(default)] quote: String, naming: String) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    use crate::data::{consents::ConsentMail, quotes, DataError};
    use crate::domain::community::naming::Naming;
    let outcome: Result<String, AppError> = async {
        let viewer = require(Access::Roles(crate::domain::accounts::STUDIO_ROLES)).await?;
        let state = crate::state::app_state()?;
        let naming = Naming::parse(&naming).ok_or_else(|| {
            AppError::invalid("naming", "Choose how the customer is named: full name, first name and initial, or anonymous.")
        })?;
        let source = crate::domain::stories::quotes::QuoteSource::parse(&source).map_err(|why| AppError::invalid("source", why))?;
        let (_, customer_name, body) = quotes::source_text(&state.db, source).await.map_err(|error| match error {
            DataError::NotFound => {
                AppError::NotFound(format!("That {} does not exist, or the engine does not read it as a thank-you.", source.label()))
            }
            other => other.into(),
        })?;
        let quote = crate::domain::stories::quotes::checked_quote(&quote, &body).map_err(|why| AppError::invalid("quote", why))?;
        let text = crate::domain::stories::quotes::quote_consent_text(&quote, naming.as_str(), &customer_name);
        let token = crate::auth::session::new_token();
        let token_hash = crate::domain::signing::token_hash(&state.security.secret, &token);
        let link = format!("{}/consent/{token}", state.public_url);
        let mail_body = crate::portal::stories::consent_api::consent_email(&customer_name, &text, &link, &state.public_url);
        let mail = ConsentMail { subject: "May we show your thank-you on our gratitude wall?", body: &mail_body };
        quotes::propose(&state.db, source, &quote, naming, &token_hash, &mail, viewer.user_id, chrono::Utc::now()).await?;
        Ok("/studio/quotes".to_string())
    }
    .await;
    finish_form(outcome)
}

/// `action`: publish (only with consent to the exact words and naming) or unpublish.
#[server(prefix = "/api", endpoint = "wall/change")]
pub async fn change_quote(id: i64, action: String) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    use crate::data::quotes;
    let outcome: Result<String, AppError> = async {
        let viewer = require(Access::Roles(crate::domain::accounts::STUDIO_ROLES)).await?;
        let state = crate::state::app_state()?;
        let now = chrono::Utc::now();
        match action.as_str() {
            "publish" => quotes::publish(&state.db, id, viewer.user_id, now).await?,
            "unpublish" => {
                quotes::unpublish(&state.db, id, now).await?;
                state.story_feed.announce(crate::realtime::StoryChange::QuoteRemoved(id)).await;
            }
            other => return Err(AppError::invalid("action", format!("Unknown action “{other}”: use publish or unpublish."))),
        }
        Ok("/studio/quotes".to_string())
    }
    .await;
    finish_form(outcome)
}

#[component]
pub fn StudioQuotesPage() -> impl IntoView {
    let propose = ServerAction::<ProposeQuote>::new();
    let change = ServerAction::<ChangeQuote>::new();
    let studio = Resource::new(move || (propose.version().get(), change.version().get()), |_| load_quote_studio());
    let propose_error = form_error(propose.value(), "wall/propose");
    let change_error = form_error(change.value(), "wall/change");
    view! {
        <StaffPage title="Gratitude quotes">
            <p class="meta">"Thank-you messages and warm survey comments (score 4 or 5) the emotion engine detected in the last 30 days. Choose the customer's own words — never edited — and ask them; a quote goes on the wall only once they agree, and leaves it the moment they withdraw."</p>
            <FormError message=propose_error/>
            <FormError message=change_error/>
            {loaded(studio, move |studio| {
                let site = studio.site.clone();
                view! {
                <h2>"On the wall and waiting"</h2>
                {if studio.quotes.is_empty() {
                    view! { <p class="empty">"No quotes proposed yet."</p> }.into_any()
                } else {
                    view! {
                        <table class="dense">
                            <thead><tr><th scope="col">"Quote"</th><th scope="col">"Customer"</th><th scope="col">"State"</th><th scope="col">"Consent"</th><th scope="col">"Action"</th></tr></thead>
                            <tbody>
                                {studio.quotes.into_iter().map(|quote| {
                                    let action = match (quote.status, quote.consent.as_deref()) {
                                        (Publication::Published, _) => Some(("unpublish", "Take off the wall")),
                                        (Publication::Withdrawn, _) => None,
                                        (_, Some("granted")) => Some(("publish", "Put on the wall")),
                                        _ => None,
                                    };
                                    view! {
                                        <tr data-studio-quote=quote.id.to_string()>
                                            <td>
                                                {format!("“{}”", quote.quote)}
                                                {(quote.status == Publication::Published).then(|| {
                                                    let said_by = crate::domain::community::naming::public_name(&quote.naming, &quote.customer_name);
                                                    view! {
                                                        <details class="mail-snippet">
                                                            <summary>"HTML for recovery and transactional mail"</summary>
                                                            <pre>{crate::domain::stories::quotes::mail_snippet(&quote.quote, &said_by, &site)}</pre>
                                                        </details>
                                                    }
                                                })}
                                            </td>
                                            <td>{quote.customer_name.clone()}</td>
                                            <td>{quote.status.label()}</td>
                                            <td>{quote.consent.clone().unwrap_or_else(|| "—".into())}</td>
                                            <td>{action.map(|(value, label)| view! {
                                                <ActionForm action=change attr:class="inline-form">
                                                    <input type="hidden" name="id" value=quote.id.to_string()/>
                                                    <input type="hidden" name="action" value=value/>
                                                    <button type="submit" class="button button--small">{label}</button>
                                                </ActionForm>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                <h2>"Thank-you messages and survey comments to propose"</h2>
                {if studio.candidates.is_empty() {
                    view! { <p class="empty">"No new thank-you messages or warm survey comments in the last 30 days."</p> }.into_any()
                } else {
                    studio.candidates.into_iter().map(|candidate| view! { <Candidate candidate propose/> }).collect_view().into_any()
                }}
            }.into_any()})}
        </StaffPage>
    }
}

#[component]
fn Candidate(candidate: GratitudeCandidate, propose: ServerAction<ProposeQuote>) -> impl IntoView {
    let mut choices = crate::domain::stories::draft::sentences(&candidate.body);
    if choices.len() != 1 || choices[0] != candidate.body.trim() {
        choices.insert(0, candidate.body.trim().to_string());
    }
    let origin = match candidate.csat_score {
        Some(score) => format!("survey comment, rated {score:.0} of 5"),
        None => candidate.source.label().to_string(),
    };
    let channel = candidate.channel.clone().unwrap_or_else(|| "no conversation".into());
    view! {
        <article class="card quote-candidate" data-quote-source=candidate.source.key()>
            <p class="meta">{format!("{} · {origin} · {channel} · {}", candidate.customer_name, when(candidate.created_at))}</p>
            <ActionForm action=propose>
                <input type="hidden" name="source" value=candidate.source.key()/>
                <fieldset>
                    <legend>"Words to quote"</legend>
                    {choices.into_iter().enumerate().map(|(index, choice)| view! {
                        <label class="checkbox quote-choice">
                            <input type="radio" name="quote" value=choice.clone() checked=index == 0/>
                            {format!(" “{choice}”")}
                        </label>
                    }).collect_view()}
                </fieldset>
                <label>"Name them as "
                    <select name="naming">
                        <option value="first_name_initial">"First name and initial"</option>
                        <option value="full_name">"Full name"</option>
                        <option value="anonymous">"Anonymous"</option>
                    </select>
                </label>
                " "
                <button type="submit" class="button button--small">"Ask for consent"</button>
            </ActionForm>
        </article>
    }
}
