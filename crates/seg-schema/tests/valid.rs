//! Well-formed schemas load completely: types, labels, options, flags and spans.

mod common;

use common::{load, FILE};
use seg_schema::{AttrType, Attribute, Entity, Schema};

/// The schema of spec §4, verbatim.
const SPEC_SCHEMA: &str = r#"{
  "customer": [
    {"code": "group", "label": "Group", "type": "select",
     "options": ["General", "Wholesale", "Retailer", "VIP"], "use_in_customer_segment": true},
    {"code": "dob", "label": "Date of Birth", "type": "date", "use_in_customer_segment": false}
  ],
  "customer_address": [ {"code": "city", "label": "City", "type": "string", "use_in_customer_segment": true} ],
  "product": [ {"code": "category_ids", "label": "Categories", "type": "multiselect",
                "options": ["3", "12", "15"], "use_for_promo_rules": true} ]
}"#;

#[test]
fn the_spec_schema_loads_with_its_types_flags_and_options() {
    let (schema, seen) = load(SPEC_SCHEMA);
    assert!(seen.is_empty(), "{seen:#?}");
    assert_eq!(schema.file, Some(FILE));

    let group = schema.attribute(Entity::Customer, "group").unwrap();
    assert_eq!(group.label, "Group");
    assert_eq!(group.ty, AttrType::Select);
    assert_eq!(group.options, ["General", "Wholesale", "Retailer", "VIP"]);
    assert!(group.enabled(Entity::Customer));

    let dob = schema.attribute(Entity::Customer, "dob").unwrap();
    assert_eq!(dob.ty, AttrType::Date);
    assert!(dob.options.is_empty());
    assert!(!dob.enabled(Entity::Customer));
    assert!(!schema.enabled(dob, Entity::Customer));

    let city = schema.attribute(Entity::CustomerAddress, "city").unwrap();
    assert_eq!(city.ty, AttrType::String);
    assert!(city.use_in_customer_segment);

    let categories = schema.attribute(Entity::Product, "category_ids").unwrap();
    assert_eq!(categories.ty, AttrType::Multiselect);
    assert_eq!(categories.options, ["3", "12", "15"]);
    assert!(categories.use_for_promo_rules && !categories.use_in_customer_segment);
    assert!(categories.enabled(Entity::Product));

    let codes = |e| {
        schema
            .attributes(e)
            .iter()
            .map(|a| a.code.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(Entity::Customer), ["group", "dob"]);
    assert_eq!(codes(Entity::CustomerAddress), ["city"]);
    assert_eq!(codes(Entity::Product), ["category_ids"]);
}

#[test]
fn spans_point_at_the_declaration_and_its_code() {
    let (schema, _) = load(SPEC_SCHEMA);
    let dob = schema.attribute(Entity::Customer, "dob").unwrap();
    assert_eq!(&SPEC_SCHEMA[dob.code_span.range()], "\"dob\"");
    let declaration = &SPEC_SCHEMA[dob.span.range()];
    assert!(
        declaration.starts_with("{\"code\": \"dob\"") && declaration.ends_with("false}"),
        "{declaration}"
    );
}

#[test]
fn codes_are_case_sensitive_and_missing_codes_are_none() {
    let (schema, _) = load(SPEC_SCHEMA);
    assert!(schema.attribute(Entity::Customer, "Group").is_none());
    assert!(schema.attribute(Entity::Product, "group").is_none());
    assert!(schema.attribute(Entity::Customer, "nope").is_none());
}

#[test]
fn label_defaults_to_the_code_and_flags_default_to_no() {
    let (schema, seen) = load(r#"{"customer": [{"code": "reward_points", "type": "integer"}]}"#);
    assert!(seen.is_empty(), "{seen:#?}");
    let points = schema.attribute(Entity::Customer, "reward_points").unwrap();
    assert_eq!(points.label, "reward_points");
    assert!(!points.use_in_customer_segment && !points.use_for_promo_rules);
}

#[test]
fn null_means_absent_for_optional_keys() {
    let text = r#"{"customer": [{"code": "email", "type": "string", "label": null, "options": null,
        "use_in_customer_segment": null}], "product": null}"#;
    let (schema, seen) = load(text);
    assert!(seen.is_empty(), "{seen:#?}");
    let email = schema.attribute(Entity::Customer, "email").unwrap();
    assert_eq!(email.label, "email");
    assert!(!email.enabled(Entity::Customer));
}

#[test]
fn every_type_name_is_read() {
    for ty in AttrType::ALL {
        let options = if ty.has_options() {
            r#", "options": ["a"]"#
        } else {
            ""
        };
        let text = format!(
            r#"{{"product": [{{"code": "x", "type": "{ty}"{options}, "use_for_promo_rules": true}}]}}"#
        );
        let (schema, seen) = load(&text);
        assert!(seen.is_empty(), "{ty}: {seen:#?}");
        assert_eq!(schema.product[0].ty, ty);
        assert_eq!(AttrType::parse(ty.as_str()), Some(ty));
    }
    assert!(AttrType::Integer.is_numeric() && AttrType::Decimal.is_numeric());
    assert!(!AttrType::String.is_numeric() && !AttrType::Select.is_numeric());
}

#[test]
fn each_entity_has_its_own_flag() {
    assert_eq!(
        Attribute::flag_name(Entity::Customer),
        "use_in_customer_segment"
    );
    assert_eq!(
        Attribute::flag_name(Entity::CustomerAddress),
        "use_in_customer_segment"
    );
    assert_eq!(Attribute::flag_name(Entity::Product), "use_for_promo_rules");
    assert_eq!(Entity::CustomerAddress.as_str(), "customer_address");
    assert_eq!(Entity::parse("product"), Some(Entity::Product));
}

#[test]
fn an_empty_object_and_the_empty_schema_declare_nothing() {
    let (schema, seen) = load("{}");
    assert!(seen.is_empty());
    assert_eq!(
        schema,
        Schema {
            file: Some(FILE),
            ..Schema::empty()
        }
    );
    for entity in Entity::ALL {
        assert!(Schema::empty().attributes(entity).is_empty());
    }
}

#[test]
fn a_byte_order_mark_is_accepted_and_offsets_stay_true() {
    let text = "\u{feff}{\"customer\": [{\"code\": \"dob\", \"type\": \"date\"}]}";
    let (schema, seen) = load(text);
    assert!(seen.is_empty(), "{seen:#?}");
    let dob = schema.attribute(Entity::Customer, "dob").unwrap();
    assert_eq!(&text[dob.code_span.range()], "\"dob\"");
}

#[test]
fn escaped_strings_are_decoded() {
    let (schema, seen) =
        load(r#"{"customer": [{"code": "city", "label": "Ci\u0074y \"A\"", "type": "string"}]}"#);
    assert!(seen.is_empty(), "{seen:#?}");
    assert_eq!(schema.customer[0].label, "City \"A\"");
}

/// The schema the check fixtures run against must itself be clean.
#[test]
fn the_check_fixtures_schema_loads_clean() {
    let text = include_str!("../../../tests/check/schema.json");
    let (schema, seen) = load(text);
    assert!(seen.is_empty(), "{seen:#?}");
    assert!(
        !schema.customer.is_empty()
            && !schema.customer_address.is_empty()
            && !schema.product.is_empty()
    );
}
