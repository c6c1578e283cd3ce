//! Adversarial profiles: the generated code never reads out of bounds, whatever the data.
//!
//! The program is every example segment (every condition family: attributes of every type,
//! addresses, cart lines, wishlist, views, orders with windows, aggregates, `in segment`). The
//! profiles are what a loader never produces or produces only at the edges: no slots at all,
//! records shorter than their kind, empty and huge collections, values of the wrong kind,
//! symbols and products that exist nowhere. Where the interpreter can answer too, both engines
//! (one profile and batch, both tiers) must answer the same; where the interpreter itself would
//! panic (it indexes the catalog and the interner directly), the JIT must still answer.
//!
//! Batches are `seg_data::Batch`es layered over the examples' interner (the profiles were
//! loaded with it, and a layer keeps the base's symbols).

use std::path::Path;
use std::sync::Arc;

use seg_data::{Batch, Catalog, Interner, Order, ProductId, Profile, Record, Shape, Sym, Value};
use seg_diag::FileId;
use seg_eval::{Context, Interpreter};
use seg_jit::{JitProgram, Tier};

struct Examples {
    program: seg_ir::Program,
    catalog: Catalog,
    interner: Interner,
    profiles: Vec<Profile>,
}

fn examples() -> Examples {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let schema_text = std::fs::read_to_string(root.join("schema.json")).unwrap();
    let schema = seg_schema::parse_schema(FileId(100), &schema_text).0;
    let mut modules = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(root.join("segments"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for (i, path) in names.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let (module, problems) = seg_syntax::parse(FileId(i as u32), &text);
        assert!(problems.iter().all(|d| !d.is_error()));
        modules.push((FileId(i as u32), module));
    }
    let refs: Vec<_> = modules.iter().map(|(id, m)| (*id, m)).collect();
    let checked = seg_check::check(&refs, &schema);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let program = seg_ir::lower(&checked.program, &schema);
    let mut interner = Interner::new();
    let catalog_text = std::fs::read_to_string(root.join("catalog.ndjson")).unwrap();
    let (catalog, errors) = seg_data::load::load_catalog(&catalog_text, &schema, &mut interner);
    assert!(errors.is_empty());
    let profiles_text = std::fs::read_to_string(root.join("profiles.ndjson")).unwrap();
    let profiles = seg_data::load::load_profiles(&profiles_text, &schema, &catalog, &mut interner)
        .into_iter()
        .map(|p| p.unwrap())
        .collect();
    Examples {
        program,
        catalog,
        interner,
        profiles,
    }
}

const AS_OF: i64 = 1_795_867_200_000_000;

fn context(e: &Examples) -> Context<'_> {
    Context {
        catalog: &e.catalog,
        interner: &e.interner,
        as_of: AS_OF,
    }
}

/// The profiles as one batch of `width` customer columns, over the examples' interner.
fn batch_of(e: &Examples, profiles: &[Profile], width: usize) -> Batch {
    let mut batch = Batch::new(Shape { customer: width }, Arc::new(e.interner.clone()));
    for profile in profiles {
        batch.push(profile.clone());
    }
    batch
}

/// Every engine on every profile; `compare` says whether the interpreter can be asked too.
fn run_all(e: &Examples, profiles: &[Profile], compare: bool) -> Vec<Vec<bool>> {
    let context = context(e);
    let data = batch_of(e, profiles, e.program.layout.customer as usize);
    let mut answers = Vec::new();
    for tier in [Tier::Fast, Tier::Optimized] {
        let jit = JitProgram::compile_with(&e.program, tier).unwrap();
        let batch = jit.prepare(&data, &e.catalog);
        let batched = jit.evaluate(&batch, AS_OF).unwrap();
        assert_eq!(batched.rows(), profiles.len());
        for (row, profile) in profiles.iter().enumerate() {
            let one = jit.memberships(profile, &context);
            assert_eq!(
                one,
                batched.row(row),
                "one profile vs batch on {}",
                profile.id
            );
            if compare {
                let reference = Interpreter::new(&e.program).memberships(profile, &context);
                assert_eq!(one, reference, "JIT vs interpreter on {}", profile.id);
            }
            if tier == Tier::Fast {
                answers.push(one);
            }
        }
    }
    answers
}

#[test]
fn profiles_without_any_slot_are_members_of_nothing_that_needs_data() {
    let e = examples();
    let empty = Profile {
        id: "nothing".into(),
        ..Profile::default()
    };
    let visitor_cart = Profile {
        id: "short-cart".into(),
        cart: vec![Value::Dec(1_000_000)].into_boxed_slice(),
        ..Profile::default()
    };
    run_all(&e, &[empty, visitor_cart], true);
}

#[test]
fn records_shorter_than_their_kind_read_as_missing() {
    let e = examples();
    let mut profile = e.profiles[0].clone();
    profile.id = "short".into();
    profile.customer = profile.customer[..2].to_vec().into_boxed_slice();
    let short = Record {
        values: Box::new([]),
        product: None,
    };
    profile.addresses = vec![short.clone(), short.clone()];
    profile.default_billing = Some(1);
    profile.default_shipping = Some(7); // past the address book
    profile.cart_items = vec![short.clone(); 3];
    profile.wishlist_items = vec![short.clone()];
    profile.viewed_products = vec![short.clone()];
    profile.orders = vec![Order {
        record: short.clone(),
        items: vec![short.clone(); 2],
        billing_address: Some(short.clone()),
        shipping_address: None,
    }];
    run_all(&e, &[profile], true);
}

#[test]
fn empty_and_huge_collections() {
    let e = examples();
    let base = e
        .profiles
        .iter()
        .find(|p| !p.orders.is_empty())
        .unwrap()
        .clone();
    let mut empty = base.clone();
    empty.id = "empty".into();
    empty.addresses.clear();
    empty.default_billing = None;
    empty.default_shipping = None;
    empty.cart_items.clear();
    empty.wishlist_items.clear();
    empty.viewed_products.clear();
    empty.orders.clear();
    let mut huge = base.clone();
    huge.id = "huge".into();
    let order = base.orders[0].clone();
    huge.orders = vec![order; 50_000];
    huge.addresses = std::iter::repeat_n(base.addresses.clone(), 5_000)
        .flatten()
        .collect();
    huge.cart_items = std::iter::repeat_n(base.cart_items.clone(), 5_000)
        .flatten()
        .collect();
    let answers = run_all(&e, &[empty, huge, base], true);
    assert_eq!(answers.len(), 3);
}

#[test]
fn values_of_the_wrong_kind_fail_their_tests() {
    let e = examples();
    let mut profile = e.profiles[0].clone();
    profile.id = "wrong-kinds".into();
    // Every customer slot gets a value of another kind than its type (in turn: a string, a
    // boolean, a date, an option set, an integer); same for the cart and every record.
    let wrong = [
        Value::Str(Sym(0)),
        Value::Bool(true),
        Value::Date(20_000),
        Value::Options(vec![0, 1].into_boxed_slice()),
        Value::Int(7),
        Value::Options(Box::new([])),
    ];
    for (i, slot) in profile.customer.iter_mut().enumerate() {
        *slot = wrong[i % wrong.len()].clone();
    }
    for (i, slot) in profile.cart.iter_mut().enumerate() {
        *slot = wrong[(i + 1) % wrong.len()].clone();
    }
    for record in profile
        .addresses
        .iter_mut()
        .chain(profile.cart_items.iter_mut())
        .chain(profile.orders.iter_mut().map(|o| &mut o.record))
    {
        for (i, slot) in record.values.iter_mut().enumerate() {
            *slot = wrong[(i + 2) % wrong.len()].clone();
        }
    }
    run_all(&e, &[profile], true);
}

#[test]
fn symbols_and_products_that_exist_nowhere() {
    // The interpreter would panic on these (it indexes the interner and the catalog); the JIT
    // reads an unknown symbol as a string no constant equals and an unknown product as none.
    let e = examples();
    let mut profile = e.profiles[0].clone();
    profile.id = "dangling".into();
    for slot in profile.customer.iter_mut() {
        if let Value::Str(_) = slot {
            *slot = Value::Str(Sym(u32::MAX));
        }
    }
    for record in profile
        .addresses
        .iter_mut()
        .chain(profile.cart_items.iter_mut())
    {
        record.product = Some(ProductId(u32::MAX));
        for slot in record.values.iter_mut() {
            if let Value::Str(_) = slot {
                *slot = Value::Str(Sym(1 << 30));
            }
        }
    }
    let answers = run_all(&e, &[profile], false);
    assert_eq!(answers.len(), 1);
}

#[test]
fn an_empty_batch_has_no_rows() {
    let e = examples();
    let jit = JitProgram::compile(&e.program).unwrap();
    let data = batch_of(&e, &[], e.program.layout.customer as usize);
    let batch = jit.prepare(&data, &e.catalog);
    assert!(batch.is_empty());
    let result = jit.evaluate(&batch, AS_OF).unwrap();
    assert_eq!(result.rows(), 0);
}

#[test]
fn a_batch_narrower_than_the_program_reads_missing_customer_values() {
    // A batch shaped for no customer attribute at all: every customer column the program
    // reads is absent, and reads as missing, as for profiles without customer slots.
    let e = examples();
    let context = context(&e);
    let data = batch_of(&e, &e.profiles, 0);
    for tier in [Tier::Fast, Tier::Optimized] {
        let jit = JitProgram::compile_with(&e.program, tier).unwrap();
        let batched = jit.evaluate_batch(&data, &e.catalog, AS_OF);
        for (row, profile) in e.profiles.iter().enumerate() {
            let bare = Profile {
                customer: Box::new([]),
                ..profile.clone()
            };
            assert_eq!(batched.row(row), jit.memberships(&bare, &context));
            let reference = Interpreter::new(&e.program).memberships(&bare, &context);
            assert_eq!(batched.row(row), reference, "{}", profile.id);
        }
    }
}
