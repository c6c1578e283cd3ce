//! Runs: memberships replace the previous run's in one transaction, with who joined and who
//! left; a run that never finishes — dropped, or its process killed inside the final
//! transaction — leaves the previous memberships as they were, and the next run works.

use std::sync::Arc;

use seg_data::{Batch, Value};
use seg_schema::Entity;
use seg_store::{Finish, RunInfo, RunSummary, SegmentInfo, SegmentSize, Store};

use crate::*;

const DAY: i64 = 86_400_000_000;
const AS_OF_1: i64 = 20_000 * DAY;
const AS_OF_2: i64 = 20_010 * DAY;

/// The test's segments, as predicates over a batch row.
fn members(batch: &Batch, schema: &seg_schema::Schema, segment: &str) -> Vec<String> {
    let group = schema
        .attributes(Entity::Customer)
        .iter()
        .position(|a| a.code == "group")
        .unwrap();
    let vip = schema.attributes(Entity::Customer)[group]
        .options
        .iter()
        .position(|o| o == "VIP")
        .unwrap() as u32;
    batch
        .rows()
        .filter(|row| match segment {
            "buyers" => !row.orders.is_empty(),
            "vip" => row.customer(group) == &Value::Option(vip),
            "carts" => matches!(row.cart(7), Value::Int(n) if *n > 0),
            _ => false,
        })
        .map(|row| row.id.to_string())
        .collect()
}

const SEGMENTS: [&str; 3] = ["buyers", "carts", "vip"];

fn infos(ids: &[&'static str]) -> Vec<SegmentInfo<'static>> {
    ids.iter()
        .map(|id| SegmentInfo {
            id,
            name: Some("A segment"),
            description: None,
        })
        .collect()
}

/// Reads the store in batches of two while the run writes on its own connection.
fn run(store: &Store, schema: &seg_schema::Schema, as_of: i64, ids: &[&'static str]) -> RunSummary {
    let segments = infos(ids);
    let mut run = store
        .begin_run(&RunInfo {
            started_at: as_of + 1,
            as_of,
            engine: "test",
            segments: &segments,
        })
        .unwrap();
    let (catalog, interner) = store.load_catalog(schema).unwrap();
    let mut reader = store.reader(schema, &catalog).unwrap();
    let mut customers = 0;
    for batch in reader.batches(Arc::new(interner), 2).unwrap() {
        let batch = batch.unwrap();
        customers += batch.len() as u64;
        for id in ids {
            run.add_members(id, &members(&batch, schema, id)).unwrap();
        }
    }
    drop(reader);
    run.finish(Finish {
        finished_at: as_of + 2,
        customers,
    })
    .unwrap()
}

fn size(id: &str, members: u64, joined: u64, left: u64) -> SegmentSize {
    SegmentSize {
        segment_id: id.into(),
        members,
        joined,
        left,
    }
}

fn all_members(store: &Store, segment: &str) -> Vec<String> {
    store.members(segment, None, usize::MAX).unwrap()
}

#[test]
fn two_runs_over_changed_data_record_who_joined_and_who_left() {
    let loaded = load_examples();
    let (_dir, path, mut store) = examples_store(&loaded);
    let first = run(&store, &loaded.schema, AS_OF_1, &SEGMENTS);
    assert_eq!(first.run_id, 1);
    // c-1001, c-1003, c-1004 and c-1005 have orders; c-1001 is the VIP; carts: c-1001,
    // c-1002 and the two visitors.
    assert_eq!(
        all_members(&store, "buyers"),
        ["c-1001", "c-1003", "c-1004", "c-1005"]
    );
    assert_eq!(all_members(&store, "vip"), ["c-1001"]);
    assert_eq!(
        first.segments,
        [
            size("buyers", 4, 4, 0),
            size("carts", 4, 4, 0),
            size("vip", 1, 1, 0)
        ]
    );

    // c-1002 places an order; c-1001's orders and cart are gone.
    let mut interner = seg_data::Interner::new();
    let text = concat!(
        r#"{"id": "c-1002", "logged_in": true, "customer": {"group": "General"}, "orders": [{"id": "o-50", "status": "pending"}]}"#,
        "\n",
        r#"{"id": "c-1001", "logged_in": true, "customer": {"group": "VIP"}}"#,
    );
    let changed = load_profiles(text, &loaded.schema, &loaded.catalog, &mut interner);
    store.import(&loaded.schema, &interner, &changed).unwrap();

    let second = run(&store, &loaded.schema, AS_OF_2, &SEGMENTS);
    assert_eq!(second.run_id, 2);
    assert_eq!(
        second.segments,
        [
            size("buyers", 4, 1, 1),
            size("carts", 2, 0, 2),
            size("vip", 1, 0, 0)
        ]
    );
    assert_eq!(
        all_members(&store, "buyers"),
        ["c-1002", "c-1003", "c-1004", "c-1005"]
    );
    assert_eq!(
        store.changes(2, "buyers").unwrap(),
        [("c-1001".to_string(), false), ("c-1002".to_string(), true)]
    );
    assert_eq!(
        store.changes(2, "carts").unwrap(),
        [("c-1001".to_string(), false), ("c-1002".to_string(), false)]
    );
    // Those who stayed keep the as-of of the run they joined in.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let joined_at = |segment: &str, customer: &str| -> i64 {
        conn.query_row(
            "SELECT joined_at FROM memberships WHERE segment_id = ?1 AND customer_id = ?2",
            [segment, customer],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(joined_at("buyers", "c-1003"), AS_OF_1);
    assert_eq!(joined_at("buyers", "c-1002"), AS_OF_2);
    assert_eq!(joined_at("vip", "c-1001"), AS_OF_1);

    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1].as_of, AS_OF_2);
    assert_eq!(runs[1].customer_count, 7);
    assert_eq!(runs[1].segment_count, 3);
    assert_eq!(runs[1].engine, "test");
    let states = store.segments().unwrap();
    assert_eq!(states.len(), 3);
    let buyers = &states[0];
    assert_eq!(buyers.id, "buyers");
    assert_eq!((buyers.last_run, buyers.as_of), (Some(2), Some(AS_OF_2)));
    assert_eq!(
        (buyers.members, buyers.joined, buyers.left),
        (Some(4), Some(1), Some(1))
    );
    assert!(buyers.active);

    // A run of fewer segments leaves the others' memberships as they were, inactive.
    let third = run(&store, &loaded.schema, AS_OF_2 + DAY, &["vip"]);
    assert_eq!(third.segments, [size("vip", 1, 0, 0)]);
    let states = store.segments().unwrap();
    assert!(!states[0].active && states[0].last_run == Some(2));
    assert!(states[2].active && states[2].last_run == Some(3));
    assert_eq!(
        all_members(&store, "buyers"),
        ["c-1002", "c-1003", "c-1004", "c-1005"]
    );
}

#[test]
fn a_run_that_never_finishes_changes_nothing() {
    let loaded = load_examples();
    let (_dir, path, store) = examples_store(&loaded);
    run(&store, &loaded.schema, AS_OF_1, &SEGMENTS);
    let before = all_members(&store, "buyers");
    // Staged, then dropped (an error in the caller), and staged then leaked (no cleanup at
    // all, as when a process dies): neither is visible, and neither blocks the next run.
    let segments = infos(&SEGMENTS);
    let info = RunInfo {
        started_at: 0,
        as_of: AS_OF_2,
        engine: "test",
        segments: &segments,
    };
    let mut dropped = store.begin_run(&info).unwrap();
    dropped
        .add_members("buyers", &["c-1002", "v-9001"])
        .unwrap();
    drop(dropped);
    let mut leaked = store.begin_run(&info).unwrap();
    leaked.add_members("buyers", &["c-1002"]).unwrap();
    std::mem::forget(leaked);
    let reopened = Store::open(&path).unwrap();
    assert_eq!(all_members(&reopened, "buyers"), before);
    assert_eq!(reopened.runs().unwrap().len(), 1);
    let next = run(&reopened, &loaded.schema, AS_OF_2, &SEGMENTS);
    assert_eq!(next.run_id, 2);
    assert_eq!(next.segments[0], size("buyers", 4, 0, 0));
}

#[test]
fn unknown_and_duplicate_segments_are_refused() {
    let loaded = load_examples();
    let (_dir, _path, store) = examples_store(&loaded);
    let twice = infos(&["a", "a"]);
    let info = |segments| RunInfo {
        started_at: 0,
        as_of: 0,
        engine: "test",
        segments,
    };
    assert!(store.begin_run(&info(&twice)).is_err());
    let one = infos(&["a"]);
    let mut run = store.begin_run(&info(&one)).unwrap();
    let error = run.add_members("b", &["c-1"]).unwrap_err();
    assert!(
        error.to_string().contains("not one of the run's segments"),
        "{error}"
    );
}

/// The environment variable that makes the killed-run test's child do its part.
const CHILD: &str = "SEG_STORE_TEST_KILLED_RUN";

#[test]
fn a_run_killed_inside_its_final_transaction_leaves_the_previous_memberships() {
    if let Ok(path) = std::env::var(CHILD) {
        // The child: stage a run that changes everything, and die just before it commits.
        let store = Store::open(std::path::Path::new(&path)).unwrap();
        let segments = infos(&SEGMENTS);
        let mut run = store
            .begin_run(&RunInfo {
                started_at: 0,
                as_of: AS_OF_2,
                engine: "test",
                segments: &segments,
            })
            .unwrap();
        run.add_members("buyers", &["v-9001", "v-9002"]).unwrap();
        let _ = run.finish_with_hook(
            Finish {
                finished_at: 0,
                customers: 6,
            },
            || std::process::abort(),
        );
        unreachable!("the process was killed");
    }
    let loaded = load_examples();
    let (_dir, path, store) = examples_store(&loaded);
    run(&store, &loaded.schema, AS_OF_1, &SEGMENTS);
    let before: Vec<Vec<String>> = SEGMENTS.iter().map(|s| all_members(&store, s)).collect();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "runs::a_run_killed_inside_its_final_transaction_leaves_the_previous_memberships",
            "--test-threads=1",
        ])
        .env(CHILD, &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the child was to die");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(6),
            "the child died by abort inside finish: {status:?}"
        );
    }
    // The write-ahead log holds the killed transaction's pages, uncommitted.
    let reopened = Store::open(&path).unwrap();
    let after: Vec<Vec<String>> = SEGMENTS.iter().map(|s| all_members(&reopened, s)).collect();
    assert_eq!(after, before);
    assert_eq!(reopened.runs().unwrap().len(), 1);
    drop(store);
    let next = run(&reopened, &loaded.schema, AS_OF_2, &SEGMENTS);
    assert_eq!(next.run_id, 2);
    assert_eq!(next.segments[0], size("buyers", 4, 0, 0));
}
