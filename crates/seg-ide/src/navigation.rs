//! Segment ids across the project: go to definition, find references, the outline of a file
//! (document symbols) and the search over every segment (workspace symbols).
//!
//! All of it works from the token stream (`segment <id> {` defines, `in segment <id>` refers),
//! so a file with a syntax error still lists and finds its segments.

use std::path::{Path, PathBuf};

use seg_diag::Span;
use seg_syntax::lexer::{Token, TokenKind};

use crate::analysis::Analysis;
use crate::file::{is_word, FileData};
use crate::hover::token_at;

/// A place in a file: a segment's whole text and its id, or one reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub path: PathBuf,
    /// The whole construct (for a segment: from `segment` to its closing brace).
    pub full_span: Span,
    /// The part to select: the id.
    pub focus_span: Span,
}

/// A segment, for the outline and the symbol search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub id: String,
    /// The segment's `name`, when given.
    pub title: Option<String>,
    pub path: PathBuf,
    pub full_span: Span,
    pub focus_span: Span,
}

impl Analysis {
    /// The segment id under the cursor: in a header or after `in segment`.
    fn segment_id_at(&self, path: &Path, offset: usize) -> Option<String> {
        let file = self.file(path)?;
        let tokens = file.tokens();
        let i = token_at(tokens, offset)?;
        let token = tokens[i];
        if !is_word(token.kind) {
            return None;
        }
        let word = &file.text()[token.span.range()];
        let defines = file.outline().iter().any(|s| s.id_span == token.span);
        let refers = references_in(file).any(|t| t.span == token.span);
        (defines || refers).then(|| word.to_string())
    }

    /// Where the segment under the cursor is defined (more than one place when the id is
    /// duplicated, which the checker reports).
    pub fn definition(&self, path: &Path, offset: usize) -> Vec<Target> {
        match self.segment_id_at(path, offset) {
            Some(id) => self.definitions_of(&id),
            None => Vec::new(),
        }
    }

    fn definitions_of(&self, id: &str) -> Vec<Target> {
        let mut out = Vec::new();
        for file in &self.files {
            for segment in file.outline().iter().filter(|s| s.id == id) {
                out.push(Target {
                    path: file.path.clone(),
                    full_span: segment.span,
                    focus_span: segment.id_span,
                });
            }
        }
        out
    }

    /// Every `in segment <id>` naming the segment under the cursor, across the project, and
    /// its definitions when `include_declaration`.
    pub fn references(&self, path: &Path, offset: usize, include_declaration: bool) -> Vec<Target> {
        let Some(id) = self.segment_id_at(path, offset) else {
            return Vec::new();
        };
        let mut out = if include_declaration {
            self.definitions_of(&id)
        } else {
            Vec::new()
        };
        for file in &self.files {
            for token in references_in(file) {
                if file.text()[token.span.range()] == *id {
                    out.push(Target {
                        path: file.path.clone(),
                        full_span: token.span,
                        focus_span: token.span,
                    });
                }
            }
        }
        out.sort_by(|a, b| (&a.path, a.focus_span).cmp(&(&b.path, b.focus_span)));
        out
    }

    /// The segments of one file, in order.
    pub fn document_symbols(&self, path: &Path) -> Vec<Symbol> {
        let Some(file) = self.file(path) else {
            return Vec::new();
        };
        symbols(file).collect()
    }

    /// The segments of the project whose id or name contains `query` (ignoring case); all of
    /// them for an empty query.
    pub fn workspace_symbols(&self, query: &str) -> Vec<Symbol> {
        let query = query.to_lowercase();
        self.files
            .iter()
            .flat_map(|f| symbols(f))
            .filter(|s| {
                s.id.to_lowercase().contains(&query)
                    || s.title
                        .as_ref()
                        .is_some_and(|t| t.to_lowercase().contains(&query))
            })
            .collect()
    }
}

fn symbols(file: &FileData) -> impl Iterator<Item = Symbol> + '_ {
    file.outline()
        .iter()
        .filter(|s| !s.id.is_empty())
        .map(|s| Symbol {
            id: s.id.clone(),
            title: s.title.clone(),
            path: file.path.clone(),
            full_span: s.span,
            focus_span: s.id_span,
        })
}

/// The id tokens of `in segment <id>` in a file.
fn references_in(file: &FileData) -> impl Iterator<Item = Token> + '_ {
    let significant: Vec<Token> = file
        .tokens()
        .iter()
        .copied()
        .filter(|t| !t.kind.is_comment())
        .collect();
    (2..significant.len()).filter_map(move |i| {
        let [a, b, c] = [significant[i - 2], significant[i - 1], significant[i]];
        (a.kind == TokenKind::KwIn && b.kind == TokenKind::KwSegment && is_word(c.kind))
            .then_some(c)
    })
}
