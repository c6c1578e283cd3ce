//! Profiles written and read back are the same values, whatever the batch size; re-importing
//! is idempotent and replaces every child row; the scans never sort.

use seg_data::Interner;
use seg_schema::Entity;

use crate::*;

#[test]
fn the_examples_round_trip_exactly() {
    let loaded = load_examples();
    let (_dir, _path, mut store) = new_store(&loaded.schema);
    store
        .import_catalog(&loaded.schema, &loaded.catalog, &loaded.interner)
        .unwrap();
    let summary = store
        .import(&loaded.schema, &loaded.interner, &loaded.profiles)
        .unwrap();
    assert_eq!(summary.imported, loaded.profiles.len() as u64);
    assert_eq!(summary.replaced, 0);
    let slots = loaded.schema.attributes(Entity::Customer).len();
    for rows in [1, 2, 3, 100] {
        let (catalog, batches) = read_all(&store, &loaded.schema, rows);
        assert_eq!(
            batches.len(),
            loaded.profiles.len().div_ceil(rows),
            "batches of {rows}"
        );
        assert!(batches.iter().all(|b| b.len() <= rows));
        assert_batches_hold(
            &batches,
            &catalog,
            &loaded.profiles,
            &loaded.interner,
            &loaded.catalog,
            slots,
        );
    }
}

#[test]
fn the_catalog_round_trips() {
    let loaded = load_examples();
    let (_dir, _path, mut store) = new_store(&loaded.schema);
    store
        .import_catalog(&loaded.schema, &loaded.catalog, &loaded.interner)
        .unwrap();
    let (catalog, interner) = store.load_catalog(&loaded.schema).unwrap();
    assert_eq!(catalog.products.len(), loaded.catalog.products.len());
    for product in &loaded.catalog.products {
        let id = catalog.find(&product.sku).expect("every SKU is stored");
        let stored = catalog.get(id);
        let a: Vec<String> = product
            .values
            .iter()
            .map(|v| show(v, &loaded.interner))
            .collect();
        let b: Vec<String> = stored.values.iter().map(|v| show(v, &interner)).collect();
        assert_eq!(a, b, "product {}", product.sku);
    }
}

#[test]
fn a_second_batch_of_two_starts_where_the_first_ended() {
    let loaded = load_examples();
    let (_dir, _path, store) = examples_store(&loaded);
    let (catalog, _) = store.load_catalog(&loaded.schema).unwrap();
    let mut reader = store.reader(&loaded.schema, &catalog).unwrap();
    let mut batches = reader
        .batches(std::sync::Arc::new(Interner::new()), 2)
        .unwrap();
    let mut batch = seg_data::Batch::new(
        reader_shape(&loaded.schema),
        std::sync::Arc::new(Interner::new()),
    );
    let mut ids = Vec::new();
    loop {
        let n = batches.fill(&mut batch).unwrap();
        if n == 0 {
            break;
        }
        assert!(n <= 2);
        ids.extend((0..n).map(|r| batch.id(r).to_string()));
    }
    let mut expected: Vec<String> = loaded.profiles.iter().map(|p| p.id.clone()).collect();
    expected.sort();
    assert_eq!(ids, expected);
    // Past the end it stays empty.
    assert_eq!(batches.fill(&mut batch).unwrap(), 0);
}

fn reader_shape(schema: &seg_schema::Schema) -> seg_data::Shape {
    seg_data::Shape {
        customer: schema.attributes(Entity::Customer).len(),
    }
}

#[test]
fn importing_twice_changes_nothing() {
    let loaded = load_examples();
    let (_dir, path, mut store) = examples_store(&loaded);
    let before = table_counts(&path);
    let again = store
        .import(&loaded.schema, &loaded.interner, &loaded.profiles)
        .unwrap();
    assert_eq!(again.imported, 0);
    assert_eq!(again.replaced, loaded.profiles.len() as u64);
    assert_eq!(table_counts(&path), before);
    let slots = loaded.schema.attributes(Entity::Customer).len();
    let (catalog, batches) = read_all(&store, &loaded.schema, 16);
    assert_batches_hold(
        &batches,
        &catalog,
        &loaded.profiles,
        &loaded.interner,
        &loaded.catalog,
        slots,
    );
}

#[test]
fn an_upsert_replaces_every_child_row() {
    let loaded = load_examples();
    let (_dir, path, mut store) = examples_store(&loaded);
    let before: std::collections::HashMap<String, i64> = table_counts(&path).into_iter().collect();
    // c-1001 had one address, a cart with a line, a wishlist item, a view and three orders
    // (lines and a billing address); now it has one order with one line and nothing else.
    let mut interner = Interner::new();
    let text = r#"{"id": "c-1001", "logged_in": true, "website": "kr", "customer": {"email": "KIM@example.com", "group": "General"},
        "orders": [{"id": "o-9", "status": "pending", "created_at": "2026-11-01T00:00:00Z", "grand_total": "1.5",
                    "items": [{"sku": "MS04", "qty": 1, "price": "1.50"}]}]}"#;
    let replacement = load_profiles(text, &loaded.schema, &loaded.catalog, &mut interner);
    let summary = store
        .import(&loaded.schema, &interner, &replacement)
        .unwrap();
    assert_eq!((summary.imported, summary.replaced), (0, 1));
    let after: std::collections::HashMap<String, i64> = table_counts(&path).into_iter().collect();
    assert_eq!(after["customers"], before["customers"]);
    assert_eq!(after["addresses"], before["addresses"] - 1);
    assert_eq!(after["carts"], before["carts"] - 1);
    assert_eq!(after["cart_items"], before["cart_items"] - 1);
    assert_eq!(after["wishlist_items"], before["wishlist_items"] - 1);
    assert_eq!(after["viewed_products"], before["viewed_products"] - 1);
    assert_eq!(after["orders"], before["orders"] - 2);
    assert_eq!(after["order_items"], before["order_items"] - 2);
    assert_eq!(after["order_addresses"], before["order_addresses"] - 1);

    let (catalog, batches) = read_all(&store, &loaded.schema, 100);
    let batch = &batches[0];
    let row = batch.rows().find(|r| r.id == "c-1001").unwrap();
    let slots = loaded.schema.attributes(Entity::Customer).len();
    assert_same_row(
        Side {
            row: seg_data::Row::from(&replacement[0]),
            interner: &interner,
            catalog: &loaded.catalog,
        },
        Side {
            row,
            interner: batch.interner(),
            catalog: &catalog,
        },
        slots,
    );
}

#[test]
fn every_scan_walks_its_primary_key_without_sorting() {
    let loaded = load_examples();
    let (_dir, path, _store) = new_store(&loaded.schema);
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "SELECT id, logged_in, website, attr_email FROM customers ORDER BY id",
        "SELECT customer_id, position, attr_city FROM addresses ORDER BY customer_id, position",
        "SELECT customer_id, subtotal FROM carts ORDER BY customer_id",
        "SELECT customer_id, position, sku FROM cart_items ORDER BY customer_id, position",
        "SELECT customer_id, position, sku FROM wishlist_items ORDER BY customer_id, position",
        "SELECT customer_id, position, sku FROM viewed_products ORDER BY customer_id, position",
        "SELECT customer_id, position, status FROM orders ORDER BY customer_id, position",
        "SELECT customer_id, order_position, position, sku FROM order_items ORDER BY customer_id, order_position, position",
        "SELECT customer_id, order_position, kind, attr_city FROM order_addresses ORDER BY customer_id, order_position, kind",
        "SELECT customer_id FROM memberships WHERE segment_id = 'a' AND customer_id > '' ORDER BY customer_id",
    ] {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let plan: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            !plan.iter().any(|step| step.contains("TEMP B-TREE")),
            "{sql} sorts: {plan:?}"
        );
    }
}

#[test]
fn visitors_and_empty_values_round_trip() {
    let loaded = load_examples();
    let (_dir, _path, mut store) = new_store(&loaded.schema);
    store
        .import_catalog(&loaded.schema, &loaded.catalog, &loaded.interner)
        .unwrap();
    let mut interner = Interner::new();
    let text = concat!(
        r#"{"id": "v-1", "cart": {"items": []}}"#,
        "\n",
        r#"{"id": "v-2", "logged_in": false, "website": "", "cart": {"grand_total": "0"}, "viewed_products": [{"sku": "nope"}]}"#,
        "\n",
        r#"{"id": "c-1", "logged_in": true, "customer": {"preferred_categories": "Bags, Gear", "store_credit": "-0.0001", "reward_points": -9223372036854775808, "dob": "0001-01-01", "created_at": "9999-12-31T23:59:59.999999Z", "firstname": " "}, "addresses": [{"default_billing": false, "default_shipping": true, "city": "İstanbul"}, {"default_billing": true}]}"#,
        "\n",
        r#"{"id": "ünïcödé-🙂", "logged_in": true, "customer": {"lastname": "Øster"}, "orders": [{"items": [{"qty": 1}]}, {}]}"#,
        "\n",
    );
    let profiles = load_profiles(text, &loaded.schema, &loaded.catalog, &mut interner);
    store.import(&loaded.schema, &interner, &profiles).unwrap();
    let slots = loaded.schema.attributes(Entity::Customer).len();
    let (catalog, batches) = read_all(&store, &loaded.schema, 3);
    assert_batches_hold(
        &batches,
        &catalog,
        &profiles,
        &interner,
        &loaded.catalog,
        slots,
    );
}
