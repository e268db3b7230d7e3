//! Recovery journeys: a disappointed customer gets a short, ordered series of messages —
//! acknowledge, show how the issue is being fixed, check in — instead of a coupon. Here: the
//! server functions, pages and panel, the scheduler and automatic starts. The rules
//! (templates, personalization, the plan of dated steps, healing, KPIs) are
//! `domain::journeys`; storage is `data::journeys`.

pub mod api;
mod kpis_page;
mod panel;
pub mod templates_api;
mod templates_page;

pub use kpis_page::KpisPage;
pub use panel::{JourneyActions, JourneyPanel, StartJourney};
pub use templates_page::TemplatesPage;
#[cfg(feature = "ssr")]
pub mod scheduler;
#[cfg(feature = "ssr")]
pub mod starts;
