//! No input makes the loader panic: random JSON shaped like profiles, random text, deep nesting,
//! extreme numbers. And decimal data means what the same decimal literal means, in every form.

use proptest::prelude::*;
use seg_check::values::Decimal;
use seg_data::load::{load_catalog, load_profiles};
use seg_data::{Catalog, Interner, Value};

use crate::{fixture_schema, inline_schema, load_one};

/// Keys of the model and the fixture schema, so random objects reach deep into the loader.
const KEYS: &[&str] = &[
    "id",
    "logged_in",
    "website",
    "customer",
    "addresses",
    "cart",
    "items",
    "wishlist_items",
    "viewed_products",
    "orders",
    "billing_address",
    "shipping_address",
    "sku",
    "qty",
    "price",
    "row_total",
    "added_at",
    "viewed_at",
    "status",
    "created_at",
    "grand_total",
    "subtotal",
    "tax",
    "items_count",
    "default_billing",
    "default_shipping",
    "email",
    "group",
    "gender",
    "dob",
    "newsletter_subscribed",
    "store_credit",
    "reward_points",
    "interests",
    "city",
    "country_id",
    "name",
    "category_ids",
    "color",
    "unknown",
];

/// Strings that mean something to some field, and some that almost do.
const STRINGS: &[&str] = &[
    "",
    " ",
    "VIP",
    "vip",
    "Yoga",
    "3,12",
    "3,,",
    ",",
    "KR",
    "Red",
    "2026-01-31",
    "2026-01-31T09:30:00Z",
    "2026-01-31 09:30:00+09:00",
    "2026-01-31T09:30:00",
    "2026-02-30",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "1.5",
    "1.23456",
    "-0",
    "1e5",
    "MB-01",
    "é",
    "\u{0}",
    "İ",
    "\u{feff}",
    "ß",
    "2026-01-31T09:30:00.1234567890Z",
    "2026-01-31 é",
    "2026-01-31Té",
    "2026-01-3é",
    "2026-01-31T09:30:00+é",
];

fn json_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(STRINGS).prop_map(str::to_string),
        1 => any::<String>(),
    ]
    .prop_map(|s| serde_json::to_string(&s).expect("a string serializes"))
}

fn json_number() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?(0|[1-9][0-9]{0,30})(\\.[0-9]{1,10})?([eE][+-]?[0-9]{1,40})?",
        any::<i64>().prop_map(|n| n.to_string()),
        Just("9223372036854775807".to_string()),
        Just("-9223372036854775808".to_string()),
    ]
}

/// JSON text: scalars, lists, and objects keyed mostly by model and schema names.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        json_number(),
        json_string(),
    ];
    leaf.prop_recursive(6, 96, 8, |inner| {
        let key = prop_oneof![
            4 => prop::sample::select(KEYS).prop_map(str::to_string),
            1 => any::<String>(),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6)
                .prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((key, inner), 0..8).prop_map(|fields| {
                let fields: Vec<String> = fields
                    .into_iter()
                    .map(|(k, v)| format!("{}:{v}", serde_json::to_string(&k).unwrap()))
                    .collect();
                format!("{{{}}}", fields.join(","))
            }),
        ]
    })
}

/// A profile-shaped object: an id, usually logged in, and random values for the model's keys.
fn profile_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((prop::sample::select(KEYS), json_text()), 0..10),
        any::<bool>(),
    )
        .prop_map(|(fields, logged_in)| {
            let mut text = format!(r#"{{"id": "p", "logged_in": {logged_in}"#);
            // A second `id` would replace the first (the last key wins in JSON objects).
            for (key, value) in fields.into_iter().filter(|(key, _)| *key != "id") {
                text.push_str(&format!(r#", "{key}": {value}"#));
            }
            text.push('}');
            text
        })
}

proptest! {
    #[test]
    fn random_json_never_panics(text in json_text()) {
        let schema = fixture_schema();
        let mut interner = Interner::new();
        let results = load_profiles(&text, &schema, &Catalog::default(), &mut interner);
        prop_assert_eq!(results.len(), 1, "one value is one record");
        let _ = load_catalog(&text, &schema, &mut interner);
    }

    #[test]
    fn random_profiles_never_panic_and_keep_their_shape(
        lines in prop::collection::vec(profile_text(), 1..6),
    ) {
        let schema = fixture_schema();
        let mut interner = Interner::new();
        let (catalog, _) = load_catalog("{\"sku\": \"MB-01\"}", &schema, &mut interner);
        let text = lines.join("\n");
        let results = load_profiles(&text, &schema, &catalog, &mut interner);
        prop_assert_eq!(results.len(), lines.len());
        for (i, result) in results.iter().enumerate() {
            match result {
                Ok(p) => {
                    prop_assert_eq!(p.customer.len(), schema.customer.len());
                    prop_assert_eq!(p.cart.len(), seg_data::CART_SLOTS);
                    prop_assert!(matches!(p.cart[7], Value::Int(n) if n == p.cart_items.len() as i64));
                    for address in &p.addresses {
                        prop_assert_eq!(address.values.len(), 2 + schema.customer_address.len());
                    }
                    for order in &p.orders {
                        prop_assert_eq!(order.record.values.len(), 10);
                    }
                    if !p.logged_in {
                        prop_assert!(p.orders.is_empty() && p.addresses.is_empty());
                    }
                }
                Err(e) => {
                    prop_assert_eq!(e.line, i + 1);
                    prop_assert_eq!(e.id.as_deref(), Some("p"));
                }
            }
        }
    }

    #[test]
    fn random_text_never_panics(text in any::<String>()) {
        let schema = fixture_schema();
        let mut interner = Interner::new();
        let _ = load_profiles(&text, &schema, &Catalog::default(), &mut interner);
        let _ = load_catalog(&text, &schema, &mut interner);
    }

    #[test]
    fn random_bytes_as_text_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let text = String::from_utf8_lossy(&bytes);
        let schema = fixture_schema();
        let mut interner = Interner::new();
        let _ = load_profiles(&text, &schema, &Catalog::default(), &mut interner);
        let _ = load_catalog(&text, &schema, &mut interner);
    }

    /// A decimal loads to the units its literal has, whether written plainly, as a string, or
    /// in any exponent form of the same number.
    #[test]
    fn decimal_data_means_what_the_literal_means(
        units in -9_999_999_999_999i64..9_999_999_999_999,
        shift in -6i32..8,
        trailing_zeros in 0usize..3,
    ) {
        let scale = 10_000i64;
        let sign = if units < 0 { "-" } else { "" };
        let plain = format!(
            "{sign}{}.{:04}{}",
            units.unsigned_abs() / scale as u64,
            units.unsigned_abs() % scale as u64,
            "0".repeat(trailing_zeros)
        );
        let literal = Decimal::parse(&plain).expect("a plain decimal");
        prop_assert_eq!(literal.units, units);
        // The same number with the point moved by `shift` and an exponent to undo it.
        let digits: String = plain.trim_start_matches('-').replace('.', "");
        let point = plain.trim_start_matches('-').find('.').unwrap() as i32 - shift;
        let mantissa = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}", "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        // JSON allows no leading zeros before the point.
        let (int, frac) = mantissa.split_once('.').unwrap_or((&mantissa, ""));
        let int = match int.trim_start_matches('0') {
            "" => "0",
            int => int,
        };
        let mantissa = if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") };
        let exponent = format!("{sign}{mantissa}e{shift}");
        let schema = inline_schema(
            r#"{"customer": [{"code": "d", "type": "decimal", "use_in_customer_segment": true}]}"#,
        );
        let mut interner = Interner::new();
        for json in [plain.clone(), format!("\"{plain}\""), exponent] {
            let text = format!(r#"{{"id": "t", "logged_in": true, "customer": {{"d": {json}}}}}"#);
            let loaded = load_one(&text, &schema, &Catalog::default(), &mut interner);
            prop_assert_eq!(loaded.map(|p| p.customer[0].clone()).ok(), Some(Value::Dec(units)), "{}", json);
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    for depth in [100, 127, 128, 129, 1_000, 100_000] {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let in_profile =
            format!(r#"{{"id": "x", "logged_in": true, "customer": {{"email": {arrays}}}}}"#);
        let objects = format!("{}{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        for text in [arrays.clone(), in_profile, objects, "[".repeat(depth)] {
            let results = load_profiles(&text, &schema, &Catalog::default(), &mut interner);
            assert!(!results.is_empty());
            assert!(results.iter().all(|r| r.is_err()), "depth {depth}");
            let _ = load_catalog(&text, &schema, &mut interner);
        }
    }
}

#[test]
fn extreme_numbers_are_errors_not_crashes() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let huge = "9".repeat(100_000);
    for number in [
        huge.clone(),
        format!("-{huge}"),
        format!("0.{huge}"),
        format!("1e{huge}"),
        format!("1e-{huge}"),
        format!("{huge}e-{huge}"),
        "1e9223372036854775807".to_string(),
        "1e-9223372036854775808".to_string(),
    ] {
        for field in [
            "store_credit",
            "reward_points",
            "email",
            "dob",
            "group",
            "interests",
        ] {
            let text =
                format!(r#"{{"id": "x", "logged_in": true, "customer": {{"{field}": {number}}}}}"#);
            let error = load_one(&text, &schema, &Catalog::default(), &mut interner).unwrap_err();
            assert_eq!(error.field, format!("customer.{field}"));
            assert!(error.message.len() < 400, "messages stay short");
        }
        let id = format!(r#"{{"id": {number}}}"#);
        let _ = load_one(&id, &schema, &Catalog::default(), &mut interner);
        let qty = format!(r#"{{"id": "x", "cart": {{"items": [{{"qty": {number}}}]}}}}"#);
        assert!(load_one(&qty, &schema, &Catalog::default(), &mut interner).is_err());
    }
}

#[test]
fn odd_unicode_loads_as_text() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    for s in [
        "\u{0}",
        "\u{202e}evil",
        "👩‍👩‍👧",
        "\u{fffd}",
        "İ",
        "ǅ",
        "\u{10ffff}",
    ] {
        let json = serde_json::to_string(s).unwrap();
        let text = format!(
            r#"{{"id": {json}, "logged_in": true, "customer": {{"email": {json}, "group": {json}}}}}"#
        );
        let error = load_one(&text, &schema, &Catalog::default(), &mut interner).unwrap_err();
        assert_eq!(
            (error.id.as_deref(), error.field.as_str()),
            (Some(s), "customer.group")
        );
        let text =
            format!(r#"{{"id": {json}, "logged_in": true, "customer": {{"email": {json}}}}}"#);
        let p = load_one(&text, &schema, &Catalog::default(), &mut interner).unwrap();
        assert_eq!(crate::str_of(&p.customer[0], &interner), s);
    }
}
