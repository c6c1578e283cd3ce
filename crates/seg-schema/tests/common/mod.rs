//! Helpers shared by the schema tests: load a text and see each diagnostic as code, line, column.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use seg_diag::{Diagnostic, FileId, SourceFile};
use seg_schema::{parse_schema, Schema};

pub const FILE: FileId = FileId(7);

/// One diagnostic as the tests compare it: where a user would see it and what it says.
#[derive(Debug)]
pub struct Seen {
    pub code: &'static str,
    pub line: u32,
    pub column: u32,
    /// The text under the primary span.
    pub text: String,
    pub message: String,
    pub diagnostic: Diagnostic,
}

pub fn load(text: &str) -> (Schema, Vec<Seen>) {
    let (schema, diagnostics) = parse_schema(FILE, text);
    let source = SourceFile::new("schema.json", text);
    let seen = diagnostics
        .into_iter()
        .map(|d| {
            assert_eq!(
                d.file(),
                FILE,
                "every diagnostic points into the schema file"
            );
            let at = source.line_col(d.primary.span.start);
            Seen {
                code: d.code.as_str(),
                line: at.line,
                column: at.column,
                text: source.slice(d.primary.span).to_string(),
                message: d.message.clone(),
                diagnostic: d,
            }
        })
        .collect();
    (schema, seen)
}

/// Loads a text that must produce exactly one diagnostic, and returns it.
pub fn only_problem(text: &str) -> Seen {
    let (_, mut seen) = load(text);
    assert_eq!(seen.len(), 1, "expected one diagnostic, got {seen:#?}");
    seen.remove(0)
}
