//! Which operations page and how, as detected from the shapes of `fixtures/openapi/pagination.yaml`
//! (its generated code is in the snapshot of the same name).

use codegen::model::{PageRequest, PageStyle};

/// How an operation pages: style, where the position goes, the path to the next one, the total's field.
type Paging<'a> = (PageStyle, PageRequest, String, Option<&'a str>);

#[test]
fn each_paging_style_is_detected_and_lists_that_cannot_page_get_no_stream() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi/pagination.yaml");
    let config = codegen::Config { openapi: path, ..Default::default() };
    let model = codegen::build_model(&config).expect("the fixture builds");
    let mut found: Vec<(&str, Option<Paging>)> = model
        .api
        .operations
        .iter()
        .map(|op| {
            let paging = op.pagination.as_ref().map(|p| (p.style, p.request.clone(), p.next.join("."), p.total_count.as_deref()));
            (op.id.as_str(), paging)
        })
        .collect();
    found.sort_by_key(|(id, _)| *id);
    let query = |name: &str| PageRequest::Query(name.to_owned());
    assert_eq!(
        found,
        [
            ("listNotes", Some((PageStyle::Cursor, query("starting_after"), "pages.next.starting_after".to_owned(), Some("total_count")))),
            // A `page` that is not a number is not a page number.
            ("listNotesByLetter", None),
            ("listNumberedNotes", Some((PageStyle::PageNumber, query("page"), "pages.total_pages".to_owned(), Some("total_count")))),
            // The paged shape, but nothing to ask for the next page with.
            ("listRecentNotes", None),
            ("listUncountedNotes", Some((PageStyle::PageNumber, query("page"), String::new(), None))),
            ("scrollNotes", Some((PageStyle::Scroll, query("scroll_param"), "scroll_param".to_owned(), None))),
        ]
    );
}
