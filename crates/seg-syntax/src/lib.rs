//! Seg source text: decoding, the token stream, the pest parser to a spanned AST, and the
//! printer. Knows nothing of the schema; see ARCHITECTURE.md for where it sits.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod printer;

pub use parser::{parse, reparse, Reuse, MAX_DEPTH};

use seg_diag::{Code, Diagnostic, FileId, Label, Span};

/// Decodes a file's bytes. Invalid UTF-8 keeps the text (with U+FFFD replacements, so the rest
/// can still be shown) and reports E0001 at the first bad byte; the file is then not parsed.
// Decoding fails once per file at most; a boxed error would buy nothing.
#[allow(clippy::result_large_err)]
pub fn decode(file: FileId, bytes: &[u8]) -> Result<String, (String, Diagnostic)> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(error) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let at = error.valid_up_to();
            // The lossy text is identical up to the first bad byte, which became U+FFFD (3 bytes).
            let span = Span::new(at, at + '\u{FFFD}'.len_utf8());
            let diagnostic = Diagnostic::new(
                Code::E0001,
                format!(
                    "this file is not valid UTF-8 (bad byte 0x{:02X} at offset {at})",
                    bytes[at]
                ),
                Label::new(file, span, "not UTF-8"),
            )
            .with_help("save the file as UTF-8");
            Err((text, diagnostic))
        }
    }
}
