//! Constructors and setters of the structs a request reaches (schema types and the params
//! structs): takes each field as a [`Member`], gives the `impl` block and whether the struct
//! derives `Default` instead of having a constructor.
//!
//! One style everywhere: `Type::new(required..)` when something must be given, else
//! `Type::default()`; then one by-value setter per optional field. Fields a single value fills
//! (`type: admin`) are set by the constructor. Response-only types get none of it: a user
//! never builds them, and each method costs compile time.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{definition, ty_tokens, unalias};
use crate::model::{Api, Field, Param, Ty, TypeDef, TypeKind};

/// How a field is filled.
pub(super) enum Slot {
    /// A constructor argument.
    Required,
    /// The one value its type allows, filled in by the constructor (this expression).
    Constant(TokenStream),
    /// `Option<T>`, `None` to start with; the setter sets `Some`.
    Optional,
    /// `crate::Nullable<T>`, `Absent` to start with; the setter takes a value or `Nullable::Null`.
    Nullable,
    /// Read-only (so optional in a request): no setter, starts as this (`None` or `Absent`).
    ReadOnly(TokenStream),
}

/// One field of a struct, as its constructor and setter see it.
pub(super) struct Member {
    pub name: Ident,
    /// The value's type, without `Box`, `Option` or `Nullable`.
    pub ty: TokenStream,
    pub boxed: bool,
    /// The argument is `impl Into<T>` (strings, named types, lists, maps, JSON); numbers and
    /// booleans are taken as they are, so that a literal keeps its type.
    pub into: bool,
    pub slot: Slot,
}

/// Whether the field is a `crate::Nullable` (optional and nullable, in a type a request reaches);
/// else an optional or nullable field is an `Option`.
pub(super) fn tri_state(owner: &TypeDef, field: &Field) -> bool {
    owner.sent && field.nullable && !field.required
}

/// The member for a field of a struct a request reaches (`types::emit_struct`'s field rules).
pub(super) fn member(api: &Api, field: &Field) -> Member {
    let name = format_ident!("{}", field.rust_name);
    let ty = ty_tokens(api, &field.ty, true);
    let into = takes_into(api, &field.ty);
    let slot = match constant(api, &field.ty, true) {
        Some(value) if field.required && field.nullable => Slot::Constant(quote!(Some(#value))),
        Some(value) if field.required => Slot::Constant(value),
        _ if field.access == crate::model::Access::ReadOnly && field.nullable && !field.required => {
            Slot::ReadOnly(quote!(crate::Nullable::Absent))
        }
        _ if field.access == crate::model::Access::ReadOnly => Slot::ReadOnly(quote!(None)),
        _ if field.required && !field.nullable => Slot::Required,
        _ if field.required => Slot::Optional,
        _ if field.nullable => Slot::Nullable,
        _ => Slot::Optional,
    };
    Member { name, ty, boxed: field.boxed, into, slot }
}

/// The member for a field of a params struct (`operations::param_field`'s rules: `Option` when
/// optional, nullable or not).
pub(super) fn param_member(api: &Api, param: &Param) -> Member {
    let name = format_ident!("{}", param.rust_name);
    let ty = ty_tokens(api, &param.ty, false);
    let slot = match constant(api, &param.ty, false) {
        Some(value) if param.required => Slot::Constant(value),
        _ if param.required => Slot::Required,
        _ => Slot::Optional,
    };
    Member { name, ty, boxed: false, into: takes_into(api, &param.ty), slot }
}

/// Whether an argument of this type is taken as `impl Into<..>`.
pub(super) fn takes_into(api: &Api, ty: &Ty) -> bool {
    !matches!(
        unalias(api, ty),
        Ty::Integer | Ty::UInt64 | Ty::Int128 | Ty::Number | Ty::Boolean | Ty::Timestamp | Ty::Binary
    )
}

/// `Type::Variant` when the type is a string enum of one value (`const`, or an `enum` of one).
fn constant(api: &Api, ty: &Ty, in_types_module: bool) -> Option<TokenStream> {
    let def = definition(api, unalias(api, ty))?;
    let TypeKind::Enum(e) = &def.kind else { return None };
    let [only] = e.values.as_slice() else { return None };
    let (ty, variant) = (format_ident!("{}", def.rust_name), format_ident!("{}", only.rust_name));
    Some(if in_types_module { quote!(#ty::#variant) } else { quote!(types::#ty::#variant) })
}

/// Whether the struct derives `Default`: nothing for a constructor to take or fill.
pub(super) fn derives_default(members: &[Member]) -> bool {
    members.iter().all(|m| !matches!(m.slot, Slot::Required | Slot::Constant(_)))
}

/// The constructor (or a `Default` that fills the constants) and the setters, under `cfg`;
/// `extra` names the map of extra keys, which starts empty.
pub(super) fn emit(name: &Ident, cfg: &TokenStream, members: &[Member], extra: Option<&Ident>) -> TokenStream {
    let required: Vec<&Member> = members.iter().filter(|m| matches!(m.slot, Slot::Required)).collect();
    let inits = members.iter().map(|m| {
        let field = &m.name;
        let value = match &m.slot {
            Slot::Required if m.boxed => quote!(Box::new(#field.into())),
            Slot::Required if m.into => quote!(#field.into()),
            // The argument has the field's name and type: the shorthand.
            Slot::Required => return quote!(#field,),
            Slot::Constant(value) => value.clone(),
            Slot::Optional => quote!(None),
            Slot::Nullable => quote!(crate::Nullable::Absent),
            Slot::ReadOnly(value) => value.clone(),
        };
        quote!(#field: #value,)
    });
    let extra = extra.map(|field| quote!(#field: Default::default(),));
    let fill = quote!(Self { #(#inits)* #extra });
    let start = if !required.is_empty() {
        let args = required.iter().map(|m| {
            let (field, ty) = (&m.name, &m.ty);
            if m.into {
                quote!(#field: impl Into<#ty>)
            } else {
                quote!(#field: #ty)
            }
        });
        let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        Some(quote! {
            /// With the required fields; the optional ones start unset (the methods below set them).
            #many
            pub fn new(#(#args),*) -> Self {
                #fill
            }
        })
    } else if !derives_default(members) {
        // Constants only: `Default` fills them, the derive could not.
        return with_setters(name, cfg, members, None, Some(quote! {
            #cfg
            impl Default for #name {
                fn default() -> Self {
                    #fill
                }
            }
        }));
    } else {
        None
    };
    with_setters(name, cfg, members, start, None)
}

fn with_setters(name: &Ident, cfg: &TokenStream, members: &[Member], start: Option<TokenStream>, default: Option<TokenStream>) -> TokenStream {
    let taken: Vec<String> = members.iter().map(|m| m.name.to_string()).collect();
    let setters: Vec<TokenStream> = members.iter().filter_map(|m| setter(m, &taken)).collect();
    let block = (start.is_some() || !setters.is_empty()).then(|| {
        quote! {
            #cfg
            impl #name {
                #start
                #(#setters)*
            }
        }
    });
    quote!(#default #block)
}

fn setter(m: &Member, taken: &[String]) -> Option<TokenStream> {
    let field = &m.name;
    let ty = &m.ty;
    let (arg, value) = match (&m.slot, m.into) {
        (Slot::Optional, true) => (quote!(impl Into<#ty>), quote!(value.into())),
        (Slot::Optional, false) => (quote!(#ty), quote!(value)),
        (Slot::Nullable, _) => (quote!(impl Into<crate::Nullable<#ty>>), quote!(value.into())),
        _ => return None,
    };
    let assigned = match (&m.slot, m.boxed) {
        (Slot::Nullable, true) => quote!(#value.map(Box::new)),
        (Slot::Nullable, false) => value,
        (_, true) => quote!(Some(Box::new(#value))),
        (_, false) => quote!(Some(#value)),
    };
    let method = setter_name(&field.to_string(), taken);
    let doc = match m.slot {
        Slot::Nullable => format!(" Sets `{field}`: a value, or [`Nullable::Null`](crate::Nullable::Null) to send `null`."),
        _ => format!(" Sets `{field}`."),
    };
    Some(quote! {
        #[doc = #doc]
        pub fn #method(mut self, value: #arg) -> Self {
            self.#field = #assigned;
            self
        }
    })
}

/// Method names a setter must not take: the constructor, and the methods of the traits the
/// structs implement or that clippy expects a trait for (an inherent method would shadow them).
const NOT_SETTERS: &[&str] = &[
    "new", "default", "clone", "clone_from", "clone_into", "eq", "ne", "fmt", "serialize", "deserialize", "into", "from",
    "try_into", "try_from", "to_owned", "borrow", "borrow_mut", "type_id", "add", "sub", "mul", "div", "rem", "neg", "not",
    "shl", "shr", "bitand", "bitor", "bitxor", "deref", "deref_mut", "drop", "index", "index_mut", "next", "from_iter",
    "into_iter", "from_str", "hash", "cmp", "partial_cmp", "as_ref", "as_mut",
];

/// The setter's name: the field's, or `with_` and the field's when that is taken by Rust; `_`
/// added until no field's setter has it.
fn setter_name(field: &str, fields: &[String]) -> Ident {
    if !NOT_SETTERS.contains(&field) {
        return format_ident!("{}", field);
    }
    let mut name = format!("with_{field}");
    while fields.contains(&name) {
        name.push('_');
    }
    format_ident!("{}", name)
}
