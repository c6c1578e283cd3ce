//! The `seg` command: the edge of the system, where files are read, the pure stages are called
//! and results are printed with the exit codes of §7 (0 clean, 1 errors found, 2 usage or IO).

mod check;
mod demo;
mod eval;
mod explain;
mod export;
mod fmt;
mod pipeline;
mod project;
mod report;
mod run;
mod store;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "seg",
    version,
    about = "Seg: customer segments as code",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and type-check segments against the attribute schema.
    Check {
        /// The attribute schema (JSON); found through seg.toml when left out.
        #[arg(long)]
        schema: Option<std::path::PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Files or folders (searched for *.seg).
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
    },
    /// Print the long explanation of a diagnostic code (all codes when none is given).
    Explain { code: Option<String> },
    /// Evaluate every active segment for each profile: one NDJSON line per profile.
    Eval {
        #[command(flatten)]
        inputs: Inputs,
        /// Add each segment's condition tree with the values it read.
        #[arg(long)]
        explain: bool,
        /// How to write --explain (default: text on a terminal, JSON otherwise).
        #[arg(long, value_enum, requires = "explain")]
        explain_format: Option<eval::ExplainFormat>,
        /// Profiles: one JSON object or NDJSON; `-` reads stdin.
        #[arg(long)]
        profiles: std::path::PathBuf,
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
    },
    /// Rewrite files in the canonical layout (comments kept).
    Fmt {
        /// Change nothing; exit 1 when a file would change.
        #[arg(long)]
        check: bool,
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
    },
    /// Run the language server on stdin/stdout (editors start it).
    Lsp,
    /// Import profiles into a store (created when missing); a customer imported again is
    /// replaced. Bad records are reported with their line and skipped (exit 1).
    Import {
        /// The store file (SQLite).
        #[arg(long)]
        store: std::path::PathBuf,
        #[arg(long)]
        schema: Option<std::path::PathBuf>,
        /// The product catalog (NDJSON), imported too; found through seg.toml when left out.
        #[arg(long)]
        catalog: Option<std::path::PathBuf>,
        /// Profiles: one JSON object or NDJSON; `-` reads stdin.
        profiles: std::path::PathBuf,
    },
    /// Write a synthetic store of realistic shoppers (the same for the same seed).
    Gen {
        /// The store file to write (replaced only with --force).
        #[arg(long)]
        store: std::path::PathBuf,
        #[arg(long)]
        customers: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        schema: Option<std::path::PathBuf>,
        /// The catalog shoppers buy from; found through seg.toml, else made up.
        #[arg(long)]
        catalog: Option<std::path::PathBuf>,
        /// The generated store's "today" (YYYY-MM-DD): orders, carts and views lie before it.
        #[arg(long, default_value = "2026-11-28")]
        anchor: String,
        /// Replace the store file if it exists.
        #[arg(long)]
        force: bool,
        /// Also write the same customers as NDJSON profiles (the `seg eval` input) to this file.
        #[arg(long)]
        ndjson: Option<std::path::PathBuf>,
    },
    /// Refresh every active segment for every customer of a store: memberships with the time
    /// each customer joined, and who joined and left since the previous run. Atomic: a run
    /// killed at any point leaves the previous memberships intact.
    Run {
        /// The store file (SQLite), written by `seg gen` or `seg import`.
        #[arg(long)]
        store: std::path::PathBuf,
        #[command(flatten)]
        inputs: Inputs,
        /// Only read every customer as a refresh does, evaluating and storing nothing (the
        /// floor a refresh is measured against).
        #[arg(long, hide = true)]
        scan_only: bool,
        /// Segment files or folders (default: the current folder).
        paths: Vec<std::path::PathBuf>,
    },
    /// Report on the segments of a store: sizes, joined and left at the last run; combined
    /// segments; a chart of sizes over the runs.
    Report {
        #[arg(long)]
        store: std::path::PathBuf,
        #[arg(long, value_enum, default_value_t = report::Format::Table)]
        format: report::Format,
        /// List the customers in the union or intersection of the SEGMENTS given.
        #[arg(long, value_enum)]
        combine: Option<report::CombineArg>,
        /// Draw segment sizes over the stored runs to this SVG file.
        #[arg(long)]
        chart: Option<std::path::PathBuf>,
        /// Segment ids, for --combine.
        segments: Vec<String>,
    },
    /// The main job in one command: generate a synthetic store, refresh the segments over it,
    /// print the report (schema and catalog from the segments' seg.toml).
    Demo {
        /// The store to (re)generate.
        #[arg(long, default_value = "target/seg-demo/shop.db")]
        store: std::path::PathBuf,
        #[arg(long, default_value_t = 100_000)]
        customers: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The evaluation instant; the generated store's "today" is its date.
        #[arg(long, default_value = "2026-11-28T12:00:00Z")]
        as_of: String,
        #[arg(long)]
        schema: Option<std::path::PathBuf>,
        #[arg(long)]
        catalog: Option<std::path::PathBuf>,
        /// Segment files or folders.
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
    },
    /// Export the members of a segment (at the last run) with customer columns.
    Export {
        /// The segment id.
        segment: String,
        #[arg(long)]
        store: std::path::PathBuf,
        #[arg(long, value_enum, default_value_t = export::Format::Csv)]
        format: export::Format,
        /// Customer columns after the id: attribute codes, `website`, `logged_in`
        /// (comma-separated or repeated).
        #[arg(long)]
        columns: Vec<String>,
        /// Write to this file (atomically: a temporary file renamed at the end); default stdout.
        #[arg(short, long)]
        output: Option<std::path::PathBuf>,
    },
}

/// What the evaluating commands (`eval`, `run`) read besides their data.
#[derive(clap::Args)]
struct Inputs {
    /// The attribute schema (JSON); found through seg.toml when left out.
    #[arg(long)]
    schema: Option<std::path::PathBuf>,
    /// The product catalog (NDJSON); found through seg.toml when left out (`seg run`: else the
    /// store's).
    #[arg(long)]
    catalog: Option<std::path::PathBuf>,
    /// The evaluation instant (RFC 3339 with a zone); default: now.
    #[arg(long)]
    as_of: Option<String>,
    /// jit: native code over columnar batches (the default); interp: the reference
    /// interpreter. Both give identical answers.
    #[arg(long, value_enum, default_value_t = eval::Engine::Jit)]
    engine: eval::Engine,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout with success; usage errors exit 2 as §7 says.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Check {
            schema,
            format,
            paths,
        } => check::run(schema.as_deref(), format, &paths),
        Command::Eval {
            inputs:
                Inputs {
                    schema,
                    catalog,
                    as_of,
                    engine,
                },
            explain,
            explain_format,
            profiles,
            paths,
        } => eval::run(eval::Options {
            schema: schema.as_deref(),
            catalog: catalog.as_deref(),
            as_of: as_of.as_deref(),
            engine,
            explain,
            explain_format,
            profiles: &profiles,
            paths: &paths,
        }),
        Command::Explain { code } => explain::run(code.as_deref()),
        Command::Fmt { check, paths } => fmt::run(check, &paths),
        Command::Import {
            store,
            schema,
            catalog,
            profiles,
        } => store::import(store::ImportOptions {
            store: &store,
            profiles: &profiles,
            schema: schema.as_deref(),
            catalog: catalog.as_deref(),
        }),
        Command::Gen {
            store,
            customers,
            seed,
            schema,
            catalog,
            anchor,
            force,
            ndjson,
        } => store::generate(store::GenerateOptions {
            store: &store,
            customers,
            seed,
            anchor: &anchor,
            force,
            schema: schema.as_deref(),
            catalog: catalog.as_deref(),
            ndjson: ndjson.as_deref(),
        }),
        Command::Run {
            store,
            inputs:
                Inputs {
                    schema,
                    catalog,
                    as_of,
                    engine,
                },
            scan_only,
            paths,
        } => run::run(run::Options {
            store: &store,
            schema: schema.as_deref(),
            catalog: catalog.as_deref(),
            as_of: as_of.as_deref(),
            engine,
            paths: &paths,
            scan_only,
        }),
        Command::Report {
            store,
            format,
            combine,
            chart,
            segments,
        } => report::run(report::Options {
            store: &store,
            format,
            combine,
            segments: &segments,
            chart: chart.as_deref(),
        }),
        Command::Demo {
            store,
            customers,
            seed,
            as_of,
            schema,
            catalog,
            paths,
        } => demo::run(demo::Options {
            store: &store,
            customers,
            seed,
            as_of: &as_of,
            schema: schema.as_deref(),
            catalog: catalog.as_deref(),
            paths: &paths,
        }),
        Command::Export {
            segment,
            store,
            format,
            columns,
            output,
        } => export::run(export::Options {
            segment: &segment,
            store: &store,
            format,
            columns: &columns,
            output: output.as_deref(),
        }),
        Command::Lsp => match seg_lsp::run_stdio() {
            Ok(()) => 0,
            Err(error) => {
                eprintln!("error: {error}");
                1
            }
        },
    };
    ExitCode::from(code)
}

/// A failure that stops a command before it has results: bad arguments, unreadable files, a
/// broken seg.toml. Printed as `error: …` and exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn usage_failure(error: UsageError) -> u8 {
    eprintln!("error: {error}");
    2
}
