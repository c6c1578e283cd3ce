//! Property tests of the printer over random well-formed trees.
//!
//! `seg fmt` rewrites users' files, so printing must never change what a file means and must be
//! a fixed point. For random segments (every condition form, every operator with operands of
//! its shape, every literal kind, nested up to a few levels):
//! - the printed text parses without any diagnostic,
//! - parsing it gives back the same tree, compared span-free,
//! - printing that tree again gives the same text (idempotence).
//!
//! And with comments and blank lines sprinkled between the tokens of the printed text, the
//! formatter keeps every comment, in order, and is still a fixed point.
//!
//! Names come from a pool of safe words (`city`, `status`, `customer.group`, and a few
//! contextual keywords such as `name` and `items` that must stay names), so that every tree is
//! one the grammar can express. Case counts are modest to keep CI fast.

mod common;

use common::{format_checked, parse_clean, render};
use proptest::prelude::*;
use proptest::sample::select;
use seg_diag::Span;
use seg_syntax::ast::*;
use seg_syntax::lexer::tokenize;
use seg_syntax::printer::print_module;

fn lit(kind: LiteralKind) -> Literal {
    Literal {
        kind,
        span: Span::default(),
    }
}

fn ident(name: &str) -> Ident {
    Ident {
        name: name.to_string(),
        span: Span::default(),
    }
}

fn path(text: &str) -> Path {
    Path {
        segments: text.split('.').map(ident).collect(),
        span: Span::default(),
    }
}

fn block(conditions: Vec<Condition>) -> Block {
    Block {
        conditions,
        span: Span::default(),
    }
}

// ---- Literals ------------------------------------------------------------------------------------

fn string_value() -> impl Strategy<Value = String> {
    let chars = select(vec![
        'a', 'Z', '0', ' ', '"', '\\', '\n', '\t', '\r', '\u{0}', '\u{1b}', '\u{7f}', 'é', '한',
        '😀', '{', '}', '/',
    ]);
    prop::collection::vec(chars, 0..8).prop_map(String::from_iter)
}

fn number_text() -> impl Strategy<Value = String> {
    (any::<bool>(), 0u32..100_000, prop::option::of("[0-9]{1,4}")).prop_map(
        |(negative, whole, fraction)| {
            let sign = if negative { "-" } else { "" };
            match fraction {
                Some(f) => format!("{sign}{whole}.{f}"),
                None => format!("{sign}{whole}"),
            }
        },
    )
}

fn date_text() -> impl Strategy<Value = String> {
    (1900u32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
}

fn datetime_text() -> impl Strategy<Value = String> {
    let time = (
        0u32..24,
        0u32..60,
        prop::option::of((0u32..60, prop::option::of("[0-9]{1,6}"))),
    );
    let zone = select(vec!["Z", "z", "+09:00", "-05:30", "+00:00", ""]);
    (date_text(), select(vec!["T", "t"]), time, zone).prop_map(
        |(date, t, (h, m, seconds), zone)| {
            let seconds = match seconds {
                Some((s, Some(fraction))) => format!(":{s:02}.{fraction}"),
                Some((s, None)) => format!(":{s:02}"),
                None => String::new(),
            };
            format!("{date}{t}{h:02}:{m:02}{seconds}{zone}")
        },
    )
}

/// Words that stay a bare-word value wherever a value goes (no keyword an operator could take).
const WORDS: &[&str] = &[
    "VIP",
    "registered",
    "visitors",
    "everyone",
    "Seoul",
    "days",
    "items",
    "name",
];

fn scalar() -> impl Strategy<Value = Literal> {
    prop_oneof![
        string_value().prop_map(|s| lit(LiteralKind::String(s))),
        number_text().prop_map(|n| lit(LiteralKind::Number(n))),
        any::<bool>().prop_map(|b| lit(LiteralKind::Bool(b))),
        date_text().prop_map(|d| lit(LiteralKind::Date(d))),
        datetime_text().prop_map(|d| lit(LiteralKind::DateTime(d))),
        select(WORDS).prop_map(|w| lit(LiteralKind::Word(w.to_string()))),
    ]
}

/// Any operand: a scalar or a (possibly nested) list.
fn operand() -> impl Strategy<Value = Literal> {
    scalar().prop_recursive(2, 12, 4, |inner| {
        prop::collection::vec(inner, 0..4).prop_map(|items| lit(LiteralKind::List(items)))
    })
}

/// A value where the grammar wants `value` (no bare word at the top): property values and
/// window bounds.
fn value() -> impl Strategy<Value = Literal> {
    operand().prop_filter("a bare word is not a value here", |l| {
        !matches!(l.kind, LiteralKind::Word(_))
    })
}

fn duration() -> impl Strategy<Value = Duration> {
    (
        0u32..1000,
        select(vec!["day", "days", "hour", "hours", "week", "weeks"]),
    )
        .prop_map(|(n, unit)| Duration {
            amount: lit(LiteralKind::Number(n.to_string())),
            unit: ident(unit),
            span: Span::default(),
        })
}

// ---- Operations and windows ----------------------------------------------------------------------

/// The operators that take one value or list.
fn one_operand() -> Vec<Operator> {
    use Operator::*;
    Operator::ALL
        .into_iter()
        .filter(|op| {
            !matches!(
                op,
                IsEmpty | IsNotEmpty | Between | WithinLast | MoreThanAgo | AnniversaryWithinNext
            )
        })
        .collect()
}

fn operation() -> impl Strategy<Value = Operation> {
    let operands = prop_oneof![
        (select(one_operand()), operand()).prop_map(|(op, a)| (op, Operands::One(a))),
        select(vec![Operator::IsEmpty, Operator::IsNotEmpty]).prop_map(|op| (op, Operands::None)),
        (operand(), operand()).prop_map(|(a, b)| (Operator::Between, Operands::Two(a, b))),
        (
            select(vec![
                Operator::WithinLast,
                Operator::MoreThanAgo,
                Operator::AnniversaryWithinNext
            ]),
            duration()
        )
            .prop_map(|(op, d)| (op, Operands::Duration(d))),
    ];
    operands.prop_map(|(operator, operands)| Operation {
        operator,
        operator_span: Span::default(),
        operands,
        span: Span::default(),
    })
}

fn window() -> impl Strategy<Value = Window> {
    let kind = prop_oneof![
        duration().prop_map(WindowKind::WithinLast),
        (value(), value()).prop_map(|(a, b)| WindowKind::Between(a, b)),
        value().prop_map(WindowKind::After),
        value().prop_map(WindowKind::Before),
    ];
    kind.prop_map(|kind| Window {
        kind,
        keyword: Span::default(),
        span: Span::default(),
    })
}

// ---- Conditions ----------------------------------------------------------------------------------

const FIELDS: &[&str] = &[
    "city",
    "status",
    "grand_total",
    "qty",
    "sku",
    "name",
    "items",
    "created_at",
    "customer.group",
    "customer.dob",
    "customer.name",
    "cart.subtotal",
    "product.color",
    "orders.items.qty",
];
const COLLECTIONS: &[&str] = &[
    "addresses",
    "orders",
    "orders.items",
    "items",
    "cart_items",
    "wishlist_items",
    "viewed_products",
    "ordered_products",
];
const SINGLES: &[&str] = &["billing_address", "shipping_address"];
const SEGMENT_IDS: &[&str] = &["vip", "churned", "big_spenders", "name", "segment"];

fn leaf_condition() -> impl Strategy<Value = Condition> {
    prop_oneof![
        4 => (select(FIELDS), operation()).prop_map(|(p, operation)| Condition::Comparison {
            path: path(p),
            operation,
            span: Span::default()
        }),
        1 => select(SEGMENT_IDS).prop_map(|id| Condition::SegmentRef {
            keyword: Span::default(),
            target: ident(id),
            span: Span::default()
        }),
        1 => (
            select(vec![AggregateFn::Count, AggregateFn::Sum, AggregateFn::Avg, AggregateFn::Min, AggregateFn::Max]),
            select(vec!["orders", "orders.grand_total", "cart_items.price", "orders.items.qty", "ordered_products.qty"]),
            prop::option::of(window()),
            operation(),
        )
            .prop_map(|(function, p, window, operation)| Condition::Aggregate {
                function,
                keyword: Span::default(),
                path: path(p),
                window,
                filter: None,
                operation,
                span: Span::default(),
            }),
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    leaf_condition().prop_recursive(4, 32, 4, |inner| {
        let conditions = prop::collection::vec(inner.clone(), 0..4);
        prop_oneof![
            (
                select(vec![
                    CombinerKind::All,
                    CombinerKind::Any,
                    CombinerKind::None
                ]),
                conditions.clone()
            )
                .prop_map(|(kind, conditions)| Condition::Combiner {
                    kind,
                    keyword: Span::default(),
                    block: block(conditions),
                    span: Span::default()
                }),
            inner.clone().prop_map(|c| Condition::Not {
                keyword: Span::default(),
                inner: Box::new(c),
                span: Span::default()
            }),
            (
                select(vec![Quantifier::Any, Quantifier::All, Quantifier::No]),
                select(COLLECTIONS),
                prop::option::of(window()),
                conditions.clone()
            )
                .prop_map(|(quantifier, c, window, conditions)| {
                    Condition::Quantified {
                        quantifier,
                        keyword: Span::default(),
                        collection: path(c),
                        window,
                        block: block(conditions),
                        span: Span::default(),
                    }
                }),
            (select(SINGLES), conditions.clone()).prop_map(|(c, conditions)| Condition::Single {
                collection: path(c),
                block: block(conditions),
                span: Span::default()
            }),
            (
                select(vec![AggregateFn::Count, AggregateFn::Sum, AggregateFn::Max]),
                select(vec!["orders", "orders.grand_total", "cart_items.price"]),
                prop::option::of(window()),
                conditions,
                operation()
            )
                .prop_map(|(function, p, window, conditions, operation)| {
                    Condition::Aggregate {
                        function,
                        keyword: Span::default(),
                        path: path(p),
                        window,
                        filter: Some(Filter {
                            keyword: Span::default(),
                            block: block(conditions),
                        }),
                        operation,
                        span: Span::default(),
                    }
                }),
        ]
    })
}

// ---- Segments ------------------------------------------------------------------------------------

fn property() -> impl Strategy<Value = Property> {
    let key_and_value = prop_oneof![
        string_value().prop_map(|s| (PropertyKey::Name, lit(LiteralKind::String(s)))),
        string_value().prop_map(|s| (PropertyKey::Description, lit(LiteralKind::String(s)))),
        select(vec!["visitors", "registered", "everyone", "somebody"]).prop_map(|w| (
            PropertyKey::AppliesTo,
            lit(LiteralKind::Word(w.to_string()))
        )),
        prop::collection::vec(
            string_value().prop_map(|s| lit(LiteralKind::String(s))),
            0..3
        )
        .prop_map(|items| (PropertyKey::Websites, lit(LiteralKind::List(items)))),
        any::<bool>().prop_map(|b| (PropertyKey::Active, lit(LiteralKind::Bool(b)))),
        // The grammar takes any value for these; the checker judges the type.
        (
            select(vec![
                PropertyKey::Name,
                PropertyKey::Websites,
                PropertyKey::Active
            ]),
            value()
        ),
    ];
    key_and_value.prop_map(|(key, value)| Property {
        key,
        key_span: Span::default(),
        value,
        span: Span::default(),
    })
}

fn body_item() -> impl Strategy<Value = BodyItem> {
    prop_oneof![1 => property().prop_map(BodyItem::Property), 2 => condition().prop_map(BodyItem::Condition)]
}

fn module() -> impl Strategy<Value = Module> {
    prop::collection::vec(prop::collection::vec(body_item(), 0..5), 1..4).prop_map(|bodies| {
        Module {
            segments: bodies
                .into_iter()
                .enumerate()
                .map(|(i, items)| Segment {
                    span: Span::default(),
                    doc: None,
                    id: ident(&format!("seg_{i}")),
                    items,
                })
                .collect(),
            comments: Vec::new(),
        }
    })
}

/// Inserts a comment or a blank line after some of the significant tokens of `text`, chosen by
/// `picks` (one entry per token; 0 leaves the token alone).
fn sprinkle(text: &str, picks: &[u8]) -> String {
    let mut out = String::new();
    let mut copied = 0;
    let significant = tokenize(text).into_iter().filter(|t| !t.kind.is_comment());
    for (n, token) in significant.enumerate() {
        let end = token.span.end as usize;
        out.push_str(&text[copied..end]);
        copied = end;
        match picks.get(n).copied().unwrap_or(0) {
            1 => out.push_str(&format!(" // after token {n}\n")),
            2 => out.push_str(&format!("\n// own line {n}\n")),
            3 => out.push_str("\n\n\n"),
            4 => out.push_str(&format!("\n\n/// doc {n}\n\n")),
            _ => {}
        }
    }
    out.push_str(&text[copied..]);
    out
}

proptest! {
    // 256 cases by default; `PROPTEST_CASES=100000` runs a deeper search.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn printing_a_tree_round_trips(module in module()) {
        let printed = print_module(&module, "");
        // parse_clean fails the case, with the text, on any diagnostic.
        let parsed = parse_clean(&printed);
        prop_assert_eq!(render(&module, false), render(&parsed, false), "the printed text means another tree:\n{}", printed);
        let again = print_module(&parsed, &printed);
        prop_assert_eq!(&printed, &again);
    }

    #[test]
    fn comments_and_blank_lines_survive_formatting(
        module in module(),
        picks in prop::collection::vec(prop::sample::select(vec![0u8, 0, 0, 0, 0, 1, 2, 3, 4]), 0..400),
    ) {
        let printed = print_module(&module, "");
        let sprinkled = format!("// head\n{}\n// tail\n", sprinkle(&printed, &picks));
        // format_checked asserts idempotence, an unchanged tree and every comment in order.
        let formatted = format_checked(&sprinkled);
        prop_assert!(formatted.starts_with("// head\n"));
        prop_assert!(formatted.ends_with("// tail\n"));
        prop_assert!(!formatted.contains("\n\n\n"), "more than one blank line in a row:\n{}", formatted);
        prop_assert!(!formatted.contains("{\n\n"), "a blank line at a block's start:\n{}", formatted);
        prop_assert!(!formatted.contains("\n\n}"), "a blank line at a block's end:\n{}", formatted);
    }
}

/// Words and punctuation that random token soup is made of, comments and line breaks included.
const SOUP: &[&str] = &[
    "segment",
    "s",
    "t",
    "{",
    "}",
    "{",
    "}",
    "all",
    "any",
    "none",
    "not",
    "no",
    "x",
    "x",
    "is",
    "is",
    "not",
    "empty",
    "1",
    "-2.5",
    "\"a\"",
    "\"b\\n\"",
    "[",
    "]",
    ",",
    "in",
    "orders",
    "within",
    "last",
    "3",
    "days",
    "between",
    "and",
    "2026-01-01",
    "2026-01-01T00:00:00Z",
    "sum",
    "count",
    "(",
    ")",
    "where",
    ">=",
    "==",
    "!=",
    ".",
    "name",
    "applies_to",
    "registered",
    "billing_address",
    "true",
    "// c\n",
    "/// d\n",
    "\n",
    "\n\n",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    /// Arbitrary token soup never makes the parser or the printer panic, and whatever parses
    /// cleanly formats to a fixed point with its comments.
    #[test]
    fn token_soup_never_panics(words in prop::collection::vec(select(SOUP), 0..60)) {
        let text = format!("segment s {{ {} }}", words.join(" "));
        let (module, diagnostics) = seg_syntax::parse(seg_diag::FileId(0), &text);
        let printed = print_module(&module, &text);
        if diagnostics.is_empty() {
            prop_assert_eq!(format_checked(&text), printed);
        }
    }
}
