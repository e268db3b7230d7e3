//! Server functions of the studio's stories: drafting, asking consent, publishing.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::stories::model::StoryDetail;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "stories/studio_list")]
pub async fn studio_stories() -> Result<Vec<StoryDetail>, AppError> {
    use crate::auth::guard::{require, Access};
    require(Access::Roles(crate::domain::accounts::STUDIO_ROLES)).await?;
    let db = crate::state::app_state()?.db;
    Ok(crate::data::story_editing::list(&db, 200).await?)
}

/// What the editor needs: the story (when it exists), and the customer's sentences to quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryEditor {
    pub story: Option<StoryDetail>,
    pub conversation_id: Option<i64>,
    pub conversation_subject: String,
    pub customer_name: String,
    pub sentences: Vec<String>,
}

/// Loads a story for editing (`id`), or a new draft from a conversation (`conversation`).
#[server(prefix = "/api", endpoint = "stories/editor")]
pub async fn load_story_editor(id: Option<i64>, conversation: Option<i64>) -> Result<StoryEditor, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::data::story_editing;
    let viewer = require(Access::Roles(crate::domain::accounts::STUDIO_ROLES)).await?;
    let db = crate::state::app_state()?.db;
    let story = match id {
        Some(id) => Some(story_editing::story(&db, id).await.map_err(AppError::not_found_as("This story does not exist."))?),
        None => None,
    };
    let conversation_id = story.as_ref().map_or(conversation, |s| s.conversation_id);
    let source = match conversation_id {
        Some(conversation_id) => Some(story_source(&db, conversation_id, &viewer).await?),
        None => None,
    };
    let (subject, sentences, customer_name) = match (source, &story) {
        (Some(source), _) => (
            source.subject,
            source.customer_messages.iter().flat_map(|m| crate::domain::stories::draft::sentences(m)).collect(),
            story.as_ref().map_or(source.customer_name, |s| s.customer_name.clone()),
        ),
        // The conversation is gone: the story keeps the quotes it had.
        (None, Some(story)) => (String::new(), story.draft.quotes.clone(), story.customer_name.clone()),
        (None, None) => {
            return Err(AppError::invalid("conversation", "Draft a story from a conversation: open one from the story candidates."))
        }
    };
    Ok(StoryEditor { story, conversation_id, conversation_subject: subject, customer_name, sentences })
}

/// The conversation a story is drafted from, as far as the viewer's role reaches (see
/// [`crate::data::story_editing::DraftingReach`]); a 404 otherwise, also for the page.
#[cfg(feature = "ssr")]
async fn story_source(
    db: &crate::data::Db,
    conversation_id: i64,
    viewer: &crate::domain::accounts::Viewer,
) -> Result<crate::data::story_editing::StorySource, AppError> {
    use crate::data::story_editing::{self, DraftingReach};
    let (reach, missing) = if viewer.may_enter(crate::domain::accounts::WORKSPACE_ROLES) {
        (DraftingReach::AnyConversation, "This conversation does not exist.")
    } else {
        (
            DraftingReach::StoryCandidates,
            "This conversation is not a story candidate. Draft stories from the candidates in the studio overview.",
        )
    };
    story_editing::source(db, conversation_id, reach).await.map_err(|error| {
        let error = AppError::not_found_as(missing)(error);
        crate::auth::respond::set_error_status(&error);
        error
    })
}

/// Saves a draft (new when `id` is empty). An edit after consent was asked makes a new
/// version; a published story goes off the portal until the customer agrees again.
#[server(prefix = "/api", endpoint = "stories/save")]
pub async fn save_story(
    #[server(default)] id: String,
    #[server(default)] conversation_id: String,
    title: String,
    narrative: String,
    resolution: String,
    #[server(default)] quotes: Vec<String>,
    naming: String,
) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    use crate::data::story_editing::{self, Actor};
    use crate::domain::stories::draft::{sentences, StoryDraft};
    let outcome: Result<String, AppError> = async {
        let viewer = require(Access::Roles(crate::domain::accounts::STUDIO_ROLES)).await?;
        let state = crate::state::app_state()?;
        let db = state.db.clone();
        let id = parse_id(&id, "This story does not exist.")?;
        let existing = match id {
            Some(id) => Some(story_editing::story(&db, id).await.map_err(AppError::not_found_as("This story does not exist."))?),
            None => None,
        };
        let conversation_id = match &existing {
            Some(story) => story.conversation_id,
            None => Some(parse_id(&conversation_id, "This conversation does not exist.")?.ok_or_else(|| {
                AppError::invalid("conversation", "Draft a story from a conversation: open one from the story candidates.")
            })?),
        };
        let source = match conversation_id {
            Some(conversation_id) => Some(story_source(&db, conversation_id, &viewer).await?),
            None => None,
        };
        let said: Vec<String> = match (&source, &existing) {
            (Some(source), _) => source.customer_messages.iter().flat_map(|m| sentences(m)).collect(),
            (None, Some(story)) => story.draft.quotes.clone(),
            (None, None) => Vec::new(),
        };
        let draft = StoryDraft { title, narrative, resolution, quotes, naming }
            .checked(&said)
            .map_err(|problem| AppError::invalid(problem.field, problem.message))?;
        let actor = Actor { user_id: viewer.user_id, label: &viewer.display_name };
        let now = chrono::Utc::now();
        let saved = match (id, source) {
            (Some(id), _) => {
                let edited = story_editing::update(&db, id, &draft, &actor, now).await?;
                if edited.unpublished {
                    state.story_feed.announce(crate::realtime::StoryChange::Removed(id)).await;
                }
                id
            }
            (None, Some(source)) => story_editing::create(&db, source.customer_id, conversation_id, &draft, &actor, now).await?,
            (None, None) => return Err(AppError::invalid("conversation", "Draft a story from a conversation.")),
        };
        Ok(format!("/studio/stories/{saved}"))
    }
    .await;
    finish_form(outcome)
}

#[cfg(feature = "ssr")]
fn parse_id(value: &str, missing: &str) -> Result<Option<i64>, AppError> {
    match value.trim() {
        "" => Ok(None),
        id => id.parse::<i64>().map(Some).map_err(|_| AppError::NotFound(missing.into())),
    }
}

/// Sends the customer the exact text to approve (in their account, and by email).
#[server(prefix = "/api", endpoint = "stories/ask_consent")]
pub async fn ask_story_consent(id: i64) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    use crate::data::{consents, story_editing};
    let outcome: Result<String, AppError> = async {
        let viewer = require(Access::Roles(crate::domain::accounts::STUDIO_ROLES)).await?;
        let state = crate::state::app_state()?;
        let story = story_editing::story(&state.db, id).await.map_err(AppError::not_found_as("This story does not exist."))?;
        let text = story.consent_text();
        let token = crate::auth::session::new_token();
        let token_hash = crate::domain::signing::token_hash(&state.security.secret, &token);
        let link = format!("{}/consent/{token}", state.public_url.trim_end_matches('/'));
        let body = crate::portal::stories::consent_api::consent_email(&story.customer_name, &text, &link, &state.public_url);
        let mail = consents::ConsentMail { subject: "May we share how we solved your problem?", body: &body };
        consents::request_story_consent(&state.db, id, &text, &token_hash, &mail, viewer.user_id, chrono::Utc::now()).await?;
        Ok(format!("/studio/stories/{id}"))
    }
    .await;
    finish_form(outcome)
}

/// `action`: publish, unpublish, feature or unfeature. Publishing is refused by the data
/// layer unless the customer agreed to exactly this version.
#[server(prefix = "/api", endpoint = "stories/publishing")]
pub async fn change_publishing(id: i64, action: String) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    use crate::data::story_editing::{self, Actor};
    use crate::realtime::StoryChange;
    let outcome: Result<String, AppError> = async {
        let viewer = require(Access::Roles(crate::domain::accounts::STUDIO_ROLES)).await?;
        let state = crate::state::app_state()?;
        let actor = Actor { user_id: viewer.user_id, label: &viewer.display_name };
        let now = chrono::Utc::now();
        let change = match action.as_str() {
            "publish" => story_editing::publish(&state.db, id, &actor, now).await.map(|_| StoryChange::Shown(id)),
            "unpublish" => story_editing::unpublish(&state.db, id, &actor, now).await.map(|_| StoryChange::Removed(id)),
            "feature" => story_editing::set_featured(&state.db, id, true, now).await.map(|_| StoryChange::Shown(id)),
            "unfeature" => story_editing::set_featured(&state.db, id, false, now).await.map(|_| StoryChange::Shown(id)),
            other => {
                return Err(AppError::invalid("action", format!("Unknown action “{other}”: use publish, unpublish, feature or unfeature.")))
            }
        }
        .map_err(AppError::not_found_as("This story does not exist."))?;
        state.story_feed.announce(change).await;
        Ok(format!("/studio/stories/{id}"))
    }
    .await;
    finish_form(outcome)
}
