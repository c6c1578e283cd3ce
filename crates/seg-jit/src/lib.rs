//! The Cranelift backend (first increment): each segment's condition compiled to one native
//! function over the data layout of `seg-data`.
//!
//! What is compiled: the boolean structure (`and`, `or`, `not`, constants, short-circuiting)
//! and tests of top-level scalar fields (`customer.<attr>`, `cart.<field>`, `logged_in`) on
//! numbers, decimals, booleans, select options, dates and datetimes: a load of the value's tag
//! byte and payload and integer compares, no calls. Everything else (strings, multiselects,
//! relative-time and anniversary tests, collections, aggregates, segment references) is not
//! compiled yet: the generated code calls back into the reference interpreter for that subtree,
//! so every segment evaluates exactly as the interpreter does. Later increments move those into
//! native code (issue 4).
//!
//! Compiled code lives in a [`JitProgram`]; dropping it frees the code's memory.

use cranelift_codegen::ir::{
    self, condcodes::IntCC, types, AbiParam, BlockArg, InstBuilder, UserFuncName,
};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Linkage, Module};

use seg_data::{
    Profile, PAYLOAD_OFFSET, TAG_BOOL, TAG_DATE, TAG_DATETIME, TAG_DEC, TAG_INT, TAG_MISSING,
    TAG_OPTION,
};
use seg_eval::{Context, Interpreter};
use seg_ir::{Cmp, Load, Node, Pred, Program, TimeBound, Type};

/// What the generated code receives: pointers to the profile's slots, and the environment the
/// interpreter fallback needs (opaque to the generated code).
#[repr(C)]
struct Frame<'a> {
    customer: *const seg_data::Value,
    cart: *const seg_data::Value,
    logged_in: u64,
    env: *const Env<'a>,
}

const FRAME_CUSTOMER: i32 = 0;
const FRAME_CART: i32 = 8;
const FRAME_LOGGED_IN: i32 = 16;
const VALUE_SIZE: i64 = std::mem::size_of::<seg_data::Value>() as i64;
const MICROS_PER_DAY: i64 = 86_400_000_000;

struct Env<'a> {
    interpreter: &'a Interpreter<'a>,
    profile: &'a Profile,
    context: &'a Context<'a>,
    nodes: &'a [*const Node],
}

/// Evaluates a node the generated code does not compile, with the interpreter.
extern "C" fn fallback(frame: *const Frame, node: u32) -> u8 {
    // SAFETY: `frame` is the frame `JitProgram::memberships` built for this call; it outlives the
    // call, and its `env` points at an `Env` on that function's stack.
    let env = unsafe { &*(*frame).env };
    // SAFETY: the node pointers point into the `Program` the `JitProgram` borrows.
    let node = unsafe { &*env.nodes[node as usize] };
    u8::from(env.interpreter.eval_root(node, env.profile, env.context))
}

type SegmentFn = unsafe extern "C" fn(*const Frame) -> u8;

/// Native code for every segment of a program.
pub struct JitProgram<'p> {
    program: &'p Program,
    interpreter: Interpreter<'p>,
    module: Option<JITModule>,
    functions: Vec<SegmentFn>,
    /// The nodes handed to the interpreter, by the index the generated code passes.
    fallback_nodes: Vec<*const Node>,
}

impl Drop for JitProgram<'_> {
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: the functions are only reachable through `self`, which is going away.
            unsafe { module.free_memory() };
        }
    }
}

impl<'p> JitProgram<'p> {
    /// Compiles one function per segment (one giant function would make register allocation
    /// blow up).
    pub fn compile(program: &'p Program) -> Result<JitProgram<'p>, String> {
        let mut flags = settings::builder();
        for (name, value) in [
            ("use_colocated_libcalls", "false"),
            ("is_pic", "false"),
            ("opt_level", "speed"),
        ] {
            flags.set(name, value).map_err(|e| e.to_string())?;
        }
        let isa = cranelift_native::builder()
            .map_err(|e| format!("this machine is not supported by Cranelift: {e}"))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| e.to_string())?;
        let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
        let pointer = module.target_config().pointer_type();
        let mut context = module.make_context();
        let mut builder_context = FunctionBuilderContext::new();
        let mut fallback_nodes = Vec::new();
        let mut ids = Vec::new();
        for (index, segment) in program.segments.iter().enumerate() {
            context.func.signature.params.push(AbiParam::new(pointer));
            context
                .func
                .signature
                .returns
                .push(AbiParam::new(types::I8));
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
                let frame = b.block_params(entry)[0];
                let mut gen = Generator {
                    b: &mut b,
                    frame,
                    pointer,
                    fallback_nodes: &mut fallback_nodes,
                };
                let result = gen.node(&segment.root);
                b.ins().return_(&[result]);
                b.seal_all_blocks();
                b.finalize(module.target_config());
            }
            module
                .define_function(id, &mut context)
                .map_err(|e| format!("segment {}: {e:?}", segment.id))?;
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
            interpreter: Interpreter::new(program),
            module: Some(module),
            functions,
            fallback_nodes,
        })
    }

    /// Membership of every segment, in program order, as the interpreter would answer.
    ///
    /// # Panics
    /// If the profile was not loaded for the schema the program was lowered with (its slot
    /// counts differ): the generated code trusts them.
    pub fn memberships(&self, profile: &Profile, context: &Context) -> Vec<bool> {
        assert_eq!(
            profile.customer.len(),
            self.program.layout.customer as usize,
            "profile loaded for another schema"
        );
        assert_eq!(
            profile.cart.len(),
            seg_data::CART_SLOTS,
            "profile loaded for another model"
        );
        let env = Env {
            interpreter: &self.interpreter,
            profile,
            context,
            nodes: &self.fallback_nodes,
        };
        let frame = Frame {
            customer: profile.customer.as_ptr(),
            cart: profile.cart.as_ptr(),
            logged_in: u64::from(profile.logged_in),
            env: &env,
        };
        self.functions
            .iter()
            .enumerate()
            .map(|(i, f)| {
                // SAFETY: the frame's slices hold the slot counts the code was compiled for.
                self.interpreter.admits(i, profile) && unsafe { f(&frame) } != 0
            })
            .collect()
    }
}

struct Generator<'b, 'f> {
    b: &'b mut FunctionBuilder<'f>,
    frame: ir::Value,
    pointer: ir::Type,
    fallback_nodes: &'b mut Vec<*const Node>,
}

fn int_cc(cmp: Cmp) -> IntCC {
    match cmp {
        Cmp::Eq => IntCC::Equal,
        Cmp::Ne => IntCC::NotEqual,
        Cmp::Lt => IntCC::SignedLessThan,
        Cmp::Le => IntCC::SignedLessThanOrEqual,
        Cmp::Gt => IntCC::SignedGreaterThan,
        Cmp::Ge => IntCC::SignedGreaterThanOrEqual,
    }
}

impl Generator<'_, '_> {
    fn constant(&mut self, b: bool) -> ir::Value {
        self.b.ins().iconst(types::I8, i64::from(b))
    }

    /// The value of a node, as an `i8` that is 0 or 1.
    fn node(&mut self, node: &Node) -> ir::Value {
        match node {
            Node::Const(b) => self.constant(*b),
            Node::Not(inner) => {
                let v = self.node(inner);
                self.b.ins().bxor_imm_u(v, 1)
            }
            Node::And(items) => self.short_circuit(items, false),
            Node::Or(items) => self.short_circuit(items, true),
            Node::Test {
                load: load @ (Load::Customer(_) | Load::Cart(_)),
                ty,
                pred,
            } if compiles(*ty, pred) => self.test(*load, *ty, pred),
            Node::Test {
                load: Load::LoggedIn,
                pred,
                ..
            } if matches!(pred, Pred::Bool(_) | Pred::IsEmpty | Pred::IsNotEmpty) => {
                let flag = self.b.ins().load(
                    types::I64,
                    ir::MemFlagsData::trusted(),
                    self.frame,
                    FRAME_LOGGED_IN,
                );
                let flag = self.b.ins().icmp_imm_s(IntCC::NotEqual, flag, 0);
                match pred {
                    Pred::Bool(true) | Pred::IsNotEmpty => flag,
                    Pred::Bool(false) => self.b.ins().bxor_imm_u(flag, 1),
                    _ => self.constant(false),
                }
            }
            _ => self.call_fallback(node),
        }
    }

    /// `and` stops at the first false, `or` at the first true (`stop_on`).
    fn short_circuit(&mut self, items: &[Node], stop_on: bool) -> ir::Value {
        if items.is_empty() {
            return self.constant(!stop_on);
        }
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I8);
        for item in items {
            let v = self.node(item);
            let next = self.b.create_block();
            let stop = self.constant(stop_on);
            let stop = [BlockArg::Value(stop)];
            if stop_on {
                self.b.ins().brif(v, done, &stop, next, &[]);
            } else {
                self.b.ins().brif(v, next, &[], done, &stop);
            }
            self.b.switch_to_block(next);
        }
        let finish = self.constant(!stop_on);
        self.b.ins().jump(done, &[BlockArg::Value(finish)]);
        self.b.switch_to_block(done);
        self.b.block_params(done)[0]
    }

    fn call_fallback(&mut self, node: &Node) -> ir::Value {
        let index = self.fallback_nodes.len() as i64;
        self.fallback_nodes.push(node as *const Node);
        let mut signature = ir::Signature::new(self.b.func.signature.call_conv);
        signature.params.push(AbiParam::new(self.pointer));
        signature.params.push(AbiParam::new(types::I32));
        signature.returns.push(AbiParam::new(types::I8));
        let signature = self.b.import_signature(signature);
        let callee = self
            .b
            .ins()
            .iconst(self.pointer, fallback as *const () as usize as i64);
        let index = self.b.ins().iconst(types::I32, index);
        let call = self
            .b
            .ins()
            .call_indirect(signature, callee, &[self.frame, index]);
        self.b.inst_results(call)[0]
    }

    /// The address of the value a top-level load reads.
    fn address(&mut self, load: Load) -> ir::Value {
        let (offset, slot) = match load {
            Load::Customer(slot) => (FRAME_CUSTOMER, slot),
            Load::Cart(slot) => (FRAME_CART, slot),
            _ => unreachable!("only top-level slots are compiled"),
        };
        let base = self.b.ins().load(
            self.pointer,
            ir::MemFlagsData::trusted(),
            self.frame,
            offset,
        );
        self.b.ins().iadd_imm_s(base, slot as i64 * VALUE_SIZE)
    }

    fn test(&mut self, load: Load, ty: Type, pred: &Pred) -> ir::Value {
        let address = self.address(load);
        let tag = self
            .b
            .ins()
            .load(types::I8, ir::MemFlagsData::trusted(), address, 0);
        let expected = match ty {
            Type::Bool => TAG_BOOL,
            Type::Int => TAG_INT,
            Type::Dec => TAG_DEC,
            Type::Date => TAG_DATE,
            Type::DateTime => TAG_DATETIME,
            Type::Option => TAG_OPTION,
            Type::Str | Type::Options => unreachable!("not compiled"),
        };
        match pred {
            Pred::IsEmpty => {
                return self
                    .b
                    .ins()
                    .icmp_imm_s(IntCC::Equal, tag, TAG_MISSING as i64)
            }
            Pred::IsNotEmpty => {
                return self
                    .b
                    .ins()
                    .icmp_imm_s(IntCC::NotEqual, tag, TAG_MISSING as i64)
            }
            _ => {}
        }
        // The payload is read even when the value is missing: it is inside the value either way,
        // and the tag check below decides.
        let present = self.b.ins().icmp_imm_s(IntCC::Equal, tag, expected as i64);
        let holds = match (ty, pred) {
            (Type::Bool, Pred::Bool(b)) => {
                let byte = self.b.ins().load(
                    types::I8,
                    ir::MemFlagsData::trusted(),
                    address,
                    PAYLOAD_OFFSET,
                );
                let truth = self.b.ins().icmp_imm_s(IntCC::NotEqual, byte, 0);
                if *b {
                    truth
                } else {
                    self.b.ins().bxor_imm_u(truth, 1)
                }
            }
            (Type::Int | Type::Dec, _) => {
                let n = self.b.ins().load(
                    types::I64,
                    ir::MemFlagsData::trusted(),
                    address,
                    PAYLOAD_OFFSET,
                );
                self.numeric(n, pred)
            }
            (Type::Option, Pred::OptionIn { options, negated }) => {
                let o = self.b.ins().load(
                    types::I32,
                    ir::MemFlagsData::trusted(),
                    address,
                    PAYLOAD_OFFSET,
                );
                let any = self.any_equal(o, options.iter().map(|&x| x as i64));
                if *negated {
                    self.b.ins().bxor_imm_u(any, 1)
                } else {
                    any
                }
            }
            (Type::Date | Type::DateTime, _) => {
                let raw = if ty == Type::Date {
                    let d = self.b.ins().load(
                        types::I32,
                        ir::MemFlagsData::trusted(),
                        address,
                        PAYLOAD_OFFSET,
                    );
                    self.b.ins().sextend(types::I64, d)
                } else {
                    self.b.ins().load(
                        types::I64,
                        ir::MemFlagsData::trusted(),
                        address,
                        PAYLOAD_OFFSET,
                    )
                };
                match pred {
                    Pred::Time(cmp, bound) => self.time_compare(raw, ty, *cmp, *bound),
                    Pred::TimeBetween(a, b) => {
                        let low = self.time_compare(raw, ty, Cmp::Ge, *a);
                        let high = self.time_compare(raw, ty, Cmp::Le, *b);
                        self.b.ins().band(low, high)
                    }
                    _ => unreachable!("not compiled"),
                }
            }
            _ => unreachable!("not compiled"),
        };
        self.b.ins().band(present, holds)
    }

    fn numeric(&mut self, n: ir::Value, pred: &Pred) -> ir::Value {
        match pred {
            Pred::Num(cmp, c) => {
                let c = self.b.ins().iconst(types::I64, *c);
                self.b.ins().icmp(int_cc(*cmp), n, c)
            }
            Pred::NumBetween(a, b) => {
                let low = self
                    .b
                    .ins()
                    .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, n, *a);
                let high = self.b.ins().icmp_imm_s(IntCC::SignedLessThanOrEqual, n, *b);
                self.b.ins().band(low, high)
            }
            Pred::NumIn { values, negated } => {
                let any = self.any_equal(n, values.iter().copied());
                if *negated {
                    self.b.ins().bxor_imm_u(any, 1)
                } else {
                    any
                }
            }
            _ => unreachable!("not compiled"),
        }
    }

    fn any_equal(&mut self, v: ir::Value, constants: impl Iterator<Item = i64>) -> ir::Value {
        let mut any = self.constant(false);
        for c in constants {
            let eq = self.b.ins().icmp_imm_s(IntCC::Equal, v, c);
            any = self.b.ins().bor(any, eq);
        }
        any
    }

    /// A date (day number) or datetime (µs) against a day or an instant, as §8 says: a day
    /// bound compares UTC calendar days, an instant bound instants.
    fn time_compare(&mut self, raw: ir::Value, ty: Type, cmp: Cmp, bound: TimeBound) -> ir::Value {
        let (value, constant) = match (ty, bound) {
            (Type::Date, TimeBound::Day(d)) => (raw, d as i64),
            (Type::Date, TimeBound::Instant(i)) => {
                (self.b.ins().imul_imm_s(raw, MICROS_PER_DAY), i)
            }
            (_, TimeBound::Day(d)) => (self.floor_day(raw), d as i64),
            (_, TimeBound::Instant(i)) => (raw, i),
        };
        let constant = self.b.ins().iconst(types::I64, constant);
        self.b.ins().icmp(int_cc(cmp), value, constant)
    }

    /// ⌊t / one day⌋, rounding towards minus infinity for instants before 1970.
    fn floor_day(&mut self, t: ir::Value) -> ir::Value {
        let q = self.b.ins().sdiv_imm_s(t, MICROS_PER_DAY);
        let r = self.b.ins().srem_imm_s(t, MICROS_PER_DAY);
        let negative = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, r, 0);
        let adjusted = self.b.ins().iadd_imm_s(q, -1);
        self.b.ins().select(negative, adjusted, q)
    }
}

/// Whether a top-level test is compiled (the rest falls back to the interpreter).
fn compiles(ty: Type, pred: &Pred) -> bool {
    match (ty, pred) {
        (Type::Str | Type::Options, _) => false,
        (_, Pred::IsEmpty | Pred::IsNotEmpty) => true,
        (Type::Bool, Pred::Bool(_)) => true,
        (Type::Int | Type::Dec, Pred::Num(..) | Pred::NumBetween(..) | Pred::NumIn { .. }) => true,
        (Type::Option, Pred::OptionIn { .. }) => true,
        (Type::Date | Type::DateTime, Pred::Time(..) | Pred::TimeBetween(..)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seg_ir::{Audience, LayoutShape, Segment};

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
    fn scalar_tests_compile_without_calling_back() {
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
            .fallback_nodes
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
}
