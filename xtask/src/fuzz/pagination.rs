//! Intercom's page shapes for the description generator: a cursor in `pages.next.starting_after`
//! sent back as a query parameter or in the body's `pagination`, page numbers, and a scroll
//! parameter sent back as it came.

use serde_json::{json, Value};

use super::describe::OperationGen;
use super::families::Family;

impl OperationGen<'_, '_> {
    /// The list response's schema and, for a search, the body's schema; the query parameters
    /// paging needs go into `parameters`.
    pub(super) fn pagination(&mut self, method: &str, parameters: &mut Vec<Value>) -> (Value, Option<Value>) {
        let item = self.gen.object(1, 1..5);
        let item = self.gen.component(item);
        let cursor = self.rng().chance(0.6);
        let mut next = json!({"type": "object", "properties": {"page": {"type": "integer"}, "starting_after": {"type": "string"}}});
        if self.has(Family::Nullable) && self.rng().chance(0.5) {
            next["nullable"] = json!(true);
        }
        let mut pages = json!({"type": "object", "properties": {
            "type": {"type": "string"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total_pages": {"type": "integer"},
        }});
        if cursor {
            pages["properties"]["next"] = next;
        }
        let pages = self.gen.component(pages);
        // The items: `data`, or another name when the list is the one array of the response.
        let items_field = if self.hostile() && self.rng().chance(0.4) { "contacts" } else { "data" };
        let mut list = json!({"type": "object", "properties": {
            "type": {"type": "string"},
            "total_count": {"type": "integer"},
            "pages": pages,
        }});
        list["properties"][items_field] = json!({"type": "array", "items": item});
        if method == "get" && self.rng().chance(0.2) {
            list["properties"]["scroll_param"] = json!({"type": "string"});
            self.params.claim("scroll_param");
            parameters.push(json!({"name": "scroll_param", "in": "query", "schema": {"type": "string"}}));
            return (self.gen.component(list), None);
        }
        let list = self.gen.component(list);
        self.params.claim("per_page");
        parameters.push(json!({"name": "per_page", "in": "query", "schema": {"type": "integer"}}));
        if !cursor {
            self.params.claim("page");
            parameters.push(json!({"name": "page", "in": "query", "schema": {"type": "integer"}}));
            return (list, None);
        }
        if method == "get" {
            self.params.claim("starting_after");
            parameters.push(json!({"name": "starting_after", "in": "query", "schema": {"type": "string"}}));
            return (list, None);
        }
        let query = self.gen.object(2, 1..4);
        let body = json!({"type": "object", "required": ["query"], "properties": {
            "query": query,
            "pagination": {"type": "object", "properties": {
                "per_page": {"type": "integer"},
                "starting_after": {"type": "string", "nullable": true},
            }},
        }});
        (list, Some(self.gen.component(body)))
    }
}
