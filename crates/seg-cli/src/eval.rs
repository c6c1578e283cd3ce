//! `seg eval`: membership of every active segment for each profile (§7).
//!
//! Output is one NDJSON line per input record, in input order: `{"id", "segments"}` with the
//! ids sorted, or `{"id", "error"}` for a record that does not load (also reported on stderr;
//! the exit code is then 1). Segments that do not check are not evaluated at all: their
//! diagnostics go to stderr and the exit code is 2, as for any input the command cannot use.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use seg_data::read::{chunk, ProfileLoader, Records};
use seg_data::{Batch, Catalog, Interner, Row};
use seg_eval::{Context, Interpreter};

pub use crate::pipeline::Engine;
use crate::pipeline::{self, Evaluator};
use crate::{usage_failure, UsageError};

/// How `--explain` writes its trees.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// Indented text (coloured on a terminal), after each profile's line.
    Text,
    /// An `explain` array in each NDJSON line.
    Json,
}

pub struct Options<'a> {
    pub schema: Option<&'a Path>,
    pub catalog: Option<&'a Path>,
    pub as_of: Option<&'a str>,
    pub engine: Engine,
    pub explain: bool,
    pub explain_format: Option<ExplainFormat>,
    pub profiles: &'a Path,
    pub paths: &'a [PathBuf],
}

pub fn run(options: Options) -> u8 {
    match evaluate(options) {
        Ok(code) => code,
        Err(error) => usage_failure(error),
    }
}

/// Records per chunk: large enough that per-batch work is amortised, small enough that the
/// chunks in flight (a few per core) stay a few megabytes.
const CHUNK_ROWS: usize = 4_096;

/// Below this many bytes of profiles the JIT compiles without the optimiser (about a thousand
/// typical profiles).
const OPTIMIZE_FROM_BYTES: u64 = 512 * 1024;

fn evaluate(options: Options) -> Result<u8, UsageError> {
    let as_of = pipeline::as_of(options.as_of)?;
    let (outcome, program) = pipeline::compile(options.schema, options.paths)?;
    let schema = &outcome.schema;
    let catalog_path = pipeline::catalog_file(options.catalog, &outcome)?;
    let (catalog, interner) = pipeline::load_catalog(catalog_path.as_deref(), schema)?;
    let (input, size) = open_profiles(options.profiles)?;
    // Many profiles pay for the optimiser; stdin is taken to be few.
    let expected = if size >= OPTIMIZE_FROM_BYTES {
        pipeline::OPTIMIZE_FROM
    } else {
        1
    };
    let evaluator = Evaluator::new(options.engine, &program, expected)?;
    let loader = ProfileLoader::new(schema, &catalog, Arc::new(interner));
    let interpreter = Interpreter::new(&program);

    let mut order: Vec<usize> = (0..program.segments.len()).collect();
    order.sort_by(|&a, &b| program.segments[a].id.cmp(&program.segments[b].id));
    let explain_format = options.explain.then(|| {
        options
            .explain_format
            .unwrap_or(if std::io::stdout().is_terminal() {
                ExplainFormat::Text
            } else {
                ExplainFormat::Json
            })
    });
    let printer = Printer {
        program: &program,
        interpreter: &interpreter,
        order: &order,
        schema,
        catalog: &catalog,
        as_of,
        explain: explain_format,
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        source: options.profiles,
    };

    let mut records = Records::new(input);
    let spare = pipeline::Spare::default();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    let (mut failed, mut total) = (0usize, 0usize);
    pipeline::in_order(
        || {
            let raw = chunk(&mut records, CHUNK_ROWS).map_err(|e| {
                UsageError(format!(
                    "cannot read profiles {}: {e}",
                    options.profiles.display()
                ))
            })?;
            Ok((!raw.is_empty()).then_some(raw))
        },
        |raw| {
            let batch = spare.take().unwrap_or_else(|| loader.batch());
            let loaded = loader.load_chunk_into(raw, batch);
            let members = evaluator.evaluate(&loaded.batch, &catalog, as_of);
            let printed = printer.print(&loaded, &members);
            spare.put(loaded.batch);
            printed
        },
        |printed: Printed| {
            eprint!("{}", printed.errors);
            failed += printed.failed;
            total += printed.records;
            out.write_all(printed.lines.as_bytes())
                .map_err(|e| UsageError(format!("cannot write the results: {e}")))
        },
    )?;
    out.flush()
        .map_err(|e| UsageError(format!("cannot write the results: {e}")))?;
    if failed > 0 {
        eprintln!("error: {failed} of {total} record(s) could not be evaluated");
    }
    Ok(u8::from(failed > 0))
}

/// The profiles file (its size) or stdin.
fn open_profiles(path: &Path) -> Result<(Box<dyn BufRead + Send>, u64), UsageError> {
    if path == Path::new("-") {
        return Ok((Box::new(std::io::BufReader::new(std::io::stdin())), 0));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| UsageError(format!("cannot read profiles {}: {e}", path.display())))?;
    let size = file.metadata().map_or(0, |m| m.len());
    Ok((
        Box::new(std::io::BufReader::with_capacity(1 << 16, file)),
        size,
    ))
}

/// One chunk's output: its lines, its error messages, and counts.
struct Printed {
    lines: String,
    errors: String,
    records: usize,
    failed: usize,
}

/// Formats a chunk's answers (on the worker threads).
struct Printer<'a> {
    program: &'a seg_ir::Program,
    interpreter: &'a Interpreter<'a>,
    /// Segment indices in id order.
    order: &'a [usize],
    schema: &'a seg_schema::Schema,
    catalog: &'a Catalog,
    as_of: i64,
    explain: Option<ExplainFormat>,
    color: bool,
    source: &'a Path,
}

impl Printer<'_> {
    fn print(&self, loaded: &seg_data::read::Loaded, members: &pipeline::Members) -> Printed {
        let mut printed = Printed {
            lines: String::new(),
            errors: String::new(),
            records: loaded.records.len(),
            failed: 0,
        };
        let batch = &loaded.batch;
        for record in &loaded.records {
            let line = match record {
                Ok(row) => self.membership(batch, *row, members),
                Err(error) => {
                    printed.failed += 1;
                    printed
                        .errors
                        .push_str(&format!("error: {}: {error}\n", self.source.display()));
                    json_line(&RecordError {
                        id: error.id.as_deref(),
                        error: error.to_string(),
                    })
                }
            };
            printed.lines.push_str(&line);
            printed.lines.push('\n');
        }
        printed
    }

    fn membership(&self, batch: &Batch, row: usize, members: &pipeline::Members) -> String {
        let profile = batch.row(row);
        let segments: Vec<&str> = self
            .order
            .iter()
            .filter(|&&i| members.get(i, row))
            .map(|&i| self.program.segments[i].id.as_str())
            .collect();
        let Some(format) = self.explain else {
            return json_line(&Membership {
                id: profile.id,
                segments,
                explain: None,
            });
        };
        let context = Context {
            catalog: self.catalog,
            interner: batch.interner(),
            as_of: self.as_of,
        };
        let trees = explain(
            self.interpreter,
            self.order,
            profile,
            &context,
            self.schema,
            batch.interner(),
        );
        match format {
            ExplainFormat::Text => {
                let mut text = json_line(&Membership {
                    id: profile.id,
                    segments,
                    explain: None,
                });
                for tree in trees {
                    text.push('\n');
                    text.push_str(tree.to_text(self.color).trim_end());
                }
                text
            }
            ExplainFormat::Json => json_line(&Membership {
                id: profile.id,
                segments,
                explain: Some(trees),
            }),
        }
    }
}

/// One output line for a profile that loaded (fields in this order, as §7 shows them).
#[derive(serde::Serialize)]
struct Membership<'a> {
    id: &'a str,
    segments: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explain: Option<Vec<seg_eval::trace::Explained>>,
}

/// One output line for a record that did not load.
#[derive(serde::Serialize)]
struct RecordError<'a> {
    id: Option<&'a str>,
    error: String,
}

fn json_line(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|e| format!("{{\"error\":\"cannot encode the result: {e}\"}}"))
}

/// The trace of every active segment, in id order.
fn explain(
    interpreter: &Interpreter,
    order: &[usize],
    profile: Row,
    context: &Context,
    schema: &seg_schema::Schema,
    interner: &Interner,
) -> Vec<seg_eval::trace::Explained> {
    order
        .iter()
        .filter(|&&i| interpreter.program().segments[i].active)
        .map(|&i| {
            interpreter
                .explain(i, profile, context)
                .explain(schema, interner)
        })
        .collect()
}
