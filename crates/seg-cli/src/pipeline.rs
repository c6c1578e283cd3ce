//! What `seg eval` and `seg run` share: the evaluation instant, checked and lowered segments,
//! the catalog, the engine that evaluates a batch, and the pipeline that keeps both cores busy
//! while answers come out in input order.
//!
//! The pipeline has three kinds of threads: one reads jobs (raw records, or batches from the
//! store), workers turn jobs into results (parse, type, evaluate, format), and the calling
//! thread takes results in job order. Channels are bounded, so at most a few jobs are in
//! memory whatever the input's size.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

use seg_data::{Batch, Catalog, Interner};
use seg_eval::{Context, Interpreter};
use seg_ir::Program;

use crate::check::{self, Outcome};
use crate::UsageError;

/// The evaluation engines `--engine` accepts.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// The reference interpreter.
    Interp,
    /// Native code from Cranelift over columnar batches (identical answers; the default).
    Jit,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Interp => "interp",
            Engine::Jit => "jit",
        }
    }
}

/// `--as-of` in microseconds, or the wall clock (read here, at the edge, and nowhere in the
/// core).
pub fn as_of(text: Option<&str>) -> Result<i64, UsageError> {
    match text {
        Some(text) => Ok(seg_check::values::parse_datetime(text)
            .map_err(|e| UsageError(format!("--as-of {text}: {e}")))?
            .micros),
        None => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            Ok(now.as_micros() as i64)
        }
    }
}

/// Checks the segments as `seg check` does and lowers them; errors are printed and refuse the
/// command (nothing is evaluated from segments that do not check).
pub fn compile(
    schema: Option<&Path>,
    paths: &[std::path::PathBuf],
) -> Result<(Outcome, Program), UsageError> {
    let outcome = check::check(schema, paths)?;
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
    let program = seg_ir::lower(&outcome.program, &outcome.schema);
    if let Err(problems) = seg_ir::verify(&program) {
        return Err(UsageError(format!(
            "internal error: the IR does not verify: {}",
            problems.join("; ")
        )));
    }
    Ok((outcome, program))
}

/// The catalog file named by `--catalog`, else by seg.toml, else none; with the interner its
/// strings were loaded with (every batch is layered over it).
pub fn catalog_file(
    catalog: Option<&Path>,
    outcome: &Outcome,
) -> Result<Option<std::path::PathBuf>, UsageError> {
    Ok(catalog
        .map(Path::to_path_buf)
        .or_else(|| outcome.project.as_ref().and_then(|p| p.catalog.clone())))
}

/// Loads a catalog file. A bad product line (malformed, a wrong value, a SKU seen on an earlier
/// line) is a warning naming its line and is skipped, the rest of the catalog is used
/// (docs/language-notes.md): one bad product must not stop a refresh of every customer.
pub fn load_catalog(
    path: Option<&Path>,
    schema: &seg_schema::Schema,
) -> Result<(Catalog, Interner), UsageError> {
    let mut interner = Interner::new();
    let Some(path) = path else {
        return Ok((Catalog::default(), interner));
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("cannot read catalog {}: {e}", path.display())))?;
    let (catalog, errors) = seg_data::load::load_catalog(&text, schema, &mut interner);
    for error in &errors {
        eprintln!(
            "warning: {}: {error} (this product is skipped)",
            path.display()
        );
    }
    Ok((catalog, interner))
}

/// From this many profiles on, the JIT compiles with Cranelift's optimiser: it costs a few
/// hundred microseconds more per segment and saves a fraction of a microsecond per
/// profile-segment on collections and aggregates (see the closing note of issue 4).
pub const OPTIMIZE_FROM: usize = 1_000;

/// A compiled program, evaluating whole batches.
pub enum Evaluator<'p> {
    Interp(Interpreter<'p>),
    Jit(Box<seg_jit::JitProgram<'p>>),
}

/// Every segment's membership for every row of a batch.
pub enum Members {
    /// The interpreter's answers, segment-major.
    Interp { rows: usize, bytes: Vec<bool> },
    /// The JIT's, as it gives them.
    Jit(seg_jit::Memberships),
}

impl Members {
    pub fn get(&self, segment: usize, row: usize) -> bool {
        match self {
            Members::Interp { rows, bytes } => bytes[segment * rows + row],
            Members::Jit(memberships) => memberships.get(segment, row),
        }
    }
}

impl<'p> Evaluator<'p> {
    /// `profiles` is how many profiles are expected (a guess is fine): many pay for the
    /// optimiser.
    pub fn new(engine: Engine, program: &'p Program, profiles: usize) -> Result<Self, UsageError> {
        Ok(match engine {
            Engine::Interp => Evaluator::Interp(Interpreter::new(program)),
            Engine::Jit => {
                let tier = if profiles >= OPTIMIZE_FROM {
                    seg_jit::Tier::Optimized
                } else {
                    seg_jit::Tier::Fast
                };
                Evaluator::Jit(Box::new(
                    seg_jit::JitProgram::compile_with(program, tier)
                        .map_err(|e| UsageError(format!("the JIT failed: {e}")))?,
                ))
            }
        })
    }

    pub fn evaluate(&self, batch: &Batch, catalog: &Catalog, as_of: i64) -> Members {
        match self {
            Evaluator::Interp(interpreter) => {
                let segments = interpreter.program().segments.len();
                let rows = batch.len();
                let context = Context {
                    catalog,
                    interner: batch.interner(),
                    as_of,
                };
                let mut bytes = vec![false; rows * segments];
                for row in 0..rows {
                    let answers = interpreter.memberships(batch.row(row), &context);
                    for (segment, member) in answers.into_iter().enumerate() {
                        bytes[segment * rows + row] = member;
                    }
                }
                Members::Interp { rows, bytes }
            }
            Evaluator::Jit(jit) => Members::Jit(jit.evaluate_batch(batch, catalog, as_of)),
        }
    }
}

/// Batches kept between jobs for their memory: a batch evaluated by a worker is filled again by
/// the next job, its columns and element arrays keeping their capacity (allocating afresh per
/// batch cost a third of a refresh).
#[derive(Default)]
pub struct Spare(Mutex<Vec<Batch>>);

impl Spare {
    pub fn take(&self) -> Option<Batch> {
        self.0.lock().ok().and_then(|mut spare| spare.pop())
    }

    pub fn put(&self, batch: Batch) {
        if let Ok(mut spare) = self.0.lock() {
            spare.push(batch);
        }
    }
}

/// Runs `work` over every job `next_job` gives, on every core, and hands the results to `sink`
/// in job order. Jobs are read on the calling thread (a store's cursors stay on the thread
/// that opened them) and the sink runs on a thread of its own. Stops at the first error of the
/// source or the sink (jobs in flight are dropped); memory is bounded by a few jobs.
pub fn in_order<J, O, E>(
    mut next_job: impl FnMut() -> Result<Option<J>, E>,
    work: impl Fn(J) -> O + Sync,
    mut sink: impl FnMut(O) -> Result<(), E> + Send,
) -> Result<(), E>
where
    J: Send,
    O: Send,
    E: Send,
{
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8));
    std::thread::scope(|scope| {
        let (job_tx, job_rx) = sync_channel::<(u64, J)>(workers);
        let (out_tx, out_rx) = sync_channel::<(u64, O)>(workers);
        let job_rx = Arc::new(Mutex::new(job_rx));
        for _ in 0..workers {
            let (job_rx, out_tx, work) = (job_rx.clone(), out_tx.clone(), &work);
            scope.spawn(move || loop {
                let job = match job_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok((seq, job)) = job else { return };
                if out_tx.send((seq, work(job))).is_err() {
                    return;
                }
            });
        }
        drop((job_rx, out_tx));
        let sink = scope.spawn(move || drain(out_rx, &mut sink));
        let mut seq = 0u64;
        let read = loop {
            match next_job() {
                Ok(Some(job)) => {
                    if job_tx.send((seq, job)).is_err() {
                        // The sink stopped: its error says why.
                        break Ok(());
                    }
                    seq += 1;
                }
                Ok(None) => break Ok(()),
                Err(error) => break Err(error),
            }
        };
        drop(job_tx);
        let sunk = sink.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        sunk.and(read)
    })
}

/// Hands results to the sink in sequence order, holding early ones back.
fn drain<O, E>(
    results: Receiver<(u64, O)>,
    sink: &mut impl FnMut(O) -> Result<(), E>,
) -> Result<(), E> {
    let mut next = 0u64;
    let mut early = BTreeMap::new();
    for (seq, out) in results {
        early.insert(seq, out);
        while let Some(out) = early.remove(&next) {
            sink(out)?;
            next += 1;
        }
    }
    Ok(())
}
