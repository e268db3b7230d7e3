//! The Rapport server: configuration, HTTP wiring, the thin API and the command line tasks.
//! Integration tests use this library to start a real server on a free port.

pub mod accounts;
pub mod allocator;
pub mod api_v1;
pub mod config;
pub mod cross_site;
pub mod ended_pages;
pub mod http;
pub mod mail_worker;
pub mod memory_trim;
pub mod page_admission;
pub mod page_deadline;
pub mod page_tasks;
pub mod score;
pub mod security_headers;
pub mod seed;
pub mod smtp_receiver;
pub mod text_input_guard;
pub mod webhook_worker;

pub use config::Config;
