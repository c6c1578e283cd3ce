//! Seg's interpreter and JIT side by side, in one run, with a hand-written Rust floor and five
//! peer expression engines (cel, evalexpr, rhai, zen-expression, datalogic-rs), all on the same
//! predicate and the same 100,000 generated profiles:
//!
//! ```sh
//! cargo bench -p seg-bench --features peers --bench peers
//! ```
//!
//! The predicate is the scalar segment of `crates/seg-jit/benches/engines.rs`
//! ([`seg_bench::SEGMENT`]): registered shoppers in group VIP or Wholesale (case-insensitively),
//! cart subtotal at least 100, reward points between 100 and 5000, created before 2026-06-01
//! (the UTC calendar day), subscribed to the newsletter.
//!
//! Every engine gets its program compiled (parsed) once and its data converted to its own
//! native form beforehand; the timed loop only evaluates, once per profile, and counts the
//! matches. Divan reports time per iteration, that is for all 100,000 profiles: divide by
//! 100,000 for ns per profile (the items/s column is the same figure inverted). The cost of
//! getting each engine its data, from the same NDJSON text, is measured separately by
//! `load_<engine>`. Before any timing, `main` checks that every engine gives the interpreter's
//! answer for every profile, so a wrong peer expression cannot produce a flattering number.
//!
//! How the peers express Seg's semantics (the generated data makes these readings exact):
//! - **group**: select options compare case-insensitively; Seg resolves the option when it loads
//!   a profile, so every peer gets the group folded to lower case at conversion (as the floor
//!   gets an enum) and compares it with `"vip"` / `"wholesale"`.
//! - **subtotal**: Seg compares exact ten-thousandths. The peers get a double (zen-expression a
//!   `rust_decimal` number, its only number type), exact for the generated whole amounts.
//! - **created_at before 2026-06-01**: Seg compares the UTC calendar day; the peers get the
//!   instant as integer seconds since the epoch and compare it with 2026-06-01T00:00:00Z, which
//!   is the same test (a day is before 2026-06-01 exactly when its instants are before midnight).
//! - **between** is inclusive at both ends; **applies_to registered** is `logged_in` being true.
//!   Generated records hold every field, so §8's missing-value rule never comes into play.

use std::sync::OnceLock;

use divan::counter::ItemsCount;
use divan::Bencher;
use seg_bench::{
    Fields, CREATED_BEFORE_SECS, GROUPS_FOLDED, POINTS_MAX, POINTS_MIN, PROFILES,
    SUBTOTAL_MIN_UNITS,
};
use seg_eval::Interpreter;
use seg_jit::JitProgram;

fn main() {
    check_agreement();
    divan::main();
}

/// The generated profiles, once per process.
fn text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| seg_bench::profiles_ndjson(PROFILES))
}

/// Every engine's answer for every profile equals the interpreter's.
fn check_agreement() {
    let text = text();
    let (schema, program) = seg_bench::compile_segment(seg_bench::SEGMENT);
    let loaded = seg_bench::load_seg(text, &schema);
    let reference = seg_bench::interpreter_answers(&program, &loaded);
    let engines: Vec<(&str, Vec<bool>)> = vec![
        (
            "floor",
            seg_bench::load_rows(text)
                .iter()
                .map(seg_bench::floor_matches)
                .collect(),
        ),
        ("jit", seg_bench::jit_answers(&program, &loaded)),
        ("cel", peer_cel::answers(text)),
        ("evalexpr", peer_evalexpr::answers(text)),
        ("rhai", peer_rhai::answers(text)),
        ("zen", peer_zen::answers(text)),
        ("datalogic", peer_datalogic::answers(text)),
    ];
    let expected = reference.iter().filter(|m| **m).count();
    for (name, answers) in &engines {
        assert_eq!(answers.len(), reference.len(), "{name}: profiles");
        let matches = answers.iter().filter(|m| **m).count();
        assert_eq!(matches, expected, "{name}: matches");
        if let Some(i) = (0..reference.len()).find(|&i| answers[i] != reference[i]) {
            panic!("{name} answers {} for profile c{}", answers[i], i + 1);
        }
    }
    eprintln!(
        "all engines agree: {expected} of {} profiles match",
        reference.len()
    );
}

/// The shared loop: evaluate every item, count the matches.
fn count<T>(items: &[T], mut matches: impl FnMut(&T) -> bool) -> usize {
    items.iter().filter(|item| matches(item)).count()
}

// ---------------------------------------------------------------------------------------------
// Seg and the floor

#[divan::bench(sample_count = 20)]
fn floor(bencher: Bencher) {
    let rows = seg_bench::load_rows(text());
    bencher
        .counter(ItemsCount::new(rows.len()))
        .bench_local(|| count(&rows, seg_bench::floor_matches));
}

#[divan::bench(sample_count = 10)]
fn interpreter(bencher: Bencher) {
    let (schema, program) = seg_bench::compile_segment(seg_bench::SEGMENT);
    let loaded = seg_bench::load_seg(text(), &schema);
    let interpreter = Interpreter::new(&program);
    let context = loaded.context();
    bencher
        .counter(ItemsCount::new(loaded.profiles.len()))
        .bench_local(|| {
            count(&loaded.profiles, |p| {
                interpreter.memberships(p, &context)[0]
            })
        });
}

#[divan::bench(sample_count = 10)]
fn jit(bencher: Bencher) {
    let (schema, program) = seg_bench::compile_segment(seg_bench::SEGMENT);
    let loaded = seg_bench::load_seg(text(), &schema);
    let jit = JitProgram::compile(&program).unwrap();
    let context = loaded.context();
    bencher
        .counter(ItemsCount::new(loaded.profiles.len()))
        .bench_local(|| count(&loaded.profiles, |p| jit.memberships(p, &context)[0]));
}

/// The JIT over a columnar batch of the same profiles (laid out beforehand, as the peers'
/// data is): what `seg eval` does.
#[divan::bench(sample_count = 10)]
fn jit_batch(bencher: Bencher) {
    let (schema, program) = seg_bench::compile_segment(seg_bench::SEGMENT);
    let loaded = seg_bench::load_seg(text(), &schema);
    let jit = JitProgram::compile_with(&program, seg_jit::Tier::Optimized).unwrap();
    let shape = seg_data::Shape {
        customer: program.layout.customer as usize,
    };
    // Layered over the interner the profiles were loaded with (a layer keeps its base's
    // symbols).
    let mut data = seg_data::Batch::new(shape, std::sync::Arc::new(loaded.interner.clone()));
    for profile in &loaded.profiles {
        data.push(profile.clone());
    }
    let batch = jit.prepare(&data, &loaded.catalog);
    bencher
        .counter(ItemsCount::new(loaded.profiles.len()))
        .bench_local(|| jit.evaluate(&batch, seg_bench::AS_OF).unwrap().count(0));
}

#[divan::bench(sample_count = 10)]
fn cel(bencher: Bencher) {
    let (env, program) = peer_cel::compile();
    let contexts = peer_cel::load(text(), &env);
    bencher
        .counter(ItemsCount::new(contexts.len()))
        .bench_local(|| count(&contexts, |c| peer_cel::eval(&program, c)));
}

#[divan::bench(sample_count = 10)]
fn evalexpr(bencher: Bencher) {
    let node = peer_evalexpr::compile();
    let contexts = peer_evalexpr::load(text());
    bencher
        .counter(ItemsCount::new(contexts.len()))
        .bench_local(|| count(&contexts, |c| peer_evalexpr::eval(&node, c)));
}

#[divan::bench(sample_count = 10)]
fn rhai(bencher: Bencher) {
    let (engine, ast) = peer_rhai::compile();
    let mut scopes = peer_rhai::load(text());
    bencher
        .counter(ItemsCount::new(scopes.len()))
        .bench_local(|| {
            scopes
                .iter_mut()
                .map(|scope| peer_rhai::eval(&engine, &ast, scope))
                .filter(|m| *m)
                .count()
        });
}

#[divan::bench(sample_count = 10)]
fn zen(bencher: Bencher) {
    let expression = peer_zen::compile();
    let scopes = peer_zen::load(text());
    let mut vm = zen_expression::vm::VM::new();
    bencher
        .counter(ItemsCount::new(scopes.len()))
        .bench_local(|| count(&scopes, |s| peer_zen::eval(&expression, s, &mut vm)));
}

#[divan::bench(sample_count = 10)]
fn datalogic(bencher: Bencher) {
    let (engine, logic) = peer_datalogic::compile();
    let data_arena = peer_datalogic::Bump::new();
    let data = peer_datalogic::load(text(), &data_arena);
    let mut scratch = peer_datalogic::Bump::new();
    bencher
        .counter(ItemsCount::new(data.len()))
        .bench_local(|| {
            count(&data, |d| {
                peer_datalogic::eval(&engine, &logic, d, &mut scratch)
            })
        });
}

// ---------------------------------------------------------------------------------------------
// Loading: from the same NDJSON text to each engine's data (dropping it is not timed)

#[divan::bench(sample_count = 5)]
fn load_floor(bencher: Bencher) {
    bencher
        .counter(ItemsCount::new(PROFILES))
        .bench_local(|| seg_bench::load_rows(text()));
}

#[divan::bench(sample_count = 5)]
fn load_interpreter(bencher: Bencher) {
    let (schema, _) = seg_bench::compile_segment(seg_bench::SEGMENT);
    bencher
        .counter(ItemsCount::new(PROFILES))
        .bench_local(|| seg_bench::load_seg(text(), &schema));
}

/// The JIT reads the interpreter's layout: the same load as `load_interpreter`.
#[divan::bench(sample_count = 5)]
fn load_jit(bencher: Bencher) {
    let (schema, _) = seg_bench::compile_segment(seg_bench::SEGMENT);
    bencher
        .counter(ItemsCount::new(PROFILES))
        .bench_local(|| seg_bench::load_seg(text(), &schema));
}

#[divan::bench(sample_count = 5)]
fn load_cel(bencher: Bencher) {
    let (env, _) = peer_cel::compile();
    bencher
        .counter(ItemsCount::new(PROFILES))
        .bench_local(|| peer_cel::load(text(), &env));
}

#[divan::bench(sample_count = 5)]
fn load_evalexpr(bencher: Bencher) {
    bencher
        .counter(ItemsCount::new(PROFILES))
        .bench_local(|| peer_evalexpr::load(text()));
}

#[divan::bench(sample_count = 5)]
fn load_rhai(bencher: Bencher) {
    bencher
        .counter(ItemsCount::new(PROFILES))
        .bench_local(|| peer_rhai::load(text()));
}

#[divan::bench(sample_count = 5)]
fn load_zen(bencher: Bencher) {
    bencher
        .counter(ItemsCount::new(PROFILES))
        .bench_local(|| peer_zen::load(text()));
}

#[divan::bench(sample_count = 5)]
fn load_datalogic(bencher: Bencher) {
    bencher.counter(ItemsCount::new(PROFILES)).bench_local(|| {
        let arena = peer_datalogic::Bump::new();
        let loaded = peer_datalogic::load(text(), &arena).len();
        (arena, loaded)
    });
}

// ---------------------------------------------------------------------------------------------
// The peers: each one's program, data conversion and evaluation

/// The predicate in the C-like syntax CEL and Rhai share: maps with `.`, `in` on a list
/// literal, `&&`, and `subtotal` as a float against `100.0` (neither mixes ints and floats).
fn c_like_source() -> String {
    format!(
        "logged_in \
         && customer.group in [\"{}\", \"{}\"] \
         && cart.subtotal >= {:.1} \
         && customer.reward_points >= {POINTS_MIN} && customer.reward_points <= {POINTS_MAX} \
         && customer.created_at < {CREATED_BEFORE_SECS} \
         && customer.newsletter_subscribed",
        GROUPS_FOLDED[0],
        GROUPS_FOLDED[1],
        SUBTOTAL_MIN_UNITS as f64 / 10_000.0,
    )
}

/// CEL (crate `cel`, formerly cel-interpreter): a tree-walking interpreter over `cel::Value`.
/// Each profile is a `Context` sharing one standard `Env`, with variables `logged_in` (bool),
/// `customer` and `cart` (maps); `reward_points` and `created_at` are `int`, `subtotal` a
/// `double`, compared with the `double` literal `100.0` (CEL keeps int and double apart).
mod peer_cel {
    use std::collections::HashMap;
    use std::sync::Arc;

    use cel::{Context, Env, Program, Value};

    use super::*;

    pub fn source() -> String {
        c_like_source()
    }

    pub fn compile() -> (Arc<Env>, Program) {
        let env = Arc::new(Env::stdlib());
        let program = env.compile(&source()).expect("the CEL expression compiles");
        (env, program)
    }

    pub fn load(text: &str, env: &Arc<Env>) -> Vec<Context<'static, 'static>> {
        seg_bench::records(text)
            .map(|record| {
                let f = Fields::of(&record);
                let mut context = Context::with_env(Arc::clone(env));
                context.add_variable_from_value("logged_in", f.logged_in);
                let customer: HashMap<&str, Value> = HashMap::from([
                    ("group", Value::from(f.group.clone())),
                    (
                        "newsletter_subscribed",
                        Value::Bool(f.newsletter_subscribed),
                    ),
                    ("reward_points", Value::Int(f.reward_points)),
                    ("created_at", Value::Int(f.created_at_secs())),
                ]);
                context.add_variable_from_value("customer", customer);
                let cart = HashMap::from([("subtotal", Value::Float(f.subtotal_f64()))]);
                context.add_variable_from_value("cart", cart);
                context
            })
            .collect()
    }

    #[inline]
    pub fn eval(program: &Program, context: &Context) -> bool {
        match program.execute(context) {
            Ok(Value::Bool(b)) => b,
            other => panic!("CEL: {other:?}"),
        }
    }

    pub fn answers(text: &str) -> Vec<bool> {
        let (env, program) = compile();
        load(text, &env).iter().map(|c| eval(&program, c)).collect()
    }
}

/// evalexpr: an operator tree over a `HashMapContext` per profile. It has no maps, so the
/// variables are flat, with dotted names (`customer.group` is one identifier), and no `in`, so
/// the group test is two `==`; `subtotal` is a float against `100.0`, the rest integers.
mod peer_evalexpr {
    use evalexpr::{ContextWithMutableVariables, DefaultNumericTypes, HashMapContext, Node, Value};

    use super::*;

    pub fn source() -> String {
        format!(
            "logged_in \
             && (customer.group == \"{}\" || customer.group == \"{}\") \
             && cart.subtotal >= {:.1} \
             && customer.reward_points >= {POINTS_MIN} && customer.reward_points <= {POINTS_MAX} \
             && customer.created_at < {CREATED_BEFORE_SECS} \
             && customer.newsletter_subscribed",
            GROUPS_FOLDED[0],
            GROUPS_FOLDED[1],
            SUBTOTAL_MIN_UNITS as f64 / 10_000.0,
        )
    }

    pub fn compile() -> Node<DefaultNumericTypes> {
        evalexpr::build_operator_tree(&source()).expect("the evalexpr expression parses")
    }

    pub fn load(text: &str) -> Vec<HashMapContext<DefaultNumericTypes>> {
        seg_bench::records(text)
            .map(|record| {
                let f = Fields::of(&record);
                let mut context = HashMapContext::new();
                let values = [
                    ("logged_in", Value::Boolean(f.logged_in)),
                    ("customer.group", Value::String(f.group.clone())),
                    (
                        "customer.newsletter_subscribed",
                        Value::Boolean(f.newsletter_subscribed),
                    ),
                    ("customer.reward_points", Value::Int(f.reward_points)),
                    ("customer.created_at", Value::Int(f.created_at_secs())),
                    ("cart.subtotal", Value::Float(f.subtotal_f64())),
                ];
                for (name, value) in values {
                    context.set_value(name.into(), value).unwrap();
                }
                context
            })
            .collect()
    }

    #[inline]
    pub fn eval(node: &Node<DefaultNumericTypes>, context: &HashMapContext) -> bool {
        match node.eval_boolean_with_context(context) {
            Ok(b) => b,
            Err(e) => panic!("evalexpr: {e}"),
        }
    }

    pub fn answers(text: &str) -> Vec<bool> {
        let node = compile();
        load(text).iter().map(|c| eval(&node, c)).collect()
    }
}

/// Rhai: an AST-walking script engine (`Engine::new`, default optimisation), the predicate
/// compiled as an expression; each profile is a `Scope` of constants `logged_in` and the object
/// maps `customer` and `cart`. `in` on an array literal is Rhai's membership test; `subtotal`
/// is a float against `100.0` (Rhai does not mix ints and floats in comparisons either).
mod peer_rhai {
    use rhai::{Dynamic, Engine, Map, Scope, AST};

    use super::*;

    pub fn source() -> String {
        c_like_source()
    }

    pub fn compile() -> (Engine, AST) {
        let engine = Engine::new();
        let ast = engine
            .compile_expression(source())
            .expect("the Rhai expression compiles");
        (engine, ast)
    }

    pub fn load(text: &str) -> Vec<Scope<'static>> {
        seg_bench::records(text)
            .map(|record| {
                let f = Fields::of(&record);
                let mut customer = Map::new();
                customer.insert("group".into(), Dynamic::from(f.group.clone()));
                customer.insert(
                    "newsletter_subscribed".into(),
                    Dynamic::from_bool(f.newsletter_subscribed),
                );
                customer.insert("reward_points".into(), Dynamic::from_int(f.reward_points));
                customer.insert("created_at".into(), Dynamic::from_int(f.created_at_secs()));
                let mut cart = Map::new();
                cart.insert("subtotal".into(), Dynamic::from_float(f.subtotal_f64()));
                let mut scope = Scope::new();
                scope.push_constant("logged_in", f.logged_in);
                scope.push_constant("customer", customer);
                scope.push_constant("cart", cart);
                scope
            })
            .collect()
    }

    #[inline]
    pub fn eval(engine: &Engine, ast: &AST, scope: &mut Scope) -> bool {
        match engine.eval_ast_with_scope::<bool>(scope, ast) {
            Ok(b) => b,
            Err(e) => panic!("Rhai: {e}"),
        }
    }

    pub fn answers(text: &str) -> Vec<bool> {
        let (engine, ast) = compile();
        load(text)
            .iter_mut()
            .map(|s| eval(&engine, &ast, s))
            .collect()
    }
}

/// zen-expression (GoRules' expression language): bytecode on a reused `VM`, each profile a
/// `Scope` over a `Variable` object built from JSON (`Variable::from(serde_json::Value)`, its
/// documented way in). Its numbers are `rust_decimal` decimals, so `subtotal >= 100` is exact;
/// `[100..5000]` is its closed interval, which is `between`.
mod peer_zen {
    use zen_expression::expression::Standard;
    use zen_expression::scope::Scope;
    use zen_expression::variable::Variable;
    use zen_expression::vm::VM;
    use zen_expression::Expression;

    use super::*;

    pub fn source() -> String {
        format!(
            "logged_in \
             and customer.group in [\"{}\", \"{}\"] \
             and cart.subtotal >= {} \
             and customer.reward_points in [{POINTS_MIN}..{POINTS_MAX}] \
             and customer.created_at < {CREATED_BEFORE_SECS} \
             and customer.newsletter_subscribed == true",
            GROUPS_FOLDED[0],
            GROUPS_FOLDED[1],
            SUBTOTAL_MIN_UNITS / 10_000,
        )
    }

    pub fn compile() -> Expression<Standard> {
        zen_expression::compile_expression(&source()).expect("the zen expression compiles")
    }

    pub fn load(text: &str) -> Vec<Scope> {
        seg_bench::records(text)
            .map(|record| {
                let f = Fields::of(&record);
                let subtotal: serde_json::Number = format!(
                    "{}.{:04}",
                    f.subtotal_units / 10_000,
                    f.subtotal_units % 10_000
                )
                .parse()
                .unwrap();
                let json = serde_json::json!({
                    "logged_in": f.logged_in,
                    "customer": {
                        "group": f.group,
                        "newsletter_subscribed": f.newsletter_subscribed,
                        "reward_points": f.reward_points,
                        "created_at": f.created_at_secs(),
                    },
                    "cart": { "subtotal": subtotal },
                });
                Scope::new(Variable::from(json))
            })
            .collect()
    }

    #[inline]
    pub fn eval(expression: &Expression<Standard>, scope: &Scope, vm: &mut VM) -> bool {
        match expression.evaluate_with_scope(scope, vm) {
            Ok(Variable::Bool(b)) => b,
            other => panic!("zen: {other:?}"),
        }
    }

    pub fn answers(text: &str) -> Vec<bool> {
        let expression = compile();
        let mut vm = VM::new();
        load(text)
            .iter()
            .map(|s| eval(&expression, s, &mut vm))
            .collect()
    }
}

/// datalogic-rs: JSONLogic compiled once into its opcode tree, evaluated with `Engine::evaluate`
/// over `DataValue` trees built beforehand in one long-lived arena (the crate's zero-copy input
/// form), with a scratch arena reset after every evaluation. `<=` with three arguments is
/// JSONLogic's inclusive between; `===` keeps the two booleans strict.
mod peer_datalogic {
    pub use datalogic_rs::bumpalo::Bump;
    use datalogic_rs::{DataValue, Engine, Logic};

    use super::*;

    pub fn source() -> String {
        serde_json::json!({"and": [
            {"===": [{"var": "logged_in"}, true]},
            {"in": [{"var": "customer.group"}, GROUPS_FOLDED]},
            {">=": [{"var": "cart.subtotal"}, SUBTOTAL_MIN_UNITS / 10_000]},
            {"<=": [POINTS_MIN, {"var": "customer.reward_points"}, POINTS_MAX]},
            {"<": [{"var": "customer.created_at"}, CREATED_BEFORE_SECS]},
            {"===": [{"var": "customer.newsletter_subscribed"}, true]},
        ]})
        .to_string()
    }

    pub fn compile() -> (Engine, Logic) {
        let engine = Engine::new();
        let logic = engine
            .compile(source().as_str())
            .expect("the JSONLogic rule compiles");
        (engine, logic)
    }

    pub fn load<'a>(text: &str, arena: &'a Bump) -> Vec<&'a DataValue<'a>> {
        seg_bench::records(text)
            .map(|record| {
                let f = Fields::of(&record);
                let customer = arena.alloc_slice_fill_iter([
                    ("group", DataValue::String(arena.alloc_str(&f.group))),
                    (
                        "newsletter_subscribed",
                        DataValue::Bool(f.newsletter_subscribed),
                    ),
                    ("reward_points", DataValue::from_i64(f.reward_points)),
                    ("created_at", DataValue::from_i64(f.created_at_secs())),
                ]);
                let cart = arena
                    .alloc_slice_fill_iter([("subtotal", DataValue::from_f64(f.subtotal_f64()))]);
                let root = arena.alloc_slice_fill_iter([
                    ("logged_in", DataValue::Bool(f.logged_in)),
                    ("customer", DataValue::Object(customer)),
                    ("cart", DataValue::Object(cart)),
                ]);
                &*arena.alloc(DataValue::Object(root))
            })
            .collect()
    }

    #[inline]
    pub fn eval(engine: &Engine, logic: &Logic, data: &DataValue, scratch: &mut Bump) -> bool {
        let answer = match engine.evaluate(logic, data, scratch) {
            Ok(value) => value.as_bool(),
            Err(e) => panic!("datalogic: {e}"),
        };
        scratch.reset();
        answer.expect("a boolean")
    }

    pub fn answers(text: &str) -> Vec<bool> {
        let (engine, logic) = compile();
        let arena = Bump::new();
        let mut scratch = Bump::new();
        load(text, &arena)
            .into_iter()
            .map(|d| eval(&engine, &logic, d, &mut scratch))
            .collect()
    }
}
