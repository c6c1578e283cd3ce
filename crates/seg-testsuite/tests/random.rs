//! Random well-typed segments × random profiles: the generator's output checks clean, loads,
//! lowers to verified IR, and evaluates without panics; an explained evaluation reaches the
//! same membership as the plain one, and the JIT the same memberships as the interpreter, both
//! one profile at a time (fast tier) and over all of a case's profiles as one columnar batch
//! (optimised tier); and, on fewer cases, random profiles through an SQLite store and back
//! (`seg run`'s path) against the interpreter.

use proptest::prelude::*;
use seg_diag::FileId;
use seg_testsuite::gen;

fn schema() -> seg_schema::Schema {
    let text = include_str!("../../../tests/check/schema.json");
    seg_schema::parse_schema(FileId(1), text).0
}

proptest! {
    // 256 cases × 12 segments × 25–44 profiles: about 107,000 segment-profile pairs per run,
    // each compared between the interpreter, its explained run and the JIT.
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_segments_check_and_evaluate(
        segments in gen::segments(12),
        profiles in proptest::collection::vec((0usize..1000).prop_flat_map(gen::profile), 25..45),
    ) {
        let schema = schema();
        let (module, problems) = seg_syntax::parse(FileId(0), &segments);
        prop_assert!(problems.iter().all(|d| !d.is_error()), "{segments}\n{problems:?}");
        let checked = seg_check::check(&[(FileId(0), &module)], &schema);
        prop_assert!(!checked.has_errors(), "{segments}\n{:?}", checked.diagnostics);
        let program = seg_ir::lower(&checked.program, &schema);
        prop_assert!(seg_ir::verify(&program).is_ok());

        let mut interner = seg_data::Interner::new();
        let (catalog, errors) = seg_data::load::load_catalog(gen::CATALOG, &schema, &mut interner);
        prop_assert!(errors.is_empty());
        let text = profiles.join("\n");
        let loaded = seg_data::load::load_profiles(&text, &schema, &catalog, &mut interner);
        let as_of = seg_check::values::parse_datetime(gen::AS_OF).unwrap().micros;
        let interner = std::sync::Arc::new(interner);
        let context = seg_eval::Context { catalog: &catalog, interner: &interner, as_of };
        let interpreter = seg_eval::Interpreter::new(&program);
        let jit = seg_jit::JitProgram::compile(&program).map_err(TestCaseError::fail)?;
        let loaded = loaded
            .into_iter()
            .map(|p| p.map_err(|e| TestCaseError::fail(format!("generated profile did not load: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        // The same profiles as one columnar batch (layered over the interner they were loaded
        // with), through the optimised tier.
        let optimized = seg_jit::JitProgram::compile_with(&program, seg_jit::Tier::Optimized)
            .map_err(TestCaseError::fail)?;
        let shape = seg_data::Shape { customer: program.layout.customer as usize };
        let mut data = seg_data::Batch::new(shape, interner.clone());
        for profile in &loaded {
            data.push(profile.clone());
        }
        let batch = optimized.prepare(&data, &catalog);
        let batched = optimized.evaluate(&batch, as_of).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (row, profile) in loaded.iter().enumerate() {
            let members = interpreter.memberships(profile, &context);
            prop_assert_eq!(&batched.row(row), &members, "JIT batch and interpreter differ on {}:\n{}\n{}", profile.id, segments, profiles.join("\n"));
            let native = jit.memberships(profile, &context);
            prop_assert_eq!(&native, &members, "JIT and interpreter differ on {}:\n{}\n{}", profile.id, segments, profiles.join("\n"));
            for (i, member) in members.iter().enumerate() {
                let trace = interpreter.explain(i, profile, &context);
                prop_assert_eq!(trace.value, *member, "segment s{} on {}", i, profile.id);
            }
        }
    }
}

proptest! {
    // Fewer cases: each one writes and reads an SQLite store.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// `seg run`'s path on random data: random profiles imported into a store, read back in
    /// batches of three by its ordered scans and evaluated by the JIT, give the interpreter's
    /// memberships over the profiles as loaded (the last profile of an id, as an upsert keeps).
    #[test]
    fn generated_profiles_through_the_store(
        segments in gen::segments(8),
        profiles in proptest::collection::vec((0usize..1000).prop_flat_map(gen::profile), 5..20),
    ) {
        let schema = schema();
        let (module, _) = seg_syntax::parse(FileId(0), &segments);
        let checked = seg_check::check(&[(FileId(0), &module)], &schema);
        prop_assert!(!checked.has_errors());
        let program = seg_ir::lower(&checked.program, &schema);
        let mut interner = seg_data::Interner::new();
        let (catalog, _) = seg_data::load::load_catalog(gen::CATALOG, &schema, &mut interner);
        let loaded: Vec<seg_data::Profile> =
            seg_data::load::load_profiles(&profiles.join("\n"), &schema, &catalog, &mut interner)
                .into_iter()
                .collect::<Result<_, _>>()
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let as_of = seg_check::values::parse_datetime(gen::AS_OF).unwrap().micros;
        let jit = seg_jit::JitProgram::compile_with(&program, seg_jit::Tier::Optimized)
            .map_err(TestCaseError::fail)?;
        let stored = seg_testsuite::eval::through_store(&schema, &catalog, &interner, &loaded, |batch, catalog| {
            let members = jit.evaluate_batch(batch, catalog, as_of);
            (0..batch.len()).map(|row| (batch.id(row).to_string(), members.row(row))).collect()
        });
        let context = seg_eval::Context { catalog: &catalog, interner: &interner, as_of };
        let interpreter = seg_eval::Interpreter::new(&program);
        let mut expected: std::collections::BTreeMap<String, Vec<bool>> = Default::default();
        for profile in &loaded {
            expected.insert(profile.id.clone(), interpreter.memberships(profile, &context));
        }
        let expected: Vec<(String, Vec<bool>)> = expected.into_iter().collect();
        prop_assert_eq!(stored, expected, "{}\n{}", segments, profiles.join("\n"));
    }
}
