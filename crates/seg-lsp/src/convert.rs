//! Between the protocol's terms and seg-ide's: `file:` URIs and paths, UTF-16 line/character
//! positions and byte offsets, and seg-ide's plain answers and the LSP's types. This is the LSP
//! renderer of [`seg_diag::Diagnostic`]: the same model the terminal, JSON, GitHub and SARIF
//! renderers draw from, so the editor shows exactly the codes and messages of `seg check`.
//!
//! Every conversion is total: a position past the end of a line or of the file is clamped, a
//! URI that is not a local file is `None`; nothing here panics on what a client sends.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types as lsp;
use seg_diag::{Severity, SourceFile, Span};
use seg_ide::{Analysis, CompletionItem, CompletionKind, Highlight, HighlightKind};

/// The local path of a `file:` URI; `None` for any other scheme or a remote host.
pub(crate) fn path_of(uri: &lsp::Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let scheme_end = text.find(':')?;
    if !text[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = text[scheme_end + 1..].strip_prefix("//")?;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let path_start = rest.find('/')?;
    let host = &rest[..path_start];
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let decoded = percent_decode(&rest[path_start..])?;
    // `file:///C:/x` names `C:/x` on Windows.
    let bytes = decoded.as_bytes();
    let decoded = if cfg!(windows)
        && bytes.len() >= 3
        && bytes[0] == b'/'
        && bytes[1].is_ascii_alphabetic()
        && bytes[2] == b':'
    {
        decoded[1..].to_string()
    } else {
        decoded
    };
    if decoded.contains('\0') {
        return None;
    }
    Some(PathBuf::from(decoded))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `file:` URI of an absolute path.
pub(crate) fn uri_of(path: &Path) -> Option<lsp::Uri> {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    lsp::Uri::from_str(&out).ok()
}

/// The byte offset of a position, clamped to its line (and the last line).
pub(crate) fn offset(file: &SourceFile, position: lsp::Position) -> usize {
    let offset = file.offset_of_utf16(position.line, position.character);
    before_crlf(&file.text, offset)
}

/// Inside a `\r\n` there is no position for an editor: use the one before it.
fn before_crlf(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    if offset > 0 && bytes.get(offset - 1) == Some(&b'\r') && bytes.get(offset) == Some(&b'\n') {
        offset - 1
    } else {
        offset
    }
}

/// The position of a byte offset (clamped to the text and to a character boundary).
pub(crate) fn position(file: &SourceFile, offset: usize) -> lsp::Position {
    let text = &file.text;
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let offset = before_crlf(text, offset);
    let line = file.line_col(offset as u32).line - 1;
    let start = file.offset_of_utf16(line, 0).min(offset);
    let character = text[start..offset].encode_utf16().count();
    lsp::Position::new(line, character as u32)
}

pub(crate) fn range(file: &SourceFile, span: Span) -> lsp::Range {
    lsp::Range::new(
        position(file, span.start as usize),
        position(file, span.end as usize),
    )
}

/// The span of a range; a reversed range becomes the empty span at its start.
pub(crate) fn span(file: &SourceFile, range: lsp::Range) -> Span {
    let start = offset(file, range.start);
    let end = offset(file, range.end).max(start);
    Span::new(start, end)
}

/// Applies one change of a `didChange` to a document's text: a whole new text, or the
/// replacement of a range (UTF-16 positions, clamped to the text as [`offset`] clamps them).
pub(crate) fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let file = SourceFile::new("", std::mem::take(text));
            let span = span(&file, range);
            *text = file.text;
            text.replace_range(span.range(), &change.text);
        }
    }
}

/// A seg diagnostic for the editor. The help line follows the message, as in the GitHub and
/// SARIF renderings; secondary labels become related information (in their own files).
pub(crate) fn diagnostic(
    analysis: &Analysis,
    d: &seg_diag::Diagnostic,
    uri_for: &dyn Fn(&Path) -> Option<lsp::Uri>,
) -> Option<lsp::Diagnostic> {
    let source = analysis.source_of(d.primary.file)?;
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|label| {
            let path = analysis.path(label.file)?;
            let file = analysis.source(path)?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(uri_for(path)?, range(file, label.span)),
                message: label.message.clone(),
            })
        })
        .collect();
    Some(lsp::Diagnostic {
        range: range(source, d.primary.span),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        code_description: None,
        source: Some("seg".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    })
}

pub(crate) fn completion_item(
    file: &SourceFile,
    item: CompletionItem,
    index: usize,
) -> lsp::CompletionItem {
    let kind = match item.kind {
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        CompletionKind::Property => lsp::CompletionItemKind::PROPERTY,
        CompletionKind::Attribute | CompletionKind::Field => lsp::CompletionItemKind::FIELD,
        CompletionKind::Collection => lsp::CompletionItemKind::VARIABLE,
        CompletionKind::Namespace => lsp::CompletionItemKind::MODULE,
        CompletionKind::Operator => lsp::CompletionItemKind::OPERATOR,
        CompletionKind::Value => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Segment => lsp::CompletionItemKind::CLASS,
        CompletionKind::Function => lsp::CompletionItemKind::FUNCTION,
        CompletionKind::Unit => lsp::CompletionItemKind::UNIT,
    };
    let replace = range(file, item.replace);
    // An edit must stay on one line; a (rare) multi-line string is completed by insertion.
    let text_edit = (replace.start.line == replace.end.line)
        .then(|| lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(replace, item.insert.clone())));
    lsp::CompletionItem {
        label: item.label,
        kind: Some(kind),
        detail: item.detail,
        documentation: item.documentation.map(|value| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value,
            })
        }),
        // Attributes the schema does not enable are shown struck through, not hidden.
        tags: (!item.enabled).then(|| vec![lsp::CompletionItemTag::DEPRECATED]),
        label_details: (!item.enabled).then(|| lsp::CompletionItemLabelDetails {
            detail: None,
            description: Some("not enabled in the schema".to_string()),
        }),
        sort_text: Some(format!("{index:04}")),
        filter_text: Some(item.filter),
        insert_text: text_edit.is_none().then_some(item.insert),
        text_edit,
        ..Default::default()
    }
}

/// The legend the server announces: token types in [`HighlightKind::ALL`] order.
pub(crate) fn semantic_token_legend() -> lsp::SemanticTokensLegend {
    let types = HighlightKind::ALL
        .iter()
        .map(|kind| match kind {
            HighlightKind::Keyword => lsp::SemanticTokenType::KEYWORD,
            HighlightKind::String => lsp::SemanticTokenType::STRING,
            HighlightKind::Number => lsp::SemanticTokenType::NUMBER,
            HighlightKind::Comment => lsp::SemanticTokenType::COMMENT,
            HighlightKind::Property => lsp::SemanticTokenType::PROPERTY,
            HighlightKind::Function => lsp::SemanticTokenType::FUNCTION,
            HighlightKind::Operator => lsp::SemanticTokenType::OPERATOR,
            HighlightKind::Variable => lsp::SemanticTokenType::VARIABLE,
            HighlightKind::Namespace => lsp::SemanticTokenType::NAMESPACE,
            HighlightKind::Class => lsp::SemanticTokenType::CLASS,
            HighlightKind::EnumMember => lsp::SemanticTokenType::ENUM_MEMBER,
        })
        .collect();
    lsp::SemanticTokensLegend {
        token_types: types,
        token_modifiers: vec![
            lsp::SemanticTokenModifier::DECLARATION,
            lsp::SemanticTokenModifier::DOCUMENTATION,
        ],
    }
}

/// Highlights in the protocol's relative encoding, a token spanning lines cut at each line end.
pub(crate) fn semantic_tokens(
    file: &SourceFile,
    highlights: &[Highlight],
) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(highlights.len());
    let (mut last_line, mut last_start) = (0u32, 0u32);
    for h in highlights {
        let token_type = HighlightKind::ALL
            .iter()
            .position(|k| *k == h.kind)
            .unwrap_or(0) as u32;
        let modifiers = u32::from(h.declaration) | (u32::from(h.documentation) << 1);
        let mut start = h.span.start as usize;
        let end = (h.span.end as usize).min(file.text.len());
        while start < end {
            let piece_end = file.text[start..end].find('\n').map_or(end, |i| start + i);
            let from = position(file, start);
            let length = file
                .text
                .get(start..piece_end)
                .map_or(0, |s| s.trim_end_matches('\r').encode_utf16().count());
            if length > 0 {
                let delta_line = from.line - last_line;
                let delta_start = if delta_line == 0 {
                    from.character - last_start
                } else {
                    from.character
                };
                out.push(lsp::SemanticToken {
                    delta_line,
                    delta_start,
                    length: length as u32,
                    token_type,
                    token_modifiers_bitset: modifiers,
                });
                (last_line, last_start) = (from.line, from.character);
            }
            start = piece_end + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_round_trip_and_others_are_refused() {
        let path = Path::new("/tmp/a b/ségment#1.seg");
        let uri = uri_of(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/s%C3%A9gment%231.seg");
        assert_eq!(path_of(&uri).unwrap(), path);
        let parse = |s: &str| lsp::Uri::from_str(s).unwrap();
        assert_eq!(
            path_of(&parse("file://localhost/x/y.seg")).unwrap(),
            Path::new("/x/y.seg")
        );
        assert!(path_of(&parse("untitled:Untitled-1")).is_none());
        assert!(path_of(&parse("https://example.com/a.seg")).is_none());
        assert!(path_of(&parse("file://server/share/a.seg")).is_none());
        assert!(path_of(&parse("file:///bad%FF.seg")).is_none());
    }

    #[test]
    fn changes_replace_ranges_in_utf16_positions() {
        let change = |range: Option<((u32, u32), (u32, u32))>, text: &str| {
            lsp::TextDocumentContentChangeEvent {
                range: range.map(|(a, b)| {
                    lsp::Range::new(lsp::Position::new(a.0, a.1), lsp::Position::new(b.0, b.1))
                }),
                range_length: None,
                text: text.to_string(),
            }
        };
        let mut text = "segment a {\r\n  name \"\u{1F600}한\"\n}\n".to_string();
        // After the emoji (2 UTF-16 units) and the Hangul syllable (1): replace the syllable.
        apply_change(&mut text, change(Some(((1, 10), (1, 11))), "글"));
        assert_eq!(text, "segment a {\r\n  name \"\u{1F600}글\"\n}\n");
        // Typing at the end of the first line goes before its \r\n.
        apply_change(&mut text, change(Some(((0, 11), (0, 11))), " "));
        assert_eq!(text, "segment a { \r\n  name \"\u{1F600}글\"\n}\n");
        // Deleting across lines, and a range past the end (clamped, as the protocol allows).
        apply_change(&mut text, change(Some(((0, 12), (1, 2))), ""));
        assert_eq!(text, "segment a { name \"\u{1F600}글\"\n}\n");
        apply_change(&mut text, change(Some(((1, 1), (40, 0))), "\n# end\n"));
        assert_eq!(text, "segment a { name \"\u{1F600}글\"\n}\n# end\n");
        // A reversed range replaces nothing; a change without a range replaces everything.
        apply_change(&mut text, change(Some(((1, 0), (0, 0))), "x"));
        assert_eq!(text, "segment a { name \"\u{1F600}글\"\nx}\n# end\n");
        apply_change(&mut text, change(None, "segment b {}"));
        assert_eq!(text, "segment b {}");
    }

    #[test]
    fn positions_count_utf16_and_clamp() {
        let file = SourceFile::new("a.seg", "ab\r\n\u{1F600}x\nlast");
        let at = |line, character| offset(&file, lsp::Position::new(line, character));
        assert_eq!(at(0, 1), 1);
        assert_eq!(at(0, 99), 2, "clamped before the \\r\\n");
        assert_eq!(at(1, 2), 8, "after the emoji's two UTF-16 units");
        assert_eq!(at(1, 1), 8, "inside a surrogate pair: after the character");
        assert_eq!(at(9, 0), file.text.len());
        assert_eq!(position(&file, 8), lsp::Position::new(1, 2));
        assert_eq!(position(&file, 3), lsp::Position::new(0, 2));
        assert_eq!(
            position(&file, 6),
            lsp::Position::new(1, 0),
            "inside a character"
        );
        assert_eq!(position(&file, 999), lsp::Position::new(2, 4));
    }
}
