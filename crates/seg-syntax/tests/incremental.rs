//! The incremental parse (`reparse`) gives exactly what a parse from scratch gives, after any
//! edit: random edits (typing, deleting, pasting braces, quotes, comments and segment headers)
//! applied one after another to every example and fixture file, each version parsed both ways
//! and compared tree for tree, span for span, diagnostic for diagnostic.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::select;
use seg_diag::FileId;
use seg_syntax::{parse, reparse, Reuse};

const FILE: FileId = FileId(3);

/// Every `.seg` file of the examples and of the parse and check fixtures.
fn corpus() -> &'static [String] {
    static CORPUS: OnceLock<Vec<String>> = OnceLock::new();
    CORPUS.get_or_init(read_corpus)
}

fn read_corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut texts = Vec::new();
    for folder in ["examples/segments", "tests/parse", "tests/check"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "seg"))
            .collect();
        paths.sort();
        for path in paths {
            // Fixtures that are not UTF-8 are not parsed at all.
            if let Ok(text) = String::from_utf8(std::fs::read(&path).unwrap()) {
                texts.push(text);
            }
        }
    }
    assert!(texts.len() > 20, "corpus not found");
    texts
}

/// An edit: at a fraction of the text, delete some bytes and insert a snippet.
#[derive(Clone, Debug)]
struct Edit {
    at: f64,
    delete: usize,
    insert: &'static str,
}

fn edit() -> impl Strategy<Value = Edit> {
    let snippets = select(vec![
        "",
        "x",
        " ",
        "\n",
        "{",
        "}",
        "\"",
        "1",
        "customer.",
        "segment z {",
        "segment z { cart.subtotal > 1 }\n",
        "/// doc\n",
        "# comment\n",
        "in segment ",
        "all {\n",
        "é",
    ]);
    (0.0..=1.0f64, 0usize..12, snippets).prop_map(|(at, delete, insert)| Edit {
        at,
        delete,
        insert,
    })
}

fn apply(text: &str, edit: &Edit) -> String {
    let boundary = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = boundary((text.len() as f64 * edit.at) as usize);
    let end = boundary(start + edit.delete).max(start);
    format!("{}{}{}", &text[..start], edit.insert, &text[end..])
}

fn assert_same(text: &str, reuse: Reuse) -> Reuse {
    let (module, diagnostics, next) = reparse(FILE, text, reuse);
    let (expected_module, expected_diagnostics) = parse(FILE, text);
    assert_eq!(module, expected_module, "tree differs for:\n{text}");
    assert_eq!(
        diagnostics, expected_diagnostics,
        "diagnostics differ for:\n{text}"
    );
    next
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn reparsing_after_edits_equals_parsing_afresh(
        file in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let mut text = file.get(corpus()).clone();
        let mut reuse = assert_same(&text, Reuse::default());
        for edit in &edits {
            text = apply(&text, edit);
            reuse = assert_same(&text, reuse);
        }
    }
}

#[test]
fn an_edit_in_one_segment_reparses_only_that_segment() {
    let text = corpus()
        .iter()
        .find(|t| t.matches("\nsegment ").count() >= 3)
        .expect("an example with several segments");
    let (module, _, reuse) = reparse(FILE, text, Reuse::default());
    assert_eq!(reuse.reused(), 0);
    let count = module.segments.len();
    // Typing in the first segment's name moves every later segment.
    let at = text.find("segment ").unwrap() + "segment ".len();
    let edited = format!("{}x{}", &text[..at], &text[at..]);
    let reuse = assert_same(&edited, reuse);
    assert_eq!(reuse.reused(), count - 1);
    // The same text again reuses everything.
    let reuse = assert_same(&edited, reuse);
    assert_eq!(reuse.reused(), count);
    // What was left for another file is not used.
    let (_, _, other) = reparse(FileId(9), &edited, reuse);
    assert_eq!(other.reused(), 0);
}
