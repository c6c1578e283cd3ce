//! Each kind of schema problem: its code, where it is shown (line and column) and its help.

mod common;

use common::{load, only_problem};
use seg_schema::Entity;

// ---- E0101: not JSON, or not the expected shape ------------------------------------------------

#[test]
fn a_trailing_comma_is_a_syntax_error_at_the_comma() {
    let text = "{\n  \"customer\": [\n    {\"code\": \"dob\", \"type\": \"date\"},\n  ]\n}";
    let seen = only_problem(text);
    assert_eq!(
        (seen.code, seen.line, seen.column, seen.text.as_str()),
        ("E0101", 3, 36, ",")
    );
    assert!(seen.message.contains("trailing comma"), "{}", seen.message);
    let fix = seen.diagnostic.suggestion.as_ref().unwrap();
    assert_eq!(fix.replacement, "");
}

#[test]
fn a_missing_comma_is_a_syntax_error_where_it_was_expected() {
    let text = "{\"customer\": [\n  {\"code\": \"dob\" \"type\": \"date\"}]}";
    let seen = only_problem(text);
    assert_eq!((seen.code, seen.line, seen.column), ("E0101", 2, 17));
    assert!(seen.message.contains("expected `,`"), "{}", seen.message);
}

#[test]
fn comments_are_not_json() {
    let seen = only_problem("{\n  // customers\n  \"customer\": []\n}");
    assert_eq!((seen.code, seen.line, seen.column), ("E0101", 2, 3));
    assert!(seen.message.contains("comments"), "{}", seen.message);
}

#[test]
fn an_unclosed_list_or_object_is_shown_at_its_opening_bracket() {
    let seen = only_problem("{\"customer\": [{\"code\": \"dob\", \"type\": \"date\"}]");
    assert_eq!(
        (seen.code, seen.line, seen.column, seen.text.as_str()),
        ("E0101", 1, 1, "{")
    );
    assert!(seen.message.contains("never closed"), "{}", seen.message);
    let seen = only_problem("{\n  \"customer\": [{\"code\": \"dob\", \"type\": \"date\"}\n");
    assert_eq!(
        (seen.code, seen.line, seen.column, seen.text.as_str()),
        ("E0101", 2, 15, "[")
    );
}

#[test]
fn a_leading_zero_is_named_as_such() {
    let seen =
        only_problem("{\"customer\": [{\"code\": \"dob\", \"type\": \"date\", \"label\": 007}]}");
    assert_eq!(
        (seen.code, seen.column, seen.text.as_str()),
        ("E0101", 56, "0")
    );
    assert!(
        seen.message.contains("cannot start with `0`"),
        "{}",
        seen.message
    );
}

#[test]
fn a_bare_word_is_reported_with_its_text() {
    let seen = only_problem("{\"customer\": [{\"code\": \"dob\", \"type\": date}]}");
    assert_eq!(
        (seen.code, seen.line, seen.column, seen.text.as_str()),
        ("E0101", 1, 39, "date")
    );
}

#[test]
fn a_raw_line_break_inside_a_string_is_reported_with_its_escape() {
    let text =
        "{\"customer\": [{\"code\": \"dob\", \"label\": \"Date of\nBirth\", \"type\": \"date\"}]}";
    let (schema, seen) = load(text);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        (seen[0].code, seen[0].line, seen[0].column),
        ("E0101", 1, 48)
    );
    assert_eq!(
        seen[0].diagnostic.suggestion.as_ref().unwrap().replacement,
        "\\n"
    );
    // The rest of the schema is still read.
    assert!(schema.attribute(Entity::Customer, "dob").is_some());
}

#[test]
fn an_empty_file_is_reported() {
    for text in ["", "   \n  "] {
        let seen = only_problem(text);
        assert_eq!((seen.code, seen.line, seen.column), ("E0101", 1, 1));
        assert!(seen.message.contains("empty"), "{}", seen.message);
    }
}

#[test]
fn the_top_level_must_be_an_object() {
    let seen = only_problem("\n[{\"code\": \"dob\", \"type\": \"date\"}]");
    assert_eq!((seen.code, seen.line, seen.column), ("E0101", 2, 1));
    assert!(seen.message.contains("found a list"), "{}", seen.message);
}

#[test]
fn an_unknown_top_level_key_suggests_the_entity() {
    let seen = only_problem("{\n  \"custmer\": []\n}");
    assert_eq!(
        (seen.code, seen.line, seen.column, seen.text.as_str()),
        ("E0101", 2, 3, "\"custmer\"")
    );
    assert_eq!(
        seen.diagnostic.help.as_deref(),
        Some("did you mean `customer`?")
    );
    assert_eq!(
        seen.diagnostic.suggestion.as_ref().unwrap().replacement,
        "\"customer\""
    );
}

#[test]
fn an_entity_must_be_a_list() {
    let seen = only_problem("{\"product\": {\"code\": \"sku\"}}");
    assert_eq!((seen.code, seen.line, seen.column), ("E0101", 1, 13));
    assert!(
        seen.message.contains("`product` must be a list"),
        "{}",
        seen.message
    );
}

#[test]
fn an_attribute_must_be_an_object() {
    let seen = only_problem("{\"customer\": [\"dob\"]}");
    assert_eq!(
        (seen.code, seen.line, seen.column, seen.text.as_str()),
        ("E0101", 1, 15, "\"dob\"")
    );
}

#[test]
fn a_missing_code_is_shown_at_the_attribute() {
    let seen =
        only_problem("{\"customer\": [\n  {\"label\": \"Date of Birth\", \"type\": \"date\"}\n]}");
    assert_eq!(
        (seen.code, seen.line, seen.column, seen.text.as_str()),
        ("E0101", 2, 3, "{")
    );
    assert!(seen.message.contains("no `code`"), "{}", seen.message);
}

#[test]
fn a_missing_type_is_shown_at_the_code() {
    let seen = only_problem("{\"customer\": [\n  {\"code\": \"dob\"}\n]}");
    assert_eq!(
        (seen.code, seen.line, seen.column, seen.text.as_str()),
        ("E0101", 2, 12, "\"dob\"")
    );
    assert!(seen.message.contains("no `type`"), "{}", seen.message);
}

#[test]
fn code_and_type_must_be_non_empty_strings() {
    let seen = only_problem("{\"customer\": [{\"code\": 12, \"type\": \"date\"}]}");
    assert_eq!(
        (seen.code, seen.column, seen.text.as_str()),
        ("E0101", 24, "12")
    );
    let seen = only_problem("{\"customer\": [{\"code\": \"\", \"type\": \"date\"}]}");
    assert_eq!((seen.code, seen.column), ("E0101", 24));
    assert!(seen.message.contains("empty"), "{}", seen.message);
    let seen = only_problem("{\"customer\": [{\"code\": \"dob\", \"type\": null}]}");
    assert_eq!(
        (seen.code, seen.column, seen.text.as_str()),
        ("E0101", 39, "null")
    );
}

#[test]
fn an_unknown_type_suggests_the_closest_and_magento_names() {
    let seen = only_problem("{\"customer\": [{\"code\": \"dob\", \"type\": \"dat\"}]}");
    assert_eq!(
        (seen.code, seen.line, seen.column, seen.text.as_str()),
        ("E0101", 1, 39, "\"dat\"")
    );
    assert_eq!(
        seen.diagnostic.suggestion.as_ref().unwrap().replacement,
        "\"date\""
    );

    let seen = only_problem("{\"product\": [{\"code\": \"price\", \"type\": \"price\"}]}");
    assert_eq!(
        seen.diagnostic.suggestion.as_ref().unwrap().replacement,
        "\"decimal\""
    );
    assert!(seen
        .diagnostic
        .help
        .as_deref()
        .unwrap()
        .starts_with("did you mean `decimal`?"));

    let seen =
        only_problem("{\"product\": [{\"code\": \"price\", \"type\": \"money_amount_xyz\"}]}");
    assert!(seen.diagnostic.suggestion.is_none());
    assert!(seen
        .diagnostic
        .help
        .as_deref()
        .unwrap()
        .contains("`multiselect`"));
}

#[test]
fn an_unknown_attribute_key_suggests_the_closest() {
    let text = "{\"customer\": [\n  {\"code\": \"dob\", \"lable\": \"Date of Birth\", \"type\": \"date\"}\n]}";
    let (schema, seen) = load(text);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        (
            seen[0].code,
            seen[0].line,
            seen[0].column,
            seen[0].text.as_str()
        ),
        ("E0101", 2, 19, "\"lable\"")
    );
    assert_eq!(
        seen[0].diagnostic.help.as_deref(),
        Some("did you mean `label`?")
    );
    // Only the unknown key is dropped: the attribute itself is usable.
    assert_eq!(
        schema.attribute(Entity::Customer, "dob").unwrap().label,
        "dob"
    );
}

#[test]
fn magento_column_names_are_translated() {
    let seen = only_problem("{\"customer\": [{\"code\": \"dob\", \"type\": \"date\", \"is_used_for_customer_segment\": true}]}");
    assert_eq!(
        seen.diagnostic.suggestion.as_ref().unwrap().replacement,
        "\"use_in_customer_segment\""
    );
    let seen = only_problem(
        "{\"product\": [{\"code\": \"sku\", \"type\": \"string\", \"frontend_label\": \"SKU\"}]}",
    );
    assert_eq!(
        seen.diagnostic.suggestion.as_ref().unwrap().replacement,
        "\"label\""
    );
}

#[test]
fn label_and_flags_must_have_their_types() {
    let seen =
        only_problem("{\"customer\": [{\"code\": \"dob\", \"type\": \"date\", \"label\": 3}]}");
    assert_eq!(
        (seen.code, seen.column, seen.text.as_str()),
        ("E0101", 56, "3")
    );

    let seen = only_problem("{\"customer\": [{\"code\": \"dob\", \"type\": \"date\", \"use_in_customer_segment\": \"yes\"}]}");
    assert_eq!(
        (seen.code, seen.column, seen.text.as_str()),
        ("E0101", 74, "\"yes\"")
    );
    assert!(seen.diagnostic.suggestion.is_none());

    let seen = only_problem("{\"customer\": [{\"code\": \"dob\", \"type\": \"date\", \"use_in_customer_segment\": \"true\"}]}");
    assert_eq!(
        seen.diagnostic.suggestion.as_ref().unwrap().replacement,
        "true"
    );
    let seen = only_problem(
        "{\"customer\": [{\"code\": \"dob\", \"type\": \"date\", \"use_in_customer_segment\": 0}]}",
    );
    assert_eq!(
        seen.diagnostic.suggestion.as_ref().unwrap().replacement,
        "false"
    );
}

#[test]
fn an_option_must_be_a_string() {
    let text = "{\"product\": [{\"code\": \"category_ids\", \"type\": \"multiselect\", \"options\": [\"3\", 12]}]}";
    let (schema, seen) = load(text);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        (seen[0].code, seen[0].column, seen[0].text.as_str()),
        ("E0101", 79, "12")
    );
    assert_eq!(
        seen[0].diagnostic.suggestion.as_ref().unwrap().replacement,
        "\"12\""
    );
    assert_eq!(schema.product[0].options, ["3"]);
}

#[test]
fn a_key_given_twice_is_reported_at_the_repeat() {
    let text = "{\"customer\": [{\"code\": \"dob\", \"type\": \"date\", \"type\": \"datetime\"}]}";
    let (schema, seen) = load(text);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        (seen[0].code, seen[0].column, seen[0].text.as_str()),
        ("E0101", 47, "\"type\"")
    );
    assert_eq!(seen[0].diagnostic.secondary[0].message, "first given here");
    // The first occurrence wins.
    assert_eq!(schema.customer[0].ty, seg_schema::AttrType::Date);
}

// ---- E0102: well-formed but inconsistent -------------------------------------------------------

#[test]
fn a_duplicate_code_is_reported_with_the_first_declaration() {
    let text = "{\"customer\": [\n  {\"code\": \"dob\", \"type\": \"date\"},\n  {\"code\": \"dob\", \"type\": \"datetime\"}\n]}";
    let (schema, seen) = load(text);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        (
            seen[0].code,
            seen[0].line,
            seen[0].column,
            seen[0].text.as_str()
        ),
        ("E0102", 3, 12, "\"dob\"")
    );
    let first = &seen[0].diagnostic.secondary[0];
    assert_eq!(&text[first.span.range()], "\"dob\"");
    assert_eq!(first.span.start, 26);
    assert_eq!(schema.customer.len(), 1);
    assert_eq!(schema.customer[0].ty, seg_schema::AttrType::Date);
}

#[test]
fn the_same_code_in_two_entities_is_fine() {
    let (_, seen) = load(
        "{\"customer\": [{\"code\": \"name\", \"type\": \"string\"}], \"product\": [{\"code\": \"name\", \"type\": \"string\"}]}",
    );
    assert!(seen.is_empty(), "{seen:#?}");
}

#[test]
fn codes_differing_in_case_are_different_attributes() {
    let (schema, seen) = load("{\"customer\": [{\"code\": \"dob\", \"type\": \"date\"}, {\"code\": \"DOB\", \"type\": \"date\"}]}");
    assert!(seen.is_empty(), "{seen:#?}");
    assert_eq!(schema.customer.len(), 2);
}

#[test]
fn a_code_that_no_segment_could_name_is_inconsistent() {
    let seen = only_problem("{\"customer\": [{\"code\": \"date of birth\", \"type\": \"date\"}]}");
    assert_eq!(
        (seen.code, seen.column, seen.text.as_str()),
        ("E0102", 24, "\"date of birth\"")
    );
}

#[test]
fn a_select_without_options_is_shown_at_its_code() {
    let seen = only_problem("{\"customer\": [\n  {\"code\": \"group\", \"type\": \"select\"}\n]}");
    assert_eq!(
        (seen.code, seen.line, seen.column, seen.text.as_str()),
        ("E0102", 2, 12, "\"group\"")
    );
}

#[test]
fn an_empty_options_list_is_shown_at_the_list() {
    let seen = only_problem(
        "{\"customer\": [{\"code\": \"group\", \"type\": \"multiselect\", \"options\": []}]}",
    );
    assert_eq!(
        (seen.code, seen.column, seen.text.as_str()),
        ("E0102", 67, "[]")
    );
}

#[test]
fn an_empty_option_is_inconsistent() {
    let seen = only_problem("{\"customer\": [{\"code\": \"group\", \"type\": \"select\", \"options\": [\"VIP\", \"\"]}]}");
    assert_eq!(
        (seen.code, seen.column, seen.text.as_str()),
        ("E0102", 70, "\"\"")
    );
}

#[test]
fn options_repeated_up_to_case_are_duplicates() {
    let text = "{\"customer\": [{\"code\": \"group\", \"type\": \"select\", \"options\": [\"VIP\", \"General\", \"vip\"]}]}";
    let (schema, seen) = load(text);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        (seen[0].code, seen[0].column, seen[0].text.as_str()),
        ("E0102", 81, "\"vip\"")
    );
    assert!(
        seen[0].message.contains("case-insensitively"),
        "{}",
        seen[0].message
    );
    assert_eq!(
        &text[seen[0].diagnostic.secondary[0].span.range()],
        "\"VIP\""
    );
    assert_eq!(schema.customer[0].options, ["VIP", "General"]);
}

#[test]
fn options_on_a_type_without_options_are_inconsistent() {
    let seen = only_problem(
        "{\"customer\": [{\"code\": \"city\", \"type\": \"string\", \"options\": [\"Seoul\"]}]}",
    );
    assert_eq!(
        (seen.code, seen.column, seen.text.as_str()),
        ("E0102", 50, "\"options\"")
    );
}

#[test]
fn a_flag_of_another_entity_is_inconsistent() {
    let text = "{\"product\": [{\"code\": \"sku\", \"type\": \"string\", \"use_in_customer_segment\": true}]}";
    let (schema, seen) = load(text);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        (seen[0].code, seen[0].column, seen[0].text.as_str()),
        ("E0102", 48, "\"use_in_customer_segment\"")
    );
    assert_eq!(
        seen[0].diagnostic.suggestion.as_ref().unwrap().replacement,
        "\"use_for_promo_rules\""
    );
    // The flag is ignored rather than trusted.
    let sku = schema.attribute(Entity::Product, "sku").unwrap();
    assert!(!sku.use_in_customer_segment && !sku.enabled(Entity::Product));

    for entity in ["customer", "customer_address"] {
        let text = format!("{{\"{entity}\": [{{\"code\": \"x\", \"type\": \"string\", \"use_for_promo_rules\": false}}]}}");
        let seen = only_problem(&text);
        assert_eq!(seen.code, "E0102");
        assert_eq!(seen.text, "\"use_for_promo_rules\"");
    }
}

// ---- Many problems in one run ------------------------------------------------------------------

#[test]
fn every_problem_of_a_schema_is_reported_in_one_run_and_good_attributes_are_kept() {
    let text = r#"{
  "customer": [
    {"code": "group", "type": "select", "options": ["VIP", "VIP"], "use_in_customer_segment": true},
    {"code": "dob", "type": "dat"},
    {"code": "email", "type": "string", "use_in_customer_segment": true},
    {"code": "email", "type": "string"},
    42
  ],
  "customer_address": [
    {"code": "city", "type": "string", "use_for_promo_rules": true, "lable": "City"}
  ],
  "produkt": []
}"#;
    let (schema, seen) = load(text);
    let found: Vec<_> = seen
        .iter()
        .map(|s| (s.code, s.line, s.column, s.text.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("E0102", 3, 60, "\"VIP\""),
            ("E0101", 4, 29, "\"dat\""),
            ("E0102", 6, 14, "\"email\""),
            ("E0101", 7, 5, "42"),
            ("E0102", 10, 40, "\"use_for_promo_rules\""),
            ("E0101", 10, 69, "\"lable\""),
            ("E0101", 12, 3, "\"produkt\""),
        ]
    );
    let codes: Vec<_> = schema.customer.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes, ["group", "email"]);
    assert_eq!(schema.customer[0].options, ["VIP"]);
    assert!(schema.attribute(Entity::CustomerAddress, "city").is_some());
}
