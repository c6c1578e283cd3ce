//! Renderers: the same diagnostics for a terminal (ariadne), for scripts (JSON), for GitHub
//! workflow annotations and for code-scanning tools (SARIF 2.1.0). All return text; printing is
//! the caller's business.

use std::fmt::Write as _;

use serde::Serialize;

use crate::codes::{self, Code};
use crate::{Diagnostic, Severity, Sources, Span};

/// The exit code `seg check` uses for these diagnostics: 1 when any is an error, else 0.
pub fn exit_code(diagnostics: &[Diagnostic]) -> i32 {
    i32::from(diagnostics.iter().any(Diagnostic::is_error))
}

/// A span clamped to its file's text and to character boundaries, so that no renderer can be
/// handed an offset that slices a character or runs past the end.
fn clamp(span: Span, text: &str) -> std::ops::Range<usize> {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start as usize);
    let end = floor(span.end as usize).max(start);
    start..end
}

/// Terminal reports, one after another, as ariadne draws them.
pub fn human(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};

    let mut cache = ariadne::sources(
        sources
            .iter()
            .map(|(_, f)| (f.path.clone(), f.text.clone())),
    );
    let mut out = Vec::new();
    for d in diagnostics {
        let file = sources.get(d.primary.file);
        let (kind, accent) = match d.severity {
            Severity::Error => (ReportKind::Error, Color::Red),
            Severity::Warning => (ReportKind::Warning, Color::Yellow),
        };
        let primary = clamp(d.primary.span, &file.text);
        let mut report = Report::build(kind, (file.path.clone(), primary.clone()))
            .with_config(
                Config::default()
                    .with_index_type(IndexType::Byte)
                    .with_color(color),
            )
            .with_code(d.code.as_str())
            .with_message(&d.message)
            .with_label(
                Label::new((file.path.clone(), primary))
                    .with_message(&d.primary.message)
                    .with_color(accent),
            );
        for label in &d.secondary {
            let other = sources.get(label.file);
            report = report.with_label(
                Label::new((other.path.clone(), clamp(label.span, &other.text)))
                    .with_message(&label.message)
                    .with_color(Color::Blue),
            );
        }
        if let Some(help) = &d.help {
            report = report.with_help(help);
        }
        report = report.with_note(format!("see `seg explain {}`", d.code));
        // Writing into a Vec cannot fail; a failure would only lose this one report.
        let _ = report.finish().write(&mut cache, &mut out);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One JSON object per diagnostic, with 1-based lines and columns (§7).
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: &'a str,
    help: Option<&'a str>,
}

fn json_records<'a>(
    diagnostics: &'a [Diagnostic],
    sources: &'a Sources,
) -> Vec<JsonDiagnostic<'a>> {
    diagnostics
        .iter()
        .map(|d| {
            let file = sources.get(d.primary.file);
            let (start, end) = file.span_lines(d.primary.span);
            JsonDiagnostic {
                code: d.code.as_str(),
                severity: d.severity.as_str(),
                file: &file.path,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                message: &d.message,
                help: d.help.as_deref(),
            }
        })
        .collect()
}

/// One JSON array of `{"code","severity","file","line","column","end_line","end_column","message","help"}`.
pub fn json(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    serde_json::to_string_pretty(&json_records(diagnostics, sources))
        .unwrap_or_else(|_| "[]".into())
}

/// Escapes workflow-command data (GitHub's `escapeData`).
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes workflow-command properties (GitHub's `escapeProperty`).
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…,col=…::CODE message` lines, one per diagnostic.
pub fn github(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let file = sources.get(d.primary.file);
        let (start, end) = file.span_lines(d.primary.span);
        let mut message = format!("{} {}", d.code, d.message);
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            d.severity.as_str(),
            github_property(&file.path),
            start.line,
            start.column,
            end.line,
            end.column,
            github_property(d.code.as_str()),
            github_data(&message),
        );
    }
    out
}

/// SARIF 2.1.0 with one run, a rule per registered code, and a result per diagnostic.
pub fn sarif(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    use serde_json::{json, Value};

    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let rules: Vec<Value> = codes::ALL
        .iter()
        .map(|code| {
            let info = code.info();
            json!({
                "id": info.code,
                "name": info.name,
                "shortDescription": { "text": info.title() },
                "fullDescription": { "text": info.title() },
                "help": { "text": explain_text(*code), "markdown": code_page_markdown(*code) },
                "helpUri": format!("docs/diagnostics/{}.md", info.code),
                "defaultConfiguration": { "level": level(info.severity) },
            })
        })
        .collect();
    let location = |file_id, span: Span, message: Option<&str>| {
        let file = sources.get(file_id);
        let (start, end) = file.span_lines(span);
        let mut location = json!({
            "physicalLocation": {
                "artifactLocation": { "uri": file.path },
                "region": {
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column,
                }
            }
        });
        if let Some(message) = message {
            location["message"] = json!({ "text": message });
        }
        location
    };
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let rule_index = codes::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
            json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": rule_index,
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [location(d.primary.file, d.primary.span, Some(&d.primary.message))],
                "relatedLocations": d.secondary.iter().enumerate().map(|(i, l)| {
                    let mut related = location(l.file, l.span, Some(&l.message));
                    related["id"] = json!(i);
                    related
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "seg",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

/// The page of a code as Markdown, as written to `docs/diagnostics/CODE.md`.
pub fn code_page_markdown(code: Code) -> String {
    let info = code.info();
    let mut lines = info.explanation.lines();
    let title = lines.next().unwrap_or("").trim();
    let body: Vec<&str> = lines.map(|l| l.strip_prefix(' ').unwrap_or(l)).collect();
    let body = body.join("\n");
    format!(
        "<!-- Generated from crates/seg-diag/src/codes.rs by `UPDATE_DOCS=1 cargo test -p seg-diag --test docs`; edit it there. -->\n\n# {}: {}\n\nSeverity: {} · Name: `{}`\n\n{}\n",
        info.code,
        title,
        info.severity.as_str(),
        info.name,
        body.trim()
    )
}

/// The text `seg explain CODE` prints.
pub fn explain_text(code: Code) -> String {
    let info = code.info();
    let mut lines = info.explanation.lines();
    let title = lines.next().unwrap_or("").trim();
    let body: Vec<&str> = lines.map(|l| l.strip_prefix(' ').unwrap_or(l)).collect();
    format!(
        "{} ({}): {}\n\n{}\n",
        info.code,
        info.severity.as_str(),
        title,
        body.join("\n").trim()
    )
}
