//! Evaluation fixtures: segments, profiles and the expected memberships in one `.seg` file,
//! run through every backend with the same expectations.
//!
//! ```text
//! // as-of: 2026-11-28T12:00:00Z
//! // catalog: {"sku": "MB-01", "price": "60.00"}
//! segment big_cart { cart.subtotal >= 100 }
//!
//! // profile: {"id": "c1", "cart": {"subtotal": "120.00"}}
//! // expect: big_cart
//! // profile: {"id": "c2", "cart": {"subtotal": "99.99"}}
//! // expect: -
//! // profile: {"id": "c3", "cart": {"subtotal": "abc"}}
//! // expect-error: cart.subtotal
//! ```
//!
//! `expect:` lists the segments the profile is a member of (`-` for none), in any order;
//! `expect-error:` says the record must be rejected with an error mentioning the text. The schema
//! is `tests/check/schema.json` unless `// schema:` names another (relative to the fixture).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use seg_data::{Catalog, Interner, Profile};
use seg_diag::{SourceFile, Sources};

/// One expectation: a profile (JSON text, the line it is written on) and what it must give.
#[derive(Clone, Debug)]
pub struct Case {
    pub line: usize,
    pub profile: String,
    pub expect: Expect,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    Members(Vec<String>),
    Error(String),
}

/// A fixture, parsed and checked, ready to run through backends.
pub struct Prepared {
    pub name: String,
    pub schema: seg_schema::Schema,
    pub program: seg_ir::Program,
    pub catalog: Catalog,
    /// The interner the catalog and the profiles were loaded with (the base a batch of the
    /// fixture's profiles is layered over).
    pub interner: Arc<Interner>,
    pub as_of: i64,
    /// Per case: the loaded profile or the loader's error text.
    pub profiles: Vec<Result<Profile, String>>,
    pub cases: Vec<Case>,
}

impl Prepared {
    /// The evaluation context of the fixture's data and as-of.
    pub fn context(&self) -> seg_eval::Context<'_> {
        seg_eval::Context {
            catalog: &self.catalog,
            interner: &self.interner,
            as_of: self.as_of,
        }
    }
}

/// A backend under test: membership of every segment, in program order, for each profile.
pub trait Backend: Send + Sync {
    fn name(&self) -> &'static str;
    fn memberships(&self, prepared: &Prepared, profile: &Profile) -> Vec<bool>;
}

/// The reference interpreter.
pub struct Interpreter;

impl Backend for Interpreter {
    fn name(&self) -> &'static str {
        "interp"
    }

    fn memberships(&self, prepared: &Prepared, profile: &Profile) -> Vec<bool> {
        let context = prepared.context();
        seg_eval::Interpreter::new(&prepared.program).memberships(profile, &context)
    }
}

/// The Cranelift backend, one profile at a time, fast tier (compiled per run; the fixtures are
/// small).
pub struct Jit;

impl Backend for Jit {
    fn name(&self) -> &'static str {
        "jit"
    }

    fn memberships(&self, prepared: &Prepared, profile: &Profile) -> Vec<bool> {
        let context = prepared.context();
        let compiled =
            seg_jit::JitProgram::compile(&prepared.program).expect("the program compiles");
        compiled.memberships(profile, &context)
    }
}

/// `seg run`'s path: the profile (with the fixture's catalog) imported into a new SQLite store,
/// read back as a batch by the store's ordered scans, and evaluated by the JIT (optimised
/// tier) with the catalog read back from the store.
pub struct Store;

impl Backend for Store {
    fn name(&self) -> &'static str {
        "store"
    }

    fn memberships(&self, prepared: &Prepared, profile: &Profile) -> Vec<bool> {
        let compiled =
            seg_jit::JitProgram::compile_with(&prepared.program, seg_jit::Tier::Optimized)
                .expect("the program compiles");
        let mut answers = through_store(
            &prepared.schema,
            &prepared.catalog,
            &prepared.interner,
            std::slice::from_ref(profile),
            |batch, catalog| {
                let members = compiled.evaluate_batch(batch, catalog, prepared.as_of);
                (0..batch.len())
                    .map(|row| (batch.id(row).to_string(), members.row(row)))
                    .collect()
            },
        );
        assert_eq!(answers.len(), 1, "one customer in the store");
        answers.remove(0).1
    }
}

/// Imports profiles (loaded with `interner`) and a catalog into a new store in a scratch file,
/// reads every customer back as batches of 3 (so several profiles cross batch boundaries) and
/// hands each batch, with the catalog read back from the store, to `evaluate`; the answers
/// by customer id, in the store's (id) order. A profile imported again replaces the earlier
/// one with its id, as `seg import` does.
pub fn through_store<T>(
    schema: &seg_schema::Schema,
    catalog: &Catalog,
    interner: &Interner,
    profiles: &[Profile],
    mut evaluate: impl FnMut(&seg_data::Batch, &Catalog) -> Vec<(String, T)>,
) -> Vec<(String, T)> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("seg-testsuite-{}-{n}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let answers = (|| -> Result<Vec<(String, T)>, seg_store::StoreError> {
        let mut store = seg_store::Store::create(&path, schema)?;
        store.import_catalog(schema, catalog, interner)?;
        store.import(schema, interner, profiles)?;
        let (catalog, base) = store.load_catalog(schema)?;
        let mut reader = store.reader(schema, &catalog)?;
        let mut answers = Vec::new();
        for batch in reader.batches(Arc::new(base), 3)? {
            answers.extend(evaluate(&batch?, &catalog));
        }
        Ok(answers)
    })();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    answers.expect("the store round trip works")
}

/// The Cranelift backend over a batch, optimised tier: every loaded profile of the fixture
/// pushed into one `seg_data::Batch` (layered over the fixture's interner, which the profiles
/// were loaded with: a layer keeps its base's symbols) and evaluated in one run; the answer is
/// the row of the profile asked about.
pub struct JitBatch;

impl Backend for JitBatch {
    fn name(&self) -> &'static str {
        "jit-batch"
    }

    fn memberships(&self, prepared: &Prepared, profile: &Profile) -> Vec<bool> {
        let compiled =
            seg_jit::JitProgram::compile_with(&prepared.program, seg_jit::Tier::Optimized)
                .expect("the program compiles");
        let profiles: Vec<&Profile> = prepared
            .profiles
            .iter()
            .filter_map(|p| p.as_ref().ok())
            .collect();
        let row = profiles
            .iter()
            .position(|p| *p == profile)
            .expect("the profile is one of the fixture's");
        let shape = seg_data::Shape {
            customer: prepared.program.layout.customer as usize,
        };
        let mut batch = seg_data::Batch::new(shape, prepared.interner.clone());
        for p in profiles {
            batch.push(p.clone());
        }
        compiled
            .evaluate_batch(&batch, &prepared.catalog, prepared.as_of)
            .row(row)
    }
}

pub fn discover(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "seg"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Reads, checks and lowers a fixture and loads its data. Errors are fixture mistakes.
pub fn prepare(path: &Path) -> Result<Prepared, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut schema_path = crate::repo_root().join("tests/check/schema.json");
    let mut as_of = None;
    let mut catalog_lines = Vec::new();
    let mut cases = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("// as-of:") {
            let instant = seg_check::values::parse_datetime(rest.trim())
                .map_err(|e| format!("line {line_no}: as-of: {e}"))?;
            as_of = Some(instant.micros);
        } else if let Some(rest) = trimmed.strip_prefix("// schema:") {
            schema_path = dir.join(rest.trim());
        } else if let Some(rest) = trimmed.strip_prefix("// catalog:") {
            catalog_lines.push(rest.trim().to_string());
        } else if let Some(rest) = trimmed.strip_prefix("// profile:") {
            if let Some((l, _)) = pending {
                return Err(format!("line {l}: profile without an expectation"));
            }
            pending = Some((line_no, rest.trim().to_string()));
        } else if let Some(rest) = trimmed.strip_prefix("// expect:") {
            let (l, profile) = pending
                .take()
                .ok_or(format!("line {line_no}: expectation without a profile"))?;
            let members = rest
                .split_whitespace()
                .filter(|w| *w != "-")
                .map(String::from)
                .collect();
            cases.push(Case {
                line: l,
                profile,
                expect: Expect::Members(members),
            });
        } else if let Some(rest) = trimmed.strip_prefix("// expect-error:") {
            let (l, profile) = pending
                .take()
                .ok_or(format!("line {line_no}: expectation without a profile"))?;
            cases.push(Case {
                line: l,
                profile,
                expect: Expect::Error(rest.trim().to_string()),
            });
        }
    }
    if let Some((l, _)) = pending {
        return Err(format!("line {l}: profile without an expectation"));
    }
    let as_of = as_of.ok_or("the fixture needs an `// as-of:` line")?;
    if cases.is_empty() {
        return Err("the fixture has no `// profile:` cases".into());
    }

    let schema_text = std::fs::read_to_string(&schema_path)
        .map_err(|e| format!("{}: {e}", schema_path.display()))?;
    let mut sources = Sources::new();
    let file = sources.add(SourceFile::new(path.display().to_string(), text.clone()));
    let schema_file = sources.add(SourceFile::new(
        schema_path.display().to_string(),
        schema_text.clone(),
    ));
    let (schema, problems) = seg_schema::parse_schema(schema_file, &schema_text);
    let (module, mut diagnostics) = seg_syntax::parse(file, &text);
    diagnostics.extend(problems);
    let checked = seg_check::check(&[(file, &module)], &schema);
    diagnostics.extend(checked.diagnostics.iter().filter(|d| d.is_error()).cloned());
    if diagnostics.iter().any(|d| d.is_error()) {
        return Err(seg_diag::render::human(&diagnostics, &sources, false));
    }
    let program = seg_ir::lower(&checked.program, &schema);
    seg_ir::verify(&program).map_err(|e| e.join("\n"))?;

    let mut interner = Interner::new();
    let (catalog, catalog_errors) =
        seg_data::load::load_catalog(&catalog_lines.join("\n"), &schema, &mut interner);
    if let Some(error) = catalog_errors.first() {
        return Err(format!("catalog: {error}"));
    }
    let profiles = cases
        .iter()
        .map(|case| {
            let mut results =
                seg_data::load::load_profiles(&case.profile, &schema, &catalog, &mut interner);
            match results.len() {
                1 => results.remove(0).map_err(|e| e.to_string()),
                n => Err(format!(
                    "line {}: a profile line must hold one record, found {n}",
                    case.line
                )),
            }
        })
        .collect();
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Prepared {
        name,
        schema,
        program,
        catalog,
        interner: Arc::new(interner),
        as_of,
        profiles,
        cases,
    })
}

/// Runs every case through a backend; returns every mismatch.
pub fn run(prepared: &Prepared, backend: &dyn Backend) -> Vec<String> {
    let mut problems = Vec::new();
    for (case, profile) in prepared.cases.iter().zip(&prepared.profiles) {
        match (&case.expect, profile) {
            (Expect::Error(needle), Err(message)) if message.contains(needle.as_str()) => {}
            (Expect::Error(needle), Err(message)) => problems.push(format!(
                "line {}: error {message:?} does not mention {needle:?}",
                case.line
            )),
            (Expect::Error(needle), Ok(_)) => problems.push(format!(
                "line {}: expected an error mentioning {needle:?}, the record loaded",
                case.line
            )),
            (Expect::Members(_), Err(message)) => problems.push(format!(
                "line {}: the record did not load: {message}",
                case.line
            )),
            (Expect::Members(expected), Ok(profile)) => {
                let flags = backend.memberships(prepared, profile);
                let mut got: Vec<&str> = prepared
                    .program
                    .segments
                    .iter()
                    .zip(&flags)
                    .filter(|(_, member)| **member)
                    .map(|(s, _)| s.id.as_str())
                    .collect();
                got.sort_unstable();
                let mut want: Vec<&str> = expected.iter().map(String::as_str).collect();
                want.sort_unstable();
                if got != want {
                    problems.push(format!(
                        "line {}: {} gives {got:?}, expected {want:?}",
                        case.line,
                        backend.name()
                    ));
                }
            }
        }
    }
    problems
}
