//! Limits and hostile input: absurd nesting, a 50 MB file, bytes that are not UTF-8, a NUL byte,
//! and files with no segment.
//!
//! Seg files come from users and from generators, so the front end must answer every input with
//! diagnostics, never a stack overflow or a panic (ARCHITECTURE.md, "Invariant: no pass recurses
//! deeper than MAX_DEPTH"). These tests run in ordinary test threads (2 MiB stacks) on purpose:
//! that is the stack the language server and `seg check` give the parser too.

mod common;

use std::time::Instant;

use common::{format_checked, render_diagnostics};
use seg_diag::{Code, FileId, Severity};
use seg_syntax::MAX_DEPTH;

const DEEP: usize = 100_000;

fn codes(text: &str) -> Vec<Code> {
    let (_, diagnostics) = seg_syntax::parse(FileId(0), text);
    diagnostics.iter().map(|d| d.code).collect()
}

/// Parses `deep` (which must be rejected as too deep) followed by a good segment, and checks
/// that the good one survives and E0003 points into the deep one.
fn assert_too_deep(deep: &str) {
    let text = format!("{deep}\nsegment fine {{ cart.subtotal > 1 }}\n");
    let (module, diagnostics) = seg_syntax::parse(FileId(0), &text);
    assert_eq!(
        diagnostics.len(),
        1,
        "{:?}",
        diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let d = &diagnostics[0];
    assert_eq!(d.code, Code::E0003, "{}", d.message);
    assert!(d.message.contains(&MAX_DEPTH.to_string()), "{}", d.message);
    assert!(
        (d.primary.span.end as usize) <= deep.len(),
        "E0003 points outside the deep segment"
    );
    let ids: Vec<&str> = module.segments.iter().map(|s| s.id.name.as_str()).collect();
    assert_eq!(ids, ["fine"], "the segment after the deep one is lost");
}

#[test]
fn nested_combiners_100_000_deep_are_e0003() {
    let deep = format!(
        "segment deep {{ {} x is 1 {} }}",
        "all { ".repeat(DEEP),
        "} ".repeat(DEEP)
    );
    assert_too_deep(&deep);
}

#[test]
fn unclosed_combiners_100_000_deep_are_e0003() {
    let deep = format!("segment deep {{ {} x is 1", "any { ".repeat(DEEP));
    let (_, diagnostics) = seg_syntax::parse(FileId(0), &deep);
    assert!(diagnostics.iter().any(|d| d.code == Code::E0003));
}

#[test]
fn a_chain_of_100_000_nots_is_e0003() {
    let deep = format!("segment deep {{ {} x is 1 }}", "not ".repeat(DEEP));
    assert_too_deep(&deep);
}

#[test]
fn lists_nested_100_000_deep_are_e0003() {
    let deep = format!(
        "segment deep {{ x in {}1{} }}",
        "[".repeat(DEEP),
        "]".repeat(DEEP)
    );
    assert_too_deep(&deep);
}

#[test]
fn aggregates_and_collections_100_000_deep_are_e0003() {
    let level = "any orders { sum(x where { ";
    let deep = format!(
        "segment deep {{ {} y is 1 {} }}",
        level.repeat(DEEP / 2),
        "}) > 1 } ".repeat(DEEP / 2)
    );
    assert_too_deep(&deep);
}

#[test]
fn the_limit_is_exactly_max_depth() {
    // The segment's own brace is one level; `all {` adds one each.
    let nested = |n: usize| {
        format!(
            "segment s {{ {} x is 1 {}}}",
            "all { ".repeat(n),
            "} ".repeat(n)
        )
    };
    assert_eq!(codes(&nested(MAX_DEPTH - 1)), []);
    assert_eq!(codes(&nested(MAX_DEPTH)), [Code::E0003]);
    let nots = |n: usize| format!("segment s {{ {}x is 1 }}", "not ".repeat(n));
    assert_eq!(codes(&nots(MAX_DEPTH - 1)), []);
    assert_eq!(codes(&nots(MAX_DEPTH)), [Code::E0003]);
}

#[test]
fn the_deepest_accepted_nesting_parses_and_prints() {
    // Every shape at the limit must parse, print, and print identically again, on a normal
    // test thread: the printer and the AST builder recurse once per level.
    let n = MAX_DEPTH - 1;
    let shapes = [
        format!(
            "segment s {{ {} x is 1 {}}}",
            "all { ".repeat(n),
            "} ".repeat(n)
        ),
        format!("segment s {{ {}x is 1 }}", "not ".repeat(n)),
        format!("segment s {{ x in {}1{} }}", "[".repeat(n), "]".repeat(n)),
        // `not all {` adds one level of braces but two levels of tree.
        format!(
            "segment s {{ {} x is 1 {}}}",
            "not all { ".repeat(n),
            "} ".repeat(n)
        ),
        format!(
            "segment s {{ {} y is 1 {}}}",
            "any orders { sum(x where { ".repeat(n / 3),
            "}) > 1 } ".repeat(n / 3)
        ),
        format!(
            "segment s {{ {} // deep\n x is 1 {}}}",
            "all { // a comment at every level\n".repeat(n),
            "} // closing\n".repeat(n)
        ),
    ];
    for text in shapes {
        let printed = format_checked(&text);
        assert!(printed.lines().count() > 1);
    }
}

// ---- A big file --------------------------------------------------------------------------------

/// A realistic segment, numbered: properties, comments, every kind of condition.
/// An error deep inside nested blocks is found in one pass: every way a broken block could be
/// read again (as a combiner, then as a block on a path named `all` …) doubled the work per
/// level, so 20 levels took seconds and MAX_DEPTH levels never finished. Each of these would
/// hang this test if the grammar backtracked through the levels again.
#[test]
fn errors_at_the_deepest_accepted_nesting_are_found_in_one_pass() {
    let levels = MAX_DEPTH - 2;
    for (open, inside) in [
        ("all { ", "\" all { x"),
        ("any { ", "x is"),
        ("none { ", "customer.group is \"VIP\" }"),
        ("billing_address { ", "city is"),
        ("any addresses { ", "count(orders"),
        ("not all { ", "}} x"),
    ] {
        let text = format!("segment deep {{\n{} {inside}\n", open.repeat(levels / 2));
        let (_, diagnostics) = seg_syntax::parse(FileId(0), &text);
        assert_eq!(diagnostics.len(), 1, "{open:?} {inside:?}: {diagnostics:?}");
        assert_eq!(diagnostics[0].code, Code::E0002);
    }
}

fn generated_segment(i: usize) -> String {
    format!(
        r#"/// Segment number {i}.
segment generated_{i} {{
  name "Generated segment {i}"
  applies_to registered
  websites ["base", "kr"]
  all {{
    customer.group in ["VIP", "Wholesale"]  // a trailing comment
    any addresses {{ city is "Seoul"  country_id is "KR" }}
    cart.subtotal >= {i}.50
    sum(orders.grand_total within last 365 days where {{ status is "complete" }}) >= 500
    not customer.dob anniversary within next 7 days
    in segment generated_0
  }}
}}

"#
    )
}

#[test]
fn a_50_mb_file_parses() {
    // The workspace builds seg-syntax with opt-level 1 even in dev (pest's generated parser is
    // ~9x slower unoptimised), so the full 50 MB runs in every `cargo test`.
    let target = 50 << 20;
    let mut text = String::with_capacity(target + 1024);
    let mut count = 0;
    while text.len() < target {
        text.push_str(&generated_segment(count));
        count += 1;
    }
    let started = Instant::now();
    let (module, diagnostics) = seg_syntax::parse(FileId(0), &text);
    let elapsed = started.elapsed();
    eprintln!(
        "parsed {} MB ({count} segments) in {elapsed:?}",
        text.len() >> 20
    );
    assert!(
        diagnostics.is_empty(),
        "{}",
        render_diagnostics(&diagnostics[..1], &text)
    );
    assert_eq!(module.segments.len(), count);
    let last = module.segments.last().expect("segments");
    assert_eq!(last.id.name, format!("generated_{}", count - 1));
    assert_eq!(
        last.doc.as_deref(),
        Some(format!("Segment number {}.", count - 1).as_str())
    );
    assert_eq!(module.comments.len(), 2 * count);
    // Timing is for benches, not tests: the figure is printed for whoever runs it.
}

// ---- Bytes and characters ----------------------------------------------------------------------

#[test]
fn invalid_utf8_is_e0001_at_the_first_bad_byte() {
    // (valid text before the bad byte, the bytes from the bad one on)
    let cases: &[(&str, &[u8])] = &[
        ("segment a { x is \"", b"\xff\" }"),
        ("", b"\xfe"),
        ("segment a { x is 1 } // caf", b"\xc3"),
        ("segment ", b"\xe2\x82 a {}"),
        ("segment a { x is \"\u{e9}\" } ", b"\x80"),
    ];
    for &(before, rest) in cases {
        let offset = before.len();
        let bytes = [before.as_bytes(), rest].concat();
        let bytes = bytes.as_slice();
        let Err((text, diagnostic)) = seg_syntax::decode(FileId(3), bytes) else {
            panic!("{bytes:?} decoded")
        };
        assert_eq!(diagnostic.code, Code::E0001);
        assert_eq!(diagnostic.primary.file, FileId(3));
        assert_eq!(
            diagnostic.primary.span.start as usize, offset,
            "{}",
            diagnostic.message
        );
        assert!(
            diagnostic.message.contains(&format!("offset {offset}")),
            "{}",
            diagnostic.message
        );
        assert!(
            diagnostic
                .message
                .contains(&format!("0x{:02X}", bytes[offset])),
            "the message names the byte: {}",
            diagnostic.message
        );
        // The lossy text keeps everything before the bad byte, so the report can show it.
        assert_eq!(text.as_bytes()[..offset], bytes[..offset]);
        assert!(text.is_char_boundary(diagnostic.primary.span.end as usize));
    }
    assert_eq!(
        seg_syntax::decode(FileId(0), "segment é {}".as_bytes())
            .ok()
            .as_deref(),
        Some("segment é {}")
    );
}

#[test]
fn a_nul_byte_is_a_syntax_error_naming_it() {
    for text in [
        "segment a { x is \0 }",
        "segment a { x \0 is 1 }",
        "segment a {\0}",
        "segment \0 {}",
        "\0segment a { x is 1 }",
        "segment a { x is 1 }\0",
        "segment a { x in [1, \0] }",
    ] {
        let (_, diagnostics) = seg_syntax::parse(FileId(0), text);
        assert_eq!(
            diagnostics.len(),
            1,
            "{text:?}: {}",
            render_diagnostics(&diagnostics, text)
        );
        let d = &diagnostics[0];
        assert_eq!(d.code, Code::E0002, "{text:?}");
        assert!(d.message.contains("NUL"), "{text:?}: {}", d.message);
        assert_eq!(
            &text[d.primary.span.range()],
            "\0",
            "{text:?}: the span is not the NUL byte"
        );
    }
}

#[test]
fn random_bytes_never_panic() {
    // A cheap fuzz pass: every prefix of a file salted with odd bytes parses without panicking.
    let salted = "segment a { \"x\\u{ all { not [ ( 2026-01-01T \0 } ] ) // \u{FEFF}\r\n segment b { x is 1 }";
    let mut cut = 0;
    while cut <= salted.len() {
        if salted.is_char_boundary(cut) {
            let _ = seg_syntax::parse(FileId(0), &salted[..cut]);
        }
        cut += 1;
    }
}

// ---- Files without segments ---------------------------------------------------------------------

#[test]
fn a_file_without_segments_is_w0005() {
    for text in [
        "",
        "   \n\t\r\n",
        "\u{FEFF}",
        "// just a comment",
        "/// a doc comment\n// and a comment\n",
    ] {
        let (module, diagnostics) = seg_syntax::parse(FileId(0), text);
        assert!(module.segments.is_empty());
        assert_eq!(diagnostics.len(), 1, "{text:?}");
        assert_eq!(diagnostics[0].code, Code::W0005, "{text:?}");
        assert_eq!(diagnostics[0].severity, Severity::Warning, "{text:?}");
        // Formatting keeps the comments and nothing else.
        let printed = seg_syntax::printer::print_module(&module, text);
        let comments: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("//"))
            .collect();
        assert_eq!(
            printed
                .lines()
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>(),
            comments,
            "{text:?}"
        );
    }
}
