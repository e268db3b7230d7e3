//! Rapport's integration tests, one module per area, in one test binary: each binary links the
//! whole server, so one binary links once. `cancelled_pages` and `page_stalls` stay binaries of
//! their own: they assert on the error log, which is captured process-wide.

#[path = "../support/mod.rs"]
mod support;

mod api_ingest;
mod authorization;
mod backups;
mod control_characters;
mod crash;
mod data_layer;
mod email;
mod hostile_text;
mod http;
mod journeys;
mod mail;
mod openapi;
mod owner_teardown;
mod page_admission;
mod privacy;
mod properties;
mod ratings;
mod replies;
mod review_findings;
mod scale_out;
mod schema_fuzz;
mod score_cli;
mod shutdown;
mod stories;
mod webhooks;
