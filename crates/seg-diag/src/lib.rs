//! One diagnostic model for every stage of Seg, and the source files it points into.
//!
//! Parsing, schema loading and checking all produce [`Diagnostic`]s; nothing in the core prints
//! or exits. The renderers in [`render`] turn the same values into terminal reports (ariadne),
//! JSON, GitHub annotations and SARIF; the language server converts them once more. Every
//! diagnostic carries a stable [`Code`] whose long explanation lives in [`codes`].

pub mod codes;
pub mod render;
mod source;

pub use codes::{Code, CodeInfo};
pub use source::{FileId, LineCol, SourceFile, Sources};

use std::fmt;

/// A half-open byte range `start..end` into one source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span {start}..{end} is reversed");
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn contains(self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset <= (self.end as usize)
    }

    /// The same range moved by `delta` bytes (text inserted or removed before it).
    pub fn shifted(self, delta: isize) -> Span {
        let at = |offset: u32| (offset as isize + delta) as usize;
        Span::new(at(self.start), at(self.end))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A span in a particular file, with the text shown under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(file: FileId, span: Span, message: impl Into<String>) -> Label {
        Label {
            file,
            span,
            message: message.into(),
        }
    }
}

/// A machine-applicable replacement: the "did you mean" fixes, applied by editors as code actions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub file: FileId,
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    pub suggestion: Option<Suggestion>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: Code, message: impl Into<String>, primary: Label) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.info().severity,
            message: message.into(),
            primary,
            secondary: Vec::new(),
            help: None,
            suggestion: None,
        }
    }

    pub fn with_secondary(mut self, label: Label) -> Diagnostic {
        self.secondary.push(label);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_suggestion(mut self, span: Span, replacement: impl Into<String>) -> Diagnostic {
        self.suggestion = Some(Suggestion {
            file: self.primary.file,
            span,
            replacement: replacement.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn file(&self) -> FileId {
        self.primary.file
    }

    /// Every label and the suggestion, to move them together (to another file or position).
    pub fn places_mut(&mut self) -> impl Iterator<Item = (&mut FileId, &mut Span)> {
        std::iter::once(&mut self.primary)
            .chain(self.secondary.iter_mut())
            .map(|label| (&mut label.file, &mut label.span))
            .chain(
                self.suggestion
                    .iter_mut()
                    .map(|s| (&mut s.file, &mut s.span)),
            )
    }
}

/// Orders diagnostics by file, then position, then code, so every run prints them identically.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (
            a.primary.file,
            a.primary.span.start,
            a.primary.span.end,
            a.code.as_str(),
        )
            .cmp(&(
                b.primary.file,
                b.primary.span.start,
                b.primary.span.end,
                b.code.as_str(),
            ))
    });
}
