//! Streaming (`seg_data::read`): the records and errors of any input are exactly those of
//! `load_profiles` over the same text, in the same order, whatever the chunk size; a line that
//! is not UTF-8 is an error for that line only.

use std::sync::Arc;

use proptest::prelude::*;
use seg_data::load::load_profiles;
use seg_data::read::{chunk, ProfileLoader, Records};
use seg_data::{Catalog, Interner, Row, Value};

use crate::fixture_schema;

/// What a record came to, comparable across interners: the id and the customer values with
/// strings as texts, or the error's text.
fn outcome(row: Row, interner: &Interner) -> String {
    let values: Vec<String> = (0..12)
        .map(|slot| match row.customer(slot) {
            Value::Str(sym) => format!("{:?}", interner.text(*sym)),
            other => format!("{other:?}"),
        })
        .collect();
    format!(
        "{} {} {:?} {} {}",
        row.id,
        row.logged_in,
        row.website,
        values.join(","),
        row.orders.len() + row.addresses.len() + row.cart_items.len()
    )
}

fn whole(text: &str) -> Vec<String> {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    load_profiles(text, &schema, &Catalog::default(), &mut interner)
        .iter()
        .map(|r| match r {
            Ok(profile) => outcome(Row::from(profile), &interner),
            Err(e) => e.to_string(),
        })
        .collect()
}

fn streamed(bytes: &[u8], rows: usize) -> Vec<String> {
    let schema = fixture_schema();
    let catalog = Catalog::default();
    let loader = ProfileLoader::new(&schema, &catalog, Arc::new(Interner::new()));
    let mut records = Records::new(bytes);
    let mut out = Vec::new();
    loop {
        let raw = chunk(&mut records, rows).unwrap();
        if raw.is_empty() {
            return out;
        }
        let loaded = loader.load_chunk(raw);
        for record in loaded.records {
            out.push(match record {
                Ok(row) => outcome(loaded.batch.row(row), loaded.batch.interner()),
                Err(e) => e.to_string(),
            });
        }
    }
}

const NDJSON: &str = concat!(
    "{\"id\": \"a\", \"logged_in\": true, \"website\": \"base\", \"customer\": {\"email\": \"A@x.kr\"}}\n",
    "\n",
    "{\"id\": \"b\", \"logged_in\": true, \"customer\": {\"email\": 5}}\r\n",
    "not json\n",
    "   \n",
    "{\"id\": 7, \"orders\": [{\"id\": \"o\", \"status\": \"complete\"}]}",
);

#[test]
fn ndjson_streams_as_it_loads_whole() {
    let expected = whole(NDJSON);
    assert_eq!(expected.len(), 4);
    for rows in [1, 2, 3, 100] {
        assert_eq!(
            streamed(NDJSON.as_bytes(), rows),
            expected,
            "{rows} per chunk"
        );
    }
}

#[test]
fn a_pretty_printed_profile_is_one_record() {
    let text = "\u{feff}\n\n{\n  \"id\": \"c-1\",\n  \"logged_in\": true\n}\n";
    let expected = whole(text);
    assert_eq!(expected.len(), 1);
    assert!(expected[0].starts_with("c-1 true"), "{expected:?}");
    assert_eq!(streamed(text.as_bytes(), 1), expected);
    // Not one value: every line is a record of its own, with its own line number.
    let broken = "{\n  \"id\": \"c-1\",\n";
    assert_eq!(streamed(broken.as_bytes(), 1), whole(broken));
}

#[test]
fn a_line_that_is_not_utf8_is_an_error_for_that_line_only() {
    let mut bytes = b"{\"id\": \"a\"}\n{\"id\": \"b\xff\"}\n{\"id\": \"c\"}\n".to_vec();
    let out = streamed(&bytes, 2);
    assert_eq!(out.len(), 3);
    assert!(out[0].starts_with("a "));
    assert_eq!(
        out[1],
        "line 2: the record is not UTF-8 (bad byte at column 10)"
    );
    assert!(out[2].starts_with("c "));
    // The same when the first line is not a value on its own.
    bytes.splice(0..0, b"{\n".iter().copied());
    let out = streamed(&bytes, 2);
    assert_eq!(out.len(), 4);
    assert!(out[0].starts_with("line 1: malformed JSON"), "{out:?}");
    assert!(
        out[2].contains("line 3: the record is not UTF-8"),
        "{out:?}"
    );
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("  ".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[]".to_string()),
        "[a-z]{1,3}".prop_map(|id| format!("{{\"id\": \"{id}\", \"logged_in\": true}}")),
        "[a-z]{1,3}".prop_map(|id| format!("\"id\": \"{id}\",")),
        (0..100i64).prop_map(|n| format!("{{\"id\": {n}, \"customer\": {{\"email\": \"É{n}\"}}}}")),
    ]
}

proptest! {
    #[test]
    fn any_lines_stream_as_they_load_whole(
        lines in prop::collection::vec(line(), 0..12),
        crlf in any::<bool>(),
        rows in 1usize..5,
    ) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        prop_assert_eq!(streamed(text.as_bytes(), rows), whole(&text));
    }
}
