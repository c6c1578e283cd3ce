//! Semantic highlighting: every token of a file classified by what it is in context, from the
//! logos lexer and the walk of [`Scan`] (so `name` is a keyword as a property and a property
//! in `customer.name`, and `count` a function only before `(`).

use std::path::Path;

use seg_diag::Span;
use seg_syntax::lexer::TokenKind;

use crate::analysis::Analysis;
use crate::scan::{Role, Scan};

/// The classes, named as the LSP's standard semantic token types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightKind {
    Keyword,
    String,
    Number,
    Comment,
    /// Attributes and fields.
    Property,
    /// Aggregates: `count`, `sum` …
    Function,
    Operator,
    /// Collections.
    Variable,
    /// `customer`, `cart`, `product`.
    Namespace,
    /// Segment ids.
    Class,
    /// Audiences (`registered`).
    EnumMember,
}

impl HighlightKind {
    /// Every kind, in the order of the legend the language server announces.
    pub const ALL: [HighlightKind; 11] = [
        HighlightKind::Keyword,
        HighlightKind::String,
        HighlightKind::Number,
        HighlightKind::Comment,
        HighlightKind::Property,
        HighlightKind::Function,
        HighlightKind::Operator,
        HighlightKind::Variable,
        HighlightKind::Namespace,
        HighlightKind::Class,
        HighlightKind::EnumMember,
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub span: Span,
    pub kind: HighlightKind,
    /// The segment id of a `segment <id>` header.
    pub declaration: bool,
    /// A `///` doc comment.
    pub documentation: bool,
}

impl Analysis {
    /// The classified tokens of a file, in order; tokens with no class are left out.
    pub fn highlights(&self, path: &Path) -> Vec<Highlight> {
        let Some(file) = self.file(path) else {
            return Vec::new();
        };
        let tokens = file.tokens();
        let scan = Scan::run(file.text(), tokens, self.schema(), 0..tokens.len());
        let mut out = Vec::with_capacity(tokens.len());
        for (i, token) in tokens.iter().enumerate() {
            let role = scan.role(i);
            let kind = match role {
                Role::Comment { .. } => Some(HighlightKind::Comment),
                Role::Keyword | Role::Property(_) | Role::Unit => Some(HighlightKind::Keyword),
                Role::SegmentDef | Role::SegmentRef => Some(HighlightKind::Class),
                Role::Function(_) => Some(HighlightKind::Function),
                Role::Operator { .. } => Some(HighlightKind::Operator),
                Role::Namespace(_) => Some(HighlightKind::Namespace),
                Role::Collection(_) => Some(HighlightKind::Variable),
                // An unknown name still stands where a field does (the checker reports it).
                Role::Field(_) | Role::Unknown => Some(HighlightKind::Property),
                Role::Audience => Some(HighlightKind::EnumMember),
                Role::Value | Role::Other => by_token(token.kind),
            };
            if let Some(kind) = kind {
                out.push(Highlight {
                    span: token.span,
                    kind,
                    declaration: role == Role::SegmentDef,
                    documentation: role == Role::Comment { doc: true },
                });
            }
        }
        out
    }
}

fn by_token(kind: TokenKind) -> Option<HighlightKind> {
    Some(match kind {
        TokenKind::String => HighlightKind::String,
        TokenKind::Number | TokenKind::Date | TokenKind::DateTime => HighlightKind::Number,
        TokenKind::True | TokenKind::False => HighlightKind::Keyword,
        TokenKind::EqEq
        | TokenKind::NotEq
        | TokenKind::Ge
        | TokenKind::Le
        | TokenKind::Gt
        | TokenKind::Lt => HighlightKind::Operator,
        TokenKind::DocComment | TokenKind::LineComment => HighlightKind::Comment,
        k if k.is_contextual_word() => HighlightKind::Keyword,
        _ => return None,
    })
}
