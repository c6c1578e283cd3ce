//! The catalog: products by SKU with their schema attributes; bad lines reported and skipped.

use seg_data::load::load_catalog;
use seg_data::{Interner, Value};

use crate::fixture_schema;

#[test]
fn products_hold_their_attributes_in_schema_order() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let text = r#"{"sku": "MB-01", "name": "Bag", "price": "60.00", "category_ids": ["15", "3"], "color": "red", "cost": 12.5, "weight": 1.2, "media": {"x": 1}}"#;
    let (catalog, errors) = load_catalog(text, &schema, &mut interner);
    assert!(errors.is_empty(), "{errors:?}");
    let id = catalog.find("MB-01").unwrap();
    let product = catalog.get(id);
    assert_eq!(product.sku, "MB-01");
    // name, price, category_ids, color, cost.
    let expected = [
        Value::Str(interner.get("Bag").unwrap()),
        Value::Dec(600_000),
        Value::Options(vec![0, 2].into_boxed_slice()),
        Value::Option(0),
        Value::Dec(125_000),
    ];
    assert_eq!(&*product.values, &expected);
    let (catalog, errors) = load_catalog(r#"{"sku": "A"}"#, &schema, &mut interner);
    assert!(errors.is_empty());
    let a = catalog.get(catalog.find("A").unwrap());
    assert_eq!(a.values.len(), schema.product.len());
    assert!(a.values.iter().all(Value::is_missing));
}

#[test]
fn bad_lines_are_reported_and_the_rest_load() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    let text = [
        r#"{"sku": "A", "price": "1.00", "unknown": 1}"#, // 1: fine
        r#"{"price": 2}"#,                                // 2: no sku
        r#"{"sku": "A", "price": "3.00"}"#,               // 3: duplicate of line 1
        r#"{"sku": "B", "price": "x"}"#,                  // 4: bad type
        r#""#,                                            // 5: blank
        r#"{"sku": "C", "category_ids": "3,12"}"#,        // 6: fine
        r#"{"sku": 12}"#,                                 // 7: sku not a string
        r#"{"sku": ""}"#,                                 // 8: empty sku
        r#"{"sku": "D", oops"#,                           // 9: malformed
        r#"["E"]"#,                                       // 10: not an object
        r#"{"sku": "a"}"#,                                // 11: fine: SKUs are exact
        r#"{"sku": "F", "color": "Green"}"#,              // 12: unknown option
    ]
    .join("\n");
    let (catalog, errors) = load_catalog(&text, &schema, &mut interner);
    let skus: Vec<&str> = catalog.products.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(skus, ["A", "C", "a"]);
    let reported: Vec<(usize, Option<&str>, &str)> = errors
        .iter()
        .map(|e| (e.line, e.id.as_deref(), e.field.as_str()))
        .collect();
    assert_eq!(
        reported,
        [
            (2, None, "sku"),
            (3, Some("A"), "sku"),
            (4, Some("B"), "price"),
            (7, None, "sku"),
            (8, None, "sku"),
            (9, None, ""),
            (10, None, ""),
            (12, Some("F"), "color"),
        ]
    );
    assert!(errors[1].message.contains("line 1"), "{}", errors[1]);
    assert_eq!(
        catalog.get(catalog.find("A").unwrap()).values[1],
        Value::Dec(10_000),
        "the first product of a SKU stays"
    );
    assert!(errors[2]
        .to_string()
        .starts_with("line 4 (B): price: expected a decimal number"));
    let c = catalog.get(catalog.find("C").unwrap());
    assert_eq!(c.values[2], Value::Options(vec![0, 1].into_boxed_slice()));
}

#[test]
fn an_empty_catalog_is_no_products() {
    let schema = fixture_schema();
    let mut interner = Interner::new();
    for text in ["", "\n\n", "  \r\n"] {
        let (catalog, errors) = load_catalog(text, &schema, &mut interner);
        assert!(catalog.products.is_empty() && errors.is_empty());
    }
}
