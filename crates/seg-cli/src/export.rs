//! `seg export SEG`: the members of a segment at the last run, with the customer columns asked
//! for, as RFC 4180 CSV (the `csv` crate) or NDJSON.
//!
//! The customer id comes first, then the chosen columns in the order given. In CSV, empty
//! values are empty fields, booleans `true`/`false`, decimals exact, dates `YYYY-MM-DD`,
//! datetimes RFC 3339 UTC, options by their text and multiselects comma-separated (Magento's
//! own form). In NDJSON each member is one object, its `"id"` first, then the columns as JSON
//! values (multiselects as arrays, empty as `null`). With `-o FILE` the export is written to a
//! temporary file beside it and renamed at the end: a failed export never leaves half a file.

use std::io::Write;
use std::path::Path;

use seg_store::{Store, StoreError};

use crate::store::store_error;
use crate::{usage_failure, UsageError};

/// The formats of `seg export`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// RFC 4180 comma-separated values with a header row.
    Csv,
    /// One JSON object per member.
    Ndjson,
}

pub struct Options<'a> {
    pub segment: &'a str,
    pub store: &'a Path,
    pub format: Format,
    pub columns: &'a [String],
    pub output: Option<&'a Path>,
}

pub fn run(options: Options) -> u8 {
    match export(options) {
        Ok(members) => {
            eprintln!("exported {members} member(s)");
            0
        }
        Err(error) => usage_failure(error),
    }
}

impl From<StoreError> for UsageError {
    fn from(error: StoreError) -> UsageError {
        store_error(error)
    }
}

fn export(options: Options) -> Result<u64, UsageError> {
    let store = Store::open(options.store).map_err(store_error)?;
    let columns: Vec<&str> = options
        .columns
        .iter()
        .flat_map(|c| c.split(','))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let mut members = 0u64;
    let mut write = |out: &mut dyn Write| -> Result<(), UsageError> {
        members = write_members(&store, options.segment, &columns, options.format, out)?;
        Ok(())
    };
    match options.output {
        Some(path) => write_atomically(path, |out| write(out))?,
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            write(&mut out)?;
            out.flush()
                .map_err(|e| UsageError(format!("cannot write the export: {e}")))?;
        }
    }
    Ok(members)
}

fn write_members(
    store: &Store,
    segment: &str,
    columns: &[&str],
    format: Format,
    out: &mut dyn Write,
) -> Result<u64, UsageError> {
    let write_error =
        |e: &dyn std::fmt::Display| UsageError(format!("cannot write the export: {e}"));
    // Refuse an unknown segment or column before anything is written (stdout is not undone).
    store.members(segment, None, 0)?;
    store.customer_columns(&[], columns)?;
    let mut members = 0u64;
    match format {
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(out);
            let header = std::iter::once("id").chain(columns.iter().copied());
            csv.write_record(header).map_err(|e| write_error(&e))?;
            store.export_members(segment, columns, |id, values| {
                members += 1;
                let fields = std::iter::once(id.to_string()).chain(values.iter().map(csv_field));
                csv.write_record(fields).map_err(|e| write_error(&e))
            })?;
            csv.flush().map_err(|e| write_error(&e))?;
        }
        Format::Ndjson => {
            // The id first, then the columns in the order asked for.
            let keys: Vec<String> = columns.iter().map(|c| json_string(c)).collect();
            store.export_members(segment, columns, |id, values| {
                members += 1;
                let mut line = format!("{{\"id\":{}", json_string(id));
                for (key, value) in keys.iter().zip(&values) {
                    line.push_str(&format!(",{key}:{value}"));
                }
                line.push('}');
                writeln!(out, "{line}").map_err(|e| write_error(&e))
            })?;
        }
    }
    Ok(members)
}

fn json_string(text: &str) -> String {
    serde_json::Value::String(text.into()).to_string()
}

/// A JSON value of the export as one CSV field.
fn csv_field(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(csv_field).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// Writes a file through a temporary file in the same folder, renamed over `path` only when
/// `write` succeeded: readers see the old file or the whole new one, never a part.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), UsageError>,
) -> Result<(), UsageError> {
    let failed =
        |e: &dyn std::fmt::Display| UsageError(format!("cannot write {}: {e}", path.display()));
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // An ordinary new file (0666 less the umask, which the system applies on creation), or the
    // permissions of the file it replaces.
    let permissions = match std::fs::metadata(path) {
        Ok(existing) => existing.permissions(),
        Err(_) => ordinary_permissions(),
    };
    let file = tempfile::Builder::new()
        .prefix(".seg-")
        .suffix(".part")
        .permissions(permissions.clone())
        .tempfile_in(folder)
        .map_err(|e| failed(&e))?;
    // Creation masked the mode with the umask; a replaced file keeps exactly its own.
    if path.exists() {
        file.as_file()
            .set_permissions(permissions)
            .map_err(|e| failed(&e))?;
    }
    let mut out = std::io::BufWriter::new(file);
    write(&mut out)?;
    let file = out.into_inner().map_err(|e| failed(&e.error()))?;
    file.as_file().sync_all().map_err(|e| failed(&e))?;
    file.persist(path).map_err(|e| failed(&e.error))?;
    Ok(())
}

#[cfg(unix)]
fn ordinary_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o666)
}

#[cfg(not(unix))]
fn ordinary_permissions() -> std::fs::Permissions {
    let file = tempfile::tempfile().expect("a temporary file");
    file.metadata().expect("its metadata").permissions()
}
