//! Interpreter throughput: one 5-condition segment and 100 segments, over one profile (a
//! storefront request) and over 100,000 profiles (a batch refresh). Divan reports time per
//! iteration; divide by profiles × segments for ns per profile-segment.
//! Run with `cargo bench -p seg-eval --bench interp`.

use seg_data::{Catalog, Interner, Profile};
use seg_diag::FileId;
use seg_eval::{Context, Interpreter};

fn main() {
    divan::main();
}

const SCHEMA: &str = include_str!("../../../tests/check/schema.json");
const AS_OF: i64 = 1_795_867_200_000_000; // 2026-11-28T12:00:00Z

/// The storefront's typical segment: five conditions over customer, address, cart and orders.
const FIVE: &str = r#"segment five {
  applies_to registered
  all {
    customer.group in ["VIP", "Wholesale"]
    any addresses { city is "Seoul" }
    cart.subtotal >= 100
    count(orders within last 365 days where { status is "complete" }) >= 2
    customer.newsletter_subscribed is true
  }
}
"#;

fn compile(text: &str, schema: &seg_schema::Schema) -> seg_ir::Program {
    let (module, _) = seg_syntax::parse(FileId(0), text);
    let checked = seg_check::check(&[(FileId(0), &module)], schema);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    seg_ir::lower(&checked.program, schema)
}

/// A hundred segments: the five-condition one with varied constants and operators.
fn hundred() -> String {
    let cities = ["Seoul", "Busan", "Incheon", "Daegu"];
    (0..100)
        .map(|i| {
            FIVE.replace("segment five", &format!("segment s{i}"))
                .replace("\"Seoul\"", &format!("\"{}\"", cities[i % cities.len()]))
                .replace(">= 100", &format!(">= {}", 50 + i))
                .replace(">= 2", &format!(">= {}", i % 4))
        })
        .collect()
}

/// Deterministic profiles of varied shape: some match, most fail somewhere.
fn profiles(count: usize, schema: &seg_schema::Schema, interner: &mut Interner) -> Vec<Profile> {
    let groups = ["VIP", "General", "Wholesale", "Retailer"];
    let cities = ["Seoul", "Busan", "SEOUL", "Daegu"];
    let text: String = (1..=count)
        .map(|i| {
            let orders: Vec<String> = (0..i % 5)
                .map(|k| format!(r#"{{"status": "{}", "created_at": "2026-{:02}-10T10:00:00Z", "grand_total": "{}.50"}}"#, if k % 3 == 0 { "canceled" } else { "complete" }, 1 + (i + k) % 11, 40 + k * 30))
                .collect();
            format!(
                r#"{{"id": "c{i}", "logged_in": {}, "customer": {{"group": "{}", "newsletter_subscribed": {}, "email": "c{i}@example.com"}}, "addresses": [{{"city": "{}", "country_id": "KR"}}], "cart": {{"subtotal": "{}.00"}}, "orders": [{}]}}"#,
                i % 7 != 0,
                groups[i % groups.len()],
                i % 2 == 0,
                cities[i % cities.len()],
                (i * 37) % 300,
                orders.join(", ")
            ) + "\n"
        })
        .collect();
    seg_data::load::load_profiles(&text, schema, &Catalog::default(), interner)
        .into_iter()
        .map(|p| p.expect("bench profiles load"))
        .collect()
}

struct Setup {
    program: seg_ir::Program,
    profiles: Vec<Profile>,
    interner: Interner,
    catalog: Catalog,
}

fn setup(segments: &str, count: usize) -> Setup {
    let (schema, _) = seg_schema::parse_schema(FileId(1), SCHEMA);
    let program = compile(segments, &schema);
    let mut interner = Interner::new();
    let profiles = profiles(count, &schema, &mut interner);
    Setup {
        program,
        profiles,
        interner,
        catalog: Catalog::default(),
    }
}

fn run(setup: &Setup) -> usize {
    let context = Context {
        catalog: &setup.catalog,
        interner: &setup.interner,
        as_of: AS_OF,
    };
    let interpreter = Interpreter::new(&setup.program);
    setup
        .profiles
        .iter()
        .map(|p| {
            interpreter
                .memberships(p, &context)
                .iter()
                .filter(|m| **m)
                .count()
        })
        .sum()
}

#[divan::bench]
fn five_conditions_one_profile(bencher: divan::Bencher) {
    let s = setup(FIVE, 1);
    bencher.bench_local(|| run(&s));
}

#[divan::bench]
fn hundred_segments_one_profile(bencher: divan::Bencher) {
    let s = setup(&hundred(), 1);
    bencher.bench_local(|| run(&s));
}

#[divan::bench(sample_count = 10)]
fn five_conditions_100k_profiles(bencher: divan::Bencher) {
    let s = setup(FIVE, 100_000);
    bencher.bench_local(|| run(&s));
}

#[divan::bench(sample_count = 3)]
fn hundred_segments_100k_profiles(bencher: divan::Bencher) {
    let s = setup(&hundred(), 100_000);
    bencher.bench_local(|| run(&s));
}
