//! A throughput probe for the store (not part of the build): `scan` reads every customer back
//! as batches and reports customers per second; `dump` writes the store's profiles as NDJSON in
//! the §5 format (to time `seg import` on a file as large as the store); `run` reads the store
//! and records two runs of five simple segments (predicates in Rust, standing in for an engine),
//! timing `Run::finish`.
//!
//! ```sh
//! cargo run --release -p seg-store --example bench -- scan shop.db examples/schema.json
//! cargo run --release -p seg-store --example bench -- dump shop.db examples/schema.json > shop.ndjson
//! ```

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use seg_data::{Row, Value};
use seg_schema::Schema;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, command, store, schema] = &args[..] else {
        eprintln!("usage: bench scan|dump STORE SCHEMA");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(schema).expect("schema");
    let (schema, _) = seg_schema::parse_schema(seg_diag::FileId(0), &text);
    let store = seg_store::Store::open(Path::new(store)).unwrap_or_else(|e| panic!("{e}"));
    let (catalog, interner) = store.load_catalog(&schema).expect("catalog");
    let mut reader = store.reader(&schema, &catalog).expect("reader");
    if command == "run" {
        drop(reader);
        for (round, as_of) in [(1, 1_000), (2, 2_000)] {
            run(&store, &schema, &catalog, as_of, round);
        }
        return;
    }
    let started = Instant::now();
    let (mut customers, mut orders) = (0u64, 0u64);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for batch in reader.batches(Arc::new(interner), 16_384).expect("batches") {
        let batch = batch.expect("batch");
        customers += batch.len() as u64;
        orders += batch.orders().items().len() as u64;
        if command == "dump" {
            for row in batch.rows() {
                let line = seg_data::json::profile_json(&row, &schema, batch.interner());
                writeln!(out, "{line}").expect("write");
            }
        }
    }
    out.flush().expect("write");
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{command}: {customers} customers, {orders} orders in {seconds:.1} s ({:.0} customers/s)",
        customers as f64 / seconds
    );
}

const SEGMENTS: [&str; 5] = ["buyers", "big_carts", "viewers", "kr", "loyal"];

/// Whether a row is in a test segment; round 2 shifts the thresholds so people join and leave.
fn member(row: &Row<'_>, segment: &str, round: usize) -> bool {
    match segment {
        "buyers" => row.orders.len() > round,
        "big_carts" => {
            matches!(row.cart(1), Value::Dec(units) if *units > 1_000_000 * round as i64)
        }
        "viewers" => row.viewed_products.len() > 2 * round,
        "kr" => row.website == Some("kr"),
        _ => row.orders.len() >= 10 * round,
    }
}

fn run(
    store: &seg_store::Store,
    schema: &Schema,
    catalog: &seg_data::Catalog,
    as_of: i64,
    round: usize,
) {
    let infos: Vec<seg_store::SegmentInfo> = SEGMENTS
        .iter()
        .map(|id| seg_store::SegmentInfo {
            id,
            name: None,
            description: None,
        })
        .collect();
    let started = Instant::now();
    let mut run = store
        .begin_run(&seg_store::RunInfo {
            started_at: 0,
            as_of,
            engine: "bench",
            segments: &infos,
        })
        .expect("begin");
    let (_, interner) = store.load_catalog(schema).expect("catalog");
    let mut reader = store.reader(schema, catalog).expect("reader");
    let mut customers = 0;
    for batch in reader.batches(Arc::new(interner), 16_384).expect("batches") {
        let batch = batch.expect("batch");
        customers += batch.len() as u64;
        for segment in SEGMENTS {
            let ids: Vec<&str> = batch
                .rows()
                .filter(|r| member(r, segment, round))
                .map(|r| r.id)
                .collect();
            run.add_members(segment, &ids).expect("stage");
        }
    }
    drop(reader);
    let staged = started.elapsed().as_secs_f64();
    let summary = run
        .finish(seg_store::Finish {
            finished_at: 0,
            customers,
        })
        .expect("finish");
    let total = started.elapsed().as_secs_f64();
    eprintln!(
        "run {}: read and staged in {staged:.1} s, finished in {:.1} s: {:?}",
        summary.run_id,
        total - staged,
        summary
            .segments
            .iter()
            .map(|s| (s.segment_id.as_str(), s.members, s.joined, s.left))
            .collect::<Vec<_>>()
    );
}
