//! The embedded store (`seg_store`): profiles round-trip exactly, imports are idempotent
//! upserts, batches merge every table by customer id, foreign and other-version files are
//! refused, runs record joined/left and survive being killed, the generator is deterministic.
//!
//! One test binary with a module per concern, so that the suite links once.

mod gen;
mod open;
mod reports;
mod roundtrip;
mod runs;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use seg_data::{Batch, Catalog, Interner, Profile, Record, Row, Value, CART_SLOTS};
use seg_diag::FileId;
use seg_schema::Schema;
use seg_store::Store;

pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// A schema from JSON text, which must have no errors.
pub fn inline_schema(text: &str) -> Schema {
    let (schema, diagnostics) = seg_schema::parse_schema(FileId(0), text);
    assert!(diagnostics.is_empty(), "schema errors: {diagnostics:?}");
    schema
}

/// The examples: schema, catalog (with its interner) and profiles loaded by seg-data's loader
/// (their strings in the catalog's interner, layered), every record good.
pub struct Loaded {
    pub schema: Schema,
    pub catalog: Catalog,
    pub interner: Interner,
    pub profiles: Vec<Profile>,
}

pub fn load_examples() -> Loaded {
    let read = |name: &str| std::fs::read_to_string(examples().join(name)).unwrap();
    let schema = inline_schema(&read("schema.json"));
    let mut interner = Interner::new();
    let (catalog, errors) =
        seg_data::load::load_catalog(&read("catalog.ndjson"), &schema, &mut interner);
    assert!(errors.is_empty(), "{errors:?}");
    let profiles = load_profiles(&read("profiles.ndjson"), &schema, &catalog, &mut interner);
    Loaded {
        schema,
        catalog,
        interner,
        profiles,
    }
}

pub fn load_profiles(
    text: &str,
    schema: &Schema,
    catalog: &Catalog,
    interner: &mut Interner,
) -> Vec<Profile> {
    seg_data::load::load_profiles(text, schema, catalog, interner)
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// A fresh store file in a temporary folder (kept alive by the returned guard).
pub fn new_store(schema: &Schema) -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let store = Store::create(&path, schema).unwrap();
    (dir, path, store)
}

/// A store holding the examples' catalog and profiles.
pub fn examples_store(loaded: &Loaded) -> (tempfile::TempDir, PathBuf, Store) {
    let (dir, path, mut store) = new_store(&loaded.schema);
    store
        .import_catalog(&loaded.schema, &loaded.catalog, &loaded.interner)
        .unwrap();
    store
        .import(&loaded.schema, &loaded.interner, &loaded.profiles)
        .unwrap();
    (dir, path, store)
}

/// Every batch of the store, `rows` customers each, with the stored catalog.
pub fn read_all(store: &Store, schema: &Schema, rows: usize) -> (Catalog, Vec<Batch>) {
    let (catalog, interner) = store.load_catalog(schema).unwrap();
    let base = Arc::new(interner);
    let batches = {
        let mut reader = store.reader(schema, &catalog).unwrap();
        let batches: Vec<Batch> = reader
            .batches(base, rows)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        batches
    };
    (catalog, batches)
}

/// A value with its symbol spelled out (interners differ between a loaded profile and a
/// batch read back).
pub fn show(value: &Value, interner: &Interner) -> String {
    match value {
        Value::Str(sym) => format!("Str({:?})", interner.text(*sym)),
        other => format!("{other:?}"),
    }
}

fn show_record(record: &Record, interner: &Interner, catalog: &Catalog) -> Vec<String> {
    let mut shown: Vec<String> = record.values.iter().map(|v| show(v, interner)).collect();
    shown.push(format!(
        "product={:?}",
        record.product.map(|p| catalog.get(p).sku.clone())
    ));
    shown
}

/// One side of a comparison: a row with the interner and catalog it refers to.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub row: Row<'a>,
    pub interner: &'a Interner,
    pub catalog: &'a Catalog,
}

/// Every field of a row, spelled out, for comparing rows whose symbols come from different
/// interners: id, audience, website, each customer and cart slot, every element of every
/// collection with its product's SKU, the default addresses, order lines and addresses.
pub fn describe(side: Side<'_>, customer_slots: usize) -> Vec<String> {
    let Side {
        row,
        interner,
        catalog,
    } = side;
    let record = |r: &Record| show_record(r, interner, catalog).join(", ");
    let mut out = vec![
        format!("id {}", row.id),
        format!("logged_in {}", row.logged_in),
        format!("website {:?}", row.website),
    ];
    for slot in 0..customer_slots {
        out.push(format!(
            "customer[{slot}] {}",
            show(row.customer(slot), interner)
        ));
    }
    for slot in 0..CART_SLOTS {
        out.push(format!("cart[{slot}] {}", show(row.cart(slot), interner)));
    }
    for (name, list) in [
        ("address", row.addresses),
        ("cart_item", row.cart_items),
        ("wishlist_item", row.wishlist_items),
        ("viewed_product", row.viewed_products),
    ] {
        out.push(format!("{name}s {}", list.len()));
        for (i, r) in list.iter().enumerate() {
            out.push(format!("{name}[{i}] {}", record(r)));
        }
    }
    out.push(format!(
        "default_billing {:?}",
        row.default_billing.map(record)
    ));
    out.push(format!(
        "default_shipping {:?}",
        row.default_shipping.map(record)
    ));
    out.push(format!("orders {}", row.orders.len()));
    for (i, order) in row.orders.iter().enumerate() {
        out.push(format!("order[{i}] {}", record(&order.record)));
        for (j, line) in order.items.iter().enumerate() {
            out.push(format!("order[{i}].items[{j}] {}", record(line)));
        }
        out.push(format!(
            "order[{i}].billing {:?}",
            order.billing_address.as_ref().map(record)
        ));
        out.push(format!(
            "order[{i}].shipping {:?}",
            order.shipping_address.as_ref().map(record)
        ));
    }
    out
}

/// Asserts two rows hold the same values field by field (the first difference is named).
pub fn assert_same_row(expected: Side<'_>, actual: Side<'_>, customer_slots: usize) {
    let a = describe(expected, customer_slots);
    let b = describe(actual, customer_slots);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "customer {}: first difference", expected.row.id);
    }
    assert_eq!(
        a.len(),
        b.len(),
        "customer {}: different shapes",
        expected.row.id
    );
}

/// Asserts that the batches hold exactly `profiles` (in id order), field by field.
pub fn assert_batches_hold(
    batches: &[Batch],
    catalog: &Catalog,
    profiles: &[Profile],
    interner: &Interner,
    profile_catalog: &Catalog,
    customer_slots: usize,
) {
    let mut expected: Vec<&Profile> = profiles.iter().collect();
    expected.sort_by(|a, b| a.id.cmp(&b.id));
    expected.dedup_by(|a, b| a.id == b.id);
    let rows: Vec<(Row<'_>, &Interner)> = batches
        .iter()
        .flat_map(|b| b.rows().map(move |r| (r, b.interner())))
        .collect();
    assert_eq!(rows.len(), expected.len(), "number of customers");
    for ((row, row_interner), profile) in rows.into_iter().zip(expected) {
        assert_same_row(
            Side {
                row: Row::from(profile),
                interner,
                catalog: profile_catalog,
            },
            Side {
                row,
                interner: row_interner,
                catalog,
            },
            customer_slots,
        );
    }
}

/// Rows per table, straight from SQLite.
pub fn table_counts(path: &Path) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    [
        "customers",
        "addresses",
        "carts",
        "cart_items",
        "wishlist_items",
        "viewed_products",
        "orders",
        "order_items",
        "order_addresses",
        "products",
        "websites",
    ]
    .iter()
    .map(|t| {
        let n: i64 = conn
            .query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
            .unwrap();
        (t.to_string(), n)
    })
    .collect()
}
