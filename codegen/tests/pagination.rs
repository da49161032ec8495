//! Which operations page and how, as detected from the shapes of `fixtures/openapi/pagination.yaml`
//! (its generated code is in the snapshot of the same name).

use codegen::model::{PageRequest, PageStyle};

/// How an operation pages: style, where the position goes, the path to the next one, the total's field.
type Paging<'a> = (PageStyle, PageRequest, String, Option<&'a str>);

fn model_of(fixture: &str) -> codegen::Model {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi").join(fixture);
    codegen::build_model(&codegen::Config { openapi: path, ..Default::default() }).expect("the fixture builds")
}

/// Each operation's id and how it pages, sorted by id.
fn paging_of(model: &codegen::Model) -> Vec<(&str, Option<Paging<'_>>)> {
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
    found
}

#[test]
fn each_paging_style_is_detected_and_lists_that_cannot_page_get_no_stream() {
    let model = model_of("pagination.yaml");
    let found = paging_of(&model);
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

#[test]
fn lists_that_link_to_their_next_page_stream_by_the_link_and_paged_lists_without_a_way_are_warned() {
    let model = model_of("pagination_links.yaml");
    let found = paging_of(&model);
    let link = |next: &str, total| Some((PageStyle::Link, PageRequest::Link, next.to_owned(), total));
    assert_eq!(
        found,
        [
            ("listEvents", link("_links.next.href", None)),
            ("listFiles", link("pages.next", Some("total_count"))),
            ("listMachines", link("nextLink", None)),
            ("listRecentFiles", None),
            ("listStarredFiles", None),
            ("searchFiles", None),
        ]
    );
    // The two lists that look paged and say nothing of it are warned, at the operation.
    let warnings: Vec<String> = model.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    let warned = |pointer: &str, text: &str| warnings.iter().any(|w| w.contains(pointer) && w.contains(text));
    assert!(warned("(at #/paths/~1files~1search/post)", "followed only for a GET"), "{warnings:#?}");
    assert!(warned("(at #/paths/~1files~1recent/get)", "`listRecentFiles` answers with a page of a list (`pages`)"), "{warnings:#?}");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi/pagination_links.yaml");
    let strict = codegen::Config { openapi: path, strict: true, ..Default::default() };
    let error = codegen::generate(&strict).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("answers with a page of a list") && error.contains("denied by --strict"), "{error}");
}
