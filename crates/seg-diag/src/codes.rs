//! The registry of diagnostic codes: one entry per code, never reused, never renumbered.
//!
//! Each entry's doc comment is the code's page: the first line is its title, the rest says what
//! it means, why Seg reports it and shows an example with the fix. `seg explain CODE` prints it
//! and `docs/diagnostics/CODE.md` is generated from it (a test keeps the two in step), so the
//! text lives here only.

use crate::Severity;

/// What the registry knows about one code.
#[derive(Debug)]
pub struct CodeInfo {
    /// `E0201`: `E` for errors, `W` for warnings.
    pub code: &'static str,
    /// A kebab-case name, stable like the code, used in SARIF rule ids' short descriptions.
    pub name: &'static str,
    pub severity: Severity,
    /// The doc comment: the title line, a blank line, then Markdown.
    pub explanation: &'static str,
}

impl CodeInfo {
    pub fn title(&self) -> &'static str {
        self.explanation.lines().next().unwrap_or("").trim()
    }
}

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $code:ident $name:literal $severity:ident; )*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($code),* }

        /// Every code, in registry order.
        pub const ALL: &[Code] = &[$(Code::$code),*];

        impl Code {
            pub fn info(self) -> &'static CodeInfo {
                match self {
                    $(Code::$code => &CodeInfo {
                        code: stringify!($code),
                        name: $name,
                        severity: Severity::$severity,
                        explanation: concat!($($doc, "\n"),*),
                    },)*
                }
            }
        }
    };
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.info().code
    }

    /// Looks a code up by its text, case-insensitively (`e0201` works too).
    pub fn parse(text: &str) -> Option<Code> {
        ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

codes! {
    // ---- Source text and syntax -------------------------------------------------------------
    /// The file is not valid UTF-8
    E0001 "invalid-utf8" Error;
    /// Syntax error
    E0002 "syntax-error" Error;
    /// Conditions are nested too deeply
    E0003 "nesting-too-deep" Error;
    /// Invalid escape sequence in a string
    E0004 "invalid-escape" Error;
    /// The file holds no segment
    W0005 "empty-file" Warning;

    // ---- The attribute schema ---------------------------------------------------------------
    /// The attribute schema is not well-formed JSON of the expected shape
    E0101 "schema-malformed" Error;
    /// The attribute schema declares something inconsistent
    E0102 "schema-invalid" Error;

    // ---- Names ------------------------------------------------------------------------------
    /// Unknown attribute
    E0201 "unknown-attribute" Error;
    /// Attribute not enabled for customer segments or promo rules
    E0202 "attribute-not-enabled" Error;
    /// Unknown field
    E0203 "unknown-field" Error;
    /// Unknown collection
    E0204 "unknown-collection" Error;
    /// Unknown segment
    E0205 "unknown-segment" Error;

    // ---- Types and values -------------------------------------------------------------------
    /// Operator not valid for the field's type
    E0301 "operator-type-mismatch" Error;
    /// Value of the wrong type
    E0302 "value-type-mismatch" Error;
    /// Unknown option of a select or multiselect attribute
    E0303 "unknown-option" Error;
    /// Invalid date or datetime
    E0304 "invalid-date" Error;
    /// Invalid duration
    E0305 "invalid-duration" Error;
    /// Decimal with more than four fractional digits
    E0306 "decimal-precision" Error;
    /// Number out of range
    E0307 "number-out-of-range" Error;
    /// Empty list
    E0308 "empty-list" Error;

    // ---- Collections, windows and aggregates ------------------------------------------------
    /// Time window on a collection without a time field
    E0401 "window-without-time" Error;
    /// Aggregate over a non-numeric field
    E0402 "aggregate-not-numeric" Error;
    /// Aggregate of the wrong shape
    E0403 "aggregate-shape" Error;
    /// Quantifier does not fit the collection
    E0404 "quantifier-mismatch" Error;

    // ---- Segments ---------------------------------------------------------------------------
    /// Duplicate segment id
    E0501 "duplicate-segment" Error;
    /// Cyclic segment reference
    E0502 "cyclic-reference" Error;
    /// Property given twice
    E0503 "duplicate-property" Error;
    /// Segment without exactly one root condition
    E0504 "root-condition" Error;
    /// Invalid property value
    E0505 "invalid-property" Error;

    // ---- Audience ---------------------------------------------------------------------------
    /// Logged-in-only condition in a segment for visitors
    E0601 "logged-in-only-for-visitors" Error;
    /// Logged-in-only condition in a segment for everyone
    W0602 "logged-in-only-for-everyone" Warning;
}
