//! `seg check --format json`: one JSON array of flat records, the shape §7 promises scripts.

use serde::Serialize;

use super::label_place;
use crate::{Diagnostic, Sources};

/// One record. The keys are part of the stable interface: exactly these, in this order.
#[derive(Serialize)]
struct Record<'a> {
    code: &'a str,
    severity: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: &'a str,
    /// `null` when the diagnostic has no help, so that every record has every key.
    help: Option<&'a str>,
}

/// One JSON array of `{"code","severity","file","line","column","end_line","end_column",
/// "message","help"}`, lines and columns 1-based, columns counted in characters.
pub fn json(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let records: Vec<Record<'_>> = diagnostics
        .iter()
        .map(|d| {
            let place = label_place(sources, &d.primary);
            Record {
                code: d.code.as_str(),
                severity: d.severity.as_str(),
                file: place.path,
                line: place.start.line,
                column: place.start.column,
                end_line: place.end.line,
                end_column: place.end.column,
                message: &d.message,
                help: d.help.as_deref(),
            }
        })
        .collect();
    // Serialising plain strings and integers cannot fail.
    serde_json::to_string_pretty(&records).expect("diagnostic records serialise")
}
