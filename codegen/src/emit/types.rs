//! Emits `types.rs`: one Rust type per model type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{builders, cfg, code, doc_attr, doc_attrs, ty_tokens};
use crate::model::{Access, Api, Gate, StringEnum, Struct, Ty, TypeDef, TypeKind, Union};
use crate::name::UNKNOWN_VARIANT;

/// The types whose position in name order is in `range`; the part starting at 0 also holds the
/// module's doc and imports.
///
/// `gates` says when each type (by index) is compiled, `order` lists the indices in name order.
pub fn emit(api: &Api, gates: &[Gate], order: &[usize], range: std::ops::Range<usize>) -> TokenStream {
    let header = (range.start == 0).then(|| {
        // Only structs and unions derive or implement the traits by name: the import is compiled
        // exactly when one of them is, else it would be unused.
        let derives = api.types.iter().zip(gates).filter(|(t, _)| matches!(t.kind, TypeKind::Struct(_) | TypeKind::Union(_)));
        let import = Gate::union_all(derives.map(|(_, gate)| gate)).map(|gate| {
            let cfg = cfg(&gate);
            quote!(#cfg use serde::{Deserialize, Serialize};)
        });
        quote! {
            //! Request and response types, one per schema of the description.
            // Field types are the description's, nested as deep as it nests them.
            #![allow(clippy::type_complexity)]
            #import
        }
    });
    let items = order.get(range).unwrap_or_default().iter().map(|&index| emit_type(api, &api.types[index], &cfg(&gates[index])));
    quote! {
        #header
        #(#items)*
    }
}

/// The type's items (definition, impls, macro calls), each under `cfg`.
fn emit_type(api: &Api, def: &TypeDef, cfg: &TokenStream) -> TokenStream {
    let name = format_ident!("{}", def.rust_name);
    let mut doc_text = def.docs.clone().unwrap_or_default();
    if let Some(schema) = &def.schema_name {
        if !doc_text.is_empty() {
            doc_text.push_str("\n\n");
        }
        doc_text.push_str(&format!("Schema {}.", code(schema)));
    }
    let docs = doc_attrs((!doc_text.is_empty()).then_some(doc_text.as_str()));
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(api, &name, docs, cfg, s, def),
        TypeKind::Enum(e) => emit_enum(&name, docs, cfg, e),
        TypeKind::Union(u) => emit_union(api, &name, docs, cfg, u),
        TypeKind::Alias(ty) => {
            let ty = ty_tokens(api, ty, true);
            quote! { #docs #cfg pub type #name = #ty; }
        }
    }
}

fn emit_struct(api: &Api, name: &proc_macro2::Ident, docs: TokenStream, cfg: &TokenStream, s: &Struct, def: &TypeDef) -> TokenStream {
    let mut all_optional = true;
    let fields = s.fields.iter().map(|field| {
        let rust = format_ident!("{}", field.rust_name);
        let wire = &field.wire_name;
        let mut ty = ty_tokens(api, &field.ty, true);
        if field.boxed {
            ty = quote!(Box<#ty>);
        }
        let rename = (wire != &field.rust_name).then(|| quote!(rename = #wire,));
        let note = match field.access {
            Access::ReadWrite => None,
            Access::ReadOnly => Some("Read-only: the server sends it; requests leave it out."),
            Access::WriteOnly => Some("Write-only: sent in requests; responses leave it out."),
        };
        let docs = match (field.docs.as_deref(), note) {
            (Some(docs), Some(note)) => doc_attrs(Some(&format!("{docs}\n\n{note}"))),
            (docs, note) => doc_attrs(docs.or(note)),
        };
        if field.required && !field.nullable {
            all_optional = false;
            let attr = rename.map(|r| quote!(#[serde(#r)]));
            quote! { #docs #attr pub #rust: #ty, }
        } else if field.required {
            // Required but nullable: always sent, `null` when `None`.
            let attr = rename.map(|r| quote!(#[serde(#r)]));
            quote! { #docs #attr pub #rust: Option<#ty>, }
        } else if builders::tri_state(def, field) {
            // Left out, `null` or a value: a request may need to clear it.
            quote! { #docs #[serde(#rename default, skip_serializing_if = "crate::Nullable::is_absent")] pub #rust: crate::Nullable<#ty>, }
        } else {
            quote! { #docs #[serde(#rename skip_serializing_if = "Option::is_none")] pub #rust: Option<#ty>, }
        }
    });
    let fields: Vec<TokenStream> = fields.collect();
    let additional = s.additional.as_ref().map(|value| {
        let value = ty_tokens(api, value, true);
        quote! {
            /// Keys beyond the ones listed above.
            #[serde(flatten)]
            pub additional_properties: std::collections::BTreeMap<String, #value>,
        }
    });
    let (builder, derive_default) = if def.sent {
        let members: Vec<builders::Member> = s.fields.iter().map(|field| builders::member(api, field)).collect();
        let extra = s.additional.as_ref().map(|_| format_ident!("additional_properties"));
        (builders::emit(name, cfg, &members, extra.as_ref()), builders::derives_default(&members))
    } else {
        (TokenStream::new(), all_optional)
    };
    let default = derive_default.then(|| quote!(Default,));
    quote! {
        #docs
        #cfg
        #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #builder
    }
}

fn emit_enum(name: &proc_macro2::Ident, docs: TokenStream, cfg: &TokenStream, e: &StringEnum) -> TokenStream {
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let variants = e.values.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let doc = doc_attr(format!(" {}", code(&v.value)));
        quote!(#doc #variant,)
    });
    let to_str = e.values.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let value = &v.value;
        quote!(Self::#variant => #value,)
    });
    let from_str = e.values.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let value = &v.value;
        quote!(#value => Self::#variant,)
    });
    // With no listed value, every value is unknown (a `match` of one binding would be clippy's `match_single_binding`).
    let from_value = if e.values.is_empty() {
        quote!(Self::#unknown(value.to_owned()))
    } else {
        quote! {
            match value {
                #(#from_str)*
                other => Self::#unknown(other.to_owned()),
            }
        }
    };
    quote! {
        #docs
        #cfg
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know yet.
            #unknown(String),
        }

        #cfg
        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#unknown(value) => value,
                }
            }
        }

        #cfg
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                #from_value
            }
        }

        #cfg
        crate::codec::string_enum!(#name);
    }
}

fn emit_union(api: &Api, name: &proc_macro2::Ident, docs: TokenStream, cfg: &TokenStream, u: &Union) -> TokenStream {
    // Struct and union variants are boxed: they differ widely in size (clippy's
    // large_enum_variant), and a cycle through a union needs the indirection anyway.
    let boxed = |v: &crate::model::Variant| {
        v.boxed || super::definition(api, &v.ty).is_some_and(|d| matches!(d.kind, TypeKind::Struct(_) | TypeKind::Union(_)))
    };
    let variant_ty = |v: &crate::model::Variant| {
        let ty = ty_tokens(api, &v.ty, true);
        if boxed(v) {
            quote!(Box<#ty>)
        } else {
            ty
        }
    };
    let variants: Vec<TokenStream> = u
        .variants
        .iter()
        .map(|v| {
            let variant = format_ident!("{}", v.rust_name);
            let ty = variant_ty(v);
            let property = u.tag.as_deref().unwrap_or_default();
            let doc = v.tag_values.iter().map(|value| code(&format!("{property}: {value}"))).collect::<Vec<_>>().join(", ");
            let doc = if doc.is_empty() { doc } else { format!(" {doc}") };
            let doc = (!doc.is_empty()).then(|| doc_attr(doc));
            quote!(#doc #variant(#ty),)
        })
        .collect();
    // `From` each variant's type, where no two variants share one, so callers write `.into()`.
    // Two schemas may be the same Rust type (two string schemas, or an alias and what it
    // stands for): their variants get no `From`, which would be one impl twice.
    let rust_types: Vec<Ty> = u.variants.iter().map(|v| super::canonical(api, &v.ty)).collect();
    let conversions: Vec<TokenStream> = u
        .variants
        .iter()
        .zip(&rust_types)
        .filter(|(_, ty)| rust_types.iter().filter(|other| other == ty).count() == 1)
        .map(|(v, _)| v)
        .map(|v| {
            let variant = format_ident!("{}", v.rust_name);
            let ty = ty_tokens(api, &v.ty, true);
            let value = if boxed(v) { quote!(Box::new(value)) } else { quote!(value) };
            quote! {
                #cfg
                impl From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#variant(#value)
                    }
                }
            }
        })
        .collect();
    let Some(tag) = &u.tag else {
        if let Some(deserialize) = scalar_union_deserialize(api, name, u) {
            // Variants that are distinct JSON scalars: one visitor picks the variant by the JSON
            // type, where serde's untagged derive would buffer the value and try each in turn.
            return quote! {
                #docs
                #cfg
                #[derive(Debug, Clone, PartialEq, Serialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#variants)*
                }

                #cfg
                #deserialize

                #(#conversions)*
            };
        }
        // No property tells the variants apart: serde tries them in order.
        return quote! {
            #docs
            #cfg
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
            }

            #(#conversions)*
        };
    };
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    // Each tag value with the variants that carry it, in order; values that lead to the same
    // variants share an arm. Variants sharing a value are tried in order, as untagged ones are.
    let mut by_value: Vec<(&str, Vec<usize>)> = Vec::new();
    for (index, v) in u.variants.iter().enumerate() {
        for value in &v.tag_values {
            match by_value.iter_mut().find(|(seen, _)| seen == value) {
                Some((_, indices)) => indices.push(index),
                None => by_value.push((value, vec![index])),
            }
        }
    }
    let mut arms: Vec<(Vec<&str>, Vec<usize>)> = Vec::new();
    for (value, indices) in by_value {
        match arms.iter_mut().find(|(_, seen)| *seen == indices) {
            Some((values, _)) => values.push(value),
            None => arms.push((vec![value], indices)),
        }
    }
    let arms = arms.iter().map(|(values, indices)| {
        let decode = tried_in_order(api, u, indices, &boxed);
        quote!(Some(#(#values)|*) => #decode,)
    });
    let unknown_doc = doc_attr(format!(" A {} this version of the client does not know yet, kept as JSON.", code(tag)));
    quote! {
        #docs
        #cfg
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #unknown_doc
            #unknown(serde_json::Value),
        }

        #cfg
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                Ok(match crate::codec::tag(&value, #tag).as_deref() {
                    #(#arms)*
                    _ => Self::#unknown(value),
                })
            }
        }

        #(#conversions)*
    }
}

/// Decodes `value` (a `serde_json::Value`) as the first of these variants that takes it; the
/// last one's error is the union's.
fn tried_in_order(api: &Api, u: &Union, indices: &[usize], boxed: &dyn Fn(&crate::model::Variant) -> bool) -> TokenStream {
    let Some((&last, first)) = indices.split_last() else { return quote!(unreachable!()) };
    let variant_of = |index: usize, decoded: TokenStream| {
        let v = &u.variants[index];
        let variant = format_ident!("{}", v.rust_name);
        if boxed(v) {
            quote!(Self::#variant(Box::new(#decoded)))
        } else {
            quote!(Self::#variant(#decoded))
        }
    };
    let mut decode = variant_of(last, quote!(crate::codec::from_value(value)?));
    for &index in first.iter().rev() {
        let ty = ty_tokens(api, &u.variants[index].ty, true);
        let take = variant_of(index, quote!(decoded));
        decode = quote! {
            match serde_json::from_value::<#ty>(value.clone()) {
                Ok(decoded) => #take,
                Err(_) => #decode,
            }
        };
    }
    decode
}

/// `Deserialize` for an untagged union whose variants are each a different JSON scalar (string,
/// integer, number, boolean), choosing as serde's untagged derive would: the first variant, in
/// order, that takes the value. `None` for any other union.
fn scalar_union_deserialize(api: &Api, name: &proc_macro2::Ident, u: &Union) -> Option<TokenStream> {
    #[derive(PartialEq, Clone, Copy)]
    enum Scalar {
        String,
        Integer,
        Number,
        Boolean,
    }
    let mut scalars: Vec<(Scalar, proc_macro2::Ident)> = Vec::new();
    for v in &u.variants {
        let scalar = match super::unalias(api, &v.ty) {
            Ty::String => Scalar::String,
            Ty::Integer => Scalar::Integer,
            Ty::Number => Scalar::Number,
            Ty::Boolean => Scalar::Boolean,
            _ => return None,
        };
        if scalars.iter().any(|(s, _)| *s == scalar) {
            return None;
        }
        scalars.push((scalar, format_ident!("{}", v.rust_name)));
    }
    let find = |wanted: Scalar| scalars.iter().find(|(s, _)| *s == wanted).map(|(_, v)| v);
    let expecting = scalars
        .iter()
        .map(|(s, _)| match s {
            Scalar::String => "a string",
            Scalar::Integer => "an integer",
            Scalar::Number => "a number",
            Scalar::Boolean => "a boolean",
        })
        .collect::<Vec<_>>()
        .join(" or ");
    let mut visits = Vec::new();
    if let Some(variant) = find(Scalar::String) {
        visits.push(quote! {
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<#name, E> {
                Ok(#name::#variant(value.to_owned()))
            }
        });
    }
    if let Some(variant) = find(Scalar::Boolean) {
        visits.push(quote! {
            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<#name, E> {
                Ok(#name::#variant(value))
            }
        });
    }
    // A JSON integer goes to the first of the integer and number variants; one too big for i64
    // falls through to the number variant, as in serde's untagged derive.
    let first_numeric = scalars.iter().find(|(s, _)| matches!(s, Scalar::Integer | Scalar::Number));
    match first_numeric {
        Some((Scalar::Integer, variant)) => {
            let too_big = match find(Scalar::Number) {
                Some(number) => quote!(Ok(#name::#number(value as f64))),
                None => quote!(Err(E::invalid_value(serde::de::Unexpected::Unsigned(value), &self))),
            };
            visits.push(quote! {
                fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<#name, E> {
                    Ok(#name::#variant(value))
                }
                fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<#name, E> {
                    match i64::try_from(value) {
                        Ok(value) => Ok(#name::#variant(value)),
                        Err(_) => #too_big,
                    }
                }
            });
        }
        Some((_, variant)) => visits.push(quote! {
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<#name, E> {
                Ok(#name::#variant(value as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<#name, E> {
                Ok(#name::#variant(value as f64))
            }
        }),
        None => {}
    }
    if let Some(variant) = find(Scalar::Number) {
        visits.push(quote! {
            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<#name, E> {
                Ok(#name::#variant(value))
            }
        });
    }
    Some(quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Scalars;
                impl serde::de::Visitor<'_> for Scalars {
                    type Value = #name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    #(#visits)*
                }
                deserializer.deserialize_any(Scalars)
            }
        }
    })
}
