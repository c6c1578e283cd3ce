//! `seg check`: parse and type-check, print diagnostics in the requested format.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use seg_diag::{render, Diagnostic, Severity, Sources};

use crate::project::{
    collect_seg_files, find_project, load_schema, read_and_parse, schema_path, Project,
};
use crate::{usage_failure, Format, UsageError};

pub fn run(schema: Option<&Path>, format: Format, paths: &[PathBuf]) -> u8 {
    match check(schema, paths) {
        Ok(outcome) => {
            print(&outcome, format);
            u8::from(outcome.has_errors())
        }
        Err(error) => usage_failure(error),
    }
}

/// Everything one check found, kept for the commands that go on to evaluate.
pub struct Outcome {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    pub segments: usize,
    pub schema: seg_schema::Schema,
    /// The checked program; meaningful only when no diagnostic is an error.
    pub program: seg_check::hir::Program,
    /// The project file found, if any (it may name a catalog).
    pub project: Option<Project>,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads the schema (argument, else seg.toml), parses every file and checks them together.
pub fn check(schema: Option<&Path>, paths: &[PathBuf]) -> Result<Outcome, UsageError> {
    let files = collect_seg_files(paths)?;
    let project = find_project(&paths[0])?;
    let schema_path = schema_path(schema, project.as_ref(), &paths[0])?;
    let mut sources = Sources::new();
    let (schema, schema_diagnostics) = load_schema(&schema_path, &mut sources)?;
    let parsed = read_and_parse(&files, &mut sources)?;
    let mut diagnostics = schema_diagnostics;
    let schema_broken = diagnostics.iter().any(Diagnostic::is_error);
    diagnostics.extend(parsed.diagnostics);
    let segments = parsed.modules.iter().map(|(_, m)| m.segments.len()).sum();
    // Against a broken schema every attribute would look unknown; its own errors say enough.
    let mut program = seg_check::hir::Program::default();
    if !schema_broken {
        let modules: Vec<_> = parsed.modules.iter().map(|(id, m)| (*id, m)).collect();
        let checked = seg_check::check(&modules, &schema);
        diagnostics.extend(checked.diagnostics);
        program = checked.program;
    }
    seg_diag::sort(&mut diagnostics);
    Ok(Outcome {
        sources,
        diagnostics,
        files: files.len(),
        segments,
        schema,
        program,
        project,
    })
}

fn print(outcome: &Outcome, format: Format) {
    let Outcome {
        sources,
        diagnostics,
        ..
    } = outcome;
    let text = match format {
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut text = render::human(diagnostics, sources, color);
            text.push_str(&summary(outcome));
            let _ = std::io::stderr().write_all(text.as_bytes());
            return;
        }
        Format::Json => render::json(diagnostics, sources),
        Format::Github => render::github(diagnostics, sources),
        Format::Sarif => render::sarif(diagnostics, sources),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = stdout.write_all(b"\n");
    }
}

fn summary(outcome: &Outcome) -> String {
    let errors = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = outcome.diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let checked = format!(
        "{} in {}",
        plural(outcome.segments, "segment"),
        plural(outcome.files, "file")
    );
    match (errors, warnings) {
        (0, 0) => format!("checked {checked}: no problems\n"),
        (0, w) => format!("checked {checked}: {}\n", plural(w, "warning")),
        (e, w) => format!(
            "checked {checked}: {}, {}\n",
            plural(e, "error"),
            plural(w, "warning")
        ),
    }
}
