//! What the checker resolves paths to: the HIR that later stages lower from. Diagnostics are
//! covered by the fixtures under tests/check; these check the resolutions themselves.

use seg_check::hir::{Cond, FieldSource, Operand, Value};
use seg_check::model::Collection;
use seg_diag::FileId;

fn check(text: &str) -> seg_check::Checked {
    let schema_text = include_str!("../../../tests/check/schema.json");
    let (schema, problems) = seg_schema::parse_schema(FileId(1), schema_text);
    assert!(problems.is_empty());
    let (module, problems) = seg_syntax::parse(FileId(0), text);
    assert!(problems.is_empty(), "{problems:?}");
    let checked = seg_check::check(&[(FileId(0), &module)], &schema);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    checked
}

fn root(checked: &seg_check::Checked) -> &Cond {
    &checked.program.segments[0].condition
}

#[test]
fn orders_items_at_the_top_is_every_ordered_line() {
    let checked = check("segment s { applies_to registered  sum(orders.items.qty) > 3 }");
    let Cond::Aggregate {
        collection, field, ..
    } = root(&checked)
    else {
        panic!("{:?}", root(&checked))
    };
    assert_eq!(*collection, Collection::OrderedProducts);
    assert_eq!(field.as_ref().unwrap().source, FieldSource::Element("qty"));
}

#[test]
fn items_inside_an_order_are_that_orders_lines() {
    let checked = check(
        "segment s { applies_to registered  any orders { any items { product.price > 3 } } }",
    );
    let Cond::Quantified {
        collection: Collection::Orders,
        body,
        ..
    } = root(&checked)
    else {
        panic!()
    };
    let Cond::All(inner) = body.as_ref() else {
        panic!()
    };
    let Cond::Quantified {
        collection, body, ..
    } = &inner[0]
    else {
        panic!()
    };
    assert_eq!(*collection, Collection::OrderItems);
    let Cond::All(inner) = body.as_ref() else {
        panic!()
    };
    let Cond::Compare { field, .. } = &inner[0] else {
        panic!()
    };
    assert_eq!(field.source, FieldSource::Product("price".into()));
}

#[test]
fn select_literals_take_the_declared_spelling_and_decimals_are_exact() {
    let checked = check("segment s { applies_to registered  all { customer.group in [\"vip\"]  cart.subtotal > 0.1 } }");
    let Cond::All(conds) = root(&checked) else {
        panic!()
    };
    let Cond::Compare { test, .. } = &conds[0] else {
        panic!()
    };
    assert_eq!(test.operand, Operand::List(vec![Value::Str("VIP".into())]));
    let Cond::Compare { test, .. } = &conds[1] else {
        panic!()
    };
    assert_eq!(
        test.operand,
        Operand::One(Value::Dec(seg_check::values::Decimal { units: 1000 }))
    );
}

#[test]
fn segment_references_point_at_the_segment() {
    let checked = check("segment a { in segment b }\nsegment b { cart.subtotal > 1 }");
    assert_eq!(root(&checked), &Cond::InSegment(1));
}

#[test]
fn a_chain_of_ten_thousand_references_does_not_overflow() {
    let mut text = String::from("segment s0 { cart.subtotal > 1 }\n");
    for i in 1..10_000 {
        text.push_str(&format!("segment s{i} {{ in segment s{} }}\n", i - 1));
    }
    let checked = check(&text);
    assert_eq!(checked.program.segments.len(), 10_000);
}
