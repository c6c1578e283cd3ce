//! Any input at all: the loader never panics, and what it returns is always well-formed.

mod common;

use common::load;
use proptest::prelude::*;
use seg_diag::Code;
use seg_schema::{parse_schema, Entity, Schema};

const VALID: &str = r#"{
  "customer": [
    {"code": "group", "label": "Group", "type": "select",
     "options": ["General", "Wholesale", "Retailer", "VIP"], "use_in_customer_segment": true},
    {"code": "dob", "label": "Date of Birth", "type": "date", "use_in_customer_segment": false}
  ],
  "customer_address": [ {"code": "city", "label": "Città", "type": "string", "use_in_customer_segment": true} ],
  "product": [ {"code": "category_ids", "label": "Categories", "type": "multiselect",
                "options": ["3", "12", "15"], "use_for_promo_rules": true} ]
}"#;

/// What every result must satisfy, whatever the input.
fn assert_well_formed(text: &str) {
    let (schema, diagnostics) = parse_schema(common::FILE, text);
    for d in &diagnostics {
        assert!(
            matches!(d.code, Code::E0101 | Code::E0102),
            "unexpected code {:?}",
            d.code
        );
        for label in std::iter::once(&d.primary).chain(&d.secondary) {
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(
                start <= end && end <= text.len(),
                "span {} outside a text of {} bytes",
                label.span,
                text.len()
            );
            assert!(
                text.is_char_boundary(start) && text.is_char_boundary(end),
                "span {} splits a character",
                label.span
            );
        }
    }
    assert_schema_consistent(&schema, text);
}

fn assert_schema_consistent(schema: &Schema, text: &str) {
    for entity in Entity::ALL {
        let attributes = schema.attributes(entity);
        for (i, attribute) in attributes.iter().enumerate() {
            assert!(!attribute.code.is_empty());
            assert!(
                attributes[..i].iter().all(|a| a.code != attribute.code),
                "`{}` kept twice",
                attribute.code
            );
            assert!(
                text.get(attribute.span.range()).is_some()
                    && text.get(attribute.code_span.range()).is_some()
            );
            assert!(attribute.ty.has_options() || attribute.options.is_empty());
            assert!(attribute.options.iter().all(|o| !o.is_empty()));
            let other_flag = match entity {
                Entity::Product => attribute.use_in_customer_segment,
                _ => attribute.use_for_promo_rules,
            };
            assert!(
                !other_flag,
                "a flag of another entity was set on `{}`",
                attribute.code
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_string_is_handled(text in "\\PC*") {
        assert_well_formed(&text);
    }

    #[test]
    fn json_looking_noise_is_handled(text in r#"[\[\]{}:,"\\ \n\tacdeilnoprstuy_0-9.eE+\-]{0,80}"#) {
        assert_well_formed(&text);
    }

    #[test]
    fn any_bytes_read_lossily_are_handled(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        assert_well_formed(&String::from_utf8_lossy(&bytes));
    }

    /// Small edits of a real schema reach the deep parts of the loader, which random text
    /// rarely gets past the JSON syntax check to exercise.
    #[test]
    fn edited_schemas_are_handled(
        cut in 0usize..VALID.len(), cut_len in 0usize..12, insert_at in 0usize..VALID.len(),
        insert in prop::sample::select(vec!["", "\"", ",", "{", "}", "[", "]", ":", "null", "1e999", "true", "\"x\"",
            "\"code\": \"group\",", "\"type\": \"select\",", "\"options\": [],", "\"use_for_promo_rules\": 1,", "é", "\n"]),
    ) {
        let mut text: Vec<char> = VALID.chars().collect();
        let cut = cut.min(text.len());
        let cut_end = (cut + cut_len).min(text.len());
        text.drain(cut..cut_end);
        let insert_at = insert_at.min(text.len());
        text.splice(insert_at..insert_at, insert.chars());
        assert_well_formed(&text.into_iter().collect::<String>());
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for text in [
        "[".repeat(100_000),
        "{\"a\":".repeat(100_000),
        format!("{{\"customer\": {}", "[".repeat(50_000)),
    ] {
        let (_, seen) = load(&text);
        assert_eq!(seen.len(), 1, "{seen:#?}");
        assert_eq!(seen[0].code, "E0101");
    }
}

#[test]
fn huge_numbers_are_values_of_the_wrong_type_not_crashes() {
    let text =
        r#"{"customer": [{"code": 1e999999999, "type": 123456789012345678901234567890123456789}]}"#;
    let (schema, seen) = load(text);
    assert!(schema.customer.is_empty());
    assert_eq!(
        seen.iter().map(|s| s.code).collect::<Vec<_>>(),
        ["E0101", "E0101"]
    );
}

#[test]
fn odd_but_valid_json_is_handled() {
    for text in [
        "null",
        "true",
        "\"schema\"",
        "0",
        "[]",
        "{\"customer\": [[], {}, null, [{}]]}",
        "{\"customer\": {}}",
        "{\"\": 1}",
    ] {
        assert_well_formed(text);
        let (_, seen) = load(text);
        assert!(!seen.is_empty(), "{text} is not a usable schema");
    }
}

#[test]
fn the_valid_schema_used_for_edits_is_clean() {
    let (_, seen) = load(VALID);
    assert!(seen.is_empty(), "{seen:#?}");
}
