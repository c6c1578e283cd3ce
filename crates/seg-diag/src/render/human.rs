//! Terminal reports drawn by ariadne: `error[E0201]: message`, the source lines with the primary
//! label and any secondary ones (in other files too), the help, and where to read more.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::ops::Range;

use ariadne::{Cache, Color, Config, IndexType, Label as Mark, Report, ReportKind, Source};

use super::{clamp, UNKNOWN_FILE};
use crate::{Diagnostic, FileId, Severity, Sources, Span};

/// Terminal reports, one after another, as ariadne draws them; ANSI colours only when `color`.
pub fn human(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let mut cache = Screen::new(sources);
    let mut out = Vec::new();
    for diagnostic in diagnostics {
        report(diagnostic, &mut cache, color, &mut out);
    }
    let out = String::from_utf8_lossy(&out).into_owned();
    if color {
        out
    } else {
        // ariadne colours a custom kind's header even with colour off. Every other character it
        // prints was made printable first, so any escape sequence left is that colour.
        without_colour_codes(&out)
    }
}

fn report(d: &Diagnostic, cache: &mut Screen<'_>, color: bool, out: &mut Vec<u8>) {
    // ariadne prints `[CODE] Error:`; a custom kind gives the `error[CODE]:` header that
    // rustc made familiar, coloured like ariadne's own kinds.
    let (accent, kind) = match d.severity {
        Severity::Error => (Color::Red, format!("error[{}]", d.code)),
        Severity::Warning => (Color::Yellow, format!("warning[{}]", d.code)),
    };
    let primary = (
        d.primary.file,
        cache.char_range(d.primary.file, d.primary.span),
    );

    // ariadne starts a new source section whenever a label lies in another file or ends on an
    // earlier line than the one before it, and heads every section of the primary's file with
    // the primary's position, even one that does not show it. Ordering the labels by file (the
    // primary's first) and by end keeps one section per file.
    let mut labels = vec![(primary.clone(), d.primary.message.as_str(), accent)];
    for label in &d.secondary {
        let range = cache.char_range(label.file, label.span);
        labels.push(((label.file, range), label.message.as_str(), Color::Blue));
    }
    let file_rank = |file: FileId| (file != d.primary.file, file);
    labels.sort_by_key(|((file, range), _, _)| (file_rank(*file), range.end, range.start));

    let mut builder = Report::build(ReportKind::Custom(&kind, accent), primary)
        .with_config(
            Config::default()
                .with_index_type(IndexType::Char)
                .with_color(color),
        )
        .with_message(printable(&d.message));
    for (order, (span, message, label_color)) in labels.into_iter().enumerate() {
        let mut mark = Mark::new(span)
            .with_order(order as i32)
            .with_color(label_color);
        if !message.is_empty() {
            mark = mark.with_message(printable(message));
        }
        builder = builder.with_label(mark);
    }
    if let Some(help) = &d.help {
        builder = builder.with_help(printable(help));
    }
    builder = builder.with_note(format!("see `seg explain {}`", d.code));
    // Writing into a Vec fails only if the cache does, and the cache cannot fail.
    let _ = builder.finish().write(&mut *cache, out);
}

/// ariadne's view of the files: each text made safe to draw, built when a report first needs it.
struct Screen<'a> {
    sources: &'a Sources,
    shown: HashMap<FileId, Source<String>>,
}

impl<'a> Screen<'a> {
    fn new(sources: &'a Sources) -> Screen<'a> {
        Screen {
            sources,
            shown: HashMap::new(),
        }
    }

    fn text(&self, file: FileId) -> &'a str {
        self.sources.try_get(file).map_or("", |f| f.text.as_str())
    }

    fn source(&mut self, file: FileId) -> &Source<String> {
        let text = self.text(file);
        self.shown
            .entry(file)
            .or_insert_with(|| Source::from(drawable(text)))
    }

    /// A byte span as the character range ariadne draws. ariadne's byte mode heads sections of
    /// other files with a character offset read as a byte offset (wrong after any non-ASCII
    /// text), so the conversion is done here and ariadne only ever sees characters.
    fn char_range(&mut self, file: FileId, span: Span) -> Range<usize> {
        let text = self.text(file);
        let bytes = clamp(span, text);
        let start = self.char_offset(file, bytes.start);
        start..start + text[bytes].chars().count()
    }

    /// The character offset of a byte offset, found through the line tables rather than by
    /// counting from the start of the file, which for many diagnostics in a long file would be
    /// quadratic. [`drawable`] keeps ariadne's lines and the source's lines the same.
    fn char_offset(&mut self, file: FileId, byte: usize) -> usize {
        let Some(source) = self.sources.try_get(file) else {
            return 0;
        };
        let position = source.line_col(byte as u32);
        let line_start = self
            .source(file)
            .line(position.line as usize - 1)
            .map_or(0, |line| line.offset());
        line_start + position.column as usize - 1
    }
}

impl Cache<FileId> for Screen<'_> {
    type Storage = String;

    fn fetch(&mut self, id: &FileId) -> Result<&Source<String>, impl fmt::Debug> {
        Ok::<_, Infallible>(self.source(*id))
    }

    fn display<'b>(&self, id: &'b FileId) -> Option<impl fmt::Display + 'b> {
        Some(
            self.sources
                .try_get(*id)
                .map_or_else(|| UNKNOWN_FILE.to_string(), |f| printable(&f.path)),
        )
    }
}

/// Whether a character would disturb the terminal or the picture if printed as it is: control
/// characters, the line breaks ariadne knows beyond `\n`, and bidirectional overrides.
fn disturbs(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || c.is_control()
}

/// Messages, labels, help and paths may quote what the user wrote (a string literal, a file
/// name); line breaks are kept, anything else that would disturb the terminal is replaced.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c != '\n' && disturbs(c) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// The text without SGR sequences (`ESC [ … m`), the only escapes ariadne writes.
fn without_colour_codes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let parameters = after.strip_prefix('[').map(|p| {
            p.len()
                - p.trim_start_matches(|c: char| c.is_ascii_digit() || c == ';')
                    .len()
        });
        rest = match parameters {
            Some(n) if after[1 + n..].starts_with('m') => &after[n + 2..],
            // Not a colour code: it cannot come from ariadne, so it is shown, not obeyed.
            _ => {
                out.push('\u{FFFD}');
                after
            }
        };
    }
    out.push_str(rest);
    out
}

/// The text as it is drawn: one character for each character of the source, so that character
/// offsets still fit, with the characters that would corrupt the picture replaced.
///
/// ariadne breaks lines at `\r`, vertical tab, form feed, U+0085, U+2028 and U+2029 as well as
/// `\n`; Seg (like the JSON and SARIF positions) breaks at `\n` only, so the others would shift
/// every line number after them. Control characters (NUL, escape …) would reach the terminal
/// raw, and bidirectional overrides could make the line shown differ from the line read.
fn drawable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let keep = match c {
            '\n' | '\t' => true,
            '\r' => chars.peek() == Some(&'\n'),
            c => !disturbs(c),
        };
        out.push(if keep { c } else { stand_in(c) });
    }
    // ariadne has no line after a final line break, and would draw a diagnostic at the very end
    // of the file on the last line instead of the empty one after it, where the header, JSON and
    // editors place it.
    if out.ends_with('\n') {
        out.push(' ');
    }
    out
}

/// What is drawn for a character that cannot be: a C0 control or DEL as its Unicode control
/// picture (`␀`, `␛`, `␍` …), as rustc shows them, anything else as `�`.
fn stand_in(c: char) -> char {
    match c {
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7f}' => '\u{2421}',
        _ => '\u{FFFD}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawable_text_breaks_lines_only_at_line_feeds() {
        assert_eq!(drawable("a\r\nb\rc\u{2028}d"), "a\r\nb\u{240D}c\u{FFFD}d");
        assert_eq!(
            drawable("a\0b\u{1b}[31m\u{7f}"),
            "a\u{2400}b\u{241B}[31m\u{2421}"
        );
        assert_eq!(drawable("x\n"), "x\n ");
        assert_eq!(drawable(""), "");
        assert_eq!(printable("a\u{1b}b\nc\u{202E}"), "a\u{FFFD}b\nc\u{FFFD}");
        assert_eq!(
            without_colour_codes("\u{1b}[31merror:\u{1b}[0m x \u{1b}[1;38;5;9mb\u{1b}[0m\u{1b}]0"),
            "error: x b\u{FFFD}]0"
        );
        for text in ["a\u{85}b", "\u{202E}abc", "ö\u{0}\r"] {
            assert_eq!(
                drawable(text).chars().count(),
                text.chars().count(),
                "{text:?}"
            );
        }
    }
}
