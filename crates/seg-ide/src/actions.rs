//! Quick fixes and formatting: the edits the editor applies to a whole file or a span.
//!
//! Fixes are the "did you mean" replacements the diagnostics carry ([`seg_diag::Suggestion`]):
//! the checker decides what the fix is, the editor only offers it.

use std::path::Path;

use seg_diag::{Diagnostic, Span};

use crate::analysis::Analysis;

/// One machine-applicable fix of one diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// The diagnostic it fixes.
    pub diagnostic: Diagnostic,
    /// The text replaced (empty for an insertion) in the file asked about.
    pub span: Span,
    pub replacement: String,
}

impl Analysis {
    /// The fixes of the diagnostics of `path` that touch `range` (the selection or the cursor).
    pub fn fixes(&self, path: &Path, range: Span) -> Vec<Fix> {
        let (Some(id), Some(source)) = (self.file_id(path), self.source(path)) else {
            return Vec::new();
        };
        let touches = |span: Span| span.start <= range.end && range.start <= span.end;
        self.check()
            .diagnostics
            .iter()
            .filter(|d| d.primary.file == id)
            .filter_map(|d| {
                let suggestion = d.suggestion.as_ref()?;
                if suggestion.file != id || !(touches(d.primary.span) || touches(suggestion.span)) {
                    return None;
                }
                let old = source.slice(suggestion.span);
                let new = &suggestion.replacement;
                let title = match (old.is_empty(), new.is_empty()) {
                    (true, _) => format!("Insert `{new}`"),
                    (false, true) => format!("Remove `{}`", old.trim()),
                    (false, false) => format!("Replace `{old}` with `{new}`"),
                };
                Some(Fix {
                    title,
                    diagnostic: d.clone(),
                    span: suggestion.span,
                    replacement: new.clone(),
                })
            })
            .collect()
    }

    /// The file in the canonical layout of `seg fmt` (the same printer), or `None` when it has
    /// a syntax error: formatting would drop what did not parse.
    pub fn format(&self, path: &Path) -> Option<String> {
        let file = self.file(path)?;
        if file.has_syntax_errors() {
            return None;
        }
        let (module, _) = file.parsed()?;
        Some(seg_syntax::printer::print_module(module, file.text()))
    }
}
