//! The workload of the peer-engine bench (`benches/peers.rs`, run with
//! `cargo bench -p seg-bench --features peers --bench peers`): the scalar five-condition segment
//! of `seg-jit`'s `engines` bench, the same deterministic profile generator, the Seg setup
//! (parse, check, lower, load), the typed fields every other engine is fed from, and the
//! hand-written Rust floor.
//!
//! Everything here builds without the peer engines, so the unit tests below run in the default
//! `cargo test --workspace`: they keep the floor and the typed fields in agreement with the
//! interpreter and the JIT, which is what the bench's own agreement check builds on.

use seg_check::values::{parse_datetime, Decimal};
use seg_data::{Catalog, Interner, Profile};
use seg_diag::FileId;
use seg_eval::{Context, Interpreter};
use seg_jit::JitProgram;
use seg_schema::Schema;
use serde_json::Value as Json;

pub const SCHEMA: &str = include_str!("../../../tests/check/schema.json");
/// The evaluation instant, 2026-11-28T12:00:00Z (the scalar segment does not depend on it).
pub const AS_OF: i64 = 1_795_867_200_000_000;
/// Profiles per bench run.
pub const PROFILES: usize = 100_000;

/// Five conditions on scalar fields plus the audience (`applies_to registered`): the segment the
/// JIT compiles entirely to native code.
pub const SEGMENT: &str = include_str!("../../seg-jit/benches/five.seg");

/// The bounds of [`SEGMENT`] in the representations the floor and the peers use.
pub const GROUPS_FOLDED: [&str; 2] = ["vip", "wholesale"];
pub const SUBTOTAL_MIN_UNITS: i64 = 100 * 10_000;
pub const POINTS_MIN: i64 = 100;
pub const POINTS_MAX: i64 = 5000;
/// 2026-06-01 as days since 1970-01-01: `before` compares the UTC calendar day of a datetime.
pub const CREATED_BEFORE_DAY: i32 = 20_605;
/// 2026-06-01T00:00:00Z in seconds: a UTC day is before 2026-06-01 exactly when the instant is
/// before this one.
pub const CREATED_BEFORE_SECS: i64 = CREATED_BEFORE_DAY as i64 * 86_400;

/// `n` profiles as NDJSON, the generator of `crates/seg-jit/benches/engines.rs`: about one in
/// seven is a visitor, groups and flags rotate, reward points, subtotals (whole amounts with
/// `.00`) and creation months (January to September 2026) vary.
pub fn profiles_ndjson(n: usize) -> String {
    let groups = ["VIP", "General", "Wholesale", "Retailer"];
    (1..=n)
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
        .collect()
}

/// The schema, and `segment` parsed, checked (it must be clean) and lowered to the IR.
pub fn compile_segment(segment: &str) -> (Schema, seg_ir::Program) {
    let (schema, diagnostics) = seg_schema::parse_schema(FileId(1), SCHEMA);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let (module, _) = seg_syntax::parse(FileId(0), segment);
    let checked = seg_check::check(&[(FileId(0), &module)], &schema);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let program = seg_ir::lower(&checked.program, &schema);
    (schema, program)
}

/// Profiles in the `seg-data` layout, with what evaluating them needs.
pub struct Loaded {
    pub profiles: Vec<Profile>,
    pub interner: Interner,
    pub catalog: Catalog,
}

impl Loaded {
    pub fn context(&self) -> Context<'_> {
        Context {
            catalog: &self.catalog,
            interner: &self.interner,
            as_of: AS_OF,
        }
    }
}

/// Loads NDJSON profiles with `seg_data::load::load_profiles` (every record must load).
pub fn load_seg(text: &str, schema: &Schema) -> Loaded {
    let mut interner = Interner::new();
    let catalog = Catalog::default();
    let profiles = seg_data::load::load_profiles(text, schema, &catalog, &mut interner)
        .into_iter()
        .map(|p| p.expect("bench profiles load"))
        .collect();
    Loaded {
        profiles,
        interner,
        catalog,
    }
}

/// Each profile's membership in the program's first segment, by the interpreter.
pub fn interpreter_answers(program: &seg_ir::Program, loaded: &Loaded) -> Vec<bool> {
    let interpreter = Interpreter::new(program);
    let context = loaded.context();
    loaded
        .profiles
        .iter()
        .map(|p| interpreter.memberships(p, &context)[0])
        .collect()
}

/// Each profile's membership in the program's first segment, by the JIT.
pub fn jit_answers(program: &seg_ir::Program, loaded: &Loaded) -> Vec<bool> {
    let jit = JitProgram::compile(program).expect("the segment compiles");
    let context = loaded.context();
    loaded
        .profiles
        .iter()
        .map(|p| jit.memberships(p, &context)[0])
        .collect()
}

/// The NDJSON records as JSON values, in order.
pub fn records(text: &str) -> impl Iterator<Item = Json> + '_ {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).expect("a generated record is JSON"))
}

/// What [`SEGMENT`] reads of one record, typed the way the Seg loader reads it: the group folded
/// (select options compare case-insensitively, and the loader resolves them at load time), the
/// subtotal as exact ten-thousandths, the creation instant in UTC microseconds.
///
/// The floor and the peers are fed from these, so each engine's load cost is the same JSON
/// parse plus its own conversion. Generated records always hold every field; a missing one is a
/// panic here rather than a reading of §8's missing-value rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    pub logged_in: bool,
    pub group: String,
    pub newsletter_subscribed: bool,
    pub reward_points: i64,
    pub created_at_micros: i64,
    pub subtotal_units: i64,
}

impl Fields {
    pub fn of(record: &Json) -> Fields {
        let customer = &record["customer"];
        let text = |value: &Json| value.as_str().expect("a string").to_owned();
        Fields {
            logged_in: record["logged_in"].as_bool().expect("logged_in"),
            group: text(&customer["group"]).to_lowercase(),
            newsletter_subscribed: customer["newsletter_subscribed"]
                .as_bool()
                .expect("newsletter_subscribed"),
            reward_points: customer["reward_points"].as_i64().expect("reward_points"),
            created_at_micros: parse_datetime(&text(&customer["created_at"]))
                .expect("created_at")
                .micros,
            subtotal_units: Decimal::parse(&text(&record["cart"]["subtotal"]))
                .expect("subtotal")
                .units,
        }
    }

    /// Whole seconds since the epoch (the generated instants are whole seconds).
    pub fn created_at_secs(&self) -> i64 {
        self.created_at_micros.div_euclid(1_000_000)
    }

    /// The subtotal as a double: exact for the generated whole amounts.
    pub fn subtotal_f64(&self) -> f64 {
        self.subtotal_units as f64 / 10_000.0
    }
}

/// The floor's group: the select's options as a byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Group {
    General,
    Wholesale,
    Retailer,
    Vip,
}

/// One profile as the hand-written floor reads it: 24 bytes of typed fields.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub subtotal_units: i64,
    pub reward_points: i64,
    /// The UTC calendar day of `created_at`.
    pub created_day: i32,
    pub group: Group,
    pub logged_in: bool,
    pub newsletter_subscribed: bool,
}

impl Row {
    pub fn of(fields: &Fields) -> Row {
        Row {
            subtotal_units: fields.subtotal_units,
            reward_points: fields.reward_points,
            created_day: fields.created_at_micros.div_euclid(86_400_000_000) as i32,
            group: match fields.group.as_str() {
                "general" => Group::General,
                "wholesale" => Group::Wholesale,
                "retailer" => Group::Retailer,
                "vip" => Group::Vip,
                other => panic!("no group option `{other}`"),
            },
            logged_in: fields.logged_in,
            newsletter_subscribed: fields.newsletter_subscribed,
        }
    }
}

/// The floor's loading: the same JSON parse, then typed rows.
pub fn load_rows(text: &str) -> Vec<Row> {
    records(text).map(|r| Row::of(&Fields::of(&r))).collect()
}

/// [`SEGMENT`] written by hand. `&` rather than `&&`: every test is a compare on a field already
/// in registers, so evaluating all six without branches is cheaper than short-circuiting.
#[inline]
pub fn floor_matches(row: &Row) -> bool {
    row.logged_in
        & matches!(row.group, Group::Vip | Group::Wholesale)
        & (row.subtotal_units >= SUBTOTAL_MIN_UNITS)
        & (row.reward_points >= POINTS_MIN)
        & (row.reward_points <= POINTS_MAX)
        & (row.created_day < CREATED_BEFORE_DAY)
        & row.newsletter_subscribed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bounds_are_the_segments() {
        assert_eq!(
            seg_check::values::days_from_civil(2026, 6, 1),
            CREATED_BEFORE_DAY
        );
    }

    #[test]
    fn floor_interpreter_and_jit_agree_on_the_generated_profiles() {
        let text = profiles_ndjson(2_000);
        let (schema, program) = compile_segment(SEGMENT);
        let loaded = load_seg(&text, &schema);
        let reference = interpreter_answers(&program, &loaded);
        let floor: Vec<bool> = load_rows(&text).iter().map(floor_matches).collect();
        assert_eq!(floor, reference);
        assert_eq!(jit_answers(&program, &loaded), reference);
        let matches = reference.iter().filter(|m| **m).count();
        assert!(matches > 50 && matches < 1_000, "{matches} matches");
    }
}
