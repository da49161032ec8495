//! A typed async client for Intercom's REST API, and typed webhook notifications.
//!
//! Everything under [`generated`] is written by `cargo xtask codegen` from the
//! descriptions in `specs/`; the rest of this crate is the small hand-written
//! runtime the generated code calls into.

pub mod client;
#[doc(hidden)]
pub mod codec;
pub mod pagination;
pub mod error;
pub mod timestamp;
pub mod webhook;

pub mod generated;

pub use client::{Client, ClientBuilder, Region, RequestOptions, ResponseCapture};
pub use error::Error;
pub use generated::types;
pub use timestamp::Timestamp;

/// The README's examples, compiled as doc tests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
