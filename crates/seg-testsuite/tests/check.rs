//! `cargo test --test check`: every fixture under `tests/check/` is a test of its own (a new file
//! is a new test, no Rust edit), plus one test per examples folder that must check clean.
//! Expectations live in the fixtures (see the seg-testsuite crate docs); the insta snapshot of
//! each fixture shows its source and the rendered diagnostics, for review.

use libtest_mimic::{Arguments, Failed, Trial};
use seg_testsuite::{compare, discover, repo_root, run, snapshot, Fixture};

fn main() {
    let args = Arguments::from_args();
    let root = repo_root();
    let mut trials = Vec::new();
    for fixture in discover(&root.join("tests/check")) {
        let name = format!("check::{}", fixture.name);
        trials.push(Trial::test(name, move || check_fixture(&fixture)));
    }
    let examples = root.join("examples");
    if examples.join("schema.json").is_file() {
        let files = collect(&examples);
        let fixture = Fixture {
            name: "examples".into(),
            dir: examples.clone(),
            files,
            schema: examples.join("schema.json"),
        };
        trials.push(Trial::test("examples::check_clean", move || {
            examples_clean(&fixture)
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}

fn collect(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "seg") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn check_fixture(fixture: &Fixture) -> Result<(), Failed> {
    let outcome = run(fixture)?;
    let problems = compare(&outcome);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(fixture_snapshot_dir());
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let text = snapshot(&outcome);
    // insta reports a changed snapshot by panicking; catch it so the expectation problems,
    // which say more, are reported first.
    let snapshot_result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(fixture.name.clone(), text));
    }));
    if !problems.is_empty() {
        return Err(format!(
            "{}:\n  {}\n\n{}",
            fixture.name,
            problems.join("\n  "),
            snapshot(&outcome)
        )
        .into());
    }
    snapshot_result.map_err(|_| {
        Failed::from(format!(
            "{}: snapshot differs (cargo insta review)",
            fixture.name
        ))
    })
}

fn fixture_snapshot_dir() -> std::path::PathBuf {
    repo_root().join("tests/check/snapshots")
}

fn examples_clean(fixture: &Fixture) -> Result<(), Failed> {
    if fixture.files.is_empty() {
        return Err("no example segments found".into());
    }
    let outcome = run(fixture)?;
    if outcome.diagnostics.is_empty() {
        return Ok(());
    }
    Err(seg_diag::render::human(&outcome.diagnostics, &outcome.sources, false).into())
}
