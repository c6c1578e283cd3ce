//! The fixture harness shared by the data-driven tests: finding fixtures, reading the
//! expectations written inside them, and running the front end on them as `seg check` does.
//!
//! A fixture is a `.seg` file (or a folder of them, checked together) under `tests/`. It states
//! what must be reported in two ways:
//!
//! - caret annotations under the offending line, matched against the primary span:
//!   ```text
//!   customer.gropu is "VIP"
//!   //       ^^^^^ E0201: unknown customer attribute
//!   ```
//!   (the text after the colon must occur in the message);
//! - header lines for what carets cannot point at (a schema file, an empty file, bytes that are
//!   not UTF-8): `// expect: E0101 schemas/bad.json:3:5`, paths relative to the fixture's folder.
//!
//! `// schema: PATH` picks another schema than the folder's `schema.json`. Every diagnostic
//! produced must be expected and every expectation met: a fixture with no expectations must
//! check clean.

pub mod eval;
pub mod gen;

use std::path::{Path, PathBuf};

use seg_diag::{Diagnostic, FileId, SourceFile, Sources};

/// One expected diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    pub code: String,
    /// Path of the file as the harness names it (relative to the fixture folder).
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// Length of the caret run, in characters; `None` for header expectations.
    pub width: Option<u32>,
    /// Text that must occur in the message.
    pub message: Option<String>,
    /// Where the expectation is written (file, 1-based line), for failure messages.
    pub written_at: (String, u32),
}

/// A fixture: one or more files checked together against one schema.
#[derive(Clone, Debug)]
pub struct Fixture {
    pub name: String,
    /// The folder paths in expectations are relative to.
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub schema: PathBuf,
}

/// Finds fixtures in `dir`: every `*.seg` file, and every sub-folder holding `*.seg` files
/// (checked together). `schema.json` in `dir` is the default schema.
pub fn discover(dir: &Path) -> Vec<Fixture> {
    let mut fixtures = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    let default_schema = dir.join("schema.json");
    for path in entries {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
                .map(|rd| {
                    rd.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|e| e == "seg"))
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            if !files.is_empty() {
                fixtures.push(Fixture {
                    name,
                    dir: path.clone(),
                    files,
                    schema: default_schema.clone(),
                });
            }
        } else if path.extension().is_some_and(|e| e == "seg") {
            fixtures.push(Fixture {
                name,
                dir: dir.to_path_buf(),
                files: vec![path],
                schema: default_schema.clone(),
            });
        }
    }
    fixtures
}

/// What running a fixture produced.
pub struct Outcome {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    pub expectations: Vec<Expectation>,
}

fn relative(path: &Path, dir: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Runs the front end on a fixture the way `seg check` does: decode, parse, load the schema,
/// check (skipped when the schema itself has errors).
pub fn run(fixture: &Fixture) -> Result<Outcome, String> {
    let mut sources = Sources::new();
    let mut diagnostics = Vec::new();
    let mut expectations = Vec::new();
    let mut modules = Vec::new();
    let mut schema_path = fixture.schema.clone();
    for path in &fixture.files {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = relative(path, &fixture.dir);
        let file = FileId(sources.len() as u32);
        let text = match seg_syntax::decode(file, &bytes) {
            Ok(text) => text,
            Err((text, diagnostic)) => {
                diagnostics.push(diagnostic);
                text
            }
        };
        let (found, schema) = read_expectations(&name, &text);
        expectations.extend(found);
        if let Some(schema) = schema {
            schema_path = fixture.dir.join(schema);
        }
        sources.add(SourceFile::new(name, text));
    }
    for (id, file) in sources.iter() {
        if diagnostics.iter().any(|d| d.file() == id) {
            continue; // not UTF-8: not parsed, as in the CLI
        }
        let (module, found) = seg_syntax::parse(id, &file.text);
        diagnostics.extend(found);
        modules.push((id, module));
    }
    let schema_text = std::fs::read_to_string(&schema_path)
        .map_err(|e| format!("{}: {e}", schema_path.display()))?;
    let schema_file = sources.add(SourceFile::new(
        relative(&schema_path, &fixture.dir),
        schema_text.clone(),
    ));
    let (mut schema, schema_diagnostics) = seg_schema::parse_schema(schema_file, &schema_text);
    schema.file = Some(schema_file);
    let schema_broken = schema_diagnostics.iter().any(Diagnostic::is_error);
    diagnostics.extend(schema_diagnostics);
    if !schema_broken {
        let modules: Vec<_> = modules.iter().map(|(id, m)| (*id, m)).collect();
        diagnostics.extend(seg_check::check(&modules, &schema).diagnostics);
    }
    seg_diag::sort(&mut diagnostics);
    Ok(Outcome {
        sources,
        diagnostics,
        expectations,
    })
}

/// Reads caret annotations and header lines; returns them and the `// schema:` override.
pub fn read_expectations(file: &str, text: &str) -> (Vec<Expectation>, Option<String>) {
    let mut expectations = Vec::new();
    let mut schema = None;
    let mut target_line: Option<(u32, &str)> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index as u32 + 1;
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("// expect:") {
            let mut parts = rest.split_whitespace();
            let code = parts.next().unwrap_or_default().to_string();
            let location = parts.next().unwrap_or_default();
            let mut pieces = location.rsplitn(3, ':');
            let column = pieces.next().and_then(|c| c.parse().ok()).unwrap_or(0);
            let line_no = pieces.next().and_then(|l| l.parse().ok()).unwrap_or(0);
            let path = pieces.next().unwrap_or(file).to_string();
            let message = rest.split_once(" - ").map(|(_, m)| m.trim().to_string());
            expectations.push(Expectation {
                code,
                file: path,
                line: line_no,
                column,
                width: None,
                message,
                written_at: (file.to_string(), number),
            });
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("// schema:") {
            schema = Some(rest.trim().to_string());
            continue;
        }
        if let Some(after) = trimmed.strip_prefix("//") {
            let carets = after.trim_start();
            if carets.starts_with('^') {
                let prefix_chars = line.chars().count() - carets.chars().count();
                let width = carets.chars().take_while(|&c| c == '^').count() as u32;
                let rest = carets[width as usize..].trim();
                let (code, message) = match rest.split_once(':') {
                    Some((code, message)) => {
                        (code.trim().to_string(), Some(message.trim().to_string()))
                    }
                    None => (rest.to_string(), None),
                };
                if let Some((target, _)) = target_line {
                    expectations.push(Expectation {
                        code,
                        file: file.to_string(),
                        line: target,
                        column: prefix_chars as u32 + 1,
                        width: Some(width),
                        message,
                        written_at: (file.to_string(), number),
                    });
                }
                continue;
            }
        }
        target_line = Some((number, line));
    }
    (expectations, schema)
}

/// Compares what was reported with what the fixture expects; returns every mismatch.
pub fn compare(outcome: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    let mut unmatched: Vec<&Diagnostic> = outcome.diagnostics.iter().collect();
    for expected in &outcome.expectations {
        let position = unmatched
            .iter()
            .position(|d| matches(d, expected, &outcome.sources));
        match position {
            Some(i) => {
                unmatched.remove(i);
            }
            None => problems.push(format!(
                "{}:{}: expected {} at {}:{}:{}{}{} — not reported",
                expected.written_at.0,
                expected.written_at.1,
                expected.code,
                expected.file,
                expected.line,
                expected.column,
                expected
                    .width
                    .map(|w| format!(" (width {w})"))
                    .unwrap_or_default(),
                expected
                    .message
                    .as_ref()
                    .map(|m| format!(" with message containing {m:?}"))
                    .unwrap_or_default(),
            )),
        }
    }
    for d in unmatched {
        let file = outcome.sources.get(d.file());
        let (start, end) = file.span_lines(d.primary.span);
        problems.push(format!(
            "unexpected {} at {}:{}:{}-{}:{}: {}",
            d.code, file.path, start.line, start.column, end.line, end.column, d.message
        ));
    }
    problems
}

fn matches(d: &Diagnostic, expected: &Expectation, sources: &Sources) -> bool {
    let file = sources.get(d.file());
    if d.code.as_str() != expected.code || file.path != expected.file {
        return false;
    }
    let (start, end) = file.span_lines(d.primary.span);
    if start.line != expected.line || start.column != expected.column {
        return false;
    }
    if let Some(width) = expected.width {
        let span_width = if end.line == start.line {
            end.column - start.column
        } else {
            u32::MAX
        };
        let fits = span_width == width || (span_width == 0 && width == 1);
        if !fits && end.line == start.line {
            return false;
        }
    }
    expected
        .message
        .as_ref()
        .is_none_or(|m| d.message.contains(m.as_str()))
}

/// The snapshot text of a fixture: every source, then the diagnostics as a terminal shows them.
pub fn snapshot(outcome: &Outcome) -> String {
    let mut out = String::new();
    for (_, file) in outcome.sources.iter() {
        if file.path.ends_with(".json") {
            continue;
        }
        out.push_str(&format!("--- {} ---\n{}", file.path, file.text));
        if !file.text.ends_with('\n') {
            out.push('\n');
        }
    }
    out.push_str("=== diagnostics ===\n");
    out.push_str(&seg_diag::render::human(
        &outcome.diagnostics,
        &outcome.sources,
        false,
    ));
    out
}

/// The repository root (the folder holding `Cargo.toml` of the workspace).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root exists")
}
