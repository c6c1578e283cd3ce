//! Opening: a missing file, a file that is not SQLite, another program's database, a store of
//! another layout version and a store written with another schema are each a clear error.

use seg_store::{Store, StoreError, LAYOUT_VERSION};

use crate::*;

#[test]
fn a_missing_store_is_an_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nothing.db");
    let error = Store::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::Missing { .. }), "{error:?}");
    assert!(error.to_string().contains("no such store"), "{error}");
    assert!(!path.exists());
}

#[test]
fn a_text_file_is_not_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profiles.ndjson");
    std::fs::write(&path, "{\"id\": \"c-1\"}\n".repeat(200)).unwrap();
    let error = Store::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::NotAStore { .. }), "{error:?}");
    assert!(
        error.to_string().contains("not an SQLite database"),
        "{error}"
    );
    // And it is left as it was.
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .starts_with("{\"id\""));
}

#[test]
fn another_programs_database_is_not_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE customers (id TEXT PRIMARY KEY);")
            .unwrap();
    }
    let error = Store::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::NotAStore { .. }), "{error:?}");
    assert!(error.to_string().contains("another program"), "{error}");
    let empty = dir.path().join("empty.db");
    rusqlite::Connection::open(&empty)
        .unwrap()
        .execute_batch("PRAGMA user_version = 3")
        .unwrap();
    let error = Store::open(&empty).unwrap_err();
    assert!(
        error.to_string().contains("empty SQLite database"),
        "{error}"
    );
}

#[test]
fn a_damaged_store_is_an_error_not_a_panic() {
    let loaded = load_examples();
    let (_dir, path, store) = examples_store(&loaded);
    drop(store);
    // Overwrite the middle of the file with garbage.
    let mut bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    for b in &mut bytes[4096.min(len)..] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let _ = std::fs::remove_file(path.with_extension("db-wal"));
    match Store::open(&path) {
        Err(error) => assert!(!error.to_string().is_empty()),
        Ok(store) => {
            // The header survived: reading must fail cleanly.
            let result = store.load_catalog(&loaded.schema).and_then(|(catalog, _)| {
                let mut reader = store.reader(&loaded.schema, &catalog)?;
                let batches: Result<Vec<_>, _> = reader.batches(Default::default(), 2)?.collect();
                batches.map(drop)
            });
            assert!(result.is_err());
        }
    }
}

#[test]
fn a_store_of_another_layout_version_is_refused_with_both_versions() {
    let loaded = load_examples();
    let (_dir, path, store) = new_store(&loaded.schema);
    drop(store);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE seg_meta SET value = '7' WHERE key = 'layout_version'",
            [],
        )
        .unwrap();
    }
    let error = Store::open(&path).unwrap_err();
    match &error {
        StoreError::Version {
            found, expected, ..
        } => assert_eq!((*found, *expected), (7, LAYOUT_VERSION)),
        other => panic!("{other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.contains("version 7") && message.contains(&format!("version {LAYOUT_VERSION}")),
        "{message}"
    );
    assert!(Store::open_or_create(&path, &loaded.schema).is_err());
}

#[test]
fn a_schema_that_disagrees_is_explained() {
    let loaded = load_examples();
    let (_dir, path, store) = new_store(&loaded.schema);
    drop(store);
    let text = std::fs::read_to_string(examples().join("schema.json")).unwrap();
    // A new attribute, a changed type, a lost option.
    let changed = text
        .replace(
            r#"{"code": "taxvat", "label": "Tax/VAT Number", "type": "string""#,
            r#"{"code": "loyalty_tier", "label": "Tier", "type": "string", "use_in_customer_segment": true},
    {"code": "taxvat", "label": "Tax/VAT Number", "type": "integer""#,
        )
        .replace(r#""VIP"]"#, r#""Gold"]"#);
    let schema = inline_schema(&changed);
    let error = Store::open_or_create(&path, &schema).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, StoreError::SchemaMismatch { .. }),
        "{error:?}"
    );
    for part in [
        "`loyalty_tier` is in the schema but not in the store",
        "`taxvat` is a string in the store and a integer",
        "\"VIP\"",
    ] {
        assert!(message.contains(part), "{part} not in: {message}");
    }
    // Labels, flags, order and new options are free to change.
    let relabelled = text
        .replace("\"Date of Birth\"", "\"Birthday\"")
        .replace(r#""VIP"]"#, r#""vip", "Platinum"]"#);
    let store = Store::open_or_create(&path, &inline_schema(&relabelled)).unwrap();
    store.check_schema(&loaded.schema).unwrap();
}

#[test]
fn codes_that_differ_only_by_case_cannot_be_stored() {
    let schema = inline_schema(
        r#"{"customer": [{"code": "tier", "type": "string"}, {"code": "Tier", "type": "string"}], "customer_address": [], "product": []}"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let error = Store::create(&dir.path().join("s.db"), &schema).unwrap_err();
    assert!(error.to_string().contains("differ only by case"), "{error}");
    assert!(!dir.path().join("s.db").exists());
}

#[test]
fn creating_over_an_existing_file_is_refused() {
    let loaded = load_examples();
    let (_dir, path, store) = new_store(&loaded.schema);
    drop(store);
    let error = Store::create(&path, &loaded.schema).unwrap_err();
    assert!(matches!(error, StoreError::Exists { .. }), "{error:?}");
    // But an empty file (a store whose creation never started) is taken over.
    let empty = path.with_file_name("empty.db");
    std::fs::write(&empty, b"").unwrap();
    Store::open_or_create(&empty, &loaded.schema).unwrap();
    Store::open(&empty).unwrap();
}
