//! The frame around every page: the signed-in session, header, footer, notices and error
//! views. The routes and the HTML document are `router`.

mod area_nav;
pub mod content_policy;
pub mod frame;
pub mod hydration;
pub mod inline_json;
mod not_found;
pub mod notice;
#[cfg(feature = "ssr")]
pub mod page_render;
pub mod paging;
pub mod pending_parts;
pub mod raw_text;
pub mod row_action;
pub mod seo;

use leptos::prelude::*;

use crate::auth::api::{current_viewer, SignIn, SignOut, SignOutEverywhere, SignUp};
use crate::domain::accounts::Viewer;
use crate::error::AppError;

pub use not_found::NotFound;

/// Account actions and the signed-in viewer, shared by the header and the pages.
#[derive(Clone, Copy)]
pub struct Session {
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<SignUp>,
    pub sign_out: ServerAction<SignOut>,
    pub sign_out_everywhere: ServerAction<SignOutEverywhere>,
    pub viewer: Resource<Result<Option<Viewer>, AppError>>,
}

impl Session {
    pub(crate) fn provide() -> Session {
        let sign_in = ServerAction::<SignIn>::new();
        let sign_up = ServerAction::<SignUp>::new();
        let sign_out = ServerAction::<SignOut>::new();
        let sign_out_everywhere = ServerAction::<SignOutEverywhere>::new();
        let viewer = Resource::new(
            move || (sign_in.version().get(), sign_up.version().get(), sign_out.version().get(), sign_out_everywhere.version().get()),
            |_| current_viewer(),
        );
        let session = Session { sign_in, sign_up, sign_out, sign_out_everywhere, viewer };
        provide_context(session);
        session
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
