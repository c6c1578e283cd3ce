//! Lowering snapshots: the IR text of checked segments, verified. A change in lowering shows up
//! as a reviewed snapshot diff.

use seg_diag::FileId;

fn lower(text: &str) -> seg_ir::Program {
    let schema_text = include_str!("../../../tests/check/schema.json");
    let (schema, problems) = seg_schema::parse_schema(FileId(1), schema_text);
    assert!(problems.is_empty());
    let (module, problems) = seg_syntax::parse(FileId(0), text);
    assert!(problems.is_empty(), "{problems:?}");
    let checked = seg_check::check(&[(FileId(0), &module)], &schema);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let program = seg_ir::lower(&checked.program, &schema);
    seg_ir::verify(&program).expect("lowered IR verifies");
    program
}

#[test]
fn every_construct_of_the_clean_fixture() {
    let program = lower(include_str!("../../../tests/check/ok_scopes_and_types.seg"));
    insta::assert_snapshot!(seg_ir::print(&program));
}

#[test]
fn literals_take_the_datas_representation() {
    let program = lower(
        r#"segment s {
  applies_to registered
  all {
    cart.subtotal >= 100
    customer.store_credit between 0.5 and 2
    customer.group in ["vip", "General"]
    customer.email ends with "@Example.COM"
    customer.dob before 2000-01-02T12:00:00+09:00
    customer.created_at is 2026-01-01
    customer.created_at after 2026-01-01T00:00:00Z
    customer.dob anniversary within next 2 weeks
    none { customer.interests contains any of ["Yoga", "Running"] }
  }
}"#,
    );
    insta::assert_snapshot!(seg_ir::print(&program));
}

#[test]
fn the_verifier_rejects_broken_programs() {
    let mut program = lower("segment s { applies_to registered  customer.reward_points > 3 }");
    let seg_ir::Node::Test { pred, .. } = &mut program.segments[0].root else {
        panic!()
    };
    *pred = seg_ir::Pred::StrEq {
        folded: "x".into(),
        negated: false,
    };
    assert!(seg_ir::verify(&program).is_err());

    let mut program = lower("segment s { cart.subtotal > 3 }");
    program.segments[0].root = seg_ir::Node::Member(7);
    assert!(seg_ir::verify(&program).is_err());

    let mut program = lower("segment s { cart.subtotal > 3 }");
    program.segments[0].root = seg_ir::Node::Member(0);
    let errors = seg_ir::verify(&program).unwrap_err();
    assert!(errors.iter().any(|e| e.contains("cycle")));

    let mut program = lower("segment s { applies_to registered  any orders { status is \"x\" } }");
    let seg_ir::Node::Quantified { collection, .. } = &mut program.segments[0].root else {
        panic!()
    };
    *collection = seg_ir::Collection::Addresses;
    assert!(
        seg_ir::verify(&program).is_err(),
        "status slot read in an address"
    );
}

/// `reads`: what each segment depends on, from real segments through the checker and lowering.
#[test]
fn reads_name_what_a_segment_depends_on() {
    let program = lower(
        r#"segment base {
  applies_to registered
  websites ["base"]
  all {
    customer.group is "VIP"
    cart.subtotal >= 100
    any orders within last 30 days {
      status is "complete"
      any items { product.price > 10 }
      billing_address { city is "Seoul" }
    }
  }
}
segment plain {
  customer.dob anniversary within next 7 days
}
segment uses {
  all {
    in segment base
    count(wishlist_items) >= 2
    logged_in is true
  }
}
"#,
    );
    let index = |id: &str| program.segments.iter().position(|s| s.id == id).unwrap();
    let base = seg_ir::reads(&program.segments[index("base")]);
    assert!(base.logged_in && base.website && base.as_of);
    assert_eq!(base.customer.len(), 1);
    assert_eq!(base.cart.len(), 1);
    assert_eq!(
        base.collections.iter().copied().collect::<Vec<_>>(),
        ["orders", "orders.billing_address", "orders.items"]
    );
    // The order's status, its created_at (the window), the address's city.
    let orders: Vec<u32> = base
        .elements
        .iter()
        .filter(|(c, _)| *c == "orders")
        .map(|(_, s)| *s)
        .collect();
    assert_eq!(orders.len(), 2, "{:?}", base.elements);
    assert!(base
        .elements
        .iter()
        .any(|(c, _)| *c == "orders.billing_address"));
    assert_eq!(base.product.len(), 1);
    assert!(base.segments.is_empty());

    let plain = seg_ir::reads(&program.segments[index("plain")]);
    assert!(
        plain.as_of,
        "anniversaries move with the evaluation instant"
    );
    assert!(!plain.logged_in && !plain.website);
    assert!(plain.collections.is_empty() && plain.cart.is_empty());

    let uses = seg_ir::reads(&program.segments[index("uses")]);
    assert_eq!(
        uses.segments.iter().copied().collect::<Vec<_>>(),
        [index("base") as u32]
    );
    assert!(uses.logged_in && !uses.as_of && !uses.website);
    assert_eq!(
        uses.collections.iter().copied().collect::<Vec<_>>(),
        ["wishlist_items"]
    );
    let all = seg_ir::reads_with_dependencies(&program, index("uses"));
    assert!(all.as_of && all.website, "through in segment base");
    assert!(all.collections.contains("orders") && all.collections.contains("wishlist_items"));
    assert!(all.segments.contains(&(index("base") as u32)));
}

/// A chain of 100,000 `in segment` references is followed without deep recursion.
#[test]
fn reads_follow_long_chains() {
    use seg_ir::{Audience, Node, Program, Segment};
    let count = 100_000u32;
    let segments = (0..count)
        .map(|i| Segment {
            id: format!("s{i}"),
            applies_to: Audience::Everyone,
            websites: (i == count - 1).then(|| vec!["base".to_string()]),
            active: true,
            root: if i + 1 < count {
                Node::Member(i + 1)
            } else {
                Node::Const(true)
            },
        })
        .collect();
    let program = Program {
        segments,
        layout: Default::default(),
    };
    let all = seg_ir::reads_with_dependencies(&program, 0);
    assert_eq!(all.segments.len(), count as usize - 1);
    assert!(all.website);
}
