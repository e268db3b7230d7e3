//! The outbox: every message Rapport sends to a customer (journey steps first) is a row
//! before it is a mail. Here: the outbox page and its server functions. The rules (delivery
//! states, the retry policy) are `domain::outbox`; storage is `data::outbox`, sending is the
//! server's mail worker.

pub mod api;
mod page;

pub use page::OutboxPage;
