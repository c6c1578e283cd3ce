//! `seg demo`: the main job on the embedded default, in one command — generate a synthetic
//! store of realistic shoppers, refresh the segments over it, print the report.
//!
//! The schema and catalog come from the segments' `seg.toml` (or `--schema`/`--catalog`), the
//! store is generated afresh each time (deterministic per seed, its "today" the as-of date),
//! and the refresh is exactly `seg run`'s.

use std::path::{Path, PathBuf};

use crate::pipeline::Engine;
use crate::project::find_project;
use crate::{run, store, usage_failure, UsageError};

pub struct Options<'a> {
    pub store: &'a Path,
    pub customers: u64,
    pub seed: u64,
    pub as_of: &'a str,
    pub schema: Option<&'a Path>,
    pub catalog: Option<&'a Path>,
    pub paths: &'a [PathBuf],
}

pub fn run(options: Options) -> u8 {
    match demo(options) {
        Ok(code) => code,
        Err(error) => usage_failure(error),
    }
}

fn demo(options: Options) -> Result<u8, UsageError> {
    let as_of = seg_check::values::parse_datetime(options.as_of)
        .map_err(|e| UsageError(format!("--as-of {}: {e}", options.as_of)))?;
    let anchor =
        seg_store::format_date(as_of.micros.div_euclid(seg_check::values::MICROS_PER_DAY) as i32);
    let project = match options.paths.first() {
        Some(path) => find_project(path)?,
        None => None,
    };
    let schema = options
        .schema
        .map(Path::to_path_buf)
        .or_else(|| project.as_ref().and_then(|p| p.schema.clone()));
    let catalog = options
        .catalog
        .map(Path::to_path_buf)
        .or_else(|| project.as_ref().and_then(|p| p.catalog.clone()));
    if let Some(folder) = options.store.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .map_err(|e| UsageError(format!("cannot create {}: {e}", folder.display())))?;
    }
    let generated = store::generate(store::GenerateOptions {
        store: options.store,
        customers: options.customers,
        seed: options.seed,
        anchor: &anchor,
        force: true,
        schema: schema.as_deref(),
        catalog: catalog.as_deref(),
        ndjson: None,
    });
    if generated != 0 {
        return Ok(generated);
    }
    Ok(run::run(run::Options {
        store: options.store,
        schema: schema.as_deref(),
        catalog: None,
        as_of: Some(options.as_of),
        engine: Engine::Jit,
        paths: options.paths,
        scan_only: false,
    }))
}
