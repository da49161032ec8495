//! The construct families the fuzzer combines, each switchable (`--only`, `--without`).

use std::collections::BTreeSet;
use std::fmt;

/// One family of constructs the description generator can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Rust keywords, prelude and runtime names, case collisions, unicode, digits first, empty-ish.
    Names,
    /// Path parameters with `label`/`matrix` styles and several parameters in one segment.
    PathParams,
    /// Query parameters of every style (form exploded or not, space/pipe delimited, deepObject).
    QueryStyles,
    /// Header parameters, including the ones OpenAPI says to ignore.
    HeaderParams,
    /// Cookie parameters.
    CookieParams,
    /// Parameters described by `content` instead of `schema`.
    ContentParams,
    /// `application/json` request bodies.
    JsonBodies,
    /// `application/x-www-form-urlencoded` request bodies.
    FormBodies,
    /// `multipart/form-data` request bodies with file parts.
    MultipartBodies,
    /// `text/*` responses.
    TextResponses,
    /// Binary (`application/octet-stream`) responses.
    BinaryResponses,
    /// Intercom's page shapes: cursor (`pages.next.starting_after`), page number, cursor in the body.
    Pagination,
    /// `oneOf`/`anyOf` without a discriminator.
    Unions,
    /// `oneOf` with a discriminator, with and without mappings.
    Discriminators,
    /// `allOf`, including parts that are not objects.
    AllOf,
    /// Schemas that refer to themselves through arrays and maps.
    Recursion,
    /// `readOnly` and `writeOnly` properties, some of them required.
    ReadWrite,
    /// `format`s: date-time, date, uuid, int32, int64, float, double, byte, email, uri.
    Formats,
    /// Integers past `i64`.
    BigInts,
    /// String and integer enums, with symbols and values that collide after case conversion.
    Enums,
    /// `additionalProperties` maps.
    Maps,
    /// `nullable` schemas.
    Nullable,
    /// Descriptions with tabs, backticks, HTML, code fences and trailing backslashes.
    Docs,
}

impl Family {
    pub const ALL: [Family; 23] = [
        Family::Names,
        Family::PathParams,
        Family::QueryStyles,
        Family::HeaderParams,
        Family::CookieParams,
        Family::ContentParams,
        Family::JsonBodies,
        Family::FormBodies,
        Family::MultipartBodies,
        Family::TextResponses,
        Family::BinaryResponses,
        Family::Pagination,
        Family::Unions,
        Family::Discriminators,
        Family::AllOf,
        Family::Recursion,
        Family::ReadWrite,
        Family::Formats,
        Family::BigInts,
        Family::Enums,
        Family::Maps,
        Family::Nullable,
        Family::Docs,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Family::Names => "names",
            Family::PathParams => "path-params",
            Family::QueryStyles => "query-styles",
            Family::HeaderParams => "header-params",
            Family::CookieParams => "cookie-params",
            Family::ContentParams => "content-params",
            Family::JsonBodies => "json-bodies",
            Family::FormBodies => "form-bodies",
            Family::MultipartBodies => "multipart-bodies",
            Family::TextResponses => "text-responses",
            Family::BinaryResponses => "binary-responses",
            Family::Pagination => "pagination",
            Family::Unions => "unions",
            Family::Discriminators => "discriminators",
            Family::AllOf => "all-of",
            Family::Recursion => "recursion",
            Family::ReadWrite => "read-write",
            Family::Formats => "formats",
            Family::BigInts => "big-ints",
            Family::Enums => "enums",
            Family::Maps => "maps",
            Family::Nullable => "nullable",
            Family::Docs => "docs",
        }
    }

    pub fn parse(key: &str) -> Result<Family, String> {
        Family::ALL.into_iter().find(|f| f.key() == key).ok_or_else(|| {
            let known: Vec<&str> = Family::ALL.iter().map(|f| f.key()).collect();
            format!("unknown construct family `{key}` (known: {})", known.join(", "))
        })
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The families a run uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Families(BTreeSet<Family>);

impl Families {
    pub fn all() -> Families {
        Families(Family::ALL.into_iter().collect())
    }

    /// `--only a,b` keeps those; `--without c,d` removes those.
    pub fn select(only: Option<&str>, without: Option<&str>) -> Result<Families, String> {
        let list = |text: &str| -> Result<Vec<Family>, String> {
            text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(Family::parse).collect()
        };
        let mut chosen = match only {
            Some(text) => Families(list(text)?.into_iter().collect()),
            None => Families::all(),
        };
        if let Some(text) = without {
            for family in list(text)? {
                chosen.0.remove(&family);
            }
        }
        Ok(chosen)
    }

    pub fn has(&self, family: Family) -> bool {
        self.0.contains(&family)
    }

    /// `a,b,c`, as `--only` takes it.
    pub fn list(&self) -> String {
        self.0.iter().map(|f| f.key()).collect::<Vec<_>>().join(",")
    }
}
