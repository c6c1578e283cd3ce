//! `seg import` and `seg gen`: filling an embedded store (seg-store).
//!
//! `seg import --store shop.db PROFILES` validates every record with seg-data's loader and
//! upserts the good ones (a customer imported again is replaced entirely); each bad record is
//! reported on stderr with its line and id, and the exit code is then 1. The catalog given
//! (or named by seg.toml) is imported too, product by product. `seg gen` writes a synthetic
//! store to a temporary file next to the target and renames it at the end, so a killed run
//! never leaves half a store under the target's name. The schema and catalog are found as
//! `seg eval` finds them: `--schema`/`--catalog`, else the seg.toml of the profiles' folder
//! (the store's for `gen`) or a folder above it, else the one of the working directory.
//!
//! Both show a progress bar on a terminal and stay quiet otherwise; the one-line summary goes
//! to stdout. Exit codes: 0 done, 1 some records were bad (the rest kept), 2 usage or IO.

use std::io::{BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use seg_data::read::{chunk, ProfileLoader, Records};
use seg_data::{Catalog, Interner};
use seg_diag::Sources;
use seg_schema::Schema;
use seg_store::gen::{GenOptions, Generator};
use seg_store::Store;

use crate::project::{display_path, find_project, load_schema, schema_path};
use crate::{usage_failure, UsageError};

/// Records per chunk: one transaction each.
const CHUNK: usize = 1000;
/// Products in the catalog `seg gen` makes up when it is given none.
const GENERATED_PRODUCTS: usize = 200;

pub struct ImportOptions<'a> {
    pub store: &'a Path,
    pub profiles: &'a Path,
    pub schema: Option<&'a Path>,
    pub catalog: Option<&'a Path>,
}

pub struct GenerateOptions<'a> {
    pub store: &'a Path,
    pub customers: u64,
    pub seed: u64,
    pub anchor: &'a str,
    pub force: bool,
    pub schema: Option<&'a Path>,
    pub catalog: Option<&'a Path>,
    /// Also write the same customers as NDJSON profiles (§5) to this file.
    pub ndjson: Option<&'a Path>,
}

pub fn import(options: ImportOptions) -> u8 {
    match run_import(options) {
        Ok(code) => code,
        Err(error) => usage_failure(error),
    }
}

pub fn generate(options: GenerateOptions) -> u8 {
    match run_generate(options) {
        Ok(code) => code,
        Err(error) => usage_failure(error),
    }
}

pub(crate) fn store_error(error: seg_store::StoreError) -> UsageError {
    UsageError(error.to_string())
}

/// The schema (argument, else seg.toml from `start` or the working directory) loaded, and the
/// catalog's path (argument, else seg.toml's, else none).
fn schema_and_catalog(
    schema: Option<&Path>,
    catalog: Option<&Path>,
    start: &Path,
) -> Result<(Schema, Option<PathBuf>), UsageError> {
    let project = match find_project(start)? {
        Some(project) => Some(project),
        None => find_project(Path::new("."))?,
    };
    let folder = match start.parent() {
        Some(parent) if start.is_file() && !parent.as_os_str().is_empty() => parent,
        Some(_) if start.is_file() => Path::new("."),
        _ => start,
    };
    let schema_path = schema_path(schema, project.as_ref(), folder)?;
    let mut sources = Sources::new();
    let (schema, diagnostics) = load_schema(&schema_path, &mut sources)?;
    let errors: Vec<_> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
    if !errors.is_empty() {
        eprint!(
            "{}",
            seg_diag::render::human(&errors, &sources, std::io::stderr().is_terminal())
        );
        return Err(UsageError(format!(
            "the schema {} has {} error(s)",
            display_path(&schema_path),
            errors.len()
        )));
    }
    let catalog = catalog
        .map(Path::to_path_buf)
        .or_else(|| project.and_then(|p| p.catalog));
    Ok((schema, catalog))
}

/// A catalog file loaded; bad products are reported (and counted), the rest kept.
fn read_catalog(
    path: &Path,
    schema: &Schema,
    bar: &ProgressBar,
) -> Result<(Catalog, Interner, usize), UsageError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("cannot read catalog {}: {e}", path.display())))?;
    let mut interner = Interner::new();
    let (catalog, errors) = seg_data::load::load_catalog(&text, schema, &mut interner);
    bar.suspend(|| {
        for error in &errors {
            eprintln!("error: {}: {error}", display_path(path));
        }
    });
    Ok((catalog, interner, errors.len()))
}

/// A progress bar on stderr when it is a terminal; hidden otherwise.
pub(crate) fn progress_bar(len: Option<u64>, template: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match len {
        Some(len) => ProgressBar::new(len),
        None => ProgressBar::new_spinner(),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Counts the bytes read through it (for the progress bar).
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn run_import(options: ImportOptions) -> Result<u8, UsageError> {
    let stdin = options.profiles == Path::new("-");
    let start = if stdin {
        Path::new(".")
    } else {
        options.profiles
    };
    let (schema, catalog_path) = schema_and_catalog(options.schema, options.catalog, start)?;
    let (input, size): (Box<dyn Read + Send>, Option<u64>) = if stdin {
        (Box::new(std::io::stdin()), None)
    } else {
        let file = std::fs::File::open(options.profiles).map_err(|e| {
            UsageError(format!(
                "cannot read profiles {}: {e}",
                options.profiles.display()
            ))
        })?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(file), size)
    };
    let mut store = Store::open_or_create(options.store, &schema).map_err(store_error)?;
    let started = Instant::now();
    let bar = progress_bar(
        size,
        "{spinner} importing [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    );
    let mut bad = 0usize;
    let (catalog, interner) = match &catalog_path {
        Some(path) => {
            let (catalog, interner, errors) = read_catalog(path, &schema, &bar)?;
            bad += errors;
            store
                .import_catalog(&schema, &catalog, &interner)
                .map_err(store_error)?;
            (catalog, interner)
        }
        None => store.load_catalog(&schema).map_err(store_error)?,
    };
    let read = Arc::new(AtomicU64::new(0));
    let counting = Counting {
        inner: input,
        read: read.clone(),
    };
    let loader = ProfileLoader::new(&schema, &catalog, Arc::new(interner));
    let shown = display_path(options.profiles);
    let mut summary = seg_store::ImportSummary::default();
    let outcome = std::thread::scope(|scope| -> Result<(), UsageError> {
        let (send, receive) = sync_channel(2);
        let loader = &loader;
        scope.spawn(move || {
            let mut records = Records::new(BufReader::with_capacity(1 << 20, counting));
            loop {
                let result = chunk(&mut records, CHUNK).map(|chunk| {
                    let empty = chunk.is_empty();
                    (empty, loader.load_chunk(chunk))
                });
                let stop = !matches!(result, Ok((false, _)));
                if send.send(result).is_err() || stop {
                    return;
                }
            }
        });
        for result in receive {
            let (empty, loaded) =
                result.map_err(|e| UsageError(format!("cannot read profiles {shown}: {e}")))?;
            if empty {
                break;
            }
            bar.suspend(|| {
                for error in loaded.records.iter().filter_map(|r| r.as_ref().err()) {
                    eprintln!("error: {shown}: {error}");
                }
            });
            bad += loaded.records.iter().filter(|r| r.is_err()).count();
            summary += store
                .import_batch(&schema, &loaded.batch)
                .map_err(store_error)?;
            bar.set_position(read.load(Ordering::Relaxed));
        }
        Ok(())
    });
    bar.finish_and_clear();
    let done = format!(
        "{}: imported {}, replaced {}, {bad} bad",
        display_path(options.store),
        summary.imported,
        summary.replaced
    );
    if let Err(UsageError(why)) = outcome {
        // What was committed before the failure stays imported.
        return Err(UsageError(format!("{why} (so far: {done})")));
    }
    println!("{done} ({:.1} s)", started.elapsed().as_secs_f64());
    Ok(u8::from(bad > 0))
}

/// The files SQLite keeps next to a database.
fn companions(path: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut name = path.as_os_str().to_os_string();
            name.push(suffix);
            PathBuf::from(name)
        })
        .collect()
}

fn remove_with_companions(path: &Path) {
    let _ = std::fs::remove_file(path);
    for companion in companions(path) {
        let _ = std::fs::remove_file(companion);
    }
}

fn run_generate(options: GenerateOptions) -> Result<u8, UsageError> {
    let anchor = seg_check::values::parse_date(options.anchor)
        .map_err(|e| UsageError(format!("--anchor {}: {e}", options.anchor)))?
        .days;
    let target = options.store;
    if target.exists() && !options.force {
        return Err(UsageError(format!(
            "{} exists; pass --force to replace it",
            display_path(target)
        )));
    }
    let start = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (schema, catalog_path) = schema_and_catalog(options.schema, options.catalog, start)?;
    let bar = progress_bar(
        Some(options.customers),
        "{spinner} generating [{bar:30}] {human_pos}/{human_len} customers {per_sec} eta {eta}",
    );
    let mut bad = 0;
    let (catalog, interner) = match &catalog_path {
        Some(path) => {
            let (catalog, interner, errors) = read_catalog(path, &schema, &bar)?;
            bad += errors;
            (catalog, interner)
        }
        None => {
            let mut interner = Interner::new();
            let catalog = Generator::catalog(
                &schema,
                GENERATED_PRODUCTS,
                options.seed,
                anchor,
                &mut interner,
            );
            (catalog, interner)
        }
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".into());
    let temporary = target.with_file_name(format!(".{name}.gen-tmp"));
    // A temporary file left by a killed run is ours to replace.
    remove_with_companions(&temporary);
    let started = Instant::now();
    let written = (|| -> Result<u64, seg_store::StoreError> {
        let mut store = Store::create_bulk(&temporary, &schema)?;
        let summary = seg_store::gen::write(
            &mut store,
            &schema,
            &catalog,
            &interner,
            GenOptions {
                customers: options.customers,
                seed: options.seed,
                anchor,
            },
            &mut |n| bar.set_position(n),
        )?;
        store.finish_bulk()?;
        Ok(summary.imported)
    })();
    bar.finish_and_clear();
    let customers = match written {
        Ok(customers) => customers,
        Err(error) => {
            remove_with_companions(&temporary);
            return Err(store_error(error));
        }
    };
    // A log left next to the old store would be replayed into the new one.
    for companion in companions(target) {
        let _ = std::fs::remove_file(companion);
    }
    std::fs::rename(&temporary, target).map_err(|e| {
        remove_with_companions(&temporary);
        UsageError(format!(
            "cannot move the new store to {}: {e}",
            display_path(target)
        ))
    })?;
    if let Some(path) = options.ndjson {
        write_ndjson(path, &schema, &catalog, options.seed, anchor, customers)?;
    }
    println!(
        "{}: generated {customers} customers, {} products (seed {}, anchor {}) in {:.1} s",
        display_path(target),
        catalog.products.len(),
        options.seed,
        options.anchor,
        started.elapsed().as_secs_f64()
    );
    Ok(u8::from(bad > 0))
}

/// The generated customers as NDJSON profiles, the same the store holds (the generator is
/// deterministic per seed), written atomically.
fn write_ndjson(
    path: &Path,
    schema: &seg_schema::Schema,
    catalog: &seg_data::Catalog,
    seed: u64,
    anchor: i32,
    customers: u64,
) -> Result<(), UsageError> {
    let generator = Generator::new(schema, catalog, seed, anchor);
    let failed = |e: std::io::Error| UsageError(format!("cannot write {}: {e}", path.display()));
    crate::export::write_atomically(path, |out| {
        let mut start = 0;
        while start < customers {
            let end = (start + CHUNK as u64).min(customers);
            let mut interner = Interner::new();
            for index in start..end {
                let profile = generator.profile(index, &mut interner);
                let json =
                    seg_data::json::profile_json(&seg_data::Row::from(&profile), schema, &interner);
                writeln!(out, "{json}").map_err(failed)?;
            }
            start = end;
        }
        Ok(())
    })
}
