//! The interpreter, the JIT and a hand-written Rust floor side by side, in one run, on the same
//! segments and profiles: `cargo bench -p seg-jit --bench engines`.
//!
//! Workloads (divan reports time per iteration; the names say what one iteration is):
//! - `one_profile`: the five-condition segment on one profile in cache (a storefront request);
//! - `hundred_segments`: 100 segments on one profile;
//! - `batch_1m`: one five-condition segment over 1,000,000 profiles — the JIT over a columnar
//!   [`seg_data::Batch`] (prepared beforehand with [`seg_jit::JitProgram::prepare`]; `prepare`
//!   reports that cost), the floor over the same columns, the interpreter profile by profile;
//! - `history`: a history-heavy segment (orders with windows and aggregates) over 100,000
//!   profiles;
//! - `compile`: compiling one five-condition segment (and 100 segments, and the history one).
//!
//! JIT entries with an argument run both tiers (`fast`, `optimized`).
//!
//! Peer engines (CEL, evalexpr, rhai, zen-expression, JSONLogic) are in `crates/seg-bench`, behind
//! a feature, so the default build never compiles them.

use std::sync::Arc;

use seg_data::{Batch, Catalog, Interner, Profile, Shape, Value};
use seg_diag::FileId;
use seg_eval::{Context, Interpreter};
use seg_jit::{JitProgram, Tier};

const TIERS: [&str; 2] = ["fast", "optimized"];

fn tier(name: &str) -> Tier {
    if name == "fast" {
        Tier::Fast
    } else {
        Tier::Optimized
    }
}

fn main() {
    divan::main();
}

const SCHEMA: &str = include_str!("../../../tests/check/schema.json");
const AS_OF: i64 = 1_795_867_200_000_000; // 2026-11-28T12:00:00Z

/// Five conditions on the customer and the cart.
const FIVE: &str = include_str!("five.seg");

/// Orders with windows and aggregates, lines with quantities, and a string test.
const HISTORY: &str = r#"segment history {
  applies_to registered
  all {
    count(orders within last 365 days where { status is "complete" }) >= 2
    sum(orders.grand_total within last 180 days where { status in ["complete", "closed"] }) >= 100
    any ordered_products within last 90 days { qty >= 2 }
    avg(orders.grand_total) > 50
    any addresses { city is "Seoul" }
  }
}"#;

struct Setup {
    program: seg_ir::Program,
    profiles: Vec<Profile>,
    /// The same profiles as one columnar batch, layered over `interner`.
    batch: Batch,
    interner: Arc<Interner>,
    catalog: Catalog,
}

impl Setup {
    fn context(&self) -> Context<'_> {
        Context {
            catalog: &self.catalog,
            interner: &self.interner,
            as_of: AS_OF,
        }
    }
}

fn program(text: &str, schema: &seg_schema::Schema) -> seg_ir::Program {
    let (module, _) = seg_syntax::parse(FileId(0), text);
    let checked = seg_check::check(&[(FileId(0), &module)], schema);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    seg_ir::lower(&checked.program, schema)
}

fn schema() -> seg_schema::Schema {
    seg_schema::parse_schema(FileId(1), SCHEMA).0
}

/// A hundred segments: the five-condition one with varied constants.
fn hundred() -> String {
    let groups = ["VIP", "Wholesale", "General", "Retailer"];
    (0..100)
        .map(|i| {
            FIVE.replace("segment five", &format!("segment s{i}"))
                .replace("\"Wholesale\"", &format!("\"{}\"", groups[i % 4]))
                .replace(">= 100", &format!(">= {}", 50 + i))
                + "\n"
        })
        .collect()
}

/// `distinct` deterministic profiles of varied shape, repeated up to `count`.
fn profiles(
    count: usize,
    distinct: usize,
    schema: &seg_schema::Schema,
    interner: &mut Interner,
) -> Vec<Profile> {
    let groups = ["VIP", "General", "Wholesale", "Retailer"];
    let statuses = ["complete", "closed", "canceled", "pending"];
    let cities = ["Seoul", "Busan", "SEOUL", "Daegu"];
    let text: String = (1..=distinct)
        .map(|i| {
            let orders: Vec<String> = (0..i % 6)
                .map(|k| {
                    format!(
                        r#"{{"status": "{}", "created_at": "2026-{:02}-{:02}T10:00:00Z", "grand_total": "{}.50", "items": [{{"sku": "S{k}", "qty": {}}}, {{"sku": "T{k}", "qty": 1}}]}}"#,
                        statuses[(i + k) % 4],
                        1 + (i + k) % 11,
                        1 + (i * 7 + k) % 28,
                        20 + (i * 13 + k * 31) % 200,
                        (i + k) % 4
                    )
                })
                .collect();
            format!(
                r#"{{"id": "c{i}", "logged_in": {}, "customer": {{"group": "{}", "newsletter_subscribed": {}, "reward_points": {}, "created_at": "2026-0{}-10T10:00:00Z", "email": "c{i}@example.com"}}, "addresses": [{{"city": "{}"}}], "cart": {{"subtotal": "{}.00"}}, "orders": [{}]}}"#,
                i % 7 != 0,
                groups[i % 4],
                i % 3 != 0,
                (i * 53) % 6000,
                1 + i % 9,
                cities[i % 4],
                (i * 37) % 300,
                orders.join(", ")
            ) + "\n"
        })
        .collect();
    let catalog = Catalog::default();
    let loaded: Vec<Profile> = seg_data::load::load_profiles(&text, schema, &catalog, interner)
        .into_iter()
        .map(|p| p.unwrap())
        .collect();
    (0..count).map(|i| loaded[i % distinct].clone()).collect()
}

fn setup(segments: &str, count: usize) -> Setup {
    let schema = schema();
    let program = program(segments, &schema);
    let mut interner = Interner::new();
    let profiles = profiles(count, count.min(50_000), &schema, &mut interner);
    let interner = Arc::new(interner);
    let shape = Shape {
        customer: program.layout.customer as usize,
    };
    let mut batch = Batch::new(shape, interner.clone());
    for profile in &profiles {
        batch.push(profile.clone());
    }
    Setup {
        program,
        profiles,
        batch,
        interner,
        catalog: Catalog::default(),
    }
}

/// The hand-written floor for FIVE over the batch's columns: the same values, the same
/// semantics, written directly in Rust (slots resolved by hand from the schema).
mod floor {
    use super::*;

    pub struct Columns {
        pub group: Vec<Value>,
        pub subtotal: Vec<Value>,
        pub points: Vec<Value>,
        pub created: Vec<Value>,
        pub newsletter: Vec<Value>,
        pub logged_in: Vec<bool>,
    }

    pub fn columns(profiles: &[Profile]) -> Columns {
        // Schema order: email, group, gender, dob, created_at, newsletter_subscribed,
        // store_credit, reward_points, …; cart: subtotal is slot 0.
        let column = |slot: usize| profiles.iter().map(|p| p.customer[slot].clone()).collect();
        Columns {
            group: column(1),
            created: column(4),
            newsletter: column(5),
            points: column(7),
            subtotal: profiles.iter().map(|p| p.cart[0].clone()).collect(),
            logged_in: profiles.iter().map(|p| p.logged_in).collect(),
        }
    }

    /// `group in [VIP (3), Wholesale (1)]`, subtotal ≥ 100.0000, 100 ≤ points ≤ 5000,
    /// created day < 2026-06-01 (day 20605), newsletter true, registered.
    pub fn count(c: &Columns) -> usize {
        const JUNE_FIRST: i64 = 20_605;
        let mut n = 0;
        for i in 0..c.group.len() {
            let hit = c.logged_in[i]
                && matches!(c.group[i], Value::Option(1 | 3))
                && matches!(c.subtotal[i], Value::Dec(s) if s >= 1_000_000)
                && matches!(c.points[i], Value::Int(p) if (100..=5000).contains(&p))
                && matches!(c.created[i], Value::DateTime(t) if t.div_euclid(86_400_000_000) < JUNE_FIRST)
                && matches!(c.newsletter[i], Value::Bool(true));
            n += usize::from(hit);
        }
        n
    }
}

#[divan::bench_group(sample_count = 200)]
mod one_profile {
    use super::*;

    #[divan::bench]
    fn interpreter(bencher: divan::Bencher) {
        let s = setup(FIVE, 1);
        let interpreter = Interpreter::new(&s.program);
        let context = s.context();
        bencher.bench_local(|| interpreter.memberships(divan::black_box(&s.profiles[0]), &context));
    }

    #[divan::bench]
    fn jit(bencher: divan::Bencher) {
        let s = setup(FIVE, 1);
        let jit = JitProgram::compile(&s.program).unwrap();
        let context = s.context();
        bencher.bench_local(|| jit.memberships(divan::black_box(&s.profiles[0]), &context));
    }
}

#[divan::bench_group(sample_count = 100)]
mod hundred_segments {
    use super::*;

    #[divan::bench]
    fn interpreter(bencher: divan::Bencher) {
        let s = setup(&hundred(), 1);
        let interpreter = Interpreter::new(&s.program);
        let context = s.context();
        bencher.bench_local(|| interpreter.memberships(divan::black_box(&s.profiles[0]), &context));
    }

    #[divan::bench]
    fn jit(bencher: divan::Bencher) {
        let s = setup(&hundred(), 1);
        let jit = JitProgram::compile(&s.program).unwrap();
        let context = s.context();
        bencher.bench_local(|| jit.memberships(divan::black_box(&s.profiles[0]), &context));
    }
}

const MILLION: usize = 1_000_000;

/// How many profiles a one-profile-at-a-time engine finds in the first segment.
fn members(profiles: &[Profile], member: impl Fn(&Profile) -> bool) -> usize {
    profiles.iter().filter(|p| member(p)).count()
}

/// The million profiles, built once and shared by every entry of the group (the same memory
/// for the floor, the interpreter and the JIT).
fn million() -> &'static Setup {
    static SETUP: std::sync::OnceLock<Setup> = std::sync::OnceLock::new();
    SETUP.get_or_init(|| setup(FIVE, MILLION))
}

fn history_setup() -> &'static Setup {
    static SETUP: std::sync::OnceLock<Setup> = std::sync::OnceLock::new();
    SETUP.get_or_init(|| setup(HISTORY, HISTORY_PROFILES))
}

#[divan::bench_group(sample_count = 5, sample_size = 1)]
mod batch_1m {
    use super::*;

    #[divan::bench]
    fn floor(bencher: divan::Bencher) {
        let s = million();
        let columns = floor::columns(&s.profiles);
        let jit = JitProgram::compile(&s.program).unwrap();
        assert_eq!(
            floor::count(&columns),
            jit.evaluate_batch(&s.batch, &s.catalog, AS_OF).count(0)
        );
        bencher.bench_local(|| floor::count(divan::black_box(&columns)));
    }

    #[divan::bench(args = TIERS)]
    fn jit(bencher: divan::Bencher, tier_name: &str) {
        let s = million();
        let jit = JitProgram::compile_with(&s.program, tier(tier_name)).unwrap();
        let batch = jit.prepare(&s.batch, &s.catalog);
        bencher.bench_local(|| {
            jit.evaluate(divan::black_box(&batch), AS_OF)
                .unwrap()
                .count(0)
        });
    }

    #[divan::bench]
    fn jit_profile_by_profile(bencher: divan::Bencher) {
        let s = million();
        let jit = JitProgram::compile(&s.program).unwrap();
        let context = s.context();
        bencher.bench_local(|| members(&s.profiles, |p| jit.memberships(p, &context)[0]));
    }

    #[divan::bench]
    fn interpreter(bencher: divan::Bencher) {
        let s = million();
        let interpreter = Interpreter::new(&s.program);
        let context = s.context();
        bencher.bench_local(|| members(&s.profiles, |p| interpreter.memberships(p, &context)[0]));
    }

    /// Making the batch ready for the program: column pointers into the batch (nothing is
    /// copied) and the element arrays of the collections it walks (none for this segment).
    #[divan::bench]
    fn prepare(bencher: divan::Bencher) {
        let s = million();
        let jit = JitProgram::compile(&s.program).unwrap();
        bencher.bench_local(|| jit.prepare(&s.batch, &s.catalog).len());
    }
}

const HISTORY_PROFILES: usize = 100_000;

#[divan::bench_group(sample_count = 10, sample_size = 1)]
mod history {
    use super::*;

    #[divan::bench]
    fn interpreter(bencher: divan::Bencher) {
        let s = history_setup();
        let interpreter = Interpreter::new(&s.program);
        let context = s.context();
        bencher.bench_local(|| members(&s.profiles, |p| interpreter.memberships(p, &context)[0]));
    }

    #[divan::bench(args = TIERS)]
    fn jit_batch(bencher: divan::Bencher, tier_name: &str) {
        let s = history_setup();
        let jit = JitProgram::compile_with(&s.program, tier(tier_name)).unwrap();
        let context = s.context();
        let batch = jit.prepare(&s.batch, &s.catalog);
        let interpreter = Interpreter::new(&s.program);
        let expected = members(&s.profiles, |p| interpreter.memberships(p, &context)[0]);
        assert_eq!(jit.evaluate(&batch, AS_OF).unwrap().count(0), expected);
        bencher.bench_local(|| {
            jit.evaluate(divan::black_box(&batch), AS_OF)
                .unwrap()
                .count(0)
        });
    }

    #[divan::bench]
    fn jit_profile_by_profile(bencher: divan::Bencher) {
        let s = history_setup();
        let jit = JitProgram::compile(&s.program).unwrap();
        let context = s.context();
        bencher.bench_local(|| members(&s.profiles, |p| jit.memberships(p, &context)[0]));
    }
}

#[divan::bench_group(sample_count = 200)]
mod compile {
    use super::*;

    #[divan::bench(args = TIERS)]
    fn five_conditions(bencher: divan::Bencher, tier_name: &str) {
        let program = program(FIVE, &schema());
        let tier = tier(tier_name);
        bencher.bench_local(|| JitProgram::compile_with(&program, tier).unwrap());
    }

    #[divan::bench(args = TIERS, sample_count = 20)]
    fn hundred_segments(bencher: divan::Bencher, tier_name: &str) {
        let program = program(&hundred(), &schema());
        let tier = tier(tier_name);
        bencher.bench_local(|| JitProgram::compile_with(&program, tier).unwrap());
    }

    #[divan::bench(args = TIERS, sample_count = 50)]
    fn history(bencher: divan::Bencher, tier_name: &str) {
        let program = program(HISTORY, &schema());
        let tier = tier(tier_name);
        bencher.bench_local(|| JitProgram::compile_with(&program, tier).unwrap());
    }
}
