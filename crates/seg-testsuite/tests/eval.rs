//! `cargo test --test eval`: every fixture under `tests/eval/` through every backend, each pair
//! a test of its own. A backend is a parameter: adding one adds a column of tests, not code per
//! fixture.

use libtest_mimic::{Arguments, Failed, Trial};
use seg_testsuite::eval::{discover, prepare, run, Backend, Interpreter, Jit, JitBatch, Store};
use seg_testsuite::repo_root;
use std::sync::Arc;

fn backends() -> Vec<Arc<dyn Backend>> {
    vec![
        Arc::new(Interpreter),
        Arc::new(Jit),
        Arc::new(JitBatch),
        Arc::new(Store),
    ]
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for path in discover(&repo_root().join("tests/eval")) {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for backend in backends() {
            let path = path.clone();
            trials.push(Trial::test(
                format!("eval::{}::{name}", backend.name()),
                move || {
                    let prepared = prepare(&path)
                        .map_err(|e| Failed::from(format!("{}: {e}", path.display())))?;
                    let problems = run(&prepared, backend.as_ref());
                    if problems.is_empty() {
                        Ok(())
                    } else {
                        Err(format!("{}:\n  {}", path.display(), problems.join("\n  ")).into())
                    }
                },
            ));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
