//! The Cranelift backend: each segment compiled to one native function over a flat,
//! `repr(C)` view of the profiles (`frame.rs`), for one profile (a storefront request) or a
//! batch laid out by columns (a batch refresh).
//!
//! - `codegen.rs` turns a segment's IR into a function that loops over rows and stores each
//!   row's condition value; every node kind is native code (see its docs for how strings, option
//!   sets, time windows, anniversaries and aggregates are read). Substring tests call
//!   [`seg_eval::interpret::test`], the interpreter's own predicate, on the value.
//! - `frame.rs` lays the data out for the generated code: column pointers for customer and cart
//!   slots (into a profile's own slots, or a [`seg_data::Batch`]'s own columns), flat element
//!   arrays with per-row ranges, bounds-checked reads.
//! - This file compiles a program (verified IR; segments in dependency order, so `in segment`
//!   reads the result already computed for the row) and runs it: [`JitProgram::memberships`]
//!   for one profile, [`JitProgram::prepare`] + [`JitProgram::evaluate`] (or
//!   [`JitProgram::evaluate_batch`]) for a [`seg_data::Batch`]. Active, audience and website
//!   are applied after each segment's function, exactly as the interpreter does.
//!
//! Compiled code lives in a [`JitProgram`]; dropping it frees the code's memory. A
//! `JitProgram` is `Send + Sync`: threads may evaluate batches with one compiled program at
//! the same time. Why no safe use of this API can make generated code read memory it should
//! not is argued in ARCHITECTURE.md ("The JIT's safety argument").
//!
//! Debugging: with `SEG_JIT_DUMP` set in the environment, the machine code of every compiled
//! segment is written to stderr.

mod codegen;
mod frame;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, TryLockError};

use cranelift_codegen::ir::{types, AbiParam, UserFuncName};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Linkage, Module};

use seg_data::{Catalog, Profile, Value};
use seg_eval::Context;
use seg_ir::{Audience, Node, Pred, Program};

use codegen::{Generator, Tables};
pub use frame::Prepared;
use frame::{Bound, Frame, Layout};

/// What helpers called from generated code read (through `Frame::env`).
pub(crate) struct Env<'a> {
    context: Context<'a>,
    preds: &'a [Pred],
}

/// The interpreter's predicate on one value, for the tests generated code does not inline
/// (substrings need the text).
extern "C" fn call_test(env: *const Env, value: *const Value, pred: u32) -> u8 {
    // SAFETY: `env` is the `Env` of the running `JitProgram::run`, alive for the whole call;
    // `value` is the address of a `Value` in the frame's columns, records, or the static
    // missing value.
    let (env, value) = unsafe { (&*env, &*value) };
    let Some(pred) = env.preds.get(pred as usize) else {
        return 0;
    };
    // A panic must not unwind into generated code.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        seg_eval::interpret::test(pred, value, &env.context)
    }))
    .map_or(0, u8::from)
}

type SegmentFn = unsafe extern "C" fn(*const Frame, u64, u64);

/// How much work Cranelift puts into the code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tier {
    /// No optimisation passes and the single-pass register allocator: the fastest compile
    /// (for one-off programs and storefront requests).
    #[default]
    Fast,
    /// Cranelift's optimiser (e-graphs) and its backtracking register allocator: better code
    /// for collections and aggregates, for a refresh over many profiles where compiling a few
    /// hundred microseconds longer per segment is repaid.
    Optimized,
}

/// The target for a tier, built once per process (asking the CPU for its features is not
/// free).
fn isa(tier: Tier) -> Result<OwnedTargetIsa, String> {
    static FAST: OnceLock<Result<OwnedTargetIsa, String>> = OnceLock::new();
    static OPTIMIZED: OnceLock<Result<OwnedTargetIsa, String>> = OnceLock::new();
    let (cell, opt_level, regalloc) = match tier {
        Tier::Fast => (&FAST, "none", "single_pass"),
        Tier::Optimized => (&OPTIMIZED, "speed", "backtracking"),
    };
    cell.get_or_init(|| {
        let mut flags = settings::builder();
        let verifier = if cfg!(debug_assertions) {
            "true"
        } else {
            "false"
        };
        for (name, value) in [
            ("use_colocated_libcalls", "false"),
            ("is_pic", "false"),
            ("opt_level", opt_level),
            ("regalloc_algorithm", regalloc),
            ("enable_verifier", verifier),
            // Nothing unwinds through generated code (helpers catch panics).
            ("unwind_info", "false"),
        ] {
            flags.set(name, value).map_err(|e| e.to_string())?;
        }
        cranelift_native::builder()
            .map_err(|e| format!("this machine is not supported by Cranelift: {e}"))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| e.to_string())
    })
    .clone()
}

/// The module that owns the compiled code's memory.
struct Code(JITModule);

// SAFETY: after `compile_with` finalizes the module, nothing reads or mutates it: the finalized
// code is immutable (mapped read + execute), and the module is only kept so that `Drop` can
// free that memory (`free_memory` unmaps it, which any thread may do). `JITModule` is not
// `Sync` only because of its `RefCell` symbol cache, which is touched while defining
// functions, never after; so no `&Code` is ever used, on any thread, and moving the owner
// between threads moves only heap allocations and mappings.
unsafe impl Send for Code {}
// SAFETY: see above; no method is ever called through a shared reference to `Code`.
unsafe impl Sync for Code {}

/// Where program identities come from: each compiled program gets the next number, so a
/// [`Prepared`] batch can say which program built it (numbers are never reused: a `u64`
/// does not wrap).
static NEXT_PROGRAM: AtomicU64 = AtomicU64::new(1);

/// Native code for every segment of a program. `Send + Sync`: one compiled program may
/// evaluate batches on several threads at once.
pub struct JitProgram<'p> {
    program: &'p Program,
    /// This compiled program's identity, carried by the batches it prepares.
    id: u64,
    module: Option<Code>,
    /// By segment index.
    functions: Vec<SegmentFn>,
    /// Segment indices, every segment after the segments it refers to.
    order: Vec<usize>,
    tables: Tables,
    /// Memory reused by one-profile calls (a storefront request allocates only its answer);
    /// a call that finds it in use (another thread's) works in fresh memory.
    scratch: Mutex<Scratch>,
    /// Element arrays of evaluated batches, reused by the next (`evaluate_batch`).
    spare: Mutex<Vec<frame::Spare>>,
}

/// What a one-profile run needs besides the profile, kept between calls for its memory.
#[derive(Default)]
struct Scratch {
    layout: Layout,
    bound: Bound,
    bytes: Vec<u8>,
    results: Vec<*mut u8>,
}

// SAFETY: the raw pointers in a `Scratch` (the layout's pointers into the last profile, the
// result pointers into `bytes`) are only dereferenced during the `memberships` call that
// filled them, while the scratch is locked and the profile and context are borrowed; between
// calls they are stale and never read (every call refills them first). Moving a `Scratch` to
// another thread moves only its heap buffers.
unsafe impl Send for Scratch {}

impl Drop for JitProgram<'_> {
    fn drop(&mut self) {
        if let Some(Code(module)) = self.module.take() {
            // SAFETY: the functions are only reachable through `self`, which is going away,
            // and no call is running (that would borrow `self`).
            unsafe { module.free_memory() };
        }
    }
}

/// The error of evaluating a batch prepared by another compiled program: its layout was
/// built for that program's code (other columns, other collections), so this one refuses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ForeignBatch;

impl std::fmt::Display for ForeignBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the batch was prepared by another compiled program")
    }
}

impl std::error::Error for ForeignBatch {}

// Compile-time: one compiled program may evaluate batches on several threads at once, and a
// prepared batch may be handed to another thread.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<JitProgram<'static>>();
    send_sync::<Prepared<'static>>();
};

/// The audience and website of each row of a run.
struct Rows<'r> {
    logged_in: &'r [bool],
    website: &'r dyn Fn(usize) -> Option<&'r str>,
}

/// Every segment's membership for every row of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Memberships {
    rows: usize,
    segments: usize,
    /// Segment-major: `bytes[segment * rows + row]` is 0 or 1.
    bytes: Vec<u8>,
}

impl Memberships {
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// How many segments (the program's, in program order) each row has an answer for.
    pub fn segments(&self) -> usize {
        self.segments
    }

    pub fn get(&self, segment: usize, row: usize) -> bool {
        self.bytes[segment * self.rows + row] != 0
    }

    /// One row's memberships, in program order.
    pub fn row(&self, row: usize) -> Vec<bool> {
        (0..self.segments)
            .map(|segment| self.get(segment, row))
            .collect()
    }

    /// How many rows are members of a segment.
    pub fn count(&self, segment: usize) -> usize {
        let start = segment * self.rows;
        self.bytes[start..start + self.rows]
            .iter()
            .filter(|&&b| b != 0)
            .count()
    }
}

/// Segments ordered so that every segment comes after those it refers to (`in segment`).
fn dependency_order(program: &Program) -> Result<Vec<usize>, String> {
    fn refs(node: &Node, out: &mut Vec<usize>) {
        seg_ir::visit(node, None, &mut |node, _| {
            if let Node::Member(i) = node {
                out.push(*i as usize);
            }
        });
    }
    let count = program.segments.len();
    // 0 = not visited, 1 = on the path, 2 = placed.
    let mut state = vec![0u8; count];
    let mut order = Vec::with_capacity(count);
    for root in 0..count {
        if state[root] != 0 {
            continue;
        }
        // Iterative depth-first search: (segment, its references, next reference to visit).
        let mut stack = vec![(root, Vec::new(), 0usize)];
        state[root] = 1;
        refs(&program.segments[root].root, &mut stack[0].1);
        while let Some((segment, children, next)) = stack.last_mut() {
            if let Some(&child) = children.get(*next) {
                *next += 1;
                match state.get(child) {
                    None => return Err(format!("segment {segment} refers to no segment {child}")),
                    Some(1) => return Err("segments refer to each other in a cycle".into()),
                    Some(2) => {}
                    _ => {
                        state[child] = 1;
                        let mut grandchildren = Vec::new();
                        refs(&program.segments[child].root, &mut grandchildren);
                        stack.push((child, grandchildren, 0));
                    }
                }
            } else {
                state[*segment] = 2;
                order.push(*segment);
                stack.pop();
            }
        }
    }
    Ok(order)
}

impl<'p> JitProgram<'p> {
    /// Compiles one function per segment, quickly ([`Tier::Fast`]).
    pub fn compile(program: &'p Program) -> Result<JitProgram<'p>, String> {
        JitProgram::compile_with(program, Tier::Fast)
    }

    /// Compiles one function per segment (one giant function would make register allocation
    /// blow up) at the given tier. The program must pass the IR verifier
    /// ([`seg_ir::verify`]); its problems are the error otherwise.
    pub fn compile_with(program: &'p Program, tier: Tier) -> Result<JitProgram<'p>, String> {
        seg_ir::verify(program).map_err(|problems| problems.join("\n"))?;
        let options = codegen::options_layout()
            .ok_or("this Rust build lays out option sets in a way the JIT does not know")?;
        let order = dependency_order(program)?;
        let mut module = JITModule::new(JITBuilder::with_isa(isa(tier)?, default_libcall_names()));
        let pointer = module.target_config().pointer_type();
        let mut context = module.make_context();
        let mut builder_context = FunctionBuilderContext::new();
        let mut tables = Tables {
            customer_width: program.layout.customer as usize,
            ..Tables::default()
        };
        let mut ids = Vec::new();
        let dump = std::env::var_os("SEG_JIT_DUMP").is_some();
        for (index, segment) in program.segments.iter().enumerate() {
            let signature = &mut context.func.signature;
            signature.params.push(AbiParam::new(pointer));
            signature.params.push(AbiParam::new(types::I64));
            signature.params.push(AbiParam::new(types::I64));
            let id = module
                .declare_function(
                    &format!("segment_{index}"),
                    Linkage::Local,
                    &context.func.signature,
                )
                .map_err(|e| e.to_string())?;
            context.func.name = UserFuncName::user(0, id.as_u32());
            {
                let mut b = FunctionBuilder::new(&mut context.func, &mut builder_context);
                let entry = b.create_block();
                b.append_block_params_for_function_params(entry);
                b.switch_to_block(entry);
                let [frame, start, end] = b.block_params(entry) else {
                    unreachable!("three parameters")
                };
                let (frame, start, end) = (*frame, *start, *end);
                let mut gen = Generator::new(&mut b, &mut tables, pointer, options, frame);
                gen.segment(index, &segment.root, start, end);
                b.seal_all_blocks();
                b.finalize(module.target_config());
            }
            if dump {
                context.set_disasm(true);
            }
            module
                .define_function(id, &mut context)
                .map_err(|e| format!("segment {}: {e:?}", segment.id))?;
            if dump {
                if let Some(code) = context.compiled_code() {
                    eprintln!("{}", code.vcode.as_deref().unwrap_or(""));
                }
            }
            module.clear_context(&mut context);
            ids.push(id);
        }
        module.finalize_definitions().map_err(|e| e.to_string())?;
        let functions = ids
            .into_iter()
            .map(|id| {
                let code = module.get_finalized_function(id);
                // SAFETY: the function was declared with exactly this signature above.
                unsafe { std::mem::transmute::<*const u8, SegmentFn>(code) }
            })
            .collect();
        Ok(JitProgram {
            program,
            id: NEXT_PROGRAM.fetch_add(1, Ordering::Relaxed),
            module: Some(Code(module)),
            functions,
            order,
            tables,
            scratch: Mutex::default(),
            spare: Mutex::default(),
        })
    }

    /// Membership of every segment for one profile, in program order, as the interpreter
    /// would answer. The profile is read in place.
    pub fn memberships(&self, profile: &Profile, context: &Context) -> Vec<bool> {
        let mut fresh = None;
        let mut locked = match self.scratch.try_lock() {
            Ok(guard) => Some(guard),
            // A panic during an earlier call leaves nothing to distrust: every call refills
            // the scratch before reading it.
            Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        };
        let scratch = match &mut locked {
            Some(guard) => &mut **guard,
            None => fresh.insert(Scratch::default()),
        };
        let Scratch {
            layout,
            bound,
            bytes,
            results,
        } = scratch;
        layout.fill_one(profile, context.catalog, &self.tables);
        bound.fill(&self.tables, context);
        let website = |_: usize| profile.website.as_deref();
        let rows = Rows {
            logged_in: std::slice::from_ref(&profile.logged_in),
            website: &website,
        };
        // SAFETY: the layout was just filled with this program's tables from `profile` and
        // `context.catalog`, both borrowed for the whole call.
        unsafe { self.run(layout, &rows, bound, bytes, results, context) };
        bytes.iter().map(|&b| b != 0).collect()
    }

    /// Makes a batch ready for this program: column pointers into the batch's own columns
    /// (only the slots the program reads), flat element arrays of the collections it walks
    /// (products from `catalog`, which must be the catalog the batch's interner is layered
    /// over). The result borrows both and can be evaluated any number of times, at any as-of.
    pub fn prepare<'a>(&self, data: &'a seg_data::Batch, catalog: &'a Catalog) -> Prepared<'a> {
        Prepared::new(
            self.id,
            data,
            catalog,
            &self.tables,
            frame::Spare::default(),
        )
    }

    /// Every segment's membership for every row of a batch prepared by this program, at
    /// `as_of` (µs since the epoch, UTC). Strings are read through the batch's own interner,
    /// products through the catalog it was prepared with. A batch prepared by another program
    /// is refused.
    pub fn evaluate(&self, batch: &Prepared, as_of: i64) -> Result<Memberships, ForeignBatch> {
        if batch.program != self.id {
            return Err(ForeignBatch);
        }
        let data = batch.data;
        let context = Context {
            catalog: batch.catalog,
            interner: data.interner(),
            as_of,
        };
        let mut bound = Bound::default();
        bound.fill(&self.tables, &context);
        let website = |row: usize| data.website(row);
        let rows = Rows {
            logged_in: data.logged_in(),
            website: &website,
        };
        let mut bytes = Vec::new();
        // SAFETY: `batch` was prepared by this program (checked above), so its layout was built
        // with these tables; it borrows the batch and the catalog its pointers point into for
        // its whole life, and `rows` is read from that same batch.
        unsafe {
            self.run(
                &batch.layout,
                &rows,
                &bound,
                &mut bytes,
                &mut Vec::new(),
                &context,
            )
        };
        Ok(Memberships {
            rows: batch.len(),
            segments: self.program.segments.len(),
            bytes,
        })
    }

    /// [`JitProgram::prepare`] then [`JitProgram::evaluate`], for a batch evaluated once.
    pub fn evaluate_batch(
        &self,
        data: &seg_data::Batch,
        catalog: &Catalog,
        as_of: i64,
    ) -> Memberships {
        let spare = self
            .spare
            .lock()
            .ok()
            .and_then(|mut spare| spare.pop())
            .unwrap_or_default();
        let prepared = Prepared::new(self.id, data, catalog, &self.tables, spare);
        let memberships = self
            .evaluate(&prepared, as_of)
            .expect("a batch this program just prepared is its own");
        if let Ok(mut spare) = self.spare.lock() {
            spare.push(prepared.into_spare());
        }
        memberships
    }

    /// Runs every segment over the layout's rows; `bytes` receives the results, segment-major.
    ///
    /// # Safety
    /// `layout` was built with `self.tables` (by `Layout::fill_one` or `Prepared::new` with
    /// this program's tables), and everything its pointers point into (the profile or batch,
    /// the catalog) is alive and unchanged for the whole call.
    unsafe fn run(
        &self,
        layout: &Layout,
        rows: &Rows,
        bound: &Bound,
        bytes: &mut Vec<u8>,
        results: &mut Vec<*mut u8>,
        context: &Context,
    ) {
        let count = layout.rows;
        // The generated code reads one audience byte per row.
        assert_eq!(rows.logged_in.len(), count, "an audience flag per row");
        let segments = &self.program.segments;
        bytes.clear();
        bytes.resize(count * segments.len(), 0);
        let base = bytes.as_mut_ptr();
        results.clear();
        // SAFETY (offsets): each segment's array is `count` bytes inside `bytes`.
        results.extend((0..segments.len()).map(|s| unsafe { base.add(s * count) }));
        let env = Env {
            context: *context,
            preds: &self.tables.preds,
        };
        let frame = layout.frame(
            rows.logged_in,
            bound,
            context.interner.fold_table(),
            results,
            &env,
        );
        for &s in &self.order {
            let segment = &segments[s];
            if !segment.active || count == 0 {
                continue;
            }
            // SAFETY: the frame was laid out for this program's tables (the caller's promise):
            // every column the code reads points at `count` values, every element range is
            // inside its array, and reads past a record's end are checked in the code; the
            // strings, times and anniversary tables were filled from the same tables; results
            // arrays hold `count` bytes each.
            unsafe { (self.functions[s])(&frame, 0, count as u64) };
            // SAFETY: as above; no other reference to this segment's bytes is alive.
            let out = unsafe { std::slice::from_raw_parts_mut(results[s], count) };
            match segment.applies_to {
                Audience::Everyone => {}
                Audience::Registered => {
                    for (o, &l) in out.iter_mut().zip(rows.logged_in) {
                        *o &= u8::from(l);
                    }
                }
                Audience::Visitors => {
                    for (o, &l) in out.iter_mut().zip(rows.logged_in) {
                        *o &= u8::from(!l);
                    }
                }
            }
            if let Some(list) = &segment.websites {
                for (row, o) in out.iter_mut().enumerate() {
                    let on = (rows.website)(row).is_some_and(|w| list.iter().any(|l| l == w));
                    *o &= u8::from(on);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seg_check::values::MICROS_PER_DAY;
    use seg_ir::{Cmp, LayoutShape, Load, Segment, TimeBound, Type};

    fn program(root: Node) -> Program {
        Program {
            segments: vec![Segment {
                id: "s".into(),
                applies_to: Audience::Everyone,
                websites: None,
                active: true,
                root,
            }],
            layout: LayoutShape {
                customer: 2,
                address_attributes: 0,
                product: 0,
            },
        }
    }

    fn run(program: &Program, customer: Vec<seg_data::Value>) -> bool {
        let jit = JitProgram::compile(program).unwrap();
        let profile = Profile {
            id: "p".into(),
            customer: customer.into_boxed_slice(),
            cart: vec![seg_data::Value::Missing; seg_data::CART_SLOTS].into_boxed_slice(),
            ..Profile::default()
        };
        let (catalog, interner) = (seg_data::Catalog::default(), seg_data::Interner::new());
        let context = Context {
            catalog: &catalog,
            interner: &interner,
            as_of: 0,
        };
        jit.memberships(&profile, &context)[0]
    }

    #[test]
    fn scalar_tests_compile_without_helper_calls() {
        let root = Node::And(vec![
            Node::Test {
                load: Load::Customer(0),
                ty: Type::Dec,
                pred: Pred::NumBetween(0, 100),
            },
            Node::Not(Box::new(Node::Test {
                load: Load::Customer(1),
                ty: Type::DateTime,
                pred: Pred::Time(Cmp::Lt, TimeBound::Day(-1)),
            })),
        ]);
        let program = program(root);
        assert!(JitProgram::compile(&program)
            .unwrap()
            .tables
            .preds
            .is_empty());
        use seg_data::Value::*;
        assert!(run(&program, vec![Dec(100), DateTime(-MICROS_PER_DAY)]));
        // -1 µs is on day -1 (floor division), which is not before day -1.
        assert!(run(&program, vec![Dec(0), DateTime(-1)]));
        assert!(!run(&program, vec![Dec(101), DateTime(0)]));
        assert!(!run(&program, vec![Missing, DateTime(0)]));
        assert!(!run(&program, vec![Dec(5), DateTime(-MICROS_PER_DAY - 1)]));
    }

    #[test]
    fn missing_values_fail_negated_tests_too() {
        let program = program(Node::Test {
            load: Load::Customer(0),
            ty: Type::Option,
            pred: Pred::OptionIn {
                options: vec![1],
                negated: true,
            },
        });
        assert!(!run(
            &program,
            vec![seg_data::Value::Missing, seg_data::Value::Missing]
        ));
        assert!(run(
            &program,
            vec![seg_data::Value::Option(0), seg_data::Value::Missing]
        ));
        assert!(!run(
            &program,
            vec![seg_data::Value::Option(1), seg_data::Value::Missing]
        ));
    }

    #[test]
    fn compiling_and_dropping_many_times_works() {
        let program = program(Node::Test {
            load: Load::Customer(0),
            ty: Type::Int,
            pred: Pred::Num(Cmp::Ge, 3),
        });
        for _ in 0..200 {
            assert!(run(
                &program,
                vec![seg_data::Value::Int(3), seg_data::Value::Missing]
            ));
        }
    }

    /// Profiles pushed into a batch layered over `base` (they were loaded with `base`).
    fn batch_of(profiles: &[Profile], width: u32, base: seg_data::Interner) -> seg_data::Batch {
        let shape = seg_data::Shape {
            customer: width as usize,
        };
        let mut batch = seg_data::Batch::new(shape, std::sync::Arc::new(base));
        for profile in profiles {
            batch.push(profile.clone());
        }
        batch
    }

    #[test]
    fn anniversaries_match_the_interpreter_on_every_day() {
        use seg_check::values::days_from_civil;
        let (catalog, interner) = (seg_data::Catalog::default(), seg_data::Interner::new());
        let first = days_from_civil(1999, 1, 1);
        let last = days_from_civil(2005, 1, 1);
        let as_ofs = [
            (2027, 2, 27),
            (2028, 2, 28),
            (2028, 2, 29),
            (2026, 12, 31),
            (2027, 1, 1),
            (1960, 3, 1),
        ];
        for ty in [Type::Date, Type::DateTime] {
            let profiles: Vec<Profile> = (first..last)
                .map(|d| {
                    let value = if ty == Type::Date {
                        seg_data::Value::Date(d)
                    } else {
                        // Late in the UTC day, and before 1970 for some: floor division matters.
                        seg_data::Value::DateTime(d as i64 * MICROS_PER_DAY + 86_399_999_999)
                    };
                    Profile {
                        customer: vec![value, seg_data::Value::Missing].into_boxed_slice(),
                        ..Profile::default()
                    }
                })
                .collect();
            let data = batch_of(&profiles, 2, interner.clone());
            for days in [0, 1, 6, 30, 365] {
                let pred = Pred::AnniversaryWithin { days };
                let program = program(Node::Test {
                    load: Load::Customer(0),
                    ty,
                    pred: pred.clone(),
                });
                let jit = JitProgram::compile(&program).unwrap();
                assert!(jit.tables.preds.is_empty(), "anniversaries are native code");
                // One preparation, evaluated at every as-of.
                let batch = jit.prepare(&data, &catalog);
                for (y, m, d) in as_ofs {
                    let as_of = days_from_civil(y, m, d) as i64 * MICROS_PER_DAY + 1;
                    let context = Context {
                        catalog: &catalog,
                        interner: &interner,
                        as_of,
                    };
                    let result = jit.evaluate(&batch, as_of).unwrap();
                    for (row, profile) in profiles.iter().enumerate() {
                        let expected =
                            seg_eval::interpret::test(&pred, &profile.customer[0], &context);
                        assert_eq!(
                            result.get(0, row),
                            expected,
                            "{:?} within {days} days of {y}-{m}-{d}",
                            profile.customer[0]
                        );
                    }
                }
            }
        }
    }

    /// Compile-time: a compiled program (and a prepared batch) may be shared between threads.
    #[test]
    fn programs_and_prepared_batches_are_send_and_sync() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<JitProgram<'static>>();
        send_sync::<Prepared<'static>>();
        send_sync::<Memberships>();
    }

    fn string_program() -> Program {
        program(Node::Test {
            load: Load::Customer(0),
            ty: Type::Str,
            pred: Pred::StrEq {
                folded: "busan".into(),
                negated: false,
            },
        })
    }

    fn city(interner: &mut seg_data::Interner, text: &str) -> Profile {
        Profile {
            id: text.into(),
            customer: vec![seg_data::Value::Str(interner.intern(text))].into_boxed_slice(),
            cart: vec![seg_data::Value::Missing; seg_data::CART_SLOTS].into_boxed_slice(),
            ..Profile::default()
        }
    }

    #[test]
    fn a_batch_prepared_by_another_program_is_refused() {
        let program = string_program();
        let (a, b) = (
            JitProgram::compile(&program).unwrap(),
            JitProgram::compile(&program).unwrap(),
        );
        let catalog = seg_data::Catalog::default();
        let mut data = seg_data::Batch::new(
            seg_data::Shape { customer: 2 },
            std::sync::Arc::new(seg_data::Interner::new()),
        );
        let profile = city(data.interner_mut(), "BUSAN");
        data.push(profile);
        let batch = a.prepare(&data, &catalog);
        assert_eq!(b.evaluate(&batch, 0), Err(ForeignBatch));
        assert!(a.evaluate(&batch, 0).unwrap().get(0, 0));
        // Identities are never reused, even after the program that prepared a batch is gone.
        drop(a);
        let c = JitProgram::compile(&program).unwrap();
        assert_eq!(c.evaluate(&batch, 0), Err(ForeignBatch));
        let result = c.evaluate_batch(&data, &catalog, 0);
        assert_eq!((result.rows(), result.segments()), (1, 1));
        assert!(result.get(0, 0));
    }

    #[test]
    fn strings_of_the_batch_are_read_through_its_own_interner() {
        // The base knows "Seoul" only; "Busan" and "BUSAN" are the batch's own symbols.
        let mut base = seg_data::Interner::new();
        let seoul = city(&mut base, "Seoul");
        let mut data =
            seg_data::Batch::new(seg_data::Shape { customer: 2 }, std::sync::Arc::new(base));
        data.push(seoul);
        for text in ["Busan", "BUSAN", "Daegu"] {
            let profile = city(data.interner_mut(), text);
            data.push(profile);
        }
        let program = string_program();
        let jit = JitProgram::compile_with(&program, Tier::Optimized).unwrap();
        let result = jit.evaluate_batch(&data, &seg_data::Catalog::default(), 0);
        assert_eq!(
            (0..4).map(|row| result.get(0, row)).collect::<Vec<_>>(),
            [false, true, true, false]
        );
    }

    #[test]
    fn slots_past_the_batch_shape_read_as_missing() {
        // The program reads customer slot 1; the batch has one customer column only.
        let program = program(Node::Test {
            load: Load::Customer(1),
            ty: Type::Int,
            pred: Pred::IsEmpty,
        });
        let jit = JitProgram::compile(&program).unwrap();
        let profile = Profile {
            customer: vec![seg_data::Value::Int(1), seg_data::Value::Int(2)].into_boxed_slice(),
            ..Profile::default()
        };
        let data = batch_of(&[profile.clone(), profile], 1, seg_data::Interner::new());
        let result = jit.evaluate_batch(&data, &seg_data::Catalog::default(), 0);
        assert!(result.get(0, 0) && result.get(0, 1));
    }

    #[test]
    fn programs_the_verifier_rejects_do_not_compile() {
        let program = program(Node::Test {
            load: Load::Customer(9),
            ty: Type::Int,
            pred: Pred::IsEmpty,
        });
        let error = JitProgram::compile(&program).err().unwrap();
        assert!(error.contains("customer slot 9 out of range"), "{error}");
    }

    #[test]
    fn threads_share_one_compiled_program() {
        let program = string_program();
        let jit = JitProgram::compile(&program).unwrap();
        let catalog = seg_data::Catalog::default();
        let mut data = seg_data::Batch::new(
            seg_data::Shape { customer: 2 },
            std::sync::Arc::new(seg_data::Interner::new()),
        );
        let mut profiles = Vec::new();
        for i in 0..1000 {
            let text = if i % 3 == 0 { "Busan" } else { "Seoul" };
            let profile = city(data.interner_mut(), text);
            profiles.push(profile.clone());
            data.push(profile);
        }
        let batch = jit.prepare(&data, &catalog);
        let context = Context {
            catalog: &catalog,
            interner: data.interner(),
            as_of: 0,
        };
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..20 {
                        let result = jit.evaluate(&batch, 0).unwrap();
                        assert_eq!(result.count(0), 334);
                        // One-profile calls contend for the scratch memory.
                        for (row, profile) in profiles.iter().enumerate().step_by(97) {
                            assert_eq!(jit.memberships(profile, &context)[0], row % 3 == 0);
                        }
                    }
                });
            }
        });
    }
}
