//! Interpreter and JIT side by side on the same programs and profiles, in one run:
//! `cargo bench -p seg-jit --bench engines`. Per-iteration times are for all profiles; divide by
//! profiles × segments for ns per profile-segment. Compile time per program is measured too.

use seg_data::{Catalog, Interner, Profile};
use seg_diag::FileId;
use seg_eval::{Context, Interpreter};
use seg_jit::JitProgram;

fn main() {
    divan::main();
}

const SCHEMA: &str = include_str!("../../../tests/check/schema.json");
const AS_OF: i64 = 1_795_867_200_000_000;
const PROFILES: usize = 100_000;

/// Five conditions on scalar fields: fully compiled to native code.
const SCALAR: &str = r#"segment scalar {
  applies_to registered
  all {
    customer.group in ["VIP", "Wholesale"]
    cart.subtotal >= 100
    customer.reward_points between 100 and 5000
    customer.created_at before 2026-06-01
    customer.newsletter_subscribed is true
  }
}"#;

/// Five conditions of which two read collections: those call back into the interpreter.
const MIXED: &str = r#"segment mixed {
  applies_to registered
  all {
    customer.group in ["VIP", "Wholesale"]
    any addresses { city is "Seoul" }
    cart.subtotal >= 100
    count(orders within last 365 days where { status is "complete" }) >= 2
    customer.newsletter_subscribed is true
  }
}"#;

struct Setup {
    program: seg_ir::Program,
    profiles: Vec<Profile>,
    interner: Interner,
    catalog: Catalog,
}

fn setup(segment: &str) -> Setup {
    let (schema, _) = seg_schema::parse_schema(FileId(1), SCHEMA);
    let (module, _) = seg_syntax::parse(FileId(0), segment);
    let checked = seg_check::check(&[(FileId(0), &module)], &schema);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let program = seg_ir::lower(&checked.program, &schema);
    let groups = ["VIP", "General", "Wholesale", "Retailer"];
    let text: String = (1..=PROFILES)
        .map(|i| {
            format!(
                r#"{{"id": "c{i}", "logged_in": {}, "customer": {{"group": "{}", "newsletter_subscribed": {}, "reward_points": {}, "created_at": "2026-0{}-10T10:00:00Z"}}, "addresses": [{{"city": "{}"}}], "cart": {{"subtotal": "{}.00"}}, "orders": [{{"status": "complete", "created_at": "2026-03-01T00:00:00Z"}}, {{"status": "complete", "created_at": "2026-05-01T00:00:00Z"}}]}}"#,
                i % 7 != 0,
                groups[i % 4],
                i % 3 != 0,
                (i * 53) % 6000,
                1 + i % 9,
                if i % 2 == 0 { "Seoul" } else { "Busan" },
                (i * 37) % 300
            ) + "\n"
        })
        .collect();
    let mut interner = Interner::new();
    let catalog = Catalog::default();
    let profiles = seg_data::load::load_profiles(&text, &schema, &catalog, &mut interner)
        .into_iter()
        .map(|p| p.unwrap())
        .collect();
    Setup {
        program,
        profiles,
        interner,
        catalog,
    }
}

fn context(s: &Setup) -> Context<'_> {
    Context {
        catalog: &s.catalog,
        interner: &s.interner,
        as_of: AS_OF,
    }
}

#[divan::bench(args = ["scalar", "mixed"], sample_count = 10)]
fn interpreter(bencher: divan::Bencher, which: &str) {
    let s = setup(if which == "scalar" { SCALAR } else { MIXED });
    let interpreter = Interpreter::new(&s.program);
    let context = context(&s);
    bencher.bench_local(|| {
        s.profiles
            .iter()
            .filter(|p| interpreter.memberships(p, &context)[0])
            .count()
    });
}

#[divan::bench(args = ["scalar", "mixed"], sample_count = 10)]
fn jit(bencher: divan::Bencher, which: &str) {
    let s = setup(if which == "scalar" { SCALAR } else { MIXED });
    let jit = JitProgram::compile(&s.program).unwrap();
    let context = context(&s);
    bencher.bench_local(|| {
        s.profiles
            .iter()
            .filter(|p| jit.memberships(p, &context)[0])
            .count()
    });
}

#[divan::bench(args = ["scalar", "mixed"])]
fn compile(bencher: divan::Bencher, which: &str) {
    let (schema, _) = seg_schema::parse_schema(FileId(1), SCHEMA);
    let (module, _) = seg_syntax::parse(FileId(0), if which == "scalar" { SCALAR } else { MIXED });
    let checked = seg_check::check(&[(FileId(0), &module)], &schema);
    let program = seg_ir::lower(&checked.program, &schema);
    bencher.bench_local(|| JitProgram::compile(&program).unwrap());
}
