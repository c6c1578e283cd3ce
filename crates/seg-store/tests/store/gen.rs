//! The synthetic generator: the same seed gives the same store, what it writes reads back
//! exactly, and the data looks like a shop's (visitors, heavy buyers, non-ASCII names, every
//! value of its attribute's type).

use std::collections::HashMap;

use seg_data::{Interner, Value};
use seg_schema::Entity;
use seg_store::gen::{self, GenOptions, Generator};

use crate::*;

/// 2026-11-28.
const ANCHOR: i32 = 20_785;

fn describe_profile(generator: &Generator, index: u64, loaded: &Loaded) -> Vec<String> {
    let mut interner = Interner::new();
    let profile = generator.profile(index, &mut interner);
    describe(
        Side {
            row: seg_data::Row::from(&profile),
            interner: &interner,
            catalog: &loaded.catalog,
        },
        loaded.schema.attributes(Entity::Customer).len(),
    )
}

#[test]
fn the_same_seed_gives_the_same_profiles() {
    let loaded = load_examples();
    let a = Generator::new(&loaded.schema, &loaded.catalog, 7, ANCHOR);
    let b = Generator::new(&loaded.schema, &loaded.catalog, 7, ANCHOR);
    let c = Generator::new(&loaded.schema, &loaded.catalog, 8, ANCHOR);
    // Out of order, too: a profile depends on its index only.
    for index in [5, 0, 999, 3] {
        assert_eq!(
            describe_profile(&a, index, &loaded),
            describe_profile(&b, index, &loaded)
        );
    }
    let differ =
        (0..20).any(|i| describe_profile(&a, i, &loaded) != describe_profile(&c, i, &loaded));
    assert!(differ, "another seed, other profiles");
}

#[test]
fn a_generated_store_reads_back_as_generated() {
    let loaded = load_examples();
    let (_dir, path, mut store) = new_store(&loaded.schema);
    let options = GenOptions {
        customers: 300,
        seed: 42,
        anchor: ANCHOR,
    };
    let mut seen = 0;
    let summary = gen::write(
        &mut store,
        &loaded.schema,
        &loaded.catalog,
        &loaded.interner,
        options,
        &mut |n| seen = n,
    )
    .unwrap();
    assert_eq!((summary.imported, seen), (300, 300));
    let counts: HashMap<String, i64> = table_counts(&path).into_iter().collect();
    assert_eq!(counts["customers"], 300);
    assert_eq!(counts["websites"], 4);
    assert_eq!(counts["products"], loaded.catalog.products.len() as i64);

    let generator = Generator::new(&loaded.schema, &loaded.catalog, 42, ANCHOR);
    let mut interner = Interner::new();
    let profiles: Vec<_> = (0..300)
        .map(|i| generator.profile(i, &mut interner))
        .collect();
    let slots = loaded.schema.attributes(Entity::Customer).len();
    let (catalog, batches) = read_all(&store, &loaded.schema, 64);
    assert_batches_hold(
        &batches,
        &catalog,
        &profiles,
        &interner,
        &loaded.catalog,
        slots,
    );
}

#[test]
fn generated_data_looks_like_a_shop() {
    let loaded = load_examples();
    let generator = Generator::new(&loaded.schema, &loaded.catalog, 1, ANCHOR);
    let mut interner = Interner::new();
    let profiles: Vec<_> = (0..3000)
        .map(|i| generator.profile(i, &mut interner))
        .collect();
    let visitors = profiles.iter().filter(|p| !p.logged_in).count();
    assert!((300..700).contains(&visitors), "{visitors} visitors");
    let orders: Vec<usize> = profiles
        .iter()
        .filter(|p| p.logged_in)
        .map(|p| p.orders.len())
        .collect();
    let none = orders.iter().filter(|&&n| n == 0).count();
    let few = orders.iter().filter(|&&n| (1..=3).contains(&n)).count();
    let heavy = orders.iter().filter(|&&n| n > 40).count();
    assert!(none + few > orders.len() * 3 / 4, "most have 0-3 orders");
    assert!(heavy >= 5, "a long tail of heavy buyers: {heavy}");
    let websites: std::collections::HashSet<_> = profiles
        .iter()
        .filter_map(|p| p.website.as_deref())
        .collect();
    assert_eq!(websites.len(), 4);
    let empty_carts = profiles
        .iter()
        .filter(|p| !p.cart[0].is_missing() && p.cart_items.is_empty())
        .count();
    assert!(empty_carts > 0, "some carts are empty");
    // Non-ASCII names and cities.
    let city = 2 + loaded
        .schema
        .attributes(Entity::CustomerAddress)
        .iter()
        .position(|a| a.code == "city")
        .unwrap();
    let cities: std::collections::HashSet<&str> = profiles
        .iter()
        .flat_map(|p| &p.addresses)
        .filter_map(|a| match a.get(city) {
            Value::Str(s) => Some(interner.text(*s)),
            _ => None,
        })
        .collect();
    for expected in ["서울", "Saarbrücken", "東京", "Montréal"] {
        assert!(cities.contains(expected), "{expected} among {cities:?}");
    }
    // Every order is in the past of the anchor, after the customer signed up.
    let anchor = i64::from(ANCHOR) * 86_400_000_000;
    for p in &profiles {
        for o in &p.orders {
            match o.record.get(2) {
                Value::DateTime(t) => assert!(*t < anchor),
                other => panic!("created_at {other:?}"),
            }
        }
    }
    // Groups: mostly General, every option used.
    let group = loaded
        .schema
        .attributes(Entity::Customer)
        .iter()
        .position(|a| a.code == "group")
        .unwrap();
    let mut groups = HashMap::new();
    for p in profiles.iter().filter(|p| p.logged_in) {
        *groups
            .entry(format!("{:?}", p.customer[group]))
            .or_insert(0) += 1;
    }
    assert_eq!(groups.len(), 4, "{groups:?}");
    assert!(groups["Option(0)"] > (3000 - visitors) / 2);
}

#[test]
fn a_catalog_can_be_generated_too() {
    let loaded = load_examples();
    let mut interner = Interner::new();
    let catalog = Generator::catalog(&loaded.schema, 50, 3, ANCHOR, &mut interner);
    assert_eq!(catalog.products.len(), 50);
    assert_eq!(catalog.find("GEN-00050"), Some(seg_data::ProductId(49)));
    let (_dir, _path, mut store) = new_store(&loaded.schema);
    store
        .import_catalog(&loaded.schema, &catalog, &interner)
        .unwrap();
    let (stored, _) = store.load_catalog(&loaded.schema).unwrap();
    assert_eq!(stored.products.len(), 50);
}
