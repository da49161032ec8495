//! A typed async client for Intercom's REST API, and typed webhook notifications.
//!
//! Everything under [`generated`] is written by `cargo xtask codegen` from the
//! descriptions in `specs/`; the rest of this crate is the small hand-written
//! runtime the generated code calls into.
//!
//! # Features
//!
//! Each resource group of the API is a cargo feature (`contacts`, `conversations`, ...) that
//! compiles its operations and the types they reach; `webhooks` compiles the typed webhook
//! notifications, and `unreferenced-schemas` the schemas nothing else uses. `full`, the default,
//! turns them all on. To compile only what contacts need:
//!
//! ```toml
//! intercom = { package = "generated-client", path = "path/to/generated-client", default-features = false, features = ["contacts"] }
//! ```
//!
//! The client itself, errors, timestamps and webhook signature checks are always there.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
pub mod client;
pub mod encoding;
#[doc(hidden)]
pub mod codec;
pub mod pagination;
pub mod error;
mod redact;
#[cfg(test)]
mod hostile_server_tests;
pub mod timestamp;
pub mod webhook;

pub mod generated;

pub use client::{Call, Client, ClientBuilder, Region, RequestOptions};
pub use encoding::FilePart;
pub use error::Error;
pub use generated::types;
pub use timestamp::Timestamp;

/// The README's examples, compiled as doc tests so they stay true (they use several groups and the
/// webhooks, so only with every feature: `full` is the one generated feature every description has).
#[doc = include_str!("../../README.md")]
#[cfg(all(doctest, feature = "full"))]
pub struct ReadmeDoctests;
