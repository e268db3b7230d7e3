//! Recovery journeys: a disappointed customer gets a short, ordered series of messages —
//! acknowledge, show how the issue is being fixed, check in — instead of a coupon. Here: the
//! scheduler and automatic starts (the panel and KPI page are the workspace's, the template
//! editor the studio's). The rules
//! (templates, personalization, the plan of dated steps, healing, KPIs) are
//! `domain::journeys`; storage is `data::journeys`.

#[cfg(feature = "ssr")]
pub mod scheduler;
#[cfg(feature = "ssr")]
pub mod starts;
