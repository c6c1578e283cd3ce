//! One version of one `.seg` file and what is derived from its text alone: the tokens, the
//! parse, and the outline of its segments. Each is computed on first use and kept for as long
//! as the text does not change, so that a keystroke in one file re-derives nothing in the others
//! and completion (which needs only tokens) never waits for a parse.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use seg_diag::{Diagnostic, FileId, SourceFile, Span};
use seg_syntax::ast::Module;
use seg_syntax::lexer::{tokenize, Token, TokenKind};
use seg_syntax::Reuse;

/// The file id every per-file result is built with; the project analysis moves diagnostics to
/// the file's id in that project ([`retarget`]).
pub(crate) const LOCAL: FileId = FileId(0);

pub(crate) struct FileData {
    pub(crate) path: PathBuf,
    /// The text and its line table.
    pub(crate) source: SourceFile,
    /// E0001 when the bytes on disk are not UTF-8: the file is then not parsed, as in `seg check`.
    pub(crate) decode_error: Option<Diagnostic>,
    tokens: OnceLock<Vec<Token>>,
    parsed: OnceLock<(Module, Vec<Diagnostic>)>,
    /// What the parse of the file's previous version left (until this version is parsed), then
    /// what this version's parse left, for the next version: an edit re-parses only the
    /// segments it touched.
    reuse: Mutex<Option<Reuse>>,
    outline: OnceLock<Vec<OutlineSegment>>,
}

impl FileData {
    /// A version of the file, given what the parse of its previous version left.
    pub(crate) fn from_text(path: &Path, text: String, previous: Reuse) -> FileData {
        FileData::new(path, text, None, previous)
    }

    pub(crate) fn from_bytes(path: &Path, bytes: &[u8], previous: Reuse) -> FileData {
        match seg_syntax::decode(LOCAL, bytes) {
            Ok(text) => FileData::new(path, text, None, previous),
            Err((text, diagnostic)) => FileData::new(path, text, Some(diagnostic), previous),
        }
    }

    fn new(
        path: &Path,
        text: String,
        decode_error: Option<Diagnostic>,
        previous: Reuse,
    ) -> FileData {
        FileData {
            path: path.to_path_buf(),
            source: SourceFile::new(display_path(path), text),
            decode_error,
            tokens: OnceLock::new(),
            parsed: OnceLock::new(),
            reuse: Mutex::new(Some(previous)),
            outline: OnceLock::new(),
        }
    }

    /// What the next version of the file can reuse of this one's parse (or, when this one was
    /// never parsed, of the one before). Taken once.
    pub(crate) fn take_reuse(&self) -> Reuse {
        self.reuse_slot().take().unwrap_or_default()
    }

    fn reuse_slot(&self) -> std::sync::MutexGuard<'_, Option<Reuse>> {
        // A parse that panicked leaves nothing worth keeping, but the cache stays usable.
        self.reuse
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn text(&self) -> &str {
        &self.source.text
    }

    /// Every token, comments included.
    pub(crate) fn tokens(&self) -> &[Token] {
        self.tokens.get_or_init(|| tokenize(self.text()))
    }

    /// The module and the parse diagnostics (against [`LOCAL`]); `None` for an undecodable file.
    pub(crate) fn parsed(&self) -> Option<&(Module, Vec<Diagnostic>)> {
        if self.decode_error.is_some() {
            return None;
        }
        Some(self.parsed.get_or_init(|| {
            let previous = self.take_reuse();
            let (module, diagnostics, next) = seg_syntax::reparse(LOCAL, self.text(), previous);
            *self.reuse_slot() = Some(next);
            (module, diagnostics)
        }))
    }

    /// Whether the parser reported an error (a file that does not parse is not formatted).
    pub(crate) fn has_syntax_errors(&self) -> bool {
        self.parsed()
            .is_none_or(|(_, diagnostics)| diagnostics.iter().any(Diagnostic::is_error))
    }

    pub(crate) fn outline(&self) -> &[OutlineSegment] {
        self.outline
            .get_or_init(|| outline(self.text(), self.tokens()))
    }

    /// The parsed segment with this id, if it parsed.
    pub(crate) fn segment(&self, id: &str) -> Option<&seg_syntax::ast::Segment> {
        let (module, _) = self.parsed()?;
        module.segments.iter().find(|s| s.id.name == id)
    }
}

/// Paths as shown in rendered diagnostics: forward slashes, as `seg check` prints them.
pub(crate) fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A diagnostic made against [`LOCAL`], moved to `file`: every label and the suggestion of a
/// per-file diagnostic point into that same file.
pub(crate) fn retarget(diagnostic: &Diagnostic, file: FileId) -> Diagnostic {
    let mut d = diagnostic.clone();
    for (place, _) in d.places_mut() {
        *place = file;
    }
    d
}

/// A top-level segment as the token stream shows it, found even in text that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OutlineSegment {
    pub(crate) id: String,
    pub(crate) id_span: Span,
    /// From the `segment` keyword to the closing brace (or to the last token before the next
    /// segment when the brace is missing).
    pub(crate) span: Span,
    /// Index of the `segment` keyword in the token list.
    pub(crate) first_token: usize,
    /// The `name "…"` property, when the body gives one.
    pub(crate) title: Option<String>,
}

/// Whether a token can be a name: identifiers, and the contextual keywords the grammar lets
/// stand as identifiers (`name`, `items`, `segment`, `true` …).
pub(crate) fn is_word(kind: TokenKind) -> bool {
    kind == TokenKind::Ident
        || kind.is_contextual_word()
        || matches!(kind, TokenKind::True | TokenKind::False)
}

/// Whether the `segment` keyword at `i` (of the significant tokens) starts a segment, by the
/// parser's rule for splitting files: at brace depth 0, or anywhere as `segment <id> {`, but
/// never after `in` (a reference) or after another `segment` (then it is the id).
pub(crate) fn is_header(tokens: &[Token], i: usize, depth: usize) -> bool {
    if tokens[i].kind != TokenKind::KwSegment {
        return false;
    }
    let after_in = i > 0 && matches!(tokens[i - 1].kind, TokenKind::KwIn | TokenKind::KwSegment);
    let looks_like_header = tokens.get(i + 1).is_some_and(|t| is_word(t.kind))
        && tokens
            .get(i + 2)
            .is_some_and(|t| t.kind == TokenKind::LBrace);
    !after_in && (depth == 0 || looks_like_header)
}

fn outline(text: &str, all_tokens: &[Token]) -> Vec<OutlineSegment> {
    // Indices into `all_tokens` of the significant ones, so spans and indices stay aligned.
    let significant: Vec<usize> = (0..all_tokens.len())
        .filter(|&i| !all_tokens[i].kind.is_comment())
        .collect();
    let tokens: Vec<Token> = significant.iter().map(|&i| all_tokens[i]).collect();
    let mut segments: Vec<OutlineSegment> = Vec::new();
    let mut depth = 0usize;
    // The open segment: its index in `segments`, and whether its body brace was seen.
    let mut open: Option<usize> = None;
    let mut body_depth: Option<usize> = None;
    for i in 0..tokens.len() {
        let token = tokens[i];
        if is_header(&tokens, i, depth) {
            if let Some(n) = open.take() {
                // No closing brace before the next segment: end at the last token before it.
                segments[n].span.end = tokens[i - 1].span.end.max(segments[n].span.start);
            }
            depth = 0;
            body_depth = None;
            let (id, id_span) = match tokens.get(i + 1) {
                Some(t) if is_word(t.kind) => (text[t.span.range()].to_string(), t.span),
                _ => (
                    String::new(),
                    Span::new(token.span.end as usize, token.span.end as usize),
                ),
            };
            open = Some(segments.len());
            segments.push(OutlineSegment {
                id,
                id_span,
                span: token.span,
                first_token: significant[i],
                title: None,
            });
            continue;
        }
        match token.kind {
            TokenKind::LBrace | TokenKind::LParen | TokenKind::LBracket => {
                depth += 1;
                if token.kind == TokenKind::LBrace && body_depth.is_none() && open.is_some() {
                    body_depth = Some(depth);
                }
            }
            TokenKind::RBrace | TokenKind::RParen | TokenKind::RBracket => {
                if token.kind == TokenKind::RBrace && body_depth == Some(depth) {
                    if let Some(n) = open.take() {
                        segments[n].span.end = token.span.end;
                    }
                    body_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            TokenKind::KwName if body_depth.is_some() && body_depth == Some(depth) => {
                if let (Some(n), Some(next)) = (open, tokens.get(i + 1)) {
                    if next.kind == TokenKind::String && segments[n].title.is_none() {
                        segments[n].title = Some(unquote(&text[next.span.range()]));
                    }
                }
            }
            _ => {}
        }
    }
    if let (Some(n), Some(last)) = (open, tokens.last()) {
        segments[n].span.end = last.span.end.max(segments[n].span.start);
    }
    segments
}

/// The value of a string token: quotes removed, the common escapes decoded (for display only;
/// the parser is the authority on escapes).
pub(crate) fn unquote(quoted: &str) -> String {
    let body = quoted.strip_prefix('"').unwrap_or(quoted);
    let body = body.strip_suffix('"').unwrap_or(body);
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<(String, String, Option<String>)> {
        let file = FileData::from_text(Path::new("/a.seg"), text.to_string(), Reuse::default());
        file.outline()
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    text[s.span.range()].to_string(),
                    s.title.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn segments_are_found_in_broken_text() {
        let text = "segment a {\n  name \"A \\\"x\\\"\"\n  all { in segment b }\n}\nsegment b {\n  all {\nsegment c { cart.subtotal > 1 }";
        assert_eq!(
            ids(text),
            vec![
                (
                    "a".to_string(),
                    "segment a {\n  name \"A \\\"x\\\"\"\n  all { in segment b }\n}".to_string(),
                    Some("A \"x\"".to_string())
                ),
                ("b".to_string(), "segment b {\n  all {".to_string(), None),
                (
                    "c".to_string(),
                    "segment c { cart.subtotal > 1 }".to_string(),
                    None
                ),
            ]
        );
    }

    #[test]
    fn a_segment_named_segment_is_one_segment() {
        let found = ids("segment segment { in segment segment }");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "segment");
    }
}
