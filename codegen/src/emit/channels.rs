//! Emits one enum per channel of an AsyncAPI document whose messages name no topic: a variant
//! per message holding its payload, decoding by the channel's tag property (or, with none, the
//! first message whose payload type takes the value), by message name, and encoding the payload.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attr, doc_attrs, ty_tokens};
use crate::model::{Api, Channel, Dispatch, Message, TypeKind};
use crate::name::UNKNOWN_VARIANT;

pub fn emit(api: &Api, channel: &Channel) -> TokenStream {
    let name = format_ident!("{}", channel.rust_name);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let boxed = |m: &Message| super::definition(api, &m.payload).is_some_and(|d| matches!(d.kind, TypeKind::Struct(_) | TypeKind::Union(_)));
    let variants = channel.messages.iter().map(|m| {
        let variant = format_ident!("{}", m.rust_name);
        let ty = ty_tokens(api, &m.payload, false);
        let ty = if boxed(m) { quote!(Box<#ty>) } else { ty };
        let docs = doc_attrs(Some(&message_docs(channel, m)));
        quote!(#docs #variant(#ty),)
    });
    // A `Result<Self, serde_json::Error>` decoding `value` (a `serde_json::Value` in scope) as the
    // message's payload; `&value` decodes without a copy.
    let decode = |m: &Message| {
        let variant = format_ident!("{}", m.rust_name);
        if boxed(m) {
            quote!(serde::Deserialize::deserialize(&value).map(|payload| Self::#variant(Box::new(payload))))
        } else {
            quote!(serde::Deserialize::deserialize(&value).map(Self::#variant))
        }
    };
    let named_arms = channel.messages.iter().map(|m| {
        let names = &m.names;
        let decode = decode(m);
        quote!(#(#names)|* => #decode?,)
    });
    let name_arms = channel.messages.iter().map(|m| {
        let variant = format_ident!("{}", m.rust_name);
        let main = &m.names[0];
        quote!(Self::#variant(_) => Some(#main),)
    });
    let main_names = channel.messages.iter().map(|m| &m.names[0]);
    let count = proc_macro2::Literal::usize_unsuffixed(channel.messages.len());
    let (how, from_value_body) = match &channel.dispatch {
        Dispatch::Tag(tag) => (
            format!(
                "Decoding reads the payload's `{tag}` property to tell its message; a value this client does not know \
                 gives `{unknown}` with the payload as JSON, and a value several messages share gives the first of them \
                 whose type takes the payload."
            ),
            tagged_body(channel, tag, &decode),
        ),
        Dispatch::Untagged if channel.messages.len() == 1 => (
            format!("Decoding gives the message when its payload type takes the payload, and `{unknown}` with the payload as JSON when not."),
            untagged_body(channel, &decode),
        ),
        Dispatch::Untagged => (
            format!(
                "No payload property tells the messages apart: decoding gives the first message, in the order above, \
                 whose payload type takes the payload, and `{unknown}` with the payload as JSON when none does."
            ),
            untagged_body(channel, &decode),
        ),
    };
    let mut docs = format!("The messages of channel `{}`", channel.name);
    if let Some(address) = channel.address.as_ref().filter(|a| **a != channel.name) {
        docs.push_str(&format!(" (address `{address}`)"));
    }
    docs.push('.');
    if let Some(text) = &channel.docs {
        docs.push_str("\n\n");
        docs.push_str(text);
    }
    docs.push_str(&format!(
        "\n\n{how} When the transport says which message it is (a header, a routing key), `from_named` decodes by \
         that name instead. Encoding writes the payload alone."
    ));
    let docs = doc_attrs(Some(&docs));
    let unknown_doc = doc_attr(" A message this client does not know, kept as JSON.".to_owned());
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #unknown_doc
            #unknown(serde_json::Value),
        }

        impl #name {
            /// The main name of each message, in the order of the variants.
            pub const MESSAGE_NAMES: [&'static str; #count] = [#(#main_names),*];

            /// Decodes a payload, telling its message as the type's documentation says.
            pub fn from_value(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                #from_value_body
            }

            /// Decodes a payload as the message the transport names (any of the message's names in
            /// the description); a name this client does not know keeps the payload as JSON.
            pub fn from_named(name: &str, value: serde_json::Value) -> Result<Self, serde_json::Error> {
                Ok(match name {
                    #(#named_arms)*
                    _ => Self::#unknown(value),
                })
            }

            /// The main name of the message, `None` for one this client does not know.
            pub fn message_name(&self) -> Option<&'static str> {
                match self {
                    #(#name_arms)*
                    Self::#unknown(_) => None,
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                Self::from_value(value).map_err(serde::de::Error::custom)
            }
        }
    }
}

/// `` `name`: summary `` and the description, for a message's variant.
fn message_docs(channel: &Channel, message: &Message) -> String {
    let mut text = format!("`{}`", message.names[0]);
    if let (Dispatch::Tag(tag), Some(value)) = (&channel.dispatch, &message.tag_value) {
        text.push_str(&format!(" (`{tag}: {value}`)"));
    }
    if let Some(summary) = &message.summary {
        text.push_str(": ");
        text.push_str(summary);
    }
    if let Some(description) = &message.description {
        text.push_str("\n\n");
        text.push_str(description);
    }
    if message.names.len() > 1 {
        let others: Vec<String> = message.names[1..].iter().map(|n| format!("`{n}`")).collect();
        text.push_str(&format!("\n\nAlso named {}.", others.join(", ")));
    }
    text
}

/// Reads the tag and decodes the message(s) with that value: several in order, the first whose
/// type takes the payload, the last one's error if none does.
fn tagged_body(channel: &Channel, tag: &str, decode: &dyn Fn(&Message) -> TokenStream) -> TokenStream {
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let mut values: Vec<&str> = Vec::new();
    for message in &channel.messages {
        let value = message.tag_value.as_deref().unwrap_or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }
    let arms = values.iter().map(|value| {
        let sharing: Vec<&Message> = channel.messages.iter().filter(|m| m.tag_value.as_deref().unwrap_or_default() == *value).collect();
        let (last, earlier) = sharing.split_last().expect("every value comes from a message");
        let mut body = decode(last);
        for message in earlier.iter().rev() {
            let attempt = decode(message);
            body = quote!(#attempt.or_else(|_| #body));
        }
        quote!(Some(#value) => #body?,)
    });
    quote! {
        Ok(match crate::codec::tag(&value, #tag).as_deref() {
            #(#arms)*
            _ => Self::#unknown(value),
        })
    }
}

/// Tries each message in order; none taking the payload keeps it as JSON.
fn untagged_body(channel: &Channel, decode: &dyn Fn(&Message) -> TokenStream) -> TokenStream {
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let attempts = channel.messages.iter().map(|m| {
        let attempt = decode(m);
        quote! {
            if let Ok(message) = #attempt {
                return Ok(message);
            }
        }
    });
    quote! {
        #(#attempts)*
        Ok(Self::#unknown(value))
    }
}
