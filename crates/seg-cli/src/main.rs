//! The `seg` command: the edge of the system, where files are read, the pure stages are called
//! and results are printed with the exit codes of §7 (0 clean, 1 errors found, 2 usage or IO).

mod check;
mod eval;
mod explain;
mod fmt;
mod pipeline;
mod project;

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
        #[arg(long)]
        schema: Option<std::path::PathBuf>,
        /// The product catalog (NDJSON); found through seg.toml when left out.
        #[arg(long)]
        catalog: Option<std::path::PathBuf>,
        /// The evaluation instant (RFC 3339 with a zone); default: now.
        #[arg(long)]
        as_of: Option<String>,
        /// jit: native code, profiles in columnar batches (the default); interp: the reference
        /// interpreter, profile by profile. Both give identical answers.
        #[arg(long, value_enum, default_value_t = eval::Engine::Jit)]
        engine: eval::Engine,
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
            schema,
            catalog,
            as_of,
            engine,
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
