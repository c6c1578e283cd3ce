//! `seg check --format github`: workflow commands that GitHub Actions turns into annotations on
//! the pull request's diff.

use std::fmt::Write as _;

use super::{label_place, message_with_help};
use crate::{Diagnostic, Sources};

/// Escapes a command's message as the Actions toolkit's `escapeData` does, so that a `%` or a line
/// break in a message cannot end the command or be read as an escape.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value as `escapeProperty` does: `:` and `,` would otherwise end the value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::CODE message` lines, one per
/// diagnostic (`::warning` for warnings), the help on a second line of the message.
pub fn github(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let place = label_place(sources, &d.primary);
        let _ = write!(
            out,
            "::{} file={},line={}",
            d.severity.as_str(),
            escape_property(place.path),
            place.start.line,
        );
        // The runner rejects columns on an annotation that spans several lines, and would then
        // drop the position entirely; such a span is marked by its lines alone.
        if place.is_single_line() {
            let _ = write!(
                out,
                ",col={},endLine={},endColumn={}",
                place.start.column, place.end.line, place.end.column
            );
        } else {
            let _ = write!(out, ",endLine={}", place.end.line);
        }
        let message = format!("{} {}", d.code, message_with_help(d));
        let _ = writeln!(
            out,
            ",title={}::{}",
            escape_property(d.code.as_str()),
            escape_data(&message)
        );
    }
    out
}
