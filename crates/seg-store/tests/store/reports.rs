//! Report queries: members paged in customer-id order, unions and intersections, customer
//! columns for export with their values in readable form.

use seg_store::{Combine, Finish, RunInfo, SegmentInfo};
use serde_json::json;

use crate::*;

fn store_with_memberships() -> (Loaded, tempfile::TempDir, Store) {
    let loaded = load_examples();
    let (dir, _path, store) = examples_store(&loaded);
    let segments: Vec<SegmentInfo> = ["a", "b"]
        .iter()
        .map(|id| SegmentInfo {
            id,
            name: None,
            description: Some("test"),
        })
        .collect();
    let mut run = store
        .begin_run(&RunInfo {
            started_at: 1,
            as_of: 2,
            engine: "test",
            segments: &segments,
        })
        .unwrap();
    run.add_members("a", &["c-1001", "c-1002", "c-1003", "v-9001"])
        .unwrap();
    run.add_members("b", &["c-1002", "c-1004", "v-9001"])
        .unwrap();
    run.add_members("a", &["c-1001"]).unwrap();
    run.finish(Finish {
        finished_at: 3,
        customers: 6,
    })
    .unwrap();
    (loaded, dir, store)
}

#[test]
fn members_come_in_pages_in_id_order() {
    let (_loaded, _dir, store) = store_with_memberships();
    assert_eq!(store.members("a", None, 2).unwrap(), ["c-1001", "c-1002"]);
    assert_eq!(
        store.members("a", Some("c-1002"), 2).unwrap(),
        ["c-1003", "v-9001"]
    );
    assert!(store.members("a", Some("v-9001"), 2).unwrap().is_empty());
    let error = store.members("nope", None, 2).unwrap_err();
    assert!(error.to_string().contains("no segment \"nope\""), "{error}");
}

#[test]
fn segments_combine() {
    let (_loaded, _dir, store) = store_with_memberships();
    assert_eq!(
        store
            .combined_members(Combine::Union, &["a", "b"], None, 100)
            .unwrap(),
        ["c-1001", "c-1002", "c-1003", "c-1004", "v-9001"]
    );
    assert_eq!(
        store
            .combined_members(Combine::Intersection, &["a", "b", "a"], None, 100)
            .unwrap(),
        ["c-1002", "v-9001"]
    );
    assert_eq!(
        store
            .combined_members(Combine::Intersection, &["b", "a"], Some("c-1002"), 100)
            .unwrap(),
        ["v-9001"]
    );
}

#[test]
fn customer_columns_read_as_json() {
    let (_loaded, _dir, store) = store_with_memberships();
    let columns = [
        "id",
        "email",
        "group",
        "store_credit",
        "dob",
        "created_at",
        "preferred_categories",
        "newsletter_subscribed",
        "logged_in",
        "website",
    ];
    let rows = store
        .customer_columns(&["c-1001", "nobody", "v-9001"], &columns)
        .unwrap();
    assert_eq!(
        rows[0].as_ref().unwrap(),
        &vec![
            json!("c-1001"),
            json!("kim.minji@example.com"),
            json!("VIP"),
            "25.00".parse::<serde_json::Value>().unwrap(),
            json!("1990-12-02"),
            json!("2019-03-01T00:00:00Z"),
            json!(["Bags", "Gear"]),
            json!(true),
            json!(true),
            json!("base"),
        ]
    );
    assert!(rows[1].is_none());
    assert_eq!(rows[2].as_ref().unwrap()[1], serde_json::Value::Null);
    let error = store
        .customer_columns(&["c-1001"], &["shoe_size"])
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("no customer column \"shoe_size\""),
        "{error}"
    );

    let mut exported = Vec::new();
    store
        .export_members("b", &["email", "group"], |id, values| {
            exported.push((id.to_string(), values));
            Ok::<(), seg_store::StoreError>(())
        })
        .unwrap();
    assert_eq!(
        exported,
        [
            (
                "c-1002".to_string(),
                vec![json!("park.joon+test@example.com"), json!("General")]
            ),
            (
                "c-1004".to_string(),
                vec![json!("anna.schmidt@example.de"), json!("Retailer")]
            ),
            ("v-9001".to_string(), vec![json!(null), json!(null)]),
        ]
    );
}
