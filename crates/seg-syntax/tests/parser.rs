//! Parser tests over the fixtures in `tests/parse/` (every construct of the language) and
//! `tests/parse/errors/` (syntax errors), plus generated variants of every fixture.
//!
//! What they pin, and why:
//! - `tree@*.snap`: the AST of each fixture, rendered span-free so the snapshot can be reviewed;
//!   `spans_match_the_source` checks every span against the text instead, so that diagnostics
//!   (which point at these spans) underline the right token.
//! - `printed@*.snap`: the canonical text of each fixture; printing must be idempotent and keep
//!   every comment, since `seg fmt` rewrites users' files.
//! - the generated variants (a comment after every token, comments on their own lines, CRLF
//!   line ends, a byte order mark) must give the same tree: §1 says whitespace and comments are
//!   insignificant, and editors on Windows save CRLF.
//! - `errors@*.snap`: each syntax error says what was expected and points at the offending
//!   token, and a broken segment never hides the segments after it.

mod common;

use std::path::Path as FsPath;

use common::{format_checked, parse_clean, render, render_diagnostics};
use seg_diag::{Code, FileId, Span};
use seg_syntax::ast::*;
use seg_syntax::lexer::tokenize;

fn read(path: &FsPath) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn fixtures_tree() {
    insta::glob!("../../../tests/parse", "*.seg", |path| {
        let text = read(path);
        let module = parse_clean(&text);
        insta::assert_snapshot!("tree", render(&module, false));
    });
}

#[test]
fn fixtures_printed() {
    insta::glob!("../../../tests/parse", "*.seg", |path| {
        let text = read(path);
        insta::assert_snapshot!("printed", format_checked(&text));
    });
}

#[test]
fn fixtures_errors() {
    insta::glob!("../../../tests/parse/errors", "*.seg", |path| {
        let text = read(path);
        let (module, diagnostics) = seg_syntax::parse(FileId(0), &text);
        assert!(
            !diagnostics.is_empty(),
            "{} should not parse cleanly",
            path.display()
        );
        for d in &diagnostics {
            let span = d.primary.span;
            assert!(
                span.end as usize <= text.len(),
                "span {span} is outside the file"
            );
            // Every syntax error says what was expected, except an unterminated string, whose
            // message says what is wrong instead.
            if d.code == Code::E0002 && !d.message.contains("never closed") {
                assert!(
                    d.message.starts_with("expected "),
                    "message does not say what was expected: {}",
                    d.message
                );
            }
        }
        let ids: Vec<&str> = module.segments.iter().map(|s| s.id.name.as_str()).collect();
        let snapshot = format!(
            "{}parsed segments: {ids:?}\n",
            render_diagnostics(&diagnostics, &text)
        );
        insta::assert_snapshot!("errors", snapshot);
    });
}

/// Every `.seg` fixture (not the error ones), with its text.
fn fixtures() -> Vec<(String, String)> {
    let dir = FsPath::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/parse");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "seg"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "the parse fixtures are missing from {}",
        dir.display()
    );
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                read(&p),
            )
        })
        .collect()
}

/// Inserts `insert(n)` after every significant token (every token but comments).
fn after_every_token(text: &str, insert: impl Fn(usize) -> String) -> String {
    let mut out = String::new();
    let mut copied = 0;
    for (n, token) in tokenize(text)
        .iter()
        .filter(|t| !t.kind.is_comment())
        .enumerate()
    {
        let end = token.span.end as usize;
        out.push_str(&text[copied..end]);
        out.push_str(&insert(n));
        copied = end;
    }
    out.push_str(&text[copied..]);
    out
}

#[test]
fn a_comment_after_every_token_changes_nothing() {
    for (name, text) in fixtures() {
        let original = parse_clean(&text);
        for (style, commented) in [
            (
                "same line",
                after_every_token(&text, |n| format!(" // c{n}\n")),
            ),
            (
                "own line",
                after_every_token(&text, |n| format!("\n// c{n}\n")),
            ),
            (
                "doc style",
                after_every_token(&text, |n| format!("\n/// d{n}\n")),
            ),
        ] {
            let commented = format!("// first\n{commented}\n// last");
            let module = parse_clean(&commented);
            // Doc comments inserted before a `segment` keyword become its doc: compare without.
            let strip_docs = |m: &Module| {
                let mut m = m.clone();
                m.segments.iter_mut().for_each(|s| s.doc = None);
                render(&m, false)
            };
            assert_eq!(
                strip_docs(&original),
                strip_docs(&module),
                "{name} ({style}): the comments changed the tree"
            );
            assert!(
                module.comments.len() > original.comments.len(),
                "{name} ({style}): comments not collected"
            );
            let printed = format_checked(&commented);
            assert!(
                printed.starts_with("// first\n"),
                "{name} ({style}): first comment moved"
            );
            assert!(
                printed.ends_with("// last\n"),
                "{name} ({style}): last comment moved"
            );
        }
    }
}

#[test]
fn crlf_line_ends_change_nothing() {
    for (name, text) in fixtures() {
        let lf = text.replace("\r\n", "\n");
        let crlf = lf.replace('\n', "\r\n");
        let module_lf = parse_clean(&lf);
        let module_crlf = parse_clean(&crlf);
        // A raw line break inside a string keeps its CR: that is the string's value.
        let normalize = |m: &Module| render(m, false).replace("\\r\\n", "\\n");
        assert_eq!(
            normalize(&module_lf),
            normalize(&module_crlf),
            "{name}: CRLF changed the tree"
        );
        let printed = format_checked(&crlf);
        assert!(
            !printed.contains('\r'),
            "{name}: the printer wrote a CR:\n{printed}"
        );
        let printed_lf = format_checked(&lf);
        assert_eq!(
            printed.replace("\\u{d}\\n", "\\n"),
            printed_lf,
            "{name}: CRLF printed differently"
        );
    }
}

#[test]
fn a_byte_order_mark_changes_nothing() {
    for (name, text) in fixtures() {
        let text = text.trim_start_matches('\u{FEFF}');
        let with_bom = format!("\u{FEFF}{text}");
        assert_eq!(
            render(&parse_clean(text), false),
            render(&parse_clean(&with_bom), false),
            "{name}"
        );
        assert_eq!(
            format_checked(text),
            format_checked(&with_bom),
            "{name}: the BOM is not dropped"
        );
    }
}

#[test]
fn printing_canonical_text_changes_nothing() {
    // The printed snapshots are canonical: formatting them again is the identity, and parsing
    // them gives the fixture's tree.
    for (name, text) in fixtures() {
        let printed = format_checked(&text);
        assert_eq!(format_checked(&printed), printed, "{name}");
    }
}

// ---- Spans ------------------------------------------------------------------------------------

#[test]
fn spans_match_the_source() {
    for (name, text) in fixtures() {
        let module = parse_clean(&text);
        let check = SpanCheck {
            text: &text,
            name: &name,
        };
        for segment in &module.segments {
            check.segment(segment);
        }
        for comment in &module.comments {
            let slice = check.slice(comment.span);
            let prefix = if comment.kind == CommentKind::Doc {
                "///"
            } else {
                "//"
            };
            assert!(
                slice.starts_with(prefix) && !slice.contains('\n'),
                "{name}: comment span {slice:?}"
            );
        }
    }
}

struct SpanCheck<'a> {
    text: &'a str,
    name: &'a str,
}

impl SpanCheck<'_> {
    fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.range())
            .unwrap_or_else(|| panic!("{}: span {span} is not in the text", self.name))
    }

    fn expect(&self, span: Span, expected: &str) {
        assert_eq!(self.slice(span), expected, "{}: span {span}", self.name);
    }

    fn starts_ends(&self, span: Span, start: &str, end: &str) {
        let s = self.slice(span);
        assert!(
            s.starts_with(start) && s.ends_with(end),
            "{}: span {span} is {s:?}, expected {start}…{end}",
            self.name
        );
    }

    fn segment(&self, segment: &Segment) {
        self.starts_ends(segment.span, "segment", "}");
        self.expect(segment.id.span, &segment.id.name);
        for item in &segment.items {
            assert!(segment.span.start < item.span().start && item.span().end < segment.span.end);
            match item {
                BodyItem::Property(p) => {
                    self.expect(p.key_span, p.key.as_str());
                    self.literal(&p.value);
                    assert_eq!(
                        (p.span.start, p.span.end),
                        (p.key_span.start, p.value.span.end),
                        "{}",
                        self.name
                    );
                }
                BodyItem::Condition(c) => self.condition(c),
            }
        }
    }

    fn condition(&self, condition: &Condition) {
        let span = condition.span();
        match condition {
            Condition::Combiner {
                kind,
                keyword,
                block,
                ..
            } => {
                self.expect(*keyword, kind.as_str());
                assert_eq!((span.start, span.end), (keyword.start, block.span.end));
                self.block(block);
            }
            Condition::Not { keyword, inner, .. } => {
                self.expect(*keyword, "not");
                assert_eq!((span.start, span.end), (keyword.start, inner.span().end));
                self.condition(inner);
            }
            Condition::SegmentRef {
                keyword, target, ..
            } => {
                self.starts_ends(*keyword, "in", "segment");
                self.expect(target.span, &target.name);
                assert_eq!((span.start, span.end), (keyword.start, target.span.end));
            }
            Condition::Quantified {
                quantifier,
                keyword,
                collection,
                window,
                block,
                ..
            } => {
                self.expect(*keyword, quantifier.as_str());
                self.path(collection);
                if let Some(w) = window {
                    self.window(w);
                }
                self.block(block);
                assert_eq!((span.start, span.end), (keyword.start, block.span.end));
            }
            Condition::Single {
                collection, block, ..
            } => {
                self.path(collection);
                self.block(block);
                assert_eq!(
                    (span.start, span.end),
                    (collection.span.start, block.span.end)
                );
            }
            Condition::Aggregate {
                function,
                keyword,
                path,
                window,
                filter,
                operation,
                ..
            } => {
                self.expect(*keyword, function.as_str());
                self.path(path);
                if let Some(w) = window {
                    self.window(w);
                }
                if let Some(f) = filter {
                    self.expect(f.keyword, "where");
                    self.block(&f.block);
                }
                self.operation(operation);
                assert_eq!((span.start, span.end), (keyword.start, operation.span.end));
            }
            Condition::Comparison {
                path, operation, ..
            } => {
                self.path(path);
                self.operation(operation);
                assert_eq!(
                    (span.start, span.end),
                    (path.span.start, operation.span.end)
                );
            }
        }
    }

    fn block(&self, block: &Block) {
        self.starts_ends(block.span, "{", "}");
        for c in &block.conditions {
            self.condition(c);
        }
    }

    fn path(&self, path: &Path) {
        for ident in &path.segments {
            self.expect(ident.span, &ident.name);
        }
        let (first, last) = (
            path.segments.first().unwrap(),
            path.segments.last().unwrap(),
        );
        assert_eq!(
            (path.span.start, path.span.end),
            (first.span.start, last.span.end),
            "{}",
            self.name
        );
    }

    fn window(&self, window: &Window) {
        let word = self.slice(window.keyword);
        let end = match &window.kind {
            WindowKind::WithinLast(d) => {
                assert_eq!(word, "within");
                self.duration(d);
                d.span.end
            }
            WindowKind::Between(a, b) => {
                assert_eq!(word, "between");
                self.literal(a);
                self.literal(b);
                b.span.end
            }
            WindowKind::After(a) => {
                assert_eq!(word, "after");
                self.literal(a);
                a.span.end
            }
            WindowKind::Before(a) => {
                assert_eq!(word, "before");
                self.literal(a);
                a.span.end
            }
        };
        assert_eq!(
            (window.span.start, window.span.end),
            (window.keyword.start, end),
            "{}",
            self.name
        );
    }

    fn duration(&self, duration: &Duration) {
        self.literal(&duration.amount);
        self.expect(duration.unit.span, &duration.unit.name);
        assert_eq!(
            (duration.span.start, duration.span.end),
            (duration.amount.span.start, duration.unit.span.end)
        );
    }

    fn operation(&self, operation: &Operation) {
        let canonical = operation.operator.as_str();
        let written = self.slice(operation.operator_span);
        let symbol = match operation.operator {
            Operator::Is => Some("=="),
            Operator::IsNot => Some("!="),
            _ => None,
        };
        // The operator span covers the operator's words (not its operands), however spaced.
        let words: Vec<&str> = written.split_whitespace().collect();
        assert!(
            words.join(" ") == canonical
                || Some(written) == symbol
                || canonical == "more than" && words == ["more", "than"],
            "{}: operator span {:?} for {canonical}",
            self.name,
            written
        );
        let end = match &operation.operands {
            Operands::None => operation.operator_span.end,
            Operands::One(a) => {
                self.literal(a);
                a.span.end
            }
            Operands::Two(a, b) => {
                self.literal(a);
                self.literal(b);
                b.span.end
            }
            Operands::Duration(d) => {
                self.duration(d);
                if operation.operator == Operator::MoreThanAgo {
                    assert!(self
                        .slice(Span::new(d.span.end as usize, operation.span.end as usize))
                        .trim_start()
                        .starts_with("ago"));
                    operation.span.end
                } else {
                    d.span.end
                }
            }
        };
        assert_eq!(
            (operation.span.start, operation.span.end),
            (operation.operator_span.start, end),
            "{}",
            self.name
        );
    }

    fn literal(&self, literal: &Literal) {
        match &literal.kind {
            LiteralKind::String(_) => self.starts_ends(literal.span, "\"", "\""),
            LiteralKind::Number(t)
            | LiteralKind::Date(t)
            | LiteralKind::DateTime(t)
            | LiteralKind::Word(t) => self.expect(literal.span, t),
            LiteralKind::Bool(b) => self.expect(literal.span, if *b { "true" } else { "false" }),
            LiteralKind::List(items) => {
                self.starts_ends(literal.span, "[", "]");
                items.iter().for_each(|i| self.literal(i));
            }
        }
    }
}

// ---- Specific facts the snapshots show, stated once more where a reader looks for them -------

fn only_condition(text: &str) -> Condition {
    let module = parse_clean(text);
    let condition = module.segments[0]
        .conditions()
        .next()
        .expect("a condition")
        .clone();
    condition
}

fn operation_of(condition: &Condition) -> &Operation {
    match condition {
        Condition::Comparison { operation, .. } | Condition::Aggregate { operation, .. } => {
            operation
        }
        other => panic!("not a comparison: {other:?}"),
    }
}

#[test]
fn symbols_are_spellings_of_is_and_is_not() {
    for (text, operator) in [
        ("segment s { x == 1 }", Operator::Is),
        ("segment s { x != 1 }", Operator::IsNot),
        ("segment s { x == true }", Operator::Is),
    ] {
        let condition = only_condition(text);
        assert_eq!(operation_of(&condition).operator, operator, "{text}");
    }
    assert_eq!(
        format("segment s { x == true y != \"a\" }"),
        "segment s {\n  x is true\n  y is not \"a\"\n}\n"
    );
}

fn format(text: &str) -> String {
    format_checked(text)
}

#[test]
fn string_escapes_are_decoded() {
    let condition = only_condition(r#"segment s { x is "q\" b\\ n\n t\t u\u{41}\u{1F600}" }"#);
    let Operands::One(Literal {
        kind: LiteralKind::String(value),
        ..
    }) = &operation_of(&condition).operands
    else {
        panic!("not a string operand")
    };
    assert_eq!(value, "q\" b\\ n\n t\t uA\u{1F600}");
}

#[test]
fn the_spec_example_parses_and_prints_canonically() {
    let text = r#"
/// Shoppers in Seoul who spend a lot and are about to check out.
segment vip_seoul {
  name "VIP shoppers in Seoul"
  description "Registered customers in Seoul with a large cart"
  applies_to registered          // visitors | registered | everyone (default everyone)
  websites ["base"]              // optional; default: all websites
  active true                    // optional; default true

  all {
    customer.group in ["VIP", "Wholesale"]
    any addresses { city is "Seoul"  country_id is "KR" }
    cart.subtotal >= 100.00
    sum(orders.grand_total within last 365 days where { status is "complete" }) >= 500
  }
}
"#;
    let module = parse_clean(text);
    assert_eq!(
        module.segments[0].doc.as_deref(),
        Some("Shoppers in Seoul who spend a lot and are about to check out.")
    );
    insta::assert_snapshot!("spec_example_tree_with_spans", render(&module, true));
    insta::assert_snapshot!("spec_example_printed", format_checked(text));
}

#[test]
fn an_empty_file_prints_nothing() {
    let (module, _) = seg_syntax::parse(FileId(0), "");
    assert_eq!(seg_syntax::printer::print_module(&module, ""), "");
    let text = "\n\n  // only\n\n\n// comments\n\n";
    let (module, _) = seg_syntax::parse(FileId(0), text);
    assert_eq!(
        seg_syntax::printer::print_module(&module, text),
        "// only\n\n// comments\n"
    );
}

// ---- Syntax errors -----------------------------------------------------------------------------

/// The single diagnostic of `text` and the text under its span.
fn one_error(text: &str) -> (seg_diag::Diagnostic, &str) {
    let (_, diagnostics) = seg_syntax::parse(FileId(0), text);
    assert_eq!(
        diagnostics.len(),
        1,
        "{}",
        render_diagnostics(&diagnostics, text)
    );
    let d = diagnostics.into_iter().next().unwrap();
    let range = d.primary.span.range();
    (d, &text[range])
}

#[test]
fn syntax_errors_say_what_was_expected_and_point_at_the_token() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "segment s { customer.group \"VIP\" }",
            "\"VIP\"",
            "an operator",
        ),
        ("segment s { cart.subtotal >= }", "}", "a value"),
        ("segment s { any orders within last 30 { } }", "{", "a name"),
        (
            "segment s { customer.group in [\"a\" \"b\"] }",
            "\"b\"",
            "`]`",
        ),
        ("segment s { in segment }", "}", "a name"),
        ("segment { x is 1 }", "{", "a name"),
        ("segment s { x is 1 ; }", ";", "`}`"),
        // `not` may also be a field's name, so an operator would fit here as well as a condition.
        ("segment s { all { not } }", "}", "expected "),
        (
            "segment s { name \"open }\nsegment t { x is 1 }",
            "\"",
            "never closed",
        ),
    ];
    for (text, token, expected) in cases {
        let (d, found) = one_error(text);
        assert_eq!(d.code, Code::E0002, "{text}");
        assert_eq!(
            found, *token,
            "{text}: the span points at the wrong token ({})",
            d.message
        );
        assert!(
            d.message.contains(expected),
            "{text}: {:?} does not say {expected}",
            d.message
        );
    }
}

#[test]
fn a_broken_segment_does_not_hide_the_next_one() {
    let text =
        "segment a { all { x > }\nsegment b { y is 1 }\nsegment c { z is }\nsegment d { w is 2 }\n";
    let (module, diagnostics) = seg_syntax::parse(FileId(0), text);
    let ids: Vec<&str> = module.segments.iter().map(|s| s.id.name.as_str()).collect();
    assert_eq!(ids, ["b", "d"]);
    assert_eq!(
        diagnostics.len(),
        2,
        "{}",
        render_diagnostics(&diagnostics, text)
    );
    assert!(diagnostics.iter().all(|d| d.code == Code::E0002));
}

#[test]
fn invalid_escapes_are_e0004_with_the_escape_underlined() {
    let text = r#"segment s { x is "a\qb" y is "\u{110000}" }"#;
    let (module, diagnostics) = seg_syntax::parse(FileId(0), text);
    assert_eq!(module.segments.len(), 1, "the segment is still built");
    let found: Vec<(Code, &str)> = diagnostics
        .iter()
        .map(|d| (d.code, &text[d.primary.span.range()]))
        .collect();
    assert_eq!(found, [(Code::E0004, "\\q"), (Code::E0004, "\\u{110000}")]);
}
