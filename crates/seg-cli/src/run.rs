//! `seg run`: refresh every active segment for every customer of a store.
//!
//! The store is read in customer-id order as columnar batches (ordered scans merged by
//! customer id, on this thread), every core evaluates batches with one compiled program, and
//! the members are staged in the store as they come. The run is applied in one transaction at
//! the end (memberships replaced, joined/left and sizes recorded): killed at any point, the
//! store keeps the previous run's memberships and the next run completes. The report of the
//! run is printed as `seg report` prints it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use seg_data::Batch;
use seg_store::{Finish, RunInfo, SegmentInfo, Store};

use crate::pipeline::{self, Engine, Evaluator};
use crate::report;
use crate::store::{progress_bar, store_error};
use crate::{usage_failure, UsageError};

pub struct Options<'a> {
    pub store: &'a Path,
    pub schema: Option<&'a Path>,
    pub catalog: Option<&'a Path>,
    pub as_of: Option<&'a str>,
    pub engine: Engine,
    pub paths: &'a [PathBuf],
    /// Only read every customer, as the refresh reads them, and evaluate and store nothing:
    /// the floor `seg run` is measured against (`scripts/bench-run`).
    pub scan_only: bool,
}

pub fn run(options: Options) -> u8 {
    match refresh(options) {
        Ok(code) => code,
        Err(error) => usage_failure(error),
    }
}

/// Customers per batch read from the store.
const BATCH_ROWS: usize = 4_096;

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_micros() as i64
}

fn refresh(options: Options) -> Result<u8, UsageError> {
    let started_at = now_micros();
    let as_of = pipeline::as_of(options.as_of)?;
    let default_paths = [PathBuf::from(".")];
    let paths = if options.paths.is_empty() {
        &default_paths[..]
    } else {
        options.paths
    };
    let (outcome, program) = pipeline::compile(options.schema, paths)?;
    let schema = &outcome.schema;
    let store = Store::open(options.store).map_err(store_error)?;
    store.check_schema(schema).map_err(store_error)?;
    let (catalog, interner) = match pipeline::catalog_file(options.catalog, &outcome)? {
        Some(path) => pipeline::load_catalog(Some(&path), schema)?,
        None => store.load_catalog(schema).map_err(store_error)?,
    };
    let customers = store.customer_count().map_err(store_error)?;
    let evaluator = Evaluator::new(options.engine, &program, customers as usize)?;

    // Only active segments are evaluated into the store (§8: only they are reported).
    let active: Vec<usize> = (0..program.segments.len())
        .filter(|&i| program.segments[i].active)
        .collect();
    let definitions = &outcome.program.segments;
    let infos: Vec<SegmentInfo> = active
        .iter()
        .map(|&i| {
            let def = definitions.iter().find(|d| d.id == program.segments[i].id);
            SegmentInfo {
                id: &program.segments[i].id,
                name: def.and_then(|d| d.name.as_deref()),
                description: def.and_then(|d| d.description.as_deref()),
            }
        })
        .collect();

    let bar = progress_bar(
        Some(customers),
        "{spinner} refreshing {pos}/{len} customers [{bar:30}] {per_sec} {eta}",
    );
    let mut reader = store.reader(schema, &catalog).map_err(store_error)?;
    let shape = reader.shape();
    let base = Arc::new(interner);
    let mut batches = reader
        .batches(base.clone(), BATCH_ROWS)
        .map_err(store_error)?;
    if options.scan_only {
        let mut batch = Batch::new(shape, base.clone());
        let mut read = 0u64;
        loop {
            let rows = batches.fill(&mut batch).map_err(store_error)?;
            if rows == 0 {
                break;
            }
            read += rows as u64;
            bar.inc(rows as u64);
        }
        bar.finish_and_clear();
        let elapsed = (now_micros() - started_at) as f64 / 1e6;
        eprintln!(
            "read {read} customer(s) in {elapsed:.2} s ({:.0} customers/s); nothing evaluated or stored",
            read as f64 / elapsed.max(1e-9)
        );
        return Ok(0);
    }
    let mut run = store
        .begin_run(&RunInfo {
            started_at,
            as_of,
            engine: options.engine.name(),
            segments: &infos,
        })
        .map_err(store_error)?;
    let mut evaluated = 0u64;
    let spare = pipeline::Spare::default();
    pipeline::in_order(
        || {
            let mut batch = spare
                .take()
                .unwrap_or_else(|| Batch::new(shape, base.clone()));
            let rows = batches.fill(&mut batch).map_err(store_error)?;
            Ok((rows > 0).then_some(batch))
        },
        |batch: Batch| {
            let members = evaluator.evaluate(&batch, &catalog, as_of);
            let ids: Vec<Vec<String>> = active
                .iter()
                .map(|&segment| {
                    (0..batch.len())
                        .filter(|&row| members.get(segment, row))
                        .map(|row| batch.id(row).to_string())
                        .collect()
                })
                .collect();
            let rows = batch.len();
            spare.put(batch);
            (rows, ids)
        },
        |(rows, ids): (usize, Vec<Vec<String>>)| {
            for (info, members) in infos.iter().zip(&ids) {
                run.add_members(info.id, members).map_err(store_error)?;
            }
            evaluated += rows as u64;
            bar.inc(rows as u64);
            Ok::<(), UsageError>(())
        },
    )?;
    drop(batches);
    drop(reader);
    bar.finish_and_clear();
    let evaluated_at = now_micros();
    let summary = run
        .finish(Finish {
            finished_at: evaluated_at,
            customers: evaluated,
        })
        .map_err(store_error)?;
    let seconds = |from: i64| (now_micros() - from) as f64 / 1e6;
    let elapsed = seconds(started_at);
    eprintln!(
        "refreshed {} segment(s) for {evaluated} customer(s) in {elapsed:.2} s ({:.0} customers/s; \
         memberships applied in {:.2} s), run {}",
        summary.segments.len(),
        evaluated as f64 / elapsed.max(1e-9),
        seconds(evaluated_at),
        summary.run_id
    );
    report::print_table(&store)?;
    Ok(0)
}
