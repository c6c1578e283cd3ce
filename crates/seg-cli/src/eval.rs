//! `seg eval`: membership of every active segment for each profile (§7).
//!
//! Output is one NDJSON line per input record, in input order: `{"id", "segments"}` with the
//! ids sorted, or `{"id", "error"}` for a record that does not load (also reported on stderr;
//! the exit code is then 1). Segments that do not check are not evaluated at all: their
//! diagnostics go to stderr and the exit code is 2, as for any input the command cannot use.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use seg_data::{Interner, Profile};
use seg_eval::{Context, Interpreter};

use crate::check;
use crate::{usage_failure, UsageError};

/// How `--explain` writes its trees.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// Indented text (coloured on a terminal), after each profile's line.
    Text,
    /// An `explain` array in each NDJSON line.
    Json,
}

/// The evaluation engines `--engine` accepts.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// The reference interpreter.
    Interp,
    /// Native code from Cranelift over columnar batches (identical answers; the default).
    Jit,
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

fn evaluate(options: Options) -> Result<u8, UsageError> {
    let as_of = match options.as_of {
        Some(text) => {
            seg_check::values::parse_datetime(text)
                .map_err(|e| UsageError(format!("--as-of {text}: {e}")))?
                .micros
        }
        // The wall clock is read here, at the edge, and nowhere in the core.
        None => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            now.as_micros() as i64
        }
    };
    let outcome = check::check(options.schema, options.paths)?;
    if outcome.has_errors() {
        let errors: Vec<_> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        eprint!(
            "{}",
            seg_diag::render::human(&errors, &outcome.sources, std::io::stderr().is_terminal())
        );
        return Err(UsageError(format!(
            "{} error(s) in the segments: nothing was evaluated",
            errors.len()
        )));
    }
    let schema = &outcome.schema;
    let program = seg_ir::lower(&outcome.program, schema);
    if cfg!(debug_assertions) {
        if let Err(problems) = seg_ir::verify(&program) {
            return Err(UsageError(format!(
                "internal error: the IR does not verify: {}",
                problems.join("; ")
            )));
        }
    }

    let mut interner = Interner::new();
    let catalog_path = options
        .catalog
        .map(Path::to_path_buf)
        .or_else(|| outcome.project.as_ref().and_then(|p| p.catalog.clone()));
    let catalog = match &catalog_path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| UsageError(format!("cannot read catalog {}: {e}", path.display())))?;
            let (catalog, errors) = seg_data::load::load_catalog(&text, schema, &mut interner);
            if !errors.is_empty() {
                for error in &errors {
                    eprintln!("error: {}: {error}", path.display());
                }
                return Err(UsageError(format!(
                    "{} bad product(s) in the catalog {}",
                    errors.len(),
                    path.display()
                )));
            }
            catalog
        }
        None => seg_data::Catalog::default(),
    };

    let text = read_profiles(options.profiles)?;
    let records = seg_data::load::load_profiles(&text, schema, &catalog, &mut interner);
    let context = Context {
        catalog: &catalog,
        interner: &interner,
        as_of,
    };
    let interpreter = Interpreter::new(&program);
    // The loaded profiles in input order; a record that failed to load keeps its place.
    let mut profiles = Vec::new();
    let records: Vec<Result<usize, seg_data::load::DataError>> = records
        .into_iter()
        .map(|record| {
            record.map(|profile| {
                profiles.push(profile);
                profiles.len() - 1
            })
        })
        .collect();
    let members = memberships(options.engine, &program, &interpreter, &profiles, &context)?;
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
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    for record in &records {
        let line = match record {
            Ok(index) => {
                let profile = &profiles[*index];
                let segments: Vec<&str> = order
                    .iter()
                    .filter(|&&i| members.get(i, *index))
                    .map(|&i| program.segments[i].id.as_str())
                    .collect();
                let trees = explain_format
                    .map(|_| explain(&interpreter, &order, profile, &context, schema, &interner));
                match (explain_format, trees) {
                    (Some(ExplainFormat::Text), Some(trees)) => {
                        let mut text = json_line(&Membership {
                            id: &profile.id,
                            segments,
                            explain: None,
                        });
                        for tree in trees {
                            text.push('\n');
                            text.push_str(tree.to_text(color).trim_end());
                        }
                        text
                    }
                    (_, trees) => json_line(&Membership {
                        id: &profile.id,
                        segments,
                        explain: trees,
                    }),
                }
            }
            Err(error) => {
                failed += 1;
                eprintln!("error: {}: {error}", options.profiles.display());
                json_line(&RecordError {
                    id: error.id.as_deref(),
                    error: error.to_string(),
                })
            }
        };
        writeln!(out, "{line}")
            .map_err(|e| UsageError(format!("cannot write the results: {e}")))?;
    }
    out.flush()
        .map_err(|e| UsageError(format!("cannot write the results: {e}")))?;
    if failed > 0 {
        eprintln!(
            "error: {failed} of {} record(s) could not be evaluated",
            records.len()
        );
    }
    Ok(u8::from(failed > 0))
}

/// Profiles per columnar batch: large enough that per-batch work is amortised, small enough
/// that a batch's columns stay a few megabytes.
const BATCH_ROWS: usize = 16_384;

/// From this many profiles on, the JIT compiles with Cranelift's optimiser: it costs a few
/// hundred microseconds more per segment and saves a fraction of a microsecond per
/// profile-segment on collections and aggregates (see the closing note of issue 4).
const OPTIMIZE_FROM: usize = 1_000;

/// Every segment's membership for every profile, segment-major.
struct Members {
    rows: usize,
    bytes: Vec<bool>,
}

impl Members {
    fn get(&self, segment: usize, row: usize) -> bool {
        self.bytes[segment * self.rows + row]
    }
}

fn memberships(
    engine: Engine,
    program: &seg_ir::Program,
    interpreter: &Interpreter,
    profiles: &[Profile],
    context: &Context,
) -> Result<Members, UsageError> {
    let rows = profiles.len();
    let mut bytes = vec![false; rows * program.segments.len()];
    match engine {
        Engine::Interp => {
            for (row, profile) in profiles.iter().enumerate() {
                for (segment, member) in interpreter
                    .memberships(profile, context)
                    .into_iter()
                    .enumerate()
                {
                    bytes[segment * rows + row] = member;
                }
            }
        }
        Engine::Jit => {
            let tier = if rows >= OPTIMIZE_FROM {
                seg_jit::Tier::Optimized
            } else {
                seg_jit::Tier::Fast
            };
            let jit = seg_jit::JitProgram::compile_with(program, tier)
                .map_err(|e| UsageError(format!("the JIT failed: {e}")))?;
            for (chunk, slice) in profiles.chunks(BATCH_ROWS).enumerate() {
                let batch = jit.batch(slice, context);
                let result = jit.evaluate(&batch, context);
                for segment in 0..program.segments.len() {
                    for row in 0..slice.len() {
                        bytes[segment * rows + chunk * BATCH_ROWS + row] = result.get(segment, row);
                    }
                }
            }
        }
    }
    Ok(Members { rows, bytes })
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
    profile: &Profile,
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

fn read_profiles(path: &Path) -> Result<String, UsageError> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| UsageError(format!("cannot read profiles from stdin: {e}")))?;
        return Ok(text);
    }
    let bytes = std::fs::read(path)
        .map_err(|e| UsageError(format!("cannot read profiles {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        UsageError(format!(
            "{} is not UTF-8 (bad byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}
