//! Channels: how what an agent writes reaches the customer on the conversation's channel, and
//! what each outgoing message's delivery state is. Email goes through the outbox and the mail
//! worker; a forum reply is posted in its thread; chat, social, SMS and phone live in other
//! systems, so their messages go to the integrator as the `message.outbound` webhook and the
//! integrator reports back (`POST /api/v1/messages/{id}/delivery`).
//!
//! Here: email in and out, rating requests, replies and their pages. The rules (delivery
//! states, routes, the webhook's payload) are `domain::channels`; storage is
//! `data::deliveries`, sending is the server's mail and webhook workers.

pub mod api;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod rating_requests;
#[cfg(feature = "ssr")]
pub mod replies;
