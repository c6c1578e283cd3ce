//! Loading profiles and catalogs: exact values in the layout's representation, records that
//! fail with their line, id and field, and the §8 readings (visitors, defaults, derived cart
//! counts, order lines carrying their order's status and time).

use seg_data::load::{load_catalog, load_profiles};
use seg_data::{Catalog, Interner, Value};
use seg_diag::FileId;

fn schema() -> seg_schema::Schema {
    seg_schema::parse_schema(FileId(0), include_str!("../../../tests/check/schema.json")).0
}

const SPEC_PROFILE: &str = r#"{"id": "c-1001", "logged_in": true, "website": "base",
 "customer": {"email": "kim@example.com", "group": "VIP", "dob": "1990-05-01",
              "newsletter_subscribed": true, "store_credit": "25.00", "reward_points": 120,
              "created_at": "2025-03-01T09:00:00Z"},
 "addresses": [{"city": "Seoul", "country_id": "KR", "postcode": "04524",
                "default_billing": true, "default_shipping": true}],
 "cart": {"subtotal": "120.00", "grand_total": "132.00", "tax": "12.00",
          "items": [{"sku": "MB-01", "qty": 2, "price": "60.00", "added_at": "2026-11-27T10:00:00Z"}]},
 "wishlist_items": [{"sku": "WS-03", "added_at": "2026-10-01T00:00:00Z"}],
 "viewed_products": [{"sku": "MB-01", "viewed_at": "2026-11-20T12:00:00Z"}],
 "orders": [{"id": "o-1", "status": "complete", "created_at": "2026-06-01T08:00:00Z",
             "grand_total": "310.50", "subtotal": "290.00",
             "items": [{"sku": "MB-01", "qty": 1, "price": "290.00"}],
             "billing_address": {"city": "Seoul", "country_id": "KR"}}]}"#;

#[test]
fn the_spec_profile_loads_exactly() {
    let schema = schema();
    let mut interner = Interner::new();
    let (catalog, errors) = load_catalog(
        "{\"sku\": \"MB-01\", \"price\": \"60.00\"}",
        &schema,
        &mut interner,
    );
    assert!(errors.is_empty());
    let mut profiles = load_profiles(SPEC_PROFILE, &schema, &catalog, &mut interner);
    assert_eq!(profiles.len(), 1);
    let p = profiles.remove(0).expect("loads");
    assert_eq!(p.id, "c-1001");
    assert!(p.logged_in);
    assert_eq!(p.website.as_deref(), Some("base"));
    // customer slots follow the schema: email, group, gender, dob, created_at, newsletter, credit, points
    assert!(matches!(p.customer[0], Value::Str(s) if interner.text(s) == "kim@example.com"));
    assert_eq!(p.customer[1], Value::Option(3)); // VIP is the fourth option
    assert_eq!(p.customer[2], Value::Missing);
    assert_eq!(p.customer[3], Value::Date(7425)); // 1990-05-01
    assert_eq!(p.customer[4], Value::DateTime(1_740_819_600_000_000)); // 2025-03-01T09:00:00Z
    assert_eq!(p.customer[5], Value::Bool(true));
    assert_eq!(p.customer[6], Value::Dec(250_000));
    assert_eq!(p.customer[7], Value::Int(120));
    assert_eq!(p.default_billing, Some(0));
    assert_eq!(p.cart[0], Value::Dec(1_200_000));
    assert_eq!(p.cart[3], Value::Missing); // shipping_amount absent
    assert_eq!(p.cart[7], Value::Int(1)); // items_count
    assert_eq!(p.cart[8], Value::Int(2)); // items_qty
    assert_eq!(p.cart_items[0].product, catalog.find("MB-01"));
    assert_eq!(p.wishlist_items[0].product, None); // WS-03 is not in the catalog
    let order = &p.orders[0];
    assert_eq!(order.record.values[3], Value::Dec(3_105_000));
    assert_eq!(
        order.items[0].values[4], order.record.values[1],
        "lines carry the order's status"
    );
    assert_eq!(
        order.items[0].values[5],
        Value::DateTime(1_780_300_800_000_000)
    );
    assert!(order.billing_address.is_some());
}

#[test]
fn ndjson_keeps_order_and_isolates_a_bad_line() {
    let schema = schema();
    let mut interner = Interner::new();
    let text =
        "{\"id\": \"a\"}\n\n{\"id\": \"b\", oops}\n{\"id\": 7, \"cart\": {\"subtotal\": 0.1}}\n";
    let results = load_profiles(text, &schema, &Catalog::default(), &mut interner);
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap().id, "a");
    let error = results[1].as_ref().unwrap_err();
    assert_eq!(error.line, 3);
    assert!(error.message.contains("malformed JSON"));
    let third = results[2].as_ref().unwrap();
    assert_eq!(third.id, "7");
    assert_eq!(third.cart[0], Value::Dec(1000));
}

#[test]
fn errors_name_line_id_and_field() {
    let schema = schema();
    let mut interner = Interner::new();
    let cases = [
        (
            r#"{"id": "x", "logged_in": true, "customer": {"reward_points": "12"}}"#,
            "customer.reward_points",
        ),
        (
            r#"{"id": "x", "logged_in": true, "customer": {"reward_points": 1.5}}"#,
            "customer.reward_points",
        ),
        (
            r#"{"id": "x", "cart": {"subtotal": "1.23456"}}"#,
            "cart.subtotal",
        ),
        (
            r#"{"id": "x", "logged_in": true, "orders": [{}, {"created_at": "2026-01-01"}]}"#,
            "orders[1].created_at",
        ),
        (
            r#"{"id": "x", "logged_in": true, "customer": {"group": "Platinum"}}"#,
            "customer.group",
        ),
        (
            r#"{"id": "x", "logged_in": true, "addresses": [{"country_id": 82}]}"#,
            "addresses[0].country_id",
        ),
        (
            r#"{"id": "x", "cart": {"items": [{"sku": "A", "qty": "2"}]}}"#,
            "cart.items[0].qty",
        ),
        (r#"{"id": "x", "logged_in": "yes"}"#, "logged_in"),
        (r#"{"logged_in": true}"#, "id"),
        (r#"[1, 2]"#, ""),
    ];
    for (text, field) in cases {
        let error = load_profiles(text, &schema, &Catalog::default(), &mut interner)
            .remove(0)
            .unwrap_err();
        assert_eq!(error.field, field, "{text}: {error}");
        assert_eq!(error.line, 1);
    }
}

#[test]
fn empty_forms_are_missing_and_visitor_data_is_ignored() {
    let schema = schema();
    let mut interner = Interner::new();
    let text = r#"{"id": "v", "customer": {"email": "a@b.c"}, "orders": [{"status": "complete"}], "cart": {"subtotal": "", "tax": null, "items": []}}"#;
    let p = load_profiles(text, &schema, &Catalog::default(), &mut interner)
        .remove(0)
        .unwrap();
    assert!(!p.logged_in);
    assert!(p.customer.iter().all(Value::is_missing));
    assert!(p.orders.is_empty());
    assert_eq!(p.cart[0], Value::Missing);
    assert_eq!(p.cart[2], Value::Missing);
    assert_eq!(p.cart[7], Value::Int(0));
    let text = r#"{"id": "w", "logged_in": true, "customer": {"email": "   ", "interests": []}}"#;
    let p = load_profiles(text, &schema, &Catalog::default(), &mut interner)
        .remove(0)
        .unwrap();
    assert!(
        matches!(p.customer[0], Value::Str(_)),
        "whitespace is a value"
    );
    assert_eq!(p.customer[8], Value::Missing);
}

#[test]
fn one_pretty_printed_object_is_one_record() {
    let schema = schema();
    let mut interner = Interner::new();
    let results = load_profiles(
        "\n{\n  \"id\": \"pretty\",\n  \"logged_in\": true\n}\n",
        &schema,
        &Catalog::default(),
        &mut interner,
    );
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].as_ref().unwrap().id, "pretty");
}

#[test]
fn catalog_errors_are_reported_and_the_rest_loads() {
    let schema = schema();
    let mut interner = Interner::new();
    let text = "{\"sku\": \"A\", \"price\": \"1.00\", \"unknown\": 1}\n{\"price\": 2}\n{\"sku\": \"A\"}\n{\"sku\": \"B\", \"price\": \"x\"}\n{\"sku\": \"C\", \"category_ids\": [\"3\", \"12\"]}\n";
    let (catalog, errors) = load_catalog(text, &schema, &mut interner);
    assert_eq!(catalog.products.len(), 2);
    assert_eq!(
        errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect::<Vec<_>>(),
        [(2, "sku"), (3, "sku"), (4, "price")]
    );
    let c = catalog.get(catalog.find("C").unwrap());
    assert_eq!(c.values[2], Value::Options(vec![0, 1].into_boxed_slice()));
}

/// Native code reads values by this layout; it must not drift.
#[test]
fn value_layout_is_the_documented_one() {
    fn tag(v: &Value) -> u8 {
        unsafe { *(v as *const Value as *const u8) }
    }
    fn payload<T: Copy>(v: &Value) -> T {
        unsafe {
            *((v as *const Value as *const u8).add(seg_data::PAYLOAD_OFFSET as usize) as *const T)
        }
    }
    assert_eq!(tag(&Value::Missing), seg_data::TAG_MISSING);
    assert_eq!(tag(&Value::Bool(true)), seg_data::TAG_BOOL);
    assert_eq!(payload::<u8>(&Value::Bool(true)), 1);
    assert_eq!(tag(&Value::Int(-5)), seg_data::TAG_INT);
    assert_eq!(payload::<i64>(&Value::Int(-5)), -5);
    assert_eq!(payload::<i64>(&Value::Dec(250_000)), 250_000);
    assert_eq!(tag(&Value::Date(-3)), seg_data::TAG_DATE);
    assert_eq!(payload::<i32>(&Value::Date(-3)), -3);
    assert_eq!(payload::<i64>(&Value::DateTime(7)), 7);
    assert_eq!(tag(&Value::Option(9)), seg_data::TAG_OPTION);
    assert_eq!(payload::<u32>(&Value::Option(9)), 9);
    assert_eq!(
        tag(&Value::Options(vec![1].into_boxed_slice())),
        seg_data::TAG_OPTIONS
    );
    assert_eq!(std::mem::size_of::<Value>(), 24);
}
