//! Helpers shared by the seg-syntax integration tests: a compact, stable text rendering of the
//! AST (with or without spans) for snapshots and for comparing trees modulo spans, and a
//! rendering of diagnostics that shows the source text under each span.
//!
//! The rendering is written out by hand rather than taken from `{:#?}` so that snapshots stay
//! short enough to review and do not change when an unrelated field is added to a node.

#![allow(dead_code)]

use seg_diag::{Diagnostic, FileId, Span};
use seg_syntax::ast::*;

/// Parses `text`, failing the test with the diagnostics when there are any.
pub fn parse_clean(text: &str) -> Module {
    let (module, diagnostics) = seg_syntax::parse(FileId(0), text);
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics for:\n{text}\n{}",
        render_diagnostics(&diagnostics, text)
    );
    module
}

/// Formats `text` (which must parse cleanly).
pub fn format(text: &str) -> String {
    let module = parse_clean(text);
    seg_syntax::printer::print_module(&module, text)
}

/// Formats `text` and checks that formatting the result changes nothing and keeps every comment.
pub fn format_checked(text: &str) -> String {
    let module = parse_clean(text);
    let once = seg_syntax::printer::print_module(&module, text);
    let reparsed = parse_clean(&once);
    let twice = seg_syntax::printer::print_module(&reparsed, &once);
    assert_eq!(
        once, twice,
        "printing is not idempotent; first print:\n{once}"
    );
    assert_eq!(
        render(&module, false),
        render(&reparsed, false),
        "printing changed the tree; printed:\n{once}"
    );
    let comments = |m: &Module, t: &str| -> Vec<String> {
        m.comments
            .iter()
            .map(|c| t[c.span.range()].trim_end().to_string())
            .collect()
    };
    assert_eq!(
        comments(&module, text),
        comments(&reparsed, &once),
        "comments lost or reordered:\n{once}"
    );
    once
}

/// The tree as indented lines, one node per line. With `spans`, each node shows its span as
/// `@start..end` (and keywords, operators and literals theirs), so that a snapshot pins what
/// the checker's diagnostics will point at.
pub fn render(module: &Module, spans: bool) -> String {
    let mut r = Renderer {
        out: String::new(),
        spans,
    };
    for segment in &module.segments {
        r.segment(segment);
    }
    if spans {
        for comment in &module.comments {
            let kind = match comment.kind {
                CommentKind::Line => "line",
                CommentKind::Doc => "doc",
            };
            r.out
                .push_str(&format!("comment {kind}{}\n", r.at(comment.span)));
        }
    }
    r.out
}

struct Renderer {
    out: String,
    spans: bool,
}

impl Renderer {
    fn at(&self, span: Span) -> String {
        if self.spans {
            format!("@{}..{}", span.start, span.end)
        } else {
            String::new()
        }
    }

    fn line(&mut self, depth: usize, text: &str) {
        self.out.push_str(&"  ".repeat(depth));
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn segment(&mut self, segment: &Segment) {
        let header = format!(
            "segment {}{}{}",
            segment.id.name,
            self.at(segment.id.span),
            self.at(segment.span)
        );
        self.line(0, &header);
        if let Some(doc) = &segment.doc {
            self.line(1, &format!("doc {doc:?}"));
        }
        for item in &segment.items {
            match item {
                BodyItem::Property(p) => {
                    let text = format!(
                        "property {}{} {}{}",
                        p.key.as_str(),
                        self.at(p.key_span),
                        self.literal(&p.value),
                        self.at(p.span)
                    );
                    self.line(1, &text);
                }
                BodyItem::Condition(c) => self.condition(c, 1),
            }
        }
    }

    fn condition(&mut self, condition: &Condition, depth: usize) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            self.condition_inner(condition, depth)
        })
    }

    fn condition_inner(&mut self, condition: &Condition, depth: usize) {
        match condition {
            Condition::Combiner {
                kind,
                keyword,
                block,
                span,
            } => {
                let text = format!("{}{}{}", kind.as_str(), self.at(*keyword), self.at(*span));
                self.line(depth, &text);
                self.block(block, depth + 1);
            }
            Condition::Not {
                keyword,
                inner,
                span,
            } => {
                let text = format!("not{}{}", self.at(*keyword), self.at(*span));
                self.line(depth, &text);
                self.condition(inner, depth + 1);
            }
            Condition::SegmentRef {
                keyword,
                target,
                span,
            } => {
                let text = format!(
                    "in segment{} {}{}{}",
                    self.at(*keyword),
                    target.name,
                    self.at(target.span),
                    self.at(*span)
                );
                self.line(depth, &text);
            }
            Condition::Quantified {
                quantifier,
                keyword,
                collection,
                window,
                block,
                span,
            } => {
                let mut text = format!(
                    "{}{} {}",
                    quantifier.as_str(),
                    self.at(*keyword),
                    self.path(collection)
                );
                if let Some(w) = window {
                    text.push(' ');
                    text.push_str(&self.window(w));
                }
                text.push_str(&self.at(*span));
                self.line(depth, &text);
                self.block(block, depth + 1);
            }
            Condition::Single {
                collection,
                block,
                span,
            } => {
                let text = format!("single {}{}", self.path(collection), self.at(*span));
                self.line(depth, &text);
                self.block(block, depth + 1);
            }
            Condition::Aggregate {
                function,
                keyword,
                path,
                window,
                filter,
                operation,
                span,
            } => {
                let mut text = format!(
                    "{}{}({})",
                    function.as_str(),
                    self.at(*keyword),
                    self.path(path)
                );
                if let Some(w) = window {
                    text.push(' ');
                    text.push_str(&self.window(w));
                }
                text.push(' ');
                text.push_str(&self.operation(operation));
                text.push_str(&self.at(*span));
                self.line(depth, &text);
                if let Some(filter) = filter {
                    let text = format!("where{}", self.at(filter.keyword));
                    self.line(depth + 1, &text);
                    self.block(&filter.block, depth + 2);
                }
            }
            Condition::Comparison {
                path,
                operation,
                span,
            } => {
                let text = format!(
                    "{} {}{}",
                    self.path(path),
                    self.operation(operation),
                    self.at(*span)
                );
                self.line(depth, &text);
            }
        }
    }

    fn block(&mut self, block: &Block, depth: usize) {
        let text = format!("block{}", self.at(block.span));
        self.line(depth, &text);
        for c in &block.conditions {
            self.condition(c, depth + 1);
        }
    }

    fn path(&self, path: &Path) -> String {
        let mut text = String::new();
        for (i, ident) in path.segments.iter().enumerate() {
            if i > 0 {
                text.push('.');
            }
            text.push_str(&ident.name);
            text.push_str(&self.at(ident.span));
        }
        if path.segments.len() > 1 {
            text.push_str(&self.at(path.span));
        }
        text
    }

    fn window(&self, window: &Window) -> String {
        let kind = match &window.kind {
            WindowKind::WithinLast(d) => format!("within_last {}", self.duration(d)),
            WindowKind::Between(a, b) => format!("between {} {}", self.literal(a), self.literal(b)),
            WindowKind::After(a) => format!("after {}", self.literal(a)),
            WindowKind::Before(a) => format!("before {}", self.literal(a)),
        };
        format!(
            "[window{} {kind}]{}",
            self.at(window.keyword),
            self.at(window.span)
        )
    }

    fn duration(&self, duration: &Duration) -> String {
        format!(
            "{} {}{}{}",
            self.literal(&duration.amount),
            duration.unit.name,
            self.at(duration.unit.span),
            self.at(duration.span)
        )
    }

    fn operation(&self, operation: &Operation) -> String {
        let operands = match &operation.operands {
            Operands::None => String::new(),
            Operands::One(a) => format!(" {}", self.literal(a)),
            Operands::Two(a, b) => format!(" {} {}", self.literal(a), self.literal(b)),
            Operands::Duration(d) => format!(" {}", self.duration(d)),
        };
        format!(
            "{:?}{}{operands}",
            operation.operator,
            self.at(operation.operator_span)
        )
    }

    fn literal(&self, literal: &Literal) -> String {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.literal_inner(literal))
    }

    fn literal_inner(&self, literal: &Literal) -> String {
        let text = match &literal.kind {
            LiteralKind::String(s) => format!("String({s:?})"),
            LiteralKind::Number(n) => format!("Number({n})"),
            LiteralKind::Bool(b) => format!("Bool({b})"),
            LiteralKind::Date(d) => format!("Date({d})"),
            LiteralKind::DateTime(d) => format!("DateTime({d})"),
            LiteralKind::Word(w) => format!("Word({w})"),
            LiteralKind::List(items) => {
                let items: Vec<String> = items.iter().map(|i| self.literal(i)).collect();
                format!("List[{}]", items.join(", "))
            }
        };
        format!("{text}{}", self.at(literal.span))
    }
}

/// Each diagnostic as `CODE line:col..line:col message`, the source line, and carets under
/// the primary span, so a snapshot shows exactly which token is blamed.
pub fn render_diagnostics(diagnostics: &[Diagnostic], text: &str) -> String {
    let source = seg_diag::SourceFile::new("test.seg", text);
    let mut out = String::new();
    for d in diagnostics {
        let span = d.primary.span;
        let (start, end) = source.span_lines(span);
        out.push_str(&format!(
            "{} {}:{}..{}:{} {}\n",
            d.code.as_str(),
            start.line,
            start.column,
            end.line,
            end.column,
            d.message
        ));
        let line_start = text[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[span.start as usize..]
            .find('\n')
            .map_or(text.len(), |i| span.start as usize + i);
        let line = text[line_start..line_end].trim_end_matches('\r');
        out.push_str(&format!("  | {}\n", visible(line)));
        let lead: String = visible(&text[line_start..span.start as usize])
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let width = text[span.range()]
            .lines()
            .next()
            .map_or(0, |l| l.chars().count())
            .max(1);
        out.push_str(&format!(
            "  | {lead}{}  {}\n",
            "^".repeat(width),
            d.primary.message
        ));
        if let Some(help) = &d.help {
            out.push_str(&format!("  = help: {help}\n"));
        }
    }
    out
}

/// The line with control characters (a NUL byte, say) shown as escapes, tabs kept.
fn visible(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
