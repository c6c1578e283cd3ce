//! The printer: canonical text from an AST, comments kept. This is the core of `seg fmt`.
//!
//! The layout is fixed (2-space indentation, one item per line, blocks open on the header line
//! and close on their own line, operators in their canonical spelling, strings re-escaped), so
//! two people's edits of the same file never differ in formatting.
//!
//! Comments are not part of the tree: [`Module::comments`] lists them with their spans, and the
//! printer places each one by position while it walks the tree in source order, consuming the
//! list with a single cursor:
//! - comments before an item (on their own lines) are printed above it, at its indentation;
//! - a comment after an item on the same line stays at the end of that line;
//! - comments before a closing brace stay before it, comments after the last segment at the end;
//! - a comment inside a construct printed on one line (between an operator and its value, inside
//!   a list, inside a block header) cannot stay where it was, so it moves to its own line right
//!   after that construct (for a block header: the first lines inside the block).
//!
//! Invariant: every comment of the module is printed exactly once, and printing is idempotent:
//! `print(parse(print(x))) == print(x)`. Blank lines are kept (one at most) where the source had
//! them between items; none at the start or end of a block; exactly one after every segment.

use seg_diag::Span;

use crate::ast::*;
use crate::lexer::{first_significant_token, TokenKind};

const INDENT: &str = "  ";

/// Prints a module in the canonical layout. `source` is the text the module was parsed from:
/// comments are read from it, and blank lines between items are kept where it had them. Output
/// uses `\n` line ends and ends with exactly one newline (an empty module prints "").
pub fn print_module(module: &Module, source: &str) -> String {
    let mut comments = module.comments.clone();
    comments.sort_by_key(|c| c.span.start);
    let mut printer = Printer {
        source,
        comments,
        next_comment: 0,
        lines: Vec::new(),
        last_end: 0,
        at_block_start: true,
        force_blank: false,
    };
    for segment in &module.segments {
        printer.segment(segment);
    }
    printer.comments_before(usize::MAX, 0);
    let mut out = printer.lines.join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Renders a literal canonically: strings re-escaped, numbers and dates as written, lists on one
/// line without a trailing comma. Used by the printer and by tools that show a value.
pub fn literal_text(literal: &Literal) -> String {
    let mut out = String::new();
    write_literal(&mut out, literal);
    out
}

/// Quotes and escapes a string the canonical way: `\"`, `\\`, `\n`, `\t`, and `\u{…}` for the
/// other control characters; everything else is written as itself.
pub fn quote_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    write_string(&mut out, value);
    out
}

/// A condition or property that fits on one line, in canonical form, without comments. Blocks
/// in it are printed `{}` when empty and `{ … }` otherwise (used for hover and messages; the
/// module printer puts non-empty blocks on their own lines).
pub fn condition_text(condition: &Condition) -> String {
    let mut out = String::new();
    write_condition_inline(&mut out, condition);
    out
}

struct Printer<'a> {
    source: &'a str,
    comments: Vec<Comment>,
    /// The first comment not printed yet; comments are printed in source order.
    next_comment: usize,
    lines: Vec<String>,
    /// The source offset where the last printed item or comment ended, to measure blank lines.
    last_end: usize,
    /// Nothing printed yet in the current block (or file): no blank line goes here.
    at_block_start: bool,
    /// The next line follows a segment: exactly one blank line goes here.
    force_blank: bool,
}

impl Printer<'_> {
    fn segment(&mut self, segment: &Segment) {
        let start = segment.span.start as usize;
        let end = segment.span.end as usize;
        self.begin_item(start, 0);
        // The opening brace is not in the tree; it is the first token after the id.
        let id_end = segment.id.span.end as usize;
        let brace = self
            .source
            .get(id_end..)
            .and_then(first_significant_token)
            .filter(|t| t.kind == TokenKind::LBrace)
            .map_or(id_end, |t| id_end + t.span.start as usize);
        let header = format!("segment {}", segment.id.name);
        // A comment anywhere in an empty segment (its header included) keeps it open: moved
        // below a one-line segment, the comment would belong to what follows the next time.
        if segment.items.is_empty() && !self.has_comment_inside(segment.span) {
            self.lines.push(format!("{header} {{}}"));
            self.after_construct(end, 0);
        } else {
            self.lines.push(format!("{header} {{"));
            self.after_header(brace, 1);
            for item in &segment.items {
                match item {
                    BodyItem::Property(property) => self.property(property),
                    BodyItem::Condition(condition) => self.condition(condition, 1),
                }
            }
            self.close_block(end.saturating_sub(1), end, "", 0);
        }
        self.force_blank = true;
    }

    fn property(&mut self, property: &Property) {
        self.begin_item(property.span.start as usize, 1);
        let mut line = indent(1);
        line.push_str(property.key.as_str());
        line.push(' ');
        write_literal(&mut line, &property.value);
        self.lines.push(line);
        self.after_construct(property.span.end as usize, 1);
    }

    fn condition(&mut self, condition: &Condition, depth: usize) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            self.condition_inner(condition, depth)
        })
    }

    fn condition_inner(&mut self, condition: &Condition, depth: usize) {
        let span = condition.span();
        self.begin_item(span.start as usize, depth);
        match self.open_block(condition) {
            None => {
                let mut line = indent(depth);
                write_condition_inline(&mut line, condition);
                self.lines.push(line);
                self.after_construct(span.end as usize, depth);
            }
            Some(OpenBlock {
                header,
                block,
                suffix,
            }) => {
                self.lines.push(format!("{}{header} {{", indent(depth)));
                self.after_header(block.span.start as usize, depth + 1);
                for inner in &block.conditions {
                    self.condition(inner, depth + 1);
                }
                self.close_block(
                    (block.span.end as usize).saturating_sub(1),
                    span.end as usize,
                    &suffix,
                    depth,
                );
            }
        }
    }

    /// Splits a condition printed over several lines into the text before its block's `{`,
    /// the block, and the text after its `}`; None when it fits on one line (every block in it
    /// is empty and holds no comment).
    fn open_block<'c>(&self, condition: &'c Condition) -> Option<OpenBlock<'c>> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.open_block_inner(condition))
    }

    fn open_block_inner<'c>(&self, condition: &'c Condition) -> Option<OpenBlock<'c>> {
        let multiline =
            |block: &Block| !block.conditions.is_empty() || self.has_comment_inside(block.span);
        match condition {
            Condition::Combiner { kind, block, .. } if multiline(block) => Some(OpenBlock {
                header: kind.as_str().to_string(),
                block,
                suffix: String::new(),
            }),
            Condition::Quantified {
                quantifier,
                collection,
                window,
                block,
                ..
            } if multiline(block) => {
                let mut header = format!("{} {}", quantifier.as_str(), collection.text());
                if let Some(window) = window {
                    header.push(' ');
                    write_window(&mut header, window);
                }
                Some(OpenBlock {
                    header,
                    block,
                    suffix: String::new(),
                })
            }
            Condition::Single {
                collection, block, ..
            } if multiline(block) => Some(OpenBlock {
                header: collection.text(),
                block,
                suffix: String::new(),
            }),
            Condition::Aggregate {
                function,
                path,
                window,
                filter: Some(filter),
                operation,
                ..
            } if multiline(&filter.block) => {
                let mut header = format!("{}({}", function.as_str(), path.text());
                if let Some(window) = window {
                    header.push(' ');
                    write_window(&mut header, window);
                }
                header.push_str(" where");
                let mut suffix = ") ".to_string();
                write_operation(&mut suffix, operation);
                Some(OpenBlock {
                    header,
                    block: &filter.block,
                    suffix,
                })
            }
            Condition::Not { inner, .. } => self.open_block(inner).map(|mut open| {
                open.header.insert_str(0, "not ");
                open
            }),
            _ => None,
        }
    }

    /// Prints the comments before an item at `start`, then the blank line the item gets.
    fn begin_item(&mut self, start: usize, depth: usize) {
        self.comments_before(start, depth);
        self.separate(start);
        self.at_block_start = false;
        self.force_blank = false;
    }

    /// After the line that opens a block (ending in `{` at source offset `brace`): comments
    /// inside the header move to the top of the block; otherwise a comment after the brace on
    /// the same line stays at the end of the line.
    fn after_header(&mut self, brace: usize, inner_depth: usize) {
        if !self.move_comments_before(brace, inner_depth) {
            self.trailing_comment(brace + 1);
        }
        self.last_end = self.last_end.max(brace + 1);
        self.at_block_start = true;
    }

    /// Prints the comments before the closing brace at `brace`, the brace with `suffix`, and
    /// then what follows the construct ending at `end`.
    fn close_block(&mut self, brace: usize, end: usize, suffix: &str, depth: usize) {
        self.comments_before(brace, depth + 1);
        self.lines.push(format!("{}}}{suffix}", indent(depth)));
        self.at_block_start = false;
        self.force_blank = false;
        self.last_end = self.last_end.max(brace + 1);
        self.after_construct(end, depth);
    }

    /// After a construct's last line: the comments inside the part printed on that line move
    /// below it, or else a comment after it on the same source line is kept at the line's end.
    fn after_construct(&mut self, end: usize, depth: usize) {
        if !self.move_comments_before(end, depth) {
            self.trailing_comment(end);
        }
        self.last_end = self.last_end.max(end);
    }

    /// Prints every comment that starts before `end` on its own line, with no blank lines, as
    /// comments moved out of a one-line construct. Returns whether there was any.
    fn move_comments_before(&mut self, end: usize, depth: usize) -> bool {
        let mut moved = false;
        while let Some(comment) = self.comments.get(self.next_comment) {
            if comment.span.start as usize >= end {
                break;
            }
            let line = format!("{}{}", indent(depth), self.comment_text(comment));
            self.lines.push(line);
            self.next_comment += 1;
            moved = true;
        }
        moved
    }

    /// Appends the next comment to the last line when only spaces separate it from `end`.
    fn trailing_comment(&mut self, end: usize) {
        let Some(comment) = self.comments.get(self.next_comment) else {
            return;
        };
        let start = comment.span.start as usize;
        let same_line = start >= end
            && self
                .source
                .get(end..start)
                .is_some_and(|gap| gap.chars().all(|c| c == ' ' || c == '\t'));
        if !same_line {
            return;
        }
        let text = self.comment_text(comment).to_string();
        if let Some(line) = self.lines.last_mut() {
            line.push_str("  ");
            line.push_str(&text);
        }
        self.last_end = comment.span.end as usize;
        self.next_comment += 1;
    }

    /// Prints the comments that start before `position` on their own lines at `depth`.
    fn comments_before(&mut self, position: usize, depth: usize) {
        while let Some(comment) = self.comments.get(self.next_comment).cloned() {
            let start = comment.span.start as usize;
            if start >= position {
                break;
            }
            self.separate(start);
            let line = format!("{}{}", indent(depth), self.comment_text(&comment));
            self.lines.push(line);
            self.last_end = comment.span.end as usize;
            self.at_block_start = false;
            self.force_blank = false;
            self.next_comment += 1;
        }
    }

    /// Emits the blank line that goes before something starting at `start`, if any.
    fn separate(&mut self, start: usize) {
        let blank_in_source = !self.at_block_start
            && self
                .source
                .get(self.last_end..start)
                .is_some_and(|gap| gap.bytes().filter(|&b| b == b'\n').count() >= 2);
        if self.force_blank || blank_in_source {
            self.lines.push(String::new());
        }
    }

    fn has_comment_inside(&self, span: Span) -> bool {
        // Comments are sorted by start: find the first one after the opening brace.
        let first = self
            .comments
            .partition_point(|c| c.span.start <= span.start);
        self.comments
            .get(first)
            .is_some_and(|c| c.span.start < span.end)
    }

    fn comment_text(&self, comment: &Comment) -> &str {
        self.source
            .get(comment.span.range())
            .unwrap_or("//")
            .trim_end()
    }
}

/// A condition printed over several lines: `header {`, the block's lines, `}suffix`.
struct OpenBlock<'c> {
    header: String,
    block: &'c Block,
    suffix: String,
}

fn indent(depth: usize) -> String {
    INDENT.repeat(depth)
}

fn write_condition_inline(out: &mut String, condition: &Condition) {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
        write_condition_inline_inner(out, condition)
    })
}

fn write_condition_inline_inner(out: &mut String, condition: &Condition) {
    match condition {
        Condition::Combiner { kind, block, .. } => {
            out.push_str(kind.as_str());
            out.push(' ');
            write_block_inline(out, block);
        }
        Condition::Not { inner, .. } => {
            out.push_str("not ");
            write_condition_inline(out, inner);
        }
        Condition::SegmentRef { target, .. } => {
            out.push_str("in segment ");
            out.push_str(&target.name);
        }
        Condition::Quantified {
            quantifier,
            collection,
            window,
            block,
            ..
        } => {
            out.push_str(quantifier.as_str());
            out.push(' ');
            out.push_str(&collection.text());
            if let Some(window) = window {
                out.push(' ');
                write_window(out, window);
            }
            out.push(' ');
            write_block_inline(out, block);
        }
        Condition::Single {
            collection, block, ..
        } => {
            out.push_str(&collection.text());
            out.push(' ');
            write_block_inline(out, block);
        }
        Condition::Aggregate {
            function,
            path,
            window,
            filter,
            operation,
            ..
        } => {
            out.push_str(function.as_str());
            out.push('(');
            out.push_str(&path.text());
            if let Some(window) = window {
                out.push(' ');
                write_window(out, window);
            }
            if let Some(filter) = filter {
                out.push_str(" where ");
                write_block_inline(out, &filter.block);
            }
            out.push_str(") ");
            write_operation(out, operation);
        }
        Condition::Comparison {
            path, operation, ..
        } => {
            out.push_str(&path.text());
            out.push(' ');
            write_operation(out, operation);
        }
    }
}

fn write_block_inline(out: &mut String, block: &Block) {
    if block.conditions.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{ ");
    for (i, condition) in block.conditions.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_condition_inline(out, condition);
    }
    out.push_str(" }");
}

fn write_window(out: &mut String, window: &Window) {
    match &window.kind {
        WindowKind::WithinLast(duration) => {
            out.push_str("within last ");
            write_duration(out, duration);
        }
        WindowKind::Between(from, to) => {
            out.push_str("between ");
            write_literal(out, from);
            out.push_str(" and ");
            write_literal(out, to);
        }
        WindowKind::After(at) => {
            out.push_str("after ");
            write_literal(out, at);
        }
        WindowKind::Before(at) => {
            out.push_str("before ");
            write_literal(out, at);
        }
    }
}

fn write_duration(out: &mut String, duration: &Duration) {
    write_literal(out, &duration.amount);
    out.push(' ');
    out.push_str(&duration.unit.name);
}

fn write_operation(out: &mut String, operation: &Operation) {
    out.push_str(operation.operator.as_str());
    match &operation.operands {
        Operands::None => {}
        Operands::One(value) => {
            out.push(' ');
            write_literal(out, value);
        }
        Operands::Two(from, to) => {
            out.push(' ');
            write_literal(out, from);
            out.push_str(" and ");
            write_literal(out, to);
        }
        Operands::Duration(duration) => {
            out.push(' ');
            write_duration(out, duration);
            if operation.operator == Operator::MoreThanAgo {
                out.push_str(" ago");
            }
        }
    }
}

fn write_literal(out: &mut String, literal: &Literal) {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || write_literal_inner(out, literal))
}

fn write_literal_inner(out: &mut String, literal: &Literal) {
    match &literal.kind {
        LiteralKind::String(value) => write_string(out, value),
        LiteralKind::Number(text)
        | LiteralKind::Date(text)
        | LiteralKind::DateTime(text)
        | LiteralKind::Word(text) => out.push_str(text),
        LiteralKind::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        LiteralKind::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_literal(out, item);
            }
            out.push(']');
        }
    }
}

fn write_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
