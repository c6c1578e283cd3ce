//! The store commands end to end (`seg gen`, `import`, `run`, `report`, `export`): a run stores
//! exactly the memberships `seg eval` answers for the same customers (both engines, customers on
//! both sides of a batch boundary, the hand-written example profiles), joined/left counts across
//! runs and idempotent re-imports, a SIGKILLed run leaving the previous memberships, CSV exports
//! that parse back to the NDJSON export, and bad stores and outputs refused with one `error:`
//! line and exit 2 without a file created or half written.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The as-of the generated stores and the example profiles are written around.
const AS_OF: &str = "2026-11-28T12:00:00Z";

/// Segment id → member ids.
type Members = BTreeMap<String, BTreeSet<String>>;

fn seg(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seg"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("seg runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `seg ARGS`, which must exit 0.
fn ok(args: &[&str], dir: &Path) -> Output {
    let out = seg(args, dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "seg {args:?}\nstdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// A usage or IO failure: exit 2 and exactly one `error: …` line on stderr holding every needle.
fn assert_usage_error(out: &Output, what: &str, needles: &[&str]) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: one line expected: {stderr}");
    assert!(lines[0].starts_with("error: "), "{what}: {stderr}");
    for needle in needles {
        assert!(
            lines[0].contains(needle),
            "{what}: {needle:?} missing in {stderr}"
        );
    }
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn example(name: &str) -> String {
    path(&examples().join(name)).to_string()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// A fresh scratch folder.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("seg-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn gen(store: &Path, customers: u64, seed: u64, ndjson: &Path, dir: &Path) {
    ok(
        &[
            "gen",
            "--store",
            path(store),
            "--customers",
            &customers.to_string(),
            "--seed",
            &seed.to_string(),
            "--schema",
            &example("schema.json"),
            "--catalog",
            &example("catalog.ndjson"),
            "--ndjson",
            path(ndjson),
        ],
        dir,
    );
}

fn import(store: &Path, profiles: &Path, dir: &Path) -> Output {
    seg(
        &[
            "import",
            "--store",
            path(store),
            "--schema",
            &example("schema.json"),
            "--catalog",
            &example("catalog.ndjson"),
            path(profiles),
        ],
        dir,
    )
}

fn run_args(store: &Path, as_of: &str, engine: &str) -> Vec<String> {
    [
        "run",
        "--store",
        path(store),
        "--schema",
        &example("schema.json"),
        "--catalog",
        &example("catalog.ndjson"),
        "--as-of",
        as_of,
        "--engine",
        engine,
        &example("segments"),
    ]
    .map(String::from)
    .to_vec()
}

fn run(store: &Path, as_of: &str, engine: &str, dir: &Path) -> Output {
    let args = run_args(store, as_of, engine);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = ok(&args, dir);
    // The segments table is printed on stdout.
    assert!(
        text(&out.stdout).starts_with("segment "),
        "{}",
        text(&out.stdout)
    );
    out
}

/// `seg report --format json`.
fn report_json(store: &Path, dir: &Path) -> Value {
    let out = ok(&["report", "--store", path(store), "--format", "json"], dir);
    serde_json::from_slice(&out.stdout).expect("report JSON")
}

/// The report's segments by id.
fn report_segments(store: &Path, dir: &Path) -> BTreeMap<String, Value> {
    let report = report_json(store, dir);
    report["segments"]
        .as_array()
        .expect("a segments array")
        .iter()
        .map(|s| (s["id"].as_str().expect("an id").to_string(), s.clone()))
        .collect()
}

fn number(value: &Value) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("a count expected: {value}"))
}

/// Every reported segment's members through `seg export SEG --format ndjson`, checked against
/// the report's member count and for customer-id order.
fn store_members(store: &Path, dir: &Path) -> Members {
    let mut all = Members::new();
    for (id, state) in report_segments(store, dir) {
        let out = ok(
            &["export", &id, "--store", path(store), "--format", "ndjson"],
            dir,
        );
        let ids: Vec<String> = text(&out.stdout)
            .lines()
            .map(|line| {
                let object: Value = serde_json::from_str(line).expect("an NDJSON line");
                object["id"].as_str().expect("an id").to_string()
            })
            .collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "{id}: members not in customer-id order"
        );
        assert_eq!(ids.len() as u64, number(&state["members"]), "{id}");
        all.insert(id, ids.into_iter().collect());
    }
    all
}

/// `seg report --combine union SEG` (one id per line).
fn union_members(store: &Path, segments: &[&str], dir: &Path) -> Vec<String> {
    let mut args = vec!["report", "--store", path(store), "--combine", "union"];
    args.extend_from_slice(segments);
    let out = ok(&args, dir);
    text(&out.stdout).lines().map(String::from).collect()
}

/// The ids of an NDJSON profile file, in order.
fn input_ids(profiles: &Path) -> Vec<String> {
    std::fs::read_to_string(profiles)
        .unwrap()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let profile: Value = serde_json::from_str(line).expect("a profile");
            profile["id"].as_str().expect("a profile id").to_string()
        })
        .collect()
}

/// `seg eval` over the profiles: each segment's members. One line per profile in input order.
fn eval_members(profiles: &Path, as_of: &str, dir: &Path) -> Members {
    let out = ok(
        &[
            "eval",
            "--schema",
            &example("schema.json"),
            "--catalog",
            &example("catalog.ndjson"),
            "--as-of",
            as_of,
            "--profiles",
            path(profiles),
            &example("segments"),
        ],
        dir,
    );
    let mut members = Members::new();
    let mut ids = Vec::new();
    for line in text(&out.stdout).lines() {
        let answer: Value = serde_json::from_str(line).expect("an eval line");
        assert!(answer.get("error").is_none(), "{line}");
        let id = answer["id"].as_str().expect("an id").to_string();
        for segment in answer["segments"].as_array().expect("segments") {
            members
                .entry(segment.as_str().unwrap().to_string())
                .or_default()
                .insert(id.clone());
        }
        ids.push(id);
    }
    assert_eq!(ids, input_ids(profiles), "eval answers in input order");
    members
}

/// Store and eval agree on every segment the last run evaluated (and eval knows no other).
fn assert_same_members(store: &Members, eval: &Members, active: &BTreeSet<String>, what: &str) {
    let none = BTreeSet::new();
    for segment in eval.keys() {
        assert!(active.contains(segment), "{what}: {segment} not in the run");
    }
    for segment in active {
        let stored = store.get(segment).unwrap_or(&none);
        let evaluated = eval.get(segment).unwrap_or(&none);
        if stored != evaluated {
            let only_store: Vec<_> = stored.difference(evaluated).take(5).collect();
            let only_eval: Vec<_> = evaluated.difference(stored).take(5).collect();
            panic!(
                "{what}: {segment}: {} stored, {} from eval; only stored: {only_store:?}; only eval: {only_eval:?}",
                stored.len(),
                evaluated.len()
            );
        }
    }
}

fn active_segments(report: &BTreeMap<String, Value>) -> BTreeSet<String> {
    report
        .iter()
        .filter(|(_, s)| s["active"] == Value::Bool(true))
        .map(|(id, _)| id.clone())
        .collect()
}

/// The store's memberships after its last run equal `seg eval` over the same profiles; the
/// memberships are returned.
fn run_equals_eval(store: &Path, profiles: &Path, as_of: &str, dir: &Path) -> Members {
    let report = report_segments(store, dir);
    let active = active_segments(&report);
    assert!(active.len() >= 20, "{active:?}");
    // `active false` in the segment file: never evaluated, never stored.
    assert!(!report.contains_key("black_friday_early_access"));
    let stored = store_members(store, dir);
    let evaluated = eval_members(profiles, as_of, dir);
    assert_same_members(&stored, &evaluated, &active, "run vs eval");
    stored
}

/// Every active segment's joined and left counts at the last run, and the last run's id.
fn assert_changes(
    report: &BTreeMap<String, Value>,
    run_id: u64,
    expected: impl Fn(&str, u64) -> (u64, u64),
) {
    for (id, state) in report {
        if state["active"] != Value::Bool(true) {
            continue;
        }
        assert_eq!(number(&state["last_run"]), run_id, "{id}: {state}");
        let (joined, left) = expected(id, number(&state["members"]));
        assert_eq!(
            (number(&state["joined"]), number(&state["left"])),
            (joined, left),
            "{id}: joined, left: {state}"
        );
    }
}

/// Every row of the given tables, as text, in key order (rusqlite, read only).
fn dump(store: &Path, tables: &[&str]) -> Vec<(String, Vec<String>)> {
    assert!(store.is_file(), "{}", store.display());
    let conn = rusqlite::Connection::open(store).unwrap();
    tables
        .iter()
        .map(|table| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
            let columns = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |row| {
                    (0..columns)
                        .map(|i| {
                            row.get::<_, rusqlite::types::Value>(i)
                                .map(|v| format!("{v:?}"))
                        })
                        .collect::<rusqlite::Result<Vec<_>>>()
                        .map(|v| v.join("|"))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            rows.sort();
            (table.to_string(), rows)
        })
        .collect()
}

/// The tables customer data lives in.
const DATA_TABLES: &[&str] = &[
    "websites",
    "products",
    "customers",
    "addresses",
    "carts",
    "cart_items",
    "wishlist_items",
    "viewed_products",
    "orders",
    "order_items",
    "order_addresses",
];

/// The tables runs write.
const RUN_TABLES: &[&str] = &[
    "segments",
    "runs",
    "memberships",
    "changes",
    "segment_sizes",
];

/// Members per segment read from the `memberships` table of a dump of [`RUN_TABLES`].
fn members_of_dump(dump: &[(String, Vec<String>)]) -> Members {
    let (_, rows) = dump.iter().find(|(t, _)| t == "memberships").unwrap();
    let mut members = Members::new();
    for row in rows {
        // Text values print as Text("…"): segment ids and customer ids hold no `|`.
        let fields: Vec<&str> = row.split('|').collect();
        let unquote = |f: &str| {
            f.strip_prefix("Text(\"")
                .and_then(|f| f.strip_suffix("\")"))
                .unwrap_or_else(|| panic!("{f}"))
                .to_string()
        };
        members
            .entry(unquote(fields[0]))
            .or_default()
            .insert(unquote(fields[1]));
    }
    members
}

fn runs_in(dump: &[(String, Vec<String>)]) -> usize {
    dump.iter().find(|(t, _)| t == "runs").unwrap().1.len()
}

#[test]
fn run_gives_what_eval_gives() {
    let dir = scratch("batches");
    let store = dir.join("shop.db");
    let profiles = dir.join("shop.ndjson");
    gen(&store, 4_100, 11, &profiles, &dir);
    let ids = input_ids(&profiles);
    assert_eq!(ids.len(), 4_100);

    run(&store, AS_OF, "jit", &dir);
    let first = run_equals_eval(&store, &profiles, AS_OF, &dir);
    // Members on both sides of the 4,096-customer batch boundary (the store is read in id
    // order, which is the generator's order).
    let sorted: BTreeSet<&String> = ids.iter().collect();
    let boundary = sorted.iter().nth(4_096).unwrap();
    let everyone: BTreeSet<&String> = first.values().flatten().collect();
    assert!(everyone.iter().any(|id| id < boundary));
    assert!(everyone.iter().any(|id| id >= boundary));
    assert!(first.values().filter(|m| !m.is_empty()).count() >= 15);

    // A fresh store: every member joined, nobody left, at the as-of given.
    let report = report_segments(&store, &dir);
    assert_changes(&report, 1, |_, members| (members, 0));
    for state in report.values() {
        assert_eq!(state["as_of"], AS_OF, "{state}");
    }
    // `--combine union` lists the same members; union and intersection of two segments.
    for (segment, members) in &first {
        let listed = union_members(&store, &[segment], &dir);
        assert_eq!(
            listed,
            members.iter().cloned().collect::<Vec<_>>(),
            "{segment}"
        );
    }
    let (a, b) = ("incomplete_profiles", "travel_lookbook");
    for (combine, expected) in [
        (
            "union",
            first[a].union(&first[b]).cloned().collect::<Vec<_>>(),
        ),
        (
            "intersection",
            first[a].intersection(&first[b]).cloned().collect(),
        ),
    ] {
        let out = ok(
            &[
                "report",
                "--store",
                path(&store),
                "--combine",
                combine,
                "--format",
                "json",
                a,
                b,
            ],
            &dir,
        );
        let document: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
        let customers: Vec<String> = document["customers"]
            .as_array()
            .expect("customers")
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        assert_eq!(customers, expected, "{combine}");
        assert!(!expected.is_empty(), "{combine}");
    }

    // The interpreter over the same store at the same instant: the same members, nobody moves.
    run(&store, AS_OF, "interp", &dir);
    let second = store_members(&store, &dir);
    assert_eq!(second, first);
    assert_changes(&report_segments(&store, &dir), 2, |_, _| (0, 0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_on_the_fixture_profiles() {
    let dir = scratch("fixture");
    let store = dir.join("shop.db");
    let profiles = examples().join("profiles.ndjson");
    let out = import(&store, &profiles, &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let count = input_ids(&profiles).len();
    assert!(
        text(&out.stdout).contains(&format!("imported {count}, replaced 0, 0 bad")),
        "{}",
        text(&out.stdout)
    );

    run(&store, AS_OF, "jit", &dir);
    let first = run_equals_eval(&store, &profiles, AS_OF, &dir);
    assert!(first.values().filter(|m| !m.is_empty()).count() >= 15);
    assert_changes(&report_segments(&store, &dir), 1, |_, members| (members, 0));

    run(&store, AS_OF, "interp", &dir);
    let second = run_equals_eval(&store, &profiles, AS_OF, &dir);
    assert_eq!(second, first);
    assert_changes(&report_segments(&store, &dir), 2, |_, _| (0, 0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The example profiles with two changes that move shoppers between segments at [`AS_OF`]:
/// - c-1001 loses order o-3 (closed, 99.00, 2026-11-10): completed/closed orders of the last
///   365 days drop to 460.50 and two orders, so it leaves `vip_spenders`; its last order is now
///   2026-09-15 (more than 60 days before), average 230.25, newsletter subscribed: it joins
///   `lapsed_big_baskets`. Still VIP in Seoul (`loyal_seoul`), a complete order in the last 180
///   days (`long_time_customers`) and running tops in the last 26 weeks (`technical_runners`).
/// - c-1005 unsubscribes from the newsletter (`false`, not empty): it leaves
///   `lapsed_big_baskets` and does not join `unknown_newsletter_consent`.
fn changed_profiles() -> (Vec<Value>, Vec<Value>) {
    let original = std::fs::read_to_string(examples().join("profiles.ndjson")).unwrap();
    let mut all: Vec<Value> = original
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut changed = Vec::new();
    for profile in &mut all {
        match profile["id"].as_str().unwrap() {
            "c-1001" => {
                let orders = profile["orders"].as_array_mut().unwrap();
                let before = orders.len();
                orders.retain(|o| o["id"] != "o-3");
                assert_eq!(orders.len(), before - 1, "c-1001 has an order o-3");
                changed.push(profile.clone());
            }
            "c-1005" => {
                assert_eq!(profile["customer"]["newsletter_subscribed"], true);
                profile["customer"]["newsletter_subscribed"] = Value::Bool(false);
                changed.push(profile.clone());
            }
            _ => {}
        }
    }
    assert_eq!(changed.len(), 2);
    (changed, all)
}

fn write_ndjson(file: &Path, profiles: &[Value]) {
    let lines: String = profiles.iter().map(|p| format!("{p}\n")).collect();
    std::fs::write(file, lines).unwrap();
}

#[test]
fn joined_and_left_across_two_runs() {
    let dir = scratch("changes");
    let store = dir.join("shop.db");
    let original = examples().join("profiles.ndjson");
    assert_eq!(import(&store, &original, &dir).status.code(), Some(0));
    run(&store, AS_OF, "jit", &dir);
    let first = run_equals_eval(&store, &original, AS_OF, &dir);
    // What the change relies on.
    assert!(first["vip_spenders"].contains("c-1001"), "{first:?}");
    assert!(!first["lapsed_big_baskets"].contains("c-1001"), "{first:?}");
    assert!(first["lapsed_big_baskets"].contains("c-1005"), "{first:?}");

    let (changed, all) = changed_profiles();
    let changed_file = dir.join("changed.ndjson");
    let all_file = dir.join("all-changed.ndjson");
    write_ndjson(&changed_file, &changed);
    write_ndjson(&all_file, &all);
    let out = import(&store, &changed_file, &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("imported 0, replaced 2, 0 bad"),
        "{}",
        text(&out.stdout)
    );
    run(&store, AS_OF, "jit", &dir);

    let report = report_segments(&store, &dir);
    assert_changes(&report, 2, |id, _| match id {
        "vip_spenders" => (0, 1),
        "lapsed_big_baskets" => (1, 1),
        _ => (0, 0),
    });
    let second = run_equals_eval(&store, &all_file, AS_OF, &dir);
    let mut expected = first.clone();
    expected.get_mut("vip_spenders").unwrap().remove("c-1001");
    let lapsed = expected.get_mut("lapsed_big_baskets").unwrap();
    lapsed.remove("c-1005");
    lapsed.insert("c-1001".to_string());
    let lapsed_members = lapsed.len() as u64;
    assert_eq!(second, expected);
    assert_eq!(
        number(&report["lapsed_big_baskets"]["members"]),
        lapsed_members
    );

    // Re-importing is an upsert: the same data twice leaves the store as once (and as the
    // partial re-import above left it).
    let before = dump(&store, DATA_TABLES);
    for _ in 0..2 {
        let out = import(&store, &all_file, &dir);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let count = all.len();
        assert!(
            text(&out.stdout).contains(&format!("imported 0, replaced {count}, 0 bad")),
            "{}",
            text(&out.stdout)
        );
        assert_eq!(dump(&store, DATA_TABLES), before);
    }
    run(&store, AS_OF, "jit", &dir);
    assert_changes(&report_segments(&store, &dir), 3, |_, _| (0, 0));
    assert_eq!(store_members(&store, &dir), second);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_killed_run_leaves_the_previous_memberships() {
    // Four months later: birthdays, windows and "N days ago" conditions all move.
    const LATER: &str = "2027-03-15T12:00:00Z";
    let dir = scratch("killed");
    let store = dir.join("shop.db");
    let profiles = dir.join("shop.ndjson");
    gen(&store, 30_000, 21, &profiles, &dir);

    let started = Instant::now();
    run(&store, AS_OF, "jit", &dir);
    let run_time = started.elapsed();
    let state_a = dump(&store, RUN_TABLES);
    let report_a = report_json(&store, &dir);
    let members_a = members_of_dump(&state_a);
    let active = active_segments(&report_segments(&store, &dir));
    let later = eval_members(&profiles, LATER, &dir);
    let none = BTreeSet::new();
    let differs = |segment: &String| {
        members_a.get(segment).unwrap_or(&none) != later.get(segment).unwrap_or(&none)
    };
    assert!(
        active.iter().filter(|s| differs(s)).count() >= 3,
        "the later as-of must change memberships"
    );

    // Kill early (compiling, reading, staging) and close to where run A finished (the final
    // transaction), in increasing order.
    let mut delays: Vec<Duration> = [20, 80, 200, 500, 1200]
        .into_iter()
        .map(Duration::from_millis)
        .chain([0.85, 0.95, 1.0].map(|f| run_time.mul_f64(f)))
        .collect();
    delays.sort();
    let args = run_args(&store, LATER, "jit");
    let mut hits = 0;
    let mut committed = false;
    for delay in delays {
        let mut child = Command::new(env!("CARGO_BIN_EXE_seg"))
            .args(&args)
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("seg runs");
        std::thread::sleep(delay);
        if let Some(status) = child.try_wait().unwrap() {
            // It finished before the kill: a complete run.
            assert!(status.success(), "{status}");
            committed = true;
            break;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let now = dump(&store, RUN_TABLES);
        if now == state_a {
            hits += 1;
            assert_eq!(
                report_json(&store, &dir),
                report_a,
                "after a kill at {delay:?}"
            );
            continue;
        }
        // Killed after its commit (while printing the table): the whole run, then.
        assert_eq!(
            runs_in(&now),
            runs_in(&state_a) + 1,
            "after a kill at {delay:?}"
        );
        assert_same_members(
            &members_of_dump(&now),
            &later,
            &active,
            "killed after commit",
        );
        committed = true;
        break;
    }
    eprintln!(
        "{hits} kill(s) hit a running `seg run` (run A took {run_time:?}; committed: {committed})"
    );
    assert!(hits >= 1, "no kill hit a running `seg run`");

    // A normal run at the later instant completes, its members are eval's, and (when no killed
    // run committed) joined/left are counted from run A: killed runs left nothing behind.
    run(&store, LATER, "jit", &dir);
    let state_b = dump(&store, RUN_TABLES);
    let members_b = members_of_dump(&state_b);
    assert_same_members(
        &members_b,
        &later,
        &active,
        "run at the later as-of vs eval",
    );
    let report = report_segments(&store, &dir);
    if committed {
        assert_eq!(runs_in(&state_b), runs_in(&state_a) + 2);
        assert_changes(&report, 3, |_, _| (0, 0));
    } else {
        assert_eq!(runs_in(&state_b), runs_in(&state_a) + 1);
        assert_changes(&report, 2, |id, _| {
            let a = members_a.get(id).unwrap_or(&none);
            let b = members_b.get(id).unwrap_or(&none);
            (
                b.difference(a).count() as u64,
                a.difference(b).count() as u64,
            )
        });
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Profiles whose names need CSV quoting: a comma, quotes, a line break, non-ASCII letters,
/// and one with nothing but a group. Members of `travel_lookbook` (group is not Wholesale).
const TRICKY: &str = r#"{"id": "x-quotes", "logged_in": true, "website": "base", "customer": {"email": "zoe@example.com", "firstname": "Zoë \"Z\"", "lastname": "O'Neil, Jr.", "group": "General", "dob": "1992-02-29", "newsletter_subscribed": false, "store_credit": "12.5", "preferred_categories": ["Gear", "Bags"], "created_at": "2024-05-01T10:00:00+09:00"}}
{"id": "x-lines", "logged_in": true, "website": "kr", "customer": {"email": "minji@example.kr", "firstname": "민지", "lastname": "김\r\nSecond line", "group": "VIP", "newsletter_subscribed": true, "preferred_categories": ["Watches"]}}
{"id": "x-empty", "logged_in": true, "customer": {"group": "General", "firstname": "", "preferred_categories": []}}
"#;

#[test]
fn csv_export_parses_back() {
    let dir = scratch("csv");
    let store = dir.join("shop.db");
    gen(&store, 300, 5, &dir.join("gen.ndjson"), &dir);
    let tricky = dir.join("tricky.ndjson");
    std::fs::write(&tricky, TRICKY).unwrap();
    let out = import(&store, &tricky, &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    run(&store, AS_OF, "jit", &dir);

    let segment = "travel_lookbook";
    let columns = [
        "email",
        "firstname",
        "lastname",
        "group",
        "dob",
        "preferred_categories",
        "newsletter_subscribed",
        "store_credit",
        "created_at",
        "logged_in",
        "website",
    ];
    let list = columns.join(",");
    let csv_file = dir.join("members.csv");
    let ndjson_file = dir.join("members.ndjson");
    let store_path = path(&store);
    for (format, file) in [("csv", &csv_file), ("ndjson", &ndjson_file)] {
        let out = ok(
            &[
                "export",
                segment,
                "--store",
                store_path,
                "--format",
                format,
                "--columns",
                &list,
                "-o",
                path(file),
            ],
            &dir,
        );
        assert!(out.stdout.is_empty(), "-o writes nothing on stdout");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let mut reader = csv::Reader::from_path(&csv_file).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let expected_header: Vec<&str> = std::iter::once("id").chain(columns).collect();
    assert_eq!(header, expected_header);
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();

    let members = union_members(&store, &[segment], &dir);
    assert!(members.len() > 100, "{}", members.len());
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, members, "one row per member, in customer-id order");

    let objects: Vec<Value> = std::fs::read_to_string(&ndjson_file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), rows.len());
    fn field(value: &Value) -> String {
        match value {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Array(items) => items.iter().map(field).collect::<Vec<_>>().join(","),
            Value::Object(_) => panic!("an object in an export: {value}"),
        }
    }
    let mut non_ascii = 0;
    for (row, object) in rows.iter().zip(&objects) {
        let keys: BTreeSet<&str> = object
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, expected_header.iter().copied().collect(), "{object}");
        assert_eq!(row[0], object["id"].as_str().unwrap());
        for (i, column) in columns.iter().enumerate() {
            assert_eq!(row[i + 1], field(&object[column]), "{} {column}", row[0]);
        }
        if !row[2].is_ascii() {
            non_ascii += 1;
        }
    }
    assert!(non_ascii > 0, "some generated first names are not ASCII");

    let row = |id: &str| -> BTreeMap<&str, &str> {
        let row = rows
            .iter()
            .find(|r| r[0] == id)
            .unwrap_or_else(|| panic!("{id}"));
        expected_header
            .iter()
            .copied()
            .zip(row.iter().map(String::as_str))
            .collect()
    };
    let quotes = row("x-quotes");
    assert_eq!(quotes["firstname"], "Zoë \"Z\"");
    assert_eq!(quotes["lastname"], "O'Neil, Jr.");
    assert_eq!(quotes["dob"], "1992-02-29");
    assert_eq!(quotes["newsletter_subscribed"], "false");
    assert_eq!(quotes["store_credit"], "12.50");
    // Schema option order: Bags before Gear.
    assert_eq!(quotes["preferred_categories"], "Bags,Gear");
    assert_eq!(quotes["created_at"], "2024-05-01T01:00:00Z");
    assert_eq!(quotes["logged_in"], "true");
    assert_eq!(quotes["website"], "base");
    let lines = row("x-lines");
    assert_eq!(lines["firstname"], "민지");
    assert_eq!(lines["lastname"], "김\r\nSecond line");
    assert_eq!(lines["newsletter_subscribed"], "true");
    assert_eq!(lines["preferred_categories"], "Watches");
    let empty = row("x-empty");
    for column in [
        "email",
        "firstname",
        "lastname",
        "dob",
        "preferred_categories",
        "store_credit",
        "website",
    ] {
        assert_eq!(empty[column], "", "x-empty {column}");
    }
    assert_eq!(empty["group"], "General");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Neither `file` (unless `itself` is false) nor the files SQLite keeps next to a database.
fn no_store_files(file: &Path, itself: bool) {
    let suffixes = ["-wal", "-shm", "-journal"];
    for suffix in itself.then_some("").into_iter().chain(suffixes) {
        let mut name = file.as_os_str().to_os_string();
        name.push(suffix);
        assert!(!Path::new(&name).exists(), "{name:?} was created");
    }
}

fn set_layout_version(store: &Path, version: &str) {
    assert!(store.is_file());
    let conn = rusqlite::Connection::open(store).unwrap();
    let changed = conn
        .execute(
            "UPDATE seg_meta SET value = ?1 WHERE key = 'layout_version'",
            [version],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

#[test]
fn bad_stores_and_outputs_are_refused() {
    let dir = scratch("bad");
    let schema = example("schema.json");
    let segments = example("segments");
    let commands = |store: &str| -> Vec<Vec<String>> {
        [
            vec![
                "run", "--store", store, "--schema", &schema, "--as-of", AS_OF, &segments,
            ],
            vec!["report", "--store", store],
            vec!["report", "--store", store, "--format", "json"],
            vec!["export", "travel_lookbook", "--store", store],
        ]
        .into_iter()
        .map(|args| args.into_iter().map(String::from).collect())
        .collect()
    };
    let seg_owned = |args: &[String]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        seg(&args, &dir)
    };

    // A store that does not exist: refused, and no file is created.
    let missing = dir.join("missing.db");
    for args in commands(path(&missing)) {
        let out = seg_owned(&args);
        assert_usage_error(&out, &args[0], &["missing.db", "no such store"]);
        assert!(out.stdout.is_empty(), "{args:?}");
        no_store_files(&missing, true);
    }

    // A text file: refused, left as it was.
    let not_a_store = dir.join("customers.csv");
    let content = "id,email\nc-1,a@example.com\n";
    std::fs::write(&not_a_store, content).unwrap();
    for args in commands(path(&not_a_store)) {
        let out = seg_owned(&args);
        assert_usage_error(&out, &args[0], &["customers.csv", "not a Seg store"]);
        assert_eq!(std::fs::read_to_string(&not_a_store).unwrap(), content);
        no_store_files(&not_a_store, false);
    }
    let out = import(&not_a_store, &examples().join("profiles.ndjson"), &dir);
    assert_usage_error(&out, "import", &["customers.csv", "not a Seg store"]);
    assert_eq!(std::fs::read_to_string(&not_a_store).unwrap(), content);

    // A store of another layout version: the message names the version found and the one read.
    let store = dir.join("shop.db");
    assert_eq!(
        import(&store, &examples().join("profiles.ndjson"), &dir)
            .status
            .code(),
        Some(0)
    );
    run(&store, AS_OF, "jit", &dir);
    let state = dump(&store, RUN_TABLES);
    for version in ["0", "99"] {
        set_layout_version(&store, version);
        let found = format!("layout version {version};");
        for args in commands(path(&store)) {
            let out = seg_owned(&args);
            assert_usage_error(&out, &args[0], &["shop.db", &found, "reads version 1 only"]);
        }
        let out = import(&store, &examples().join("profiles.ndjson"), &dir);
        assert_usage_error(&out, "import", &[&found, "reads version 1 only"]);
    }
    set_layout_version(&store, "1");
    assert_eq!(
        dump(&store, RUN_TABLES),
        state,
        "refused commands wrote nothing"
    );
    ok(&["report", "--store", path(&store)], &dir);

    // Unknown segments.
    let store_path = path(&store);
    for args in [
        vec!["export", "no_such_segment", "--store", store_path],
        vec![
            "export",
            "no_such_segment",
            "--store",
            store_path,
            "--format",
            "ndjson",
        ],
        vec![
            "report",
            "--store",
            store_path,
            "--combine",
            "union",
            "no_such_segment",
        ],
        vec![
            "report",
            "--store",
            store_path,
            "--combine",
            "intersection",
            "travel_lookbook",
            "no_such_segment",
        ],
        vec![
            "report",
            "--store",
            store_path,
            "--combine",
            "union",
            "no_such_segment",
            "--format",
            "json",
        ],
    ] {
        let out = seg(&args, &dir);
        assert_usage_error(&out, &format!("{args:?}"), &["\"no_such_segment\""]);
    }

    // Outputs that cannot be written: nothing is created.
    let nowhere = dir.join("no-such-folder").join("x.csv");
    let mut outputs = vec![nowhere.clone()];
    if !Path::new("/nonexistent-dir").exists() {
        outputs.push(PathBuf::from("/nonexistent-dir/x.csv"));
    }
    for output in &outputs {
        let out = seg(
            &[
                "export",
                "travel_lookbook",
                "--store",
                store_path,
                "-o",
                path(output),
            ],
            &dir,
        );
        assert_usage_error(&out, "export -o", &[path(output)]);
        assert!(!output.parent().unwrap().exists());
    }
    let read_only = dir.join("read-only");
    std::fs::create_dir(&read_only).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o555)).unwrap();
        let probe = read_only.join("probe");
        if std::fs::write(&probe, "").is_ok() {
            // Root writes anywhere: nothing to test.
            std::fs::remove_file(&probe).unwrap();
        } else {
            let output = read_only.join("x.csv");
            let out = seg(
                &[
                    "export",
                    "travel_lookbook",
                    "--store",
                    store_path,
                    "-o",
                    path(&output),
                ],
                &dir,
            );
            assert_usage_error(&out, "export -o into a read-only folder", &["x.csv"]);
            assert_eq!(std::fs::read_dir(&read_only).unwrap().count(), 0);
        }
        std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    // A failed export leaves an existing output file as it was, and no temporary file.
    let kept = dir.join("kept.csv");
    std::fs::write(&kept, "precious\n").unwrap();
    for args in [
        vec![
            "export",
            "travel_lookbook",
            "--store",
            store_path,
            "--columns",
            "email,nope",
            "-o",
            path(&kept),
        ],
        vec![
            "export",
            "travel_lookbook",
            "--store",
            store_path,
            "--format",
            "ndjson",
            "--columns",
            "nope",
            "-o",
            path(&kept),
        ],
        vec![
            "export",
            "no_such_segment",
            "--store",
            store_path,
            "-o",
            path(&kept),
        ],
    ] {
        let out = seg(&args, &dir);
        assert_usage_error(&out, &format!("{args:?}"), &[]);
        assert!(
            text(&out.stderr).contains("nope") || text(&out.stderr).contains("no_such_segment")
        );
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "precious\n");
        let parts = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".part")
            })
            .count();
        assert_eq!(parts, 0, "a temporary file was left");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A scratch folder with a store of the example profiles, refreshed once.
fn examples_store(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let store = dir.join("shop.db");
    assert_eq!(
        import(&store, &examples().join("profiles.ndjson"), &dir)
            .status
            .code(),
        Some(0)
    );
    run(&store, AS_OF, "jit", &dir);
    (dir, store)
}

/// An export that fails before its first member (unknown segment or column) prints nothing on
/// stdout: `seg export SEG > members.csv` must not leave a file that looks like an empty export.
#[test]
fn a_failed_export_prints_nothing_on_stdout() {
    let (dir, store) = examples_store("stdout");
    for args in [
        vec!["export", "no_such_segment", "--store", path(&store)],
        vec![
            "export",
            "travel_lookbook",
            "--store",
            path(&store),
            "--columns",
            "nope",
        ],
    ] {
        let out = seg(&args, &dir);
        assert_usage_error(&out, &format!("{args:?}"), &[]);
        assert_eq!(text(&out.stdout), "", "{args:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `-o FILE` gives the file the permissions any new file gets (the umask's), as `>` would.
#[test]
fn export_file_gets_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, store) = examples_store("mode");
    let ordinary = dir.join("ordinary.csv");
    std::fs::write(&ordinary, "").unwrap();
    let expected = std::fs::metadata(&ordinary).unwrap().permissions().mode() & 0o777;
    let exported = dir.join("exported.csv");
    ok(
        &[
            "export",
            "travel_lookbook",
            "--store",
            path(&store),
            "-o",
            path(&exported),
        ],
        &dir,
    );
    let mode = std::fs::metadata(&exported).unwrap().permissions().mode() & 0o777;
    assert_eq!(format!("{mode:o}"), format!("{expected:o}"));
    let _ = std::fs::remove_dir_all(&dir);
}
