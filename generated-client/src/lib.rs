// The front page is the crate's README: a quick start whose examples are doc tests. They use
// several groups and the webhooks, so it is the page only with every feature (`full`).
#![cfg_attr(feature = "full", doc = include_str!("../README.md"))]
#![cfg_attr(
    not(feature = "full"),
    doc = "A typed async client for Intercom's REST API, and typed webhook notifications.\n\n\
           Built without the `full` feature: each resource group is a cargo feature that compiles its \
           operations and the types they reach. The quick start is on the page built with `full`."
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
pub mod client;
pub mod encoding;
#[doc(hidden)]
pub mod codec;
pub mod pagination;
pub mod error;
pub mod nullable;
mod redact;
#[cfg(test)]
mod hostile_server_tests;
pub mod timestamp;
pub mod webhook;

pub mod generated;

pub use client::{Call, Client, ClientBuilder, Region, RequestOptions};
pub use encoding::FilePart;
pub use error::Error;
pub use nullable::Nullable;
pub use generated::types;
pub use timestamp::Timestamp;

