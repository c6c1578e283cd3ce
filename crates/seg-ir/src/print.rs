//! The IR's text form: one node per line, indented, with slots and constants spelled out.
//! Snapshot tests of lowering read it; it is not parsed back.

use std::fmt::Write as _;

use crate::{Load, Node, Pred, Program, TimeBound, Window};

pub fn print(program: &Program) -> String {
    let mut out = String::new();
    for (index, segment) in program.segments.iter().enumerate() {
        let websites = match &segment.websites {
            Some(list) => format!(" websites={list:?}"),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "segment #{index} {} applies_to={} active={}{websites}",
            segment.id,
            segment.applies_to.as_str(),
            segment.active
        );
        node(&mut out, &segment.root, 1);
    }
    out
}

fn node(out: &mut String, n: &Node, depth: usize) {
    let pad = "  ".repeat(depth);
    match n {
        Node::Const(b) => {
            let _ = writeln!(out, "{pad}const {b}");
        }
        Node::And(items) | Node::Or(items) => {
            let _ = writeln!(
                out,
                "{pad}{}",
                if matches!(n, Node::And(_)) {
                    "and"
                } else {
                    "or"
                }
            );
            for item in items {
                node(out, item, depth + 1);
            }
        }
        Node::Not(inner) => {
            let _ = writeln!(out, "{pad}not");
            node(out, inner, depth + 1);
        }
        Node::Member(i) => {
            let _ = writeln!(out, "{pad}member #{i}");
        }
        Node::Test {
            load: l,
            ty,
            pred: p,
        } => {
            let _ = writeln!(out, "{pad}test {}:{ty:?} {}", load(*l), pred(p));
        }
        Node::Quantified {
            quantifier,
            collection,
            window: w,
            body,
        } => {
            let _ = writeln!(
                out,
                "{pad}{} {}{}",
                quantifier.as_str(),
                collection.name(),
                window(w)
            );
            node(out, body, depth + 1);
        }
        Node::Single { collection, body } => {
            let _ = writeln!(out, "{pad}single {}", collection.name());
            node(out, body, depth + 1);
        }
        Node::Aggregate {
            function,
            collection,
            field,
            window: w,
            filter,
            pred: p,
        } => {
            let field = field
                .map(|(l, ty)| format!(" {}:{ty:?}", load(l)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{pad}{} {}{field}{} {}",
                function.as_str(),
                collection.name(),
                window(w),
                pred(p)
            );
            let _ = writeln!(out, "{pad}  where");
            node(out, filter, depth + 2);
        }
    }
}

fn load(l: Load) -> String {
    match l {
        Load::Customer(s) => format!("customer[{s}]"),
        Load::Cart(s) => format!("cart[{s}]"),
        Load::LoggedIn => "logged_in".to_string(),
        Load::Element(s) => format!("element[{s}]"),
        Load::Product(s) => format!("product[{s}]"),
    }
}

fn bound(b: &TimeBound) -> String {
    match b {
        TimeBound::Day(d) => format!("day {d}"),
        TimeBound::Instant(i) => format!("instant {i}"),
    }
}

fn window(w: &Option<Window>) -> String {
    match w {
        None => String::new(),
        Some(Window::WithinLast { amount, unit }) => {
            format!(" within last {amount} {}", unit.as_str())
        }
        Some(Window::Between(a, b)) => format!(" between {} and {}", bound(a), bound(b)),
        Some(Window::After(a)) => format!(" after {}", bound(a)),
        Some(Window::Before(a)) => format!(" before {}", bound(a)),
    }
}

fn pred(p: &Pred) -> String {
    let not = |negated: &bool| if *negated { "not " } else { "" };
    match p {
        Pred::IsEmpty => "is empty".into(),
        Pred::IsNotEmpty => "is not empty".into(),
        Pred::Bool(b) => format!("is {b}"),
        Pred::Num(cmp, v) => format!("{} {v}", cmp.as_str()),
        Pred::NumBetween(a, b) => format!("between {a} and {b}"),
        Pred::NumIn { values, negated } => format!("{}in {values:?}", not(negated)),
        Pred::StrEq { folded, negated } => format!("{}eq {folded:?}", not(negated)),
        Pred::StrIn { folded, negated } => format!("{}in {folded:?}", not(negated)),
        Pred::StrContains { folded, negated } => format!("{}contains {folded:?}", not(negated)),
        Pred::StrStartsWith(s) => format!("starts with {s:?}"),
        Pred::StrEndsWith(s) => format!("ends with {s:?}"),
        Pred::OptionIn { options, negated } => format!("{}option in {options:?}", not(negated)),
        Pred::OptionsEq(set) => format!("options eq {set:?}"),
        Pred::OptionsContain { option, negated } => {
            format!("{}options contain {option}", not(negated))
        }
        Pred::OptionsAny(set) => format!("options any {set:?}"),
        Pred::OptionsAll(set) => format!("options all {set:?}"),
        Pred::Time(cmp, b) => format!("time {} {}", cmp.as_str(), bound(b)),
        Pred::TimeBetween(a, b) => format!("time between {} and {}", bound(a), bound(b)),
        Pred::WithinLast { amount, unit } => format!("within last {amount} {}", unit.as_str()),
        Pred::MoreThanAgo { amount, unit } => format!("more than {amount} {} ago", unit.as_str()),
        Pred::AnniversaryWithin { days } => format!("anniversary within {days} days"),
    }
}
