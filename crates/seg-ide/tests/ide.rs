//! The editor features over fixtures: every `tests/fixtures/<feature>/*.seg` is a test of its
//! own (a new file is a new test), its answers snapshotted with insta under `tests/snapshots/`.
//!
//! A fixture is one `.seg` file, or several introduced by `//- <path>` lines (paths relative to
//! the project folder; the first file is the open document, the others are on disk). `$0` marks
//! a cursor; a fixture may hold several, each answered in turn. Every fixture lives in a project
//! whose `seg.toml` names `tests/fixtures/schema.json` (a copy of the examples' schema).

use std::fmt::Write as _;
use std::path::Path;

use fixture::{line_of, short, Fixture};
use seg_diag::Span;
use seg_ide::Analysis;

mod fixture;

const SCHEMA: &str = include_str!("fixtures/schema.json");

/// `line:column` (1-based, columns in characters) of both ends, and the text between.
fn place(text: &str, span: Span) -> String {
    let at = |offset: usize| {
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        format!(
            "{}:{}",
            line_of(text, offset),
            text[line_start..offset].chars().count() + 1
        )
    };
    let slice = &text[span.range()];
    let shown = if slice.contains('\n') {
        format!("{:?}…", slice.lines().next().unwrap_or(""))
    } else {
        format!("{slice:?}")
    };
    format!(
        "{}-{} {shown}",
        at(span.start as usize),
        at(span.end as usize)
    )
}

fn snapshot(name: &str, text: String) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// Runs `answer` on every fixture of a feature folder.
fn each_fixture(feature: &str, answer: impl Fn(&Fixture, &Analysis) -> String) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(feature);
    for (stem, fixture) in Fixture::all(&folder) {
        let mut host = fixture.host(SCHEMA);
        let analysis = host.analysis(fixture.main());
        snapshot(&format!("{feature}@{stem}"), answer(&fixture, &analysis));
    }
}

#[test]
fn completion() {
    each_fixture("completion", |fixture, analysis| {
        let mut out = String::new();
        for (path, offset) in &fixture.cursors {
            let text = fixture.text(path);
            writeln!(out, "── {}", fixture.cursor_line(path, *offset)).unwrap();
            let items = analysis.completions(path, *offset, None);
            for item in &items {
                let mut line = format!("{:<22} {:?}", item.label, item.kind);
                if let Some(detail) = &item.detail {
                    write!(line, " · {detail}").unwrap();
                }
                if !item.enabled {
                    line.push_str(" [disabled]");
                }
                if item.insert != item.label {
                    write!(line, " ⇒ {:?}", item.insert).unwrap();
                }
                writeln!(out, "  {line}").unwrap();
            }
            if let Some(item) = items.first() {
                writeln!(out, "  (replacing {})", place(text, item.replace)).unwrap();
            }
            // Typing a trigger character asks only where it leads somewhere specific.
            let before = text[..*offset].chars().last();
            if let Some(trigger) = before.filter(|c| matches!(c, '.' | ' ' | '"')) {
                let triggered = analysis.completions(path, *offset, Some(trigger));
                let verdict = if triggered == items {
                    "same".to_string()
                } else if triggered.is_empty() {
                    "none".to_string()
                } else {
                    format!("{} items", triggered.len())
                };
                writeln!(out, "  (typing {trigger:?}: {verdict})").unwrap();
            }
        }
        out
    });
}

#[test]
fn hover() {
    each_fixture("hover", |fixture, analysis| {
        let mut out = String::new();
        for (path, offset) in &fixture.cursors {
            writeln!(out, "── {}", fixture.cursor_line(path, *offset)).unwrap();
            match analysis.hover(path, *offset) {
                Some(hover) => {
                    writeln!(out, "{}", place(fixture.text(path), hover.span)).unwrap();
                    writeln!(out, "{}", hover.markdown).unwrap();
                }
                None => writeln!(out, "(nothing)").unwrap(),
            }
        }
        out
    });
}

#[test]
fn definition() {
    each_fixture("definition", |fixture, analysis| {
        let mut out = String::new();
        for (path, offset) in &fixture.cursors {
            writeln!(out, "── {}", fixture.cursor_line(path, *offset)).unwrap();
            for target in analysis.definition(path, *offset) {
                let text = fixture.text(&target.path);
                writeln!(
                    out,
                    "  {} {} (segment {})",
                    short(&target.path),
                    place(text, target.focus_span),
                    place(text, target.full_span)
                )
                .unwrap();
            }
        }
        out
    });
}

#[test]
fn references() {
    each_fixture("references", |fixture, analysis| {
        let mut out = String::new();
        for (path, offset) in &fixture.cursors {
            writeln!(out, "── {}", fixture.cursor_line(path, *offset)).unwrap();
            for (include, heading) in [(true, "with declaration"), (false, "references only")] {
                writeln!(out, "  {heading}:").unwrap();
                for target in analysis.references(path, *offset, include) {
                    let text = fixture.text(&target.path);
                    writeln!(
                        out,
                        "    {} {}",
                        short(&target.path),
                        place(text, target.focus_span)
                    )
                    .unwrap();
                }
            }
        }
        out
    });
}

#[test]
fn symbols() {
    each_fixture("symbols", |fixture, analysis| {
        let mut out = String::new();
        for (path, text) in &fixture.files {
            writeln!(out, "── document symbols of {}", short(path)).unwrap();
            for symbol in analysis.document_symbols(path) {
                writeln!(
                    out,
                    "  {} {:?} id {} segment {}",
                    symbol.id,
                    symbol.title,
                    place(text, symbol.focus_span),
                    place(text, symbol.full_span)
                )
                .unwrap();
            }
        }
        for query in ["", "VIP", "cart"] {
            writeln!(out, "── workspace symbols for {query:?}").unwrap();
            for symbol in analysis.workspace_symbols(query) {
                writeln!(out, "  {} in {}", symbol.id, short(&symbol.path)).unwrap();
            }
        }
        out
    });
}

#[test]
fn formatting() {
    each_fixture("formatting", |fixture, analysis| {
        match analysis.format(fixture.main()) {
            Some(text) => text,
            None => "(not formatted: the file has syntax errors)\n".to_string(),
        }
    });
}

#[test]
fn code_actions() {
    each_fixture("code_actions", |fixture, analysis| {
        let mut out = String::new();
        for (path, offset) in &fixture.cursors {
            let text = fixture.text(path);
            writeln!(out, "── {}", fixture.cursor_line(path, *offset)).unwrap();
            for fix in analysis.fixes(path, Span::new(*offset, *offset)) {
                let mut fixed = text.to_string();
                fixed.replace_range(fix.span.range(), &fix.replacement);
                let line = line_of(text, fix.span.start as usize);
                writeln!(
                    out,
                    "  {} ({} {})\n    ⇒ {}",
                    fix.title,
                    fix.diagnostic.code.as_str(),
                    fix.diagnostic.message,
                    fixed.lines().nth(line - 1).unwrap_or("").trim()
                )
                .unwrap();
            }
        }
        out
    });
}

#[test]
fn highlighting() {
    each_fixture("highlight", |fixture, analysis| {
        let path = fixture.main();
        let text = fixture.text(path);
        let mut out = String::new();
        let mut line = 0;
        for h in analysis.highlights(path) {
            let at = line_of(text, h.span.start as usize);
            if at != line {
                line = at;
                writeln!(
                    out,
                    "{at}: {}",
                    text.lines().nth(at - 1).unwrap_or("").trim()
                )
                .unwrap();
            }
            let mut modifiers = String::new();
            if h.declaration {
                modifiers.push_str(" +declaration");
            }
            if h.documentation {
                modifiers.push_str(" +documentation");
            }
            writeln!(
                out,
                "    {:?} {:?}{modifiers}",
                &text[h.span.range()],
                h.kind
            )
            .unwrap();
        }
        out
    });
}

#[test]
fn diagnostics() {
    each_fixture("diagnostics", |fixture, analysis| {
        let mut out = String::new();
        if let Some(problem) = analysis.problem() {
            writeln!(out, "problem: {problem}").unwrap();
        }
        for (path, text) in &fixture.files {
            writeln!(out, "── {}", short(path)).unwrap();
            for d in analysis.diagnostics(path) {
                writeln!(
                    out,
                    "  {} {} {} {}",
                    d.code.as_str(),
                    d.severity,
                    place(text, d.primary.span),
                    d.message
                )
                .unwrap();
                for label in &d.secondary {
                    let other = analysis
                        .source_of(label.file)
                        .map_or("", |s| s.text.as_str());
                    let file = analysis.path(label.file).map(short).unwrap_or_default();
                    let span = if other.is_empty() {
                        "?".to_string()
                    } else {
                        place(other, label.span)
                    };
                    writeln!(out, "    {}: {file} {span}", label.message).unwrap();
                }
                if let Some(help) = &d.help {
                    writeln!(out, "    help: {help}").unwrap();
                }
            }
        }
        out
    });
}
