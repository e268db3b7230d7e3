//! The emotion engine: pure Rust (no I/O, no database, no web), shared by the server and the
//! browser. This first part is the reference-exact VADER sentiment scorer; emotions, intents,
//! situations, risk and the tone check build on it.

pub mod accuracy;
pub mod vader;
