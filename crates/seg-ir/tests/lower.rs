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
