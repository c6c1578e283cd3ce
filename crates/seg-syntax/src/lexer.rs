//! The logos token stream: what editors highlight, and what the parser uses to find comments,
//! measure nesting depth and split a file into segments before pest sees it.
//!
//! Invariant: on text the grammar accepts, the significant tokens (everything but comments) have
//! exactly the spans of the pest parse tree's leaves; `tests/lexer_agrees.rs` checks it on every
//! fixture and example. Keywords are contextual in the grammar, so a keyword token may stand
//! where the grammar sees an identifier (`items`, `name` as attribute codes).

use logos::Logos;
use seg_diag::Span;

#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\r\n\u{FEFF}]+")]
pub enum TokenKind {
    #[regex(r"///[^\n]*", allow_greedy = true)]
    DocComment,
    #[regex(r"//[^\n]*", allow_greedy = true)]
    LineComment,

    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    #[regex(r#""([^"\\]|\\(.|\n))*""#)]
    String,
    #[regex(r"-?[0-9]+(\.[0-9]+)?")]
    Number,
    #[regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")]
    Date,
    #[regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?")]
    DateTime,

    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token(">=")]
    Ge,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token("<")]
    Lt,

    // Keywords, in the order of grammar/seg.pest. `true`/`false` are literals, and the duration
    // units and `applies_to` audiences are identifiers to the grammar, but editors colour them.
    #[token("segment")]
    KwSegment,
    #[token("name")]
    KwName,
    #[token("description")]
    KwDescription,
    #[token("applies_to")]
    KwAppliesTo,
    #[token("websites")]
    KwWebsites,
    #[token("active")]
    KwActive,
    #[token("all")]
    KwAll,
    #[token("any")]
    KwAny,
    #[token("none")]
    KwNone,
    #[token("not")]
    KwNot,
    #[token("no")]
    KwNo,
    #[token("in")]
    KwIn,
    #[token("is")]
    KwIs,
    #[token("empty")]
    KwEmpty,
    #[token("contains")]
    KwContains,
    #[token("contain")]
    KwContain,
    #[token("does")]
    KwDoes,
    #[token("of")]
    KwOf,
    #[token("starts")]
    KwStarts,
    #[token("ends")]
    KwEnds,
    #[token("with")]
    KwWith,
    #[token("between")]
    KwBetween,
    #[token("and")]
    KwAnd,
    #[token("before")]
    KwBefore,
    #[token("after")]
    KwAfter,
    #[token("on")]
    KwOn,
    #[token("or")]
    KwOr,
    #[token("within")]
    KwWithin,
    #[token("last")]
    KwLast,
    #[token("more")]
    KwMore,
    #[token("than")]
    KwThan,
    #[token("ago")]
    KwAgo,
    #[token("anniversary")]
    KwAnniversary,
    #[token("next")]
    KwNext,
    #[token("where")]
    KwWhere,
    #[token("count")]
    KwCount,
    #[token("sum")]
    KwSum,
    #[token("avg")]
    KwAvg,
    #[token("min")]
    KwMin,
    #[token("max")]
    KwMax,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("day")]
    #[token("days")]
    #[token("hour")]
    #[token("hours")]
    #[token("week")]
    #[token("weeks")]
    Unit,
    #[token("visitors")]
    #[token("registered")]
    #[token("everyone")]
    Audience,

    /// Text no token matches: a stray character, an unterminated string, a NUL byte. An
    /// unterminated string ends at its line's end, so that it does not swallow the rest of the
    /// file and the segments after it can still be found and parsed.
    #[regex(r#""([^"\\\n]|\\.)*"#)]
    Error,
}

impl TokenKind {
    pub fn is_comment(self) -> bool {
        matches!(self, TokenKind::DocComment | TokenKind::LineComment)
    }

    /// Keywords of the grammar (contextual; see the module docs).
    pub fn is_keyword(self) -> bool {
        (self as u8) >= (TokenKind::KwSegment as u8) && (self as u8) <= (TokenKind::KwMax as u8)
    }

    /// Words that the grammar treats as identifiers but editors show as keywords.
    pub fn is_contextual_word(self) -> bool {
        self.is_keyword() || matches!(self, TokenKind::Unit | TokenKind::Audience)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// Every keyword of the grammar, as written; the TextMate grammar must know each of them.
pub const KEYWORDS: &[&str] = &[
    "segment",
    "name",
    "description",
    "applies_to",
    "websites",
    "active",
    "all",
    "any",
    "none",
    "not",
    "no",
    "in",
    "is",
    "empty",
    "contains",
    "contain",
    "does",
    "of",
    "starts",
    "ends",
    "with",
    "between",
    "and",
    "before",
    "after",
    "on",
    "or",
    "within",
    "last",
    "more",
    "than",
    "ago",
    "anniversary",
    "next",
    "where",
    "count",
    "sum",
    "avg",
    "min",
    "max",
];

/// The first token of `text` that is not a comment, without lexing the rest.
pub fn first_significant_token(text: &str) -> Option<Token> {
    let mut lexer = TokenKind::lexer(text);
    while let Some(result) = lexer.next() {
        let kind = result.unwrap_or(TokenKind::Error);
        if !kind.is_comment() {
            let span = lexer.span();
            return Some(Token {
                kind,
                span: Span::new(span.start, span.end),
            });
        }
    }
    None
}

/// Tokenizes the whole text. Never fails: unmatched text becomes [`TokenKind::Error`] tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut lexer = TokenKind::lexer(text);
    let mut tokens = Vec::new();
    while let Some(result) = lexer.next() {
        let span = lexer.span();
        let kind = result.unwrap_or(TokenKind::Error);
        tokens.push(Token {
            kind,
            span: Span::new(span.start, span.end),
        });
    }
    tokens
}
