//! Emits `webhooks.rs`: the `Topic` enum, the `WebhookEvent` enum of typed items, a decoder, and
//! the enums of the channels whose messages name no topic ([`super::channels`]).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, ty_tokens};
use crate::model::{Api, Topic, Webhooks};
use crate::name::UNKNOWN_VARIANT;

/// Without an AsyncAPI description the module is still there, knowing no topics, so the
/// hand-written webhook runtime builds against any description.
pub fn emit(api: &Api) -> TokenStream {
    let none = Webhooks { title: api.title.clone(), version: api.version.clone(), ..Webhooks::default() };
    let webhooks = api.webhooks.as_ref().unwrap_or(&none);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let topic_docs = |t: &Topic| {
        let mut text = format!("`{}`", t.topic);
        if let Some(summary) = &t.summary {
            text.push_str(": ");
            text.push_str(summary);
        }
        if let Some(description) = &t.description {
            text.push_str("\n\n");
            text.push_str(description);
        }
        doc_attrs(Some(&text))
    };
    let variants = webhooks.topics.iter().map(|t| {
        let variant = format_ident!("{}", t.rust_name);
        let docs = topic_docs(t);
        quote!(#docs #variant,)
    });
    let all = webhooks.topics.iter().map(|t| {
        let variant = format_ident!("{}", t.rust_name);
        quote!(Topic::#variant)
    });
    let to_str = webhooks.topics.iter().map(|t| {
        let variant = format_ident!("{}", t.rust_name);
        let value = &t.topic;
        quote!(Self::#variant => #value,)
    });
    let from_str = webhooks.topics.iter().map(|t| {
        let variant = format_ident!("{}", t.rust_name);
        let value = &t.topic;
        quote!(#value => Self::#variant,)
    });
    let events = webhooks.topics.iter().map(|t| {
        let variant = format_ident!("{}", t.rust_name);
        let ty = ty_tokens(api, &t.item, false);
        let docs = topic_docs(t);
        quote!(#docs #variant(Box<#ty>),)
    });
    let decode_arms = webhooks.topics.iter().map(|t| {
        let variant = format_ident!("{}", t.rust_name);
        quote!(Topic::#variant => Self::#variant(Box::new(serde::Deserialize::deserialize(item)?)),)
    });
    let topic_arms = webhooks.topics.iter().map(|t| {
        let variant = format_ident!("{}", t.rust_name);
        quote!(Self::#variant(_) => Topic::#variant,)
    });
    let count = proc_macro2::Literal::usize_unsuffixed(webhooks.topics.len());
    let mut module_doc = format!(
        "Webhook topics and their typed notifications, from the `{}` description (version {}).",
        webhooks.title, webhooks.version
    );
    if let Some(description) = &webhooks.description {
        module_doc.push_str("\n\n");
        module_doc.push_str(description);
    }
    let module_doc = super::doc_lines(&module_doc).into_iter().map(|line| {
        let line = if line.is_empty() { line } else { format!(" {line}") };
        quote!(#![doc = #line])
    });
    let uses_types = webhooks.topics.iter().any(|t| super::definition(api, &t.item).is_some())
        || webhooks.envelope.is_some()
        || webhooks.channels.iter().flat_map(|c| &c.messages).any(|m| super::definition(api, &m.payload).is_some());
    let channels = webhooks.channels.iter().map(|channel| super::channels::emit(api, channel));
    let types_import = uses_types.then(|| quote!(use super::types;));
    let (envelope_field, envelope_decode, envelope_decode_parts, envelope_init) = match webhooks.envelope {
        Some(id) => {
            let ty = format_ident!("{}", api.types[id.0].rust_name);
            (
                quote! {
                    /// The envelope: id, app, topic, timestamps and delivery fields (its `data.item` is taken out into `event`).
                    pub envelope: types::#ty,
                },
                quote!(let envelope: types::#ty = serde_json::from_value(value)?;),
                quote!(let envelope: types::#ty = serde_json::from_slice(&parts.envelope)?;),
                quote!(envelope,),
            )
        }
        None => (TokenStream::new(), TokenStream::new(), TokenStream::new(), TokenStream::new()),
    };
    // With no topics every match below has the catch-all arm alone.
    let single_arm = webhooks.topics.is_empty().then(|| quote!(#![allow(clippy::match_single_binding)]));
    quote! {
        #(#module_doc)*
        #single_arm
        #types_import

        /// The topic of a notification. Topics Intercom adds later arrive as [`Topic::Unknown`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Topic {
            #(#variants)*
            /// A topic this version of the client does not know yet.
            #unknown(String),
        }

        impl Topic {
            /// Every topic the description lists, in its order.
            pub const ALL: [Topic; #count] = [#(#all),*];

            /// The dotted topic string, e.g. `contact.user.created`.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl From<&str> for Topic {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        crate::codec::string_enum!(Topic);

        /// A notification's `data.item`, typed by its topic.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #(#events)*
            /// A topic this version of the client does not know, with its item as JSON.
            #unknown {
                /// The topic string as received.
                topic: String,
                /// The raw `data.item`.
                item: serde_json::Value,
            },
        }

        impl WebhookEvent {
            /// Decodes a notification's `data.item` as the type its topic carries.
            pub fn from_item(topic: &Topic, item: serde_json::Value) -> Result<Self, serde_json::Error> {
                Self::deserialize_item(topic, item)
            }

            /// Decodes a notification's `data.item` from its JSON text, as the type its topic carries; an
            /// error names the path of the value that does not fit.
            pub fn from_item_json(topic: &Topic, item: &str) -> Result<Self, serde_json::Error> {
                crate::codec::item_json(item, |item| Self::deserialize_item(topic, item))
            }

            fn deserialize_item<'de, D: serde::Deserializer<'de>>(topic: &Topic, item: D) -> Result<Self, D::Error> {
                Ok(match topic {
                    #(#decode_arms)*
                    Topic::#unknown(topic) => Self::#unknown { topic: topic.clone(), item: serde::Deserialize::deserialize(item)? },
                })
            }

            /// The topic this event came with.
            pub fn topic(&self) -> Topic {
                match self {
                    #(#topic_arms)*
                    Self::#unknown { topic, .. } => Topic::#unknown(topic.clone()),
                }
            }
        }

        /// A received notification: its envelope and its typed event.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Notification {
            /// The notification's topic.
            pub topic: Topic,
            #envelope_field
            /// `data.item`, typed by topic.
            pub event: WebhookEvent,
        }

        impl Notification {
            /// Decodes a notification from the raw request body (verify its signature first).
            pub fn from_slice(body: &[u8]) -> Result<Self, serde_json::Error> {
                // The envelope and the item are decoded straight from the bytes, without a JSON
                // tree in between; a body the splitter does not take goes the general way.
                let Some(parts) = crate::codec::NotificationParts::split(body) else {
                    return Self::from_value(serde_json::from_slice(body)?);
                };
                let topic = Topic::from(parts.topic.as_deref().unwrap_or_default());
                #envelope_decode_parts
                let event = match parts.item {
                    Some(item) => WebhookEvent::from_item_json(&topic, item)?,
                    None => WebhookEvent::from_item(&topic, serde_json::Value::Null)?,
                };
                Ok(Notification { topic, #envelope_init event })
            }

            /// Decodes a notification from JSON already parsed.
            pub fn from_value(mut value: serde_json::Value) -> Result<Self, serde_json::Error> {
                let topic = Topic::from(crate::codec::tag(&value, "topic").as_deref().unwrap_or_default());
                let item = value.pointer_mut("/data/item").map(serde_json::Value::take).unwrap_or_default();
                #envelope_decode
                let event = WebhookEvent::from_item(&topic, item)?;
                Ok(Notification { topic, #envelope_init event })
            }
        }

        #(#channels)*
    }
}
