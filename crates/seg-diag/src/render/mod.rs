//! Renderers: the same diagnostics for a terminal (ariadne), for scripts (JSON), for GitHub
//! workflow annotations and for code-scanning tools (SARIF 2.1.0), plus the pages of the code
//! registry (`seg explain`, `docs/diagnostics/`).
//!
//! Every function returns text; printing, and choosing stdout or stderr, is the caller's
//! business. None of them panics on a span that is empty, reversed, past the end of its text or
//! inside a character, nor on a file id the given [`Sources`] does not know: a report about a
//! broken file must never be what breaks.

mod docs;
mod github;
mod human;
mod json;
mod sarif;

pub use docs::{code_page_markdown, docs_index_markdown, explain_text, generated_docs};
pub use github::github;
pub use human::human;
pub use json::json;
pub use sarif::sarif;

use crate::{Diagnostic, FileId, Label, LineCol, Sources, Span};

/// The exit code `seg check` uses for these diagnostics: 1 when any is an error, else 0 (§7).
pub fn exit_code(diagnostics: &[Diagnostic]) -> i32 {
    i32::from(diagnostics.iter().any(Diagnostic::is_error))
}

/// Where a label points, in the terms every renderer but the terminal one prints: the file's path
/// and 1-based line/column of both ends, columns counted in characters.
struct Place<'a> {
    path: &'a str,
    start: LineCol,
    end: LineCol,
}

impl Place<'_> {
    fn is_single_line(&self) -> bool {
        self.start.line == self.end.line
    }
}

/// The path shown for a label whose file id is not in the [`Sources`].
const UNKNOWN_FILE: &str = "<unknown>";

fn place<'a>(sources: &'a Sources, file: FileId, span: Span) -> Place<'a> {
    match sources.try_get(file) {
        Some(source) => {
            let range = clamp(span, &source.text);
            Place {
                path: &source.path,
                start: source.line_col(range.start as u32),
                end: source.line_col(range.end as u32),
            }
        }
        None => {
            let first = LineCol { line: 1, column: 1 };
            Place {
                path: UNKNOWN_FILE,
                start: first,
                end: first,
            }
        }
    }
}

fn label_place<'a>(sources: &'a Sources, label: &Label) -> Place<'a> {
    place(sources, label.file, label.span)
}

/// A span clamped to its text and to character boundaries, never reversed: the one form every
/// renderer can slice and convert without a panic. An end inside a `\r\n` moves before it, as
/// [`SourceFile::line_col`](crate::SourceFile::line_col) places it, so the terminal agrees.
fn clamp(span: Span, text: &str) -> std::ops::Range<usize> {
    let floor = |offset: u32| {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        if text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
            offset -= 1;
        }
        offset
    };
    let start = floor(span.start);
    let end = floor(span.end).max(start);
    start..end
}

/// The message and, on a line of its own, the help: for the formats with a single text field.
fn message_with_help(diagnostic: &Diagnostic) -> String {
    match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamp_keeps_spans_inside_the_text_and_on_char_boundaries() {
        assert_eq!(clamp(Span::new(0, 0), ""), 0..0);
        assert_eq!(clamp(Span::new(2, 99), "abc"), 2..3);
        assert_eq!(clamp(Span::new(1, 2), "ö"), 0..2);
        assert_eq!(clamp(Span { start: 3, end: 1 }, "abcd"), 3..3);
        assert_eq!(clamp(Span::new(2, 2), "x\r\ny"), 1..1);
    }
}
