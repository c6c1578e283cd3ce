//! Profiles: the §5 example slot by slot, record splitting, the §8 readings, error locations.

use seg_data::load::{load_catalog, load_profile, load_profiles};
use seg_data::{Catalog, Interner, Value};

use crate::{at, dec, fixture_schema, load_one, str_of};

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

/// Expectations computed outside Rust: seconds since the epoch from Python's
/// `datetime(…, tzinfo=timezone.utc).timestamp()`, days from `date(…) - date(1970, 1, 1)`.
const CUSTOMER_CREATED: i64 = 1_740_819_600; // 2025-03-01T09:00:00Z
const CART_LINE_ADDED: i64 = 1_795_773_600; // 2026-11-27T10:00:00Z
const WISHED: i64 = 1_790_812_800; // 2026-10-01T00:00:00Z
const VIEWED: i64 = 1_795_176_000; // 2026-11-20T12:00:00Z
const ORDERED: i64 = 1_780_300_800; // 2026-06-01T08:00:00Z
const BIRTHDAY: i32 = 7_425; // 1990-05-01

#[test]
fn the_spec_profile_loads_with_exactly_the_expected_slots() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let (catalog, errors) = load_catalog(
        r#"{"sku": "MB-01", "name": "Bag", "price": "60.00"}"#,
        &schema,
        &mut interner,
    );
    assert!(errors.is_empty(), "{errors:?}");
    let mb01 = catalog.find("MB-01");
    assert!(mb01.is_some());

    let p = load_one(SPEC_PROFILE, &schema, &catalog, &mut interner).expect("the spec profile");
    let s = |text: &str| Value::Str(interner.get(text).expect("interned"));
    assert_eq!(p.id, "c-1001");
    assert!(p.logged_in);
    assert_eq!(p.website.as_deref(), Some("base"));

    // Schema order: email, group, gender, dob, created_at, newsletter_subscribed, store_credit,
    // reward_points, interests, taxvat.
    let customer = [
        s("kim@example.com"),
        Value::Option(3), // VIP is the fourth option
        Value::Missing,
        Value::Date(BIRTHDAY),
        at(CUSTOMER_CREATED),
        Value::Bool(true),
        dec(250_000),
        Value::Int(120),
        Value::Missing,
        Value::Missing,
    ];
    assert_eq!(&*p.customer, &customer);

    // Built-in flags, then city, country_id, postcode, vat_id.
    assert_eq!(p.addresses.len(), 1);
    let address = [
        Value::Bool(true),
        Value::Bool(true),
        s("Seoul"),
        Value::Option(0),
        s("04524"),
        Value::Missing,
    ];
    assert_eq!(&*p.addresses[0].values, &address);
    assert_eq!(p.addresses[0].product, None);
    assert_eq!((p.default_billing, p.default_shipping), (Some(0), Some(0)));

    // CART_FIELDS order: subtotal, grand_total, tax, shipping_amount, discount_amount,
    // gift_card_amount, store_credit_amount, items_count, items_qty.
    let cart = [
        dec(1_200_000),
        dec(1_320_000),
        dec(120_000),
        Value::Missing,
        Value::Missing,
        Value::Missing,
        Value::Missing,
        Value::Int(1),
        Value::Int(2),
    ];
    assert_eq!(&*p.cart, &cart);
    assert_eq!(p.cart.len(), seg_data::CART_SLOTS);

    // sku, qty, price, row_total, added_at.
    assert_eq!(p.cart_items.len(), 1);
    let line = [
        s("MB-01"),
        Value::Int(2),
        dec(600_000),
        Value::Missing,
        at(CART_LINE_ADDED),
    ];
    assert_eq!(&*p.cart_items[0].values, &line);
    assert_eq!(p.cart_items[0].product, mb01);

    // sku, qty, added_at; WS-03 is not in the catalog.
    let wished = [s("WS-03"), Value::Missing, at(WISHED)];
    assert_eq!(&*p.wishlist_items[0].values, &wished);
    assert_eq!(p.wishlist_items[0].product, None);

    // sku, viewed_at.
    assert_eq!(&*p.viewed_products[0].values, &[s("MB-01"), at(VIEWED)]);
    assert_eq!(p.viewed_products[0].product, mb01);

    // id, status, created_at, grand_total, subtotal, tax, shipping_amount, discount_amount,
    // total_qty, store_id.
    assert_eq!(p.orders.len(), 1);
    let order = &p.orders[0];
    let record = [
        s("o-1"),
        s("complete"),
        at(ORDERED),
        dec(3_105_000),
        dec(2_900_000),
        Value::Missing,
        Value::Missing,
        Value::Missing,
        Value::Missing,
        Value::Missing,
    ];
    assert_eq!(&*order.record.values, &record);
    assert_eq!(order.record.product, None);
    // sku, qty, price, row_total, then status and created_at from the order.
    let line = [
        s("MB-01"),
        Value::Int(1),
        dec(2_900_000),
        Value::Missing,
        s("complete"),
        at(ORDERED),
    ];
    assert_eq!(order.items.len(), 1);
    assert_eq!(&*order.items[0].values, &line);
    assert_eq!(order.items[0].product, mb01);
    let billing = [
        Value::Missing,
        Value::Missing,
        s("Seoul"),
        Value::Option(0),
        Value::Missing,
        Value::Missing,
    ];
    assert_eq!(
        order.billing_address.as_ref().map(|a| &*a.values),
        Some(&billing[..])
    );
    assert_eq!(order.shipping_address, None);
}

#[test]
fn ndjson_keeps_input_order_and_isolates_a_malformed_line() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let text = "{\"id\": \"a\"}\n\n{\"id\": \"b\", oops}\n   \n{\"id\": 7, \"cart\": {\"subtotal\": 0.1}}\n{\"id\": \"d\"}";
    let results = load_profiles(text, &schema, &Catalog::default(), &mut interner);
    assert_eq!(results.len(), 4, "blank lines are no records");
    assert_eq!(results[0].as_ref().unwrap().id, "a");
    let error = results[1].as_ref().unwrap_err();
    assert_eq!(
        (error.line, error.id.as_deref(), error.field.as_str()),
        (3, None, "")
    );
    assert!(error.message.starts_with("malformed JSON"), "{error}");
    assert!(
        error.to_string().starts_with("line 3: malformed JSON"),
        "{error}"
    );
    let third = results[2].as_ref().unwrap();
    assert_eq!(third.id, "7");
    assert_eq!(third.cart[0], dec(1000));
    assert_eq!(results[3].as_ref().unwrap().id, "d");
}

#[test]
fn a_record_error_in_ndjson_names_its_line_and_id() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let text = "{\"id\": \"c-1000\"}\r\n{\"id\": \"c-1001\", \"logged_in\": true, \"customer\": {\"dob\": \"1990-13-01\"}}\r\n{\"id\": \"c-1002\"}\r\n";
    let results = load_profiles(text, &schema, &Catalog::default(), &mut interner);
    assert_eq!(results.len(), 3);
    let error = results[1].as_ref().unwrap_err();
    assert_eq!(error.line, 2);
    assert_eq!(error.id.as_deref(), Some("c-1001"));
    assert_eq!(error.field, "customer.dob");
    assert!(
        error.to_string().starts_with(
            r#"line 2 (c-1001): customer.dob: expected a date YYYY-MM-DD, found "1990-13-01""#
        ),
        "{error}"
    );
    assert!(results[0].is_ok() && results[2].is_ok());
}

#[test]
fn one_pretty_printed_object_is_one_record_at_its_first_line() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let pretty = "\n\n{\n  \"id\": \"pretty\",\n  \"logged_in\": true,\n  \"customer\": {\n    \"group\": \"Wholesale\"\n  }\n}\n";
    let results = load_profiles(pretty, &schema, &Catalog::default(), &mut interner);
    assert_eq!(results.len(), 1);
    let p = results[0].as_ref().unwrap();
    assert_eq!(p.id, "pretty");
    assert_eq!(p.customer[1], Value::Option(1));

    let bad = pretty.replace("Wholesale", "Platinum");
    let error = load_one(&bad, &schema, &Catalog::default(), &mut interner).unwrap_err();
    assert_eq!((error.line, error.field.as_str()), (3, "customer.group"));

    // A byte-order mark is not data.
    let bom = format!("\u{feff}{pretty}");
    assert!(load_one(&bom, &schema, &Catalog::default(), &mut interner).is_ok());
}

#[test]
fn text_that_is_neither_one_value_nor_ndjson_fails_line_by_line() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    // A pretty-printed object with a trailing comma is not one JSON value, so each line is
    // read on its own and fails on its own.
    let text = "{\n  \"id\": \"x\",\n}\n";
    let results = load_profiles(text, &schema, &Catalog::default(), &mut interner);
    let lines: Vec<usize> = results
        .iter()
        .map(|r| r.as_ref().unwrap_err().line)
        .collect();
    assert_eq!(lines, [1, 2, 3]);
    assert!(load_profiles("", &schema, &Catalog::default(), &mut interner).is_empty());
    assert!(load_profiles(" \n\r\n\t", &schema, &Catalog::default(), &mut interner).is_empty());
}

#[test]
fn load_profile_reads_a_parsed_value_and_reports_the_given_line() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let value: serde_json::Value =
        serde_json::from_str(r#"{"id": "x", "cart": {"tax": "1.23456"}}"#).unwrap();
    let error = load_profile(&value, 7, &schema, &Catalog::default(), &mut interner).unwrap_err();
    assert_eq!((error.line, error.id.as_deref()), (7, Some("x")));
    assert_eq!(error.field, "cart.tax");
    let value = serde_json::json!({"id": 12, "logged_in": true});
    let p = load_profile(&value, 1, &schema, &Catalog::default(), &mut interner).unwrap();
    assert_eq!(p.id, "12");
}

#[test]
fn ids_are_strings_or_integers_and_required() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let id = |text: &str, interner: &mut Interner| {
        load_one(text, &schema, &Catalog::default(), interner).map(|p| p.id)
    };
    assert_eq!(id(r#"{"id": "c-1"}"#, &mut interner).unwrap(), "c-1");
    assert_eq!(id(r#"{"id": " "}"#, &mut interner).unwrap(), " ");
    assert_eq!(id(r#"{"id": 1001}"#, &mut interner).unwrap(), "1001");
    assert_eq!(id(r#"{"id": -4}"#, &mut interner).unwrap(), "-4");
    assert_eq!(
        id(r#"{"id": 123456789012345678901234567890}"#, &mut interner).unwrap(),
        "123456789012345678901234567890",
        "an id is text, never arithmetic"
    );
    for bad in [
        r#"{}"#,
        r#"{"id": null}"#,
        r#"{"id": ""}"#,
        r#"{"id": []}"#,
        r#"{"id": 1.5}"#,
        r#"{"id": 1e3}"#,
        r#"{"id": true}"#,
        r#"{"id": {"value": 1}}"#,
        r#"{"id": ["c-1"]}"#,
    ] {
        let error = id(bad, &mut interner).unwrap_err();
        assert_eq!(
            (error.field.as_str(), &error.id),
            ("id", &None),
            "{bad}: {error}"
        );
    }
}

#[test]
fn logged_in_and_website() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let load = |text: &str, interner: &mut Interner| {
        load_one(text, &schema, &Catalog::default(), interner)
    };
    for (text, logged_in) in [
        (r#"{"id": "x"}"#, false),
        (r#"{"id": "x", "logged_in": null}"#, false),
        (r#"{"id": "x", "logged_in": false}"#, false),
        (r#"{"id": "x", "logged_in": true}"#, true),
    ] {
        assert_eq!(
            load(text, &mut interner).unwrap().logged_in,
            logged_in,
            "{text}"
        );
    }
    for text in [
        r#"{"id": "x", "logged_in": "true"}"#,
        r#"{"id": "x", "logged_in": 1}"#,
        r#"{"id": "x", "logged_in": [true]}"#,
    ] {
        let error = load(text, &mut interner).unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.id.as_deref()),
            ("logged_in", Some("x"))
        );
    }
    let website = |text: &str, interner: &mut Interner| load(text, interner).map(|p| p.website);
    assert_eq!(
        website(r#"{"id": "x", "website": "base"}"#, &mut interner)
            .unwrap()
            .as_deref(),
        Some("base")
    );
    assert_eq!(
        website(r#"{"id": "x", "website": null}"#, &mut interner).unwrap(),
        None
    );
    assert_eq!(
        website(r#"{"id": "x", "website": ""}"#, &mut interner).unwrap(),
        None
    );
    assert_eq!(website(r#"{"id": "x"}"#, &mut interner).unwrap(), None);
    let error = website(r#"{"id": "x", "website": 1}"#, &mut interner).unwrap_err();
    assert_eq!(error.field, "website");
}

#[test]
fn a_visitors_customer_data_is_ignored_but_cart_and_views_count() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    // Wrongly typed on purpose: a visitor's customer data is not read at all.
    for logged_in in ["", r#""logged_in": false, "#, r#""logged_in": null, "#] {
        let text = format!(
            r#"{{"id": "v", {logged_in}"customer": {{"email": "a@b.c", "dob": "nope"}},
                "addresses": [{{"default_billing": true}}], "orders": "many",
                "wishlist_items": [{{"sku": "A"}}],
                "cart": {{"subtotal": "5", "items": [{{"sku": "A", "qty": 3}}]}},
                "viewed_products": [{{"sku": "B"}}]}}"#
        )
        .replace('\n', " ");
        let p = load_one(&text, &schema, &Catalog::default(), &mut interner).unwrap();
        assert!(!p.logged_in);
        assert_eq!(p.customer.len(), schema.customer.len());
        assert!(p.customer.iter().all(Value::is_missing));
        assert!(p.addresses.is_empty() && p.orders.is_empty() && p.wishlist_items.is_empty());
        assert_eq!((p.default_billing, p.default_shipping), (None, None));
        assert_eq!(p.cart[0], dec(50_000));
        assert_eq!((&p.cart[7], &p.cart[8]), (&Value::Int(1), &Value::Int(3)));
        assert_eq!(p.viewed_products.len(), 1);
    }
}

#[test]
fn the_default_addresses_are_the_first_flagged() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let text = r#"{"id": "x", "logged_in": true, "addresses": [
        {"city": "A", "default_billing": false},
        {"city": "B", "default_shipping": true},
        {"city": "C", "default_billing": true},
        {"city": "D", "default_billing": true, "default_shipping": true}]}"#
        .replace('\n', " ");
    let p = load_one(&text, &schema, &Catalog::default(), &mut interner).unwrap();
    assert_eq!(p.addresses.len(), 4);
    assert_eq!((p.default_billing, p.default_shipping), (Some(2), Some(1)));
    assert_eq!(text_of_city(&p, 2, &interner), "C");
    let none = r#"{"id": "x", "logged_in": true, "addresses": [{"city": "A"}, {"default_billing": null}]}"#;
    let p = load_one(none, &schema, &Catalog::default(), &mut interner).unwrap();
    assert_eq!((p.default_billing, p.default_shipping), (None, None));
}

fn text_of_city(p: &seg_data::Profile, address: usize, interner: &Interner) -> String {
    str_of(p.addresses[address].get(2), interner)
}

#[test]
fn order_lines_carry_their_orders_status_and_time() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let text = r#"{"id": "x", "logged_in": true, "orders": [
        {"status": "complete", "created_at": "2026-06-01T17:00:00+09:00",
         "items": [{"sku": "A", "status": 42, "created_at": "not a time"}, {"sku": "B"}]},
        {"items": [{"sku": "C", "status": "canceled"}]}]}"#
        .replace('\n', " ");
    let p = load_one(&text, &schema, &Catalog::default(), &mut interner).unwrap();
    let complete = Value::Str(interner.get("complete").unwrap());
    for line in &p.orders[0].items {
        // The line's own `status` and `created_at` are the order's, whatever the line says.
        assert_eq!(line.get(4), &complete);
        assert_eq!(line.get(5), &at(ORDERED));
    }
    let line = &p.orders[1].items[0];
    assert_eq!(
        (line.get(4), line.get(5)),
        (&Value::Missing, &Value::Missing)
    );
    assert_eq!(str_of(line.get(0), &interner), "C");
}

#[test]
fn cart_counts_are_derived_from_the_lines() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let counts = |text: &str, interner: &mut Interner| {
        let p = load_one(text, &schema, &Catalog::default(), interner).unwrap();
        (p.cart[7].clone(), p.cart[8].clone())
    };
    let ints = |a, b| (Value::Int(a), Value::Int(b));
    assert_eq!(counts(r#"{"id": "x"}"#, &mut interner), ints(0, 0));
    assert_eq!(
        counts(r#"{"id": "x", "cart": null}"#, &mut interner),
        ints(0, 0)
    );
    assert_eq!(
        counts(r#"{"id": "x", "cart": {"subtotal": "1"}}"#, &mut interner),
        ints(0, 0)
    );
    assert_eq!(
        counts(r#"{"id": "x", "cart": {"items": []}}"#, &mut interner),
        ints(0, 0)
    );
    assert_eq!(
        counts(
            r#"{"id": "x", "cart": {"items_count": 99, "items_qty": 99,
                "items": [{"sku": "A", "qty": 2}, {"sku": "B", "qty": 3}, {"sku": "C"}, {"qty": null}]}}"#,
            &mut interner
        ),
        ints(4, 5),
        "a line without qty counts 0; stored counts are not read"
    );
    let p = load_one(
        r#"{"id": "x"}"#,
        &schema,
        &Catalog::default(),
        &mut interner,
    )
    .unwrap();
    assert!(
        p.cart[..7].iter().all(Value::is_missing),
        "money fields empty without a cart"
    );
    let overflow = r#"{"id": "x", "cart": {"items": [{"qty": 9223372036854775807}, {"qty": 1}]}}"#;
    let error = load_one(overflow, &schema, &Catalog::default(), &mut interner).unwrap_err();
    assert_eq!(error.field, "cart.items");
}

#[test]
fn products_are_found_by_exact_sku() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let (catalog, errors) = load_catalog(
        "{\"sku\": \"MB-01\"}\n{\"sku\": \"mb-01 \"}\n",
        &schema,
        &mut interner,
    );
    assert!(errors.is_empty());
    let text = r#"{"id": "x", "logged_in": true,
        "cart": {"items": [{"sku": "MB-01"}, {"sku": "mb-01"}, {"sku": "mb-01 "}, {"qty": 1}]},
        "wishlist_items": [{"sku": "MB-01"}], "viewed_products": [{"sku": "MB-02"}],
        "orders": [{"items": [{"sku": "MB-01"}]}]}"#
        .replace('\n', " ");
    let p = load_one(&text, &schema, &catalog, &mut interner).unwrap();
    let found: Vec<_> = p.cart_items.iter().map(|r| r.product).collect();
    assert_eq!(
        found,
        [catalog.find("MB-01"), None, catalog.find("mb-01 "), None]
    );
    assert!(found[2].is_some());
    assert_eq!(p.wishlist_items[0].product, catalog.find("MB-01"));
    assert_eq!(
        p.viewed_products[0].product, None,
        "an unknown SKU is no product, no error"
    );
    assert_eq!(p.orders[0].items[0].product, catalog.find("MB-01"));
}

#[test]
fn unknown_keys_are_ignored_everywhere() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let text = r#"{"id": "x", "logged_in": true, "extra": {"deep": [1, 2]}, "segment_ids": 5,
        "customer": {"email": "a@b.c", "firstname": 12, "taxvat": "DE1"},
        "addresses": [{"street": ["1 Main St"], "region_id": 3}],
        "cart": {"quote_id": 9, "items": [{"sku": "A", "options": {"size": "M"}}]},
        "orders": [{"increment_id": 100000001, "items": [{"sku": "A", "weight": "heavy"}],
                    "payment": {"method": "checkmo"}}]}"#
        .replace('\n', " ");
    let p = load_one(&text, &schema, &Catalog::default(), &mut interner).unwrap();
    assert_eq!(str_of(&p.customer[0], &interner), "a@b.c");
    assert_eq!(
        str_of(&p.customer[9], &interner),
        "DE1",
        "declared attributes are read, enabled or not"
    );
    assert!(p.addresses[0].values.iter().all(Value::is_missing));
    assert_eq!(p.orders[0].items.len(), 1);
}

#[test]
fn empty_containers_are_empty() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    // PHP's json_encode writes an empty object as [], so every empty form means "nothing here".
    let text = r#"{"id": "x", "logged_in": true, "customer": [], "addresses": null,
        "cart": "", "wishlist_items": "", "viewed_products": [], "orders": [
        {"items": null, "billing_address": [], "shipping_address": null}]}"#
        .replace('\n', " ");
    let p = load_one(&text, &schema, &Catalog::default(), &mut interner).unwrap();
    assert!(p.customer.iter().all(Value::is_missing));
    assert_eq!(p.customer.len(), schema.customer.len());
    assert!(p.addresses.is_empty() && p.wishlist_items.is_empty());
    assert!(p.viewed_products.is_empty() && p.cart_items.is_empty());
    assert_eq!(p.orders.len(), 1);
    assert!(p.orders[0].items.is_empty());
    assert_eq!(p.orders[0].billing_address, None);
    assert_eq!(p.orders[0].shipping_address, None);
    let p = load_one(
        r#"{"id": "x", "logged_in": true, "orders": [{}], "addresses": [{}]}"#,
        &schema,
        &Catalog::default(),
        &mut interner,
    )
    .unwrap();
    assert_eq!(p.orders[0].record.values.len(), 10);
    assert!(p.orders[0].record.values.iter().all(Value::is_missing));
    assert_eq!(
        p.addresses[0].values.len(),
        2 + schema.customer_address.len()
    );
}

#[test]
fn errors_name_the_record_and_the_json_path() {
    let schema = fixture_schema();
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
            r#"{"id": "x", "logged_in": true, "customer": ["a"]}"#,
            "customer",
        ),
        (
            r#"{"id": "x", "logged_in": true, "customer": "VIP"}"#,
            "customer",
        ),
        (
            r#"{"id": "x", "cart": {"subtotal": "1.23456"}}"#,
            "cart.subtotal",
        ),
        (r#"{"id": "x", "cart": [1]}"#, "cart"),
        (
            r#"{"id": "x", "cart": {"items": {"sku": "A"}}}"#,
            "cart.items",
        ),
        (
            r#"{"id": "x", "cart": {"items": [{"sku": "A"}, {"sku": 5}]}}"#,
            "cart.items[1].sku",
        ),
        (
            r#"{"id": "x", "cart": {"items": [{"sku": "A", "qty": "2"}]}}"#,
            "cart.items[0].qty",
        ),
        (r#"{"id": "x", "cart": {"items": [null]}}"#, "cart.items[0]"),
        (
            r#"{"id": "x", "viewed_products": {"sku": "A"}}"#,
            "viewed_products",
        ),
        (
            r#"{"id": "x", "viewed_products": [{"viewed_at": "2026-01-01"}]}"#,
            "viewed_products[0].viewed_at",
        ),
        (
            r#"{"id": "x", "logged_in": true, "orders": [{}, {"created_at": "2026-01-01"}]}"#,
            "orders[1].created_at",
        ),
        (
            r#"{"id": "x", "logged_in": true, "orders": [{"grand_total": "1.00001"}]}"#,
            "orders[0].grand_total",
        ),
        (
            r#"{"id": "x", "logged_in": true, "orders": [{"items": [{"price": "1,00"}]}]}"#,
            "orders[0].items[0].price",
        ),
        (
            r#"{"id": "x", "logged_in": true, "orders": [{"billing_address": {"country_id": "FR"}}]}"#,
            "orders[0].billing_address.country_id",
        ),
        (
            r#"{"id": "x", "logged_in": true, "orders": [{"shipping_address": "Seoul"}]}"#,
            "orders[0].shipping_address",
        ),
        (
            r#"{"id": "x", "logged_in": true, "orders": [3]}"#,
            "orders[0]",
        ),
        (
            r#"{"id": "x", "logged_in": true, "orders": {"o-1": {}}}"#,
            "orders",
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
            r#"{"id": "x", "logged_in": true, "addresses": [{}, {"default_billing": "yes"}]}"#,
            "addresses[1].default_billing",
        ),
        (
            r#"{"id": "x", "logged_in": true, "addresses": [[]]}"#,
            "addresses[0]",
        ),
        (
            r#"{"id": "x", "logged_in": true, "wishlist_items": [{"added_at": 1767225600}]}"#,
            "wishlist_items[0].added_at",
        ),
        (
            r#"{"id": "x", "logged_in": true, "customer": {"interests": ["Yoga", 2]}}"#,
            "customer.interests[1]",
        ),
        (
            r#"{"id": "x", "logged_in": true, "customer": {"interests": ["Yoga", "Chess"]}}"#,
            "customer.interests[1]",
        ),
    ];
    for (text, field) in cases {
        let error = load_one(text, &schema, &Catalog::default(), &mut interner).unwrap_err();
        assert_eq!(error.field, field, "{text}: {error}");
        assert_eq!((error.line, error.id.as_deref()), (1, Some("x")), "{text}");
        assert!(
            error
                .to_string()
                .starts_with(&format!("line 1 (x): {field}: ")),
            "{error}"
        );
    }
    for text in [r#"[1, 2]"#, r#""c-1""#, r#"42"#, r#"null"#] {
        let error = load_one(text, &schema, &Catalog::default(), &mut interner).unwrap_err();
        assert_eq!((error.field.as_str(), &error.id), ("", &None), "{text}");
        assert!(
            error.message.starts_with("a profile is a JSON object"),
            "{error}"
        );
    }
}

#[test]
fn the_first_error_of_a_record_is_reported() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let text = r#"{"id": "x", "logged_in": true, "customer": {"dob": "bad", "group": "bad"}}"#;
    let error = load_one(text, &schema, &Catalog::default(), &mut interner).unwrap_err();
    // Schema order decides: `group` comes before `dob`.
    assert_eq!(error.field, "customer.group");
    assert!(
        error
            .message
            .contains(r#""General", "Wholesale", "Retailer", "VIP""#),
        "{error}"
    );
}

#[test]
fn equal_strings_share_a_symbol() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let text = r#"{"id": "x", "logged_in": true, "customer": {"email": "Seoul"},
        "addresses": [{"city": "Seoul"}, {"city": "SEOUL"}]}"#
        .replace('\n', " ");
    let p = load_one(&text, &schema, &Catalog::default(), &mut interner).unwrap();
    assert_eq!(p.customer[0], p.addresses[0].values[2]);
    let (Value::Str(a), Value::Str(b)) = (p.addresses[0].get(2), p.addresses[1].get(2)) else {
        panic!("cities are strings");
    };
    assert_ne!(a, b);
    assert_eq!(interner.fold(*a), interner.fold(*b));
}
