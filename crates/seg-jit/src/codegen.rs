//! IR → Cranelift: one function per segment that loops over rows `start..end` of a [`Frame`]
//! and stores each row's condition value (0 or 1) in the segment's result array.
//!
//! Every IR node becomes native code: boolean structure with short-circuit branches, value
//! tests as a tag check plus integer compares (strings by the symbols of their folds, option
//! sets by a loop over the set), windows and relative times against as-of-derived bounds
//! computed once per run ([`TimeRef`]), quantifiers and aggregates as loops over flat element
//! ranges (exact: sums in 128 bits, averages compared as ratios), anniversaries as the value's
//! (month, day) by integer arithmetic and a per-run table of days until each. Only substring
//! tests (`contains`, `starts with`, `ends with`: they need the text) call back into Rust
//! ([`crate::call_test`]), which runs the interpreter's own predicate on the value.
//!
//! [`Frame`]: crate::frame::Frame

use std::collections::BTreeSet;
use std::mem::size_of;

use cranelift_codegen::ir::{
    self, condcodes::IntCC, types, AbiParam, BlockArg, InstBuilder, MemFlagsData, SigRef,
};
use cranelift_frontend::{FunctionBuilder, Variable};

use seg_check::values::MICROS_PER_DAY;
use seg_data::{
    PAYLOAD_OFFSET, TAG_BOOL, TAG_DATE, TAG_DATETIME, TAG_DEC, TAG_INT, TAG_MISSING, TAG_OPTION,
    TAG_OPTIONS, TAG_STR,
};
use seg_ir::{
    AggregateFn, Cmp, Collection, Load, Node, Pred, Quantifier, TimeBound, TimeUnit, Type, Window,
};

use crate::frame::*;

/// A value derived from the evaluation instant, computed once per run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimeRef {
    /// as-of, µs.
    AsOf,
    /// as-of's UTC day.
    Today,
    /// as-of minus a span of µs, saturating.
    AsOfMinus(i64),
    /// as-of's UTC day minus a number of days.
    TodayMinus(i64),
}

impl TimeRef {
    pub fn value(self, as_of: i64) -> i64 {
        let today = as_of.div_euclid(MICROS_PER_DAY);
        match self {
            TimeRef::AsOf => as_of,
            TimeRef::Today => today,
            TimeRef::AsOfMinus(span) => as_of.saturating_sub(span),
            TimeRef::TodayMinus(days) => today.wrapping_sub(days),
        }
    }
}

/// What the generated code needs from each run, collected while generating.
#[derive(Default)]
pub(crate) struct Tables {
    /// Slots per customer record (the program's layout).
    pub customer_width: usize,
    /// The customer and cart slots the code reads (a batch copies only these).
    pub customer_slots: BTreeSet<u32>,
    pub cart_slots: BTreeSet<u32>,
    /// Which of `Collection::ROOT` the code walks.
    pub roots: [bool; Collection::ROOT.len()],
    /// Whether orders' lines and addresses are needed.
    pub orders: bool,
    /// Folded string constants, resolved to the data's symbols per run.
    pub strings: Vec<String>,
    pub times: Vec<TimeRef>,
    /// Tests answered by `call_test` (substrings).
    pub preds: Vec<Pred>,
    /// Whether the per-run anniversary table is read.
    pub anniversary: bool,
}

fn index_of<T: PartialEq>(list: &mut Vec<T>, item: T) -> usize {
    match list.iter().position(|x| *x == item) {
        Some(i) => i,
        None => {
            list.push(item);
            list.len() - 1
        }
    }
}

/// Offsets of a multiselect's `Box<[u32]>` data pointer and length inside a `Value`, found by
/// probing a known set (Rust does not promise the order of a slice pointer's halves).
///
/// Only initialised bytes are read: the two words of the boxed slice itself (a wide pointer is
/// exactly its data pointer and its length, no padding), found through a reference to the
/// variant's field, never the tag's padding.
pub(crate) fn options_layout() -> Option<(i32, i32)> {
    const WORD: usize = size_of::<usize>();
    if size_of::<Box<[u32]>>() != 2 * WORD {
        return None;
    }
    let value = seg_data::Value::Options(vec![7, 9, 11].into_boxed_slice());
    let seg_data::Value::Options(set) = &value else {
        return None;
    };
    let (address, len) = (set.as_ptr() as usize, set.len());
    let field = (set as *const Box<[u32]>).cast::<usize>();
    // Where the variant's field starts inside the value (the generated code reads the value's
    // address plus these offsets).
    let field_offset = field as usize - (&value as *const seg_data::Value as usize);
    // SAFETY: `field` points at the `Box<[u32]>` inside `value`, which is alive and holds
    // exactly two initialised pointer-sized words (checked above); reading a pointer's bytes
    // as an integer is allowed.
    let words: [usize; 2] = unsafe { [field.read(), field.add(1).read()] };
    let (ptr, len) = match words {
        [a, b] if a == address && b == len => (0, WORD),
        [a, b] if a == len && b == address => (WORD, 0),
        _ => return None,
    };
    let at = |offset: usize| i32::try_from(field_offset + offset).ok();
    Some((at(ptr)?, at(len)?))
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

/// Loads that do not change during a call (the frame, its tables, the data).
fn fixed() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

fn data() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly()
}

/// A range of elements: `base[start..end]`.
#[derive(Clone, Copy)]
struct Range {
    base: ir::Value,
    start: ir::Value,
    end: ir::Value,
}

pub(crate) struct Generator<'a, 'f> {
    pub b: &'a mut FunctionBuilder<'f>,
    pub tables: &'a mut Tables,
    pub pointer: ir::Type,
    pub options: (i32, i32),
    frame: ir::Value,
    row: Variable,
    helper: Option<SigRef>,
    /// Frame fields and column pointers loaded once in the entry block (they do not change
    /// during a call), and the current row's byte offsets into columns and offset arrays.
    fields: Vec<(i32, ir::Value)>,
    columns: Vec<((i32, u32), ir::Value)>,
    row_offsets: Option<(ir::Value, ir::Value)>,
}

/// The frame fields and (table, slot) columns a node reads, so they can be loaded once.
fn frame_needs(node: &Node, fields: &mut BTreeSet<i32>, columns: &mut BTreeSet<(i32, u32)>) {
    let pred_needs = |pred: &Pred, fields: &mut BTreeSet<i32>| match pred {
        Pred::StrEq { .. } | Pred::StrIn { .. } => {
            fields.extend([FRAME_FOLDS, FRAME_FOLDS_LEN, FRAME_STRINGS]);
        }
        Pred::StrContains { .. } | Pred::StrStartsWith(_) | Pred::StrEndsWith(_) => {
            fields.insert(FRAME_ENV);
        }
        Pred::AnniversaryWithin { .. } => {
            fields.insert(FRAME_ANNIVERSARY);
        }
        Pred::WithinLast { .. } | Pred::MoreThanAgo { .. } => {
            fields.insert(FRAME_TIMES);
        }
        _ => {}
    };
    let collection_needs = |c: Collection, window: Option<Window>, fields: &mut BTreeSet<i32>| {
        fields.insert(match c {
            Collection::OrderItems => FRAME_ITEMS,
            Collection::OrderBillingAddress | Collection::OrderShippingAddress => {
                FRAME_ORDER_ADDRESSES
            }
            _ => FRAME_ROOTS,
        });
        if let Some(Window::WithinLast { .. }) = window {
            fields.insert(FRAME_TIMES);
        }
    };
    match node {
        Node::Const(_) => {}
        Node::And(items) | Node::Or(items) => {
            for item in items {
                frame_needs(item, fields, columns);
            }
        }
        Node::Not(inner) => frame_needs(inner, fields, columns),
        Node::Member(_) => {
            fields.insert(FRAME_RESULTS);
        }
        Node::Test { load, pred, .. } => {
            match load {
                Load::Customer(slot) => {
                    fields.insert(FRAME_CUSTOMER);
                    columns.insert((FRAME_CUSTOMER, *slot));
                }
                Load::Cart(slot) => {
                    fields.insert(FRAME_CART);
                    columns.insert((FRAME_CART, *slot));
                }
                Load::LoggedIn => {
                    fields.insert(FRAME_LOGGED_IN);
                }
                Load::Element(_) | Load::Product(_) => {}
            }
            pred_needs(pred, fields);
        }
        Node::Quantified {
            collection,
            window,
            body,
            ..
        } => {
            collection_needs(*collection, *window, fields);
            frame_needs(body, fields, columns);
        }
        Node::Single { collection, body } => {
            collection_needs(*collection, None, fields);
            frame_needs(body, fields, columns);
        }
        Node::Aggregate {
            collection,
            window,
            filter,
            pred,
            ..
        } => {
            collection_needs(*collection, *window, fields);
            frame_needs(filter, fields, columns);
            pred_needs(pred, fields);
        }
    }
}

impl<'a, 'f> Generator<'a, 'f> {
    pub fn new(
        b: &'a mut FunctionBuilder<'f>,
        tables: &'a mut Tables,
        pointer: ir::Type,
        options: (i32, i32),
        frame: ir::Value,
    ) -> Generator<'a, 'f> {
        let row = b.declare_var(types::I64);
        Generator {
            b,
            tables,
            pointer,
            options,
            frame,
            row,
            helper: None,
            fields: Vec::new(),
            columns: Vec::new(),
            row_offsets: None,
        }
    }

    /// The whole function body: for each row in `start..end`, store the root's value at
    /// `results[segment][row]`.
    pub fn segment(&mut self, segment: usize, root: &Node, start: ir::Value, end: ir::Value) {
        // Everything invariant over the rows is loaded here, in the entry block.
        let mut fields = BTreeSet::from([FRAME_RESULTS]);
        let mut columns = BTreeSet::new();
        frame_needs(root, &mut fields, &mut columns);
        for field in fields {
            let value = self.frame_load(field);
            self.fields.push((field, value));
        }
        for (table, slot) in columns {
            let base = self.frame_load(table);
            let column = self
                .b
                .ins()
                .load(self.pointer, fixed(), base, (slot as i64 * 8) as i32);
            self.columns.push(((table, slot), column));
        }
        let results = self.frame_load(FRAME_RESULTS);
        let out = self
            .b
            .ins()
            .load(self.pointer, fixed(), results, (segment as i64 * 8) as i32);
        self.b.def_var(self.row, start);
        let header = self.b.create_block();
        let body = self.b.create_block();
        let exit = self.b.create_block();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let row = self.b.use_var(self.row);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, row, end);
        self.b.ins().brif(more, body, &[], exit, &[]);
        self.b.switch_to_block(body);
        let row = self.b.use_var(self.row);
        let row_value = self.b.ins().imul_imm_s(row, VALUE_SIZE);
        let row_offset = self.b.ins().imul_imm_s(row, 8);
        self.row_offsets = Some((row_value, row_offset));
        let value = self.node(root, None);
        let row = self.b.use_var(self.row);
        let at = self.b.ins().iadd(out, row);
        self.b.ins().store(MemFlagsData::trusted(), value, at, 0);
        let next = self.b.ins().iadd_imm_s(row, 1);
        self.b.def_var(self.row, next);
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(exit);
        self.b.ins().return_(&[]);
    }

    fn constant(&mut self, b: bool) -> ir::Value {
        self.b.ins().iconst(types::I8, i64::from(b))
    }

    fn not(&mut self, v: ir::Value) -> ir::Value {
        self.b.ins().bxor_imm_u(v, 1)
    }

    fn frame_load(&mut self, offset: i32) -> ir::Value {
        if let Some(&(_, value)) = self.fields.iter().find(|(f, _)| *f == offset) {
            return value;
        }
        self.b.ins().load(self.pointer, fixed(), self.frame, offset)
    }

    /// The current row's offset into value columns (`row × VALUE_SIZE`) and into `u64`
    /// arrays (`row × 8`), computed once per row.
    fn row_offsets(&mut self) -> (ir::Value, ir::Value) {
        match self.row_offsets {
            Some(offsets) => offsets,
            None => {
                let row = self.b.use_var(self.row);
                let value = self.b.ins().imul_imm_s(row, VALUE_SIZE);
                let offset = self.b.ins().imul_imm_s(row, 8);
                (value, offset)
            }
        }
    }

    /// The value of a node, as an `i8` that is 0 or 1.
    fn node(&mut self, node: &Node, scope: Option<ir::Value>) -> ir::Value {
        match node {
            Node::Const(b) => self.constant(*b),
            Node::Not(inner) => {
                let v = self.node(inner, scope);
                self.not(v)
            }
            Node::And(items) => self.short_circuit(items, scope, false),
            Node::Or(items) => self.short_circuit(items, scope, true),
            Node::Member(index) => {
                let results = self.frame_load(FRAME_RESULTS);
                let array =
                    self.b
                        .ins()
                        .load(self.pointer, fixed(), results, (*index as i64 * 8) as i32);
                let row = self.b.use_var(self.row);
                let at = self.b.ins().iadd(array, row);
                let byte = self.b.ins().load(types::I8, MemFlagsData::trusted(), at, 0);
                self.b.ins().icmp_imm_s(IntCC::NotEqual, byte, 0)
            }
            Node::Test {
                load: Load::LoggedIn,
                pred,
                ..
            } => {
                let column = self.frame_load(FRAME_LOGGED_IN);
                let row = self.b.use_var(self.row);
                let at = self.b.ins().iadd(column, row);
                let byte = self.b.ins().load(types::I8, data(), at, 0);
                let flag = self.b.ins().icmp_imm_s(IntCC::NotEqual, byte, 0);
                match pred {
                    Pred::Bool(true) => flag,
                    Pred::Bool(false) => self.not(flag),
                    // `logged_in` is never empty.
                    Pred::IsNotEmpty => self.constant(true),
                    _ => self.constant(false),
                }
            }
            Node::Test { load, ty, pred } => {
                let address = self.address(*load, scope);
                self.test(address, *ty, pred)
            }
            Node::Quantified {
                quantifier,
                collection,
                window,
                body,
            } => self.quantified(*quantifier, *collection, *window, body, scope),
            Node::Single { collection, body } => {
                let range = self.elements(*collection, scope);
                let done = self.b.create_block();
                self.b.append_block_param(done, types::I8);
                let present = self.b.create_block();
                let some = self
                    .b
                    .ins()
                    .icmp(IntCC::SignedLessThan, range.start, range.end);
                let no = self.constant(false);
                self.b
                    .ins()
                    .brif(some, present, &[], done, &[BlockArg::Value(no)]);
                self.b.switch_to_block(present);
                let element = self.element_at(range, range.start);
                let value = self.node(body, Some(element));
                self.b.ins().jump(done, &[BlockArg::Value(value)]);
                self.b.switch_to_block(done);
                self.b.block_params(done)[0]
            }
            Node::Aggregate {
                function,
                collection,
                field,
                window,
                filter,
                pred,
            } => self.aggregate(*function, *collection, *field, *window, filter, pred, scope),
        }
    }

    /// `and` stops at the first false, `or` at the first true (`stop_on`).
    fn short_circuit(
        &mut self,
        items: &[Node],
        scope: Option<ir::Value>,
        stop_on: bool,
    ) -> ir::Value {
        if items.is_empty() {
            return self.constant(!stop_on);
        }
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I8);
        for item in items {
            let v = self.node(item, scope);
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

    // ---- reading values ------------------------------------------------------------------

    /// The address of the `Value` a load reads (the static missing value when there is none).
    fn address(&mut self, load: Load, scope: Option<ir::Value>) -> ir::Value {
        match load {
            Load::Customer(slot) | Load::Cart(slot) => {
                let table = if let Load::Customer(_) = load {
                    self.tables.customer_slots.insert(slot);
                    self.frame_load(FRAME_CUSTOMER)
                } else {
                    self.tables.cart_slots.insert(slot);
                    self.frame_load(FRAME_CART)
                };
                let column =
                    self.b
                        .ins()
                        .load(self.pointer, fixed(), table, (slot as i64 * 8) as i32);
                let row = self.b.use_var(self.row);
                let offset = self.b.ins().imul_imm_s(row, VALUE_SIZE);
                self.b.ins().iadd(column, offset)
            }
            Load::Element(slot) | Load::Product(slot) => {
                let Some(element) = scope else {
                    return self.missing();
                };
                let (values, len) = if let Load::Element(_) = load {
                    (ELEM_VALUES, ELEM_LEN)
                } else {
                    (ELEM_PRODUCT, ELEM_PRODUCT_LEN)
                };
                let base = self.b.ins().load(self.pointer, data(), element, values);
                let len = self.b.ins().load(types::I64, data(), element, len);
                let inside = self
                    .b
                    .ins()
                    .icmp_imm_u(IntCC::UnsignedGreaterThan, len, slot as i64);
                let at = self.b.ins().iadd_imm_s(base, slot as i64 * VALUE_SIZE);
                let missing = self.missing();
                self.b.ins().select(inside, at, missing)
            }
            Load::LoggedIn => unreachable!("tested directly"),
        }
    }

    fn missing(&mut self) -> ir::Value {
        self.b
            .ins()
            .iconst(self.pointer, &MISSING as *const seg_data::Value as i64)
    }

    fn tag(&mut self, address: ir::Value) -> ir::Value {
        self.b.ins().load(types::I8, data(), address, 0)
    }

    fn payload(&mut self, ty: ir::Type, address: ir::Value) -> ir::Value {
        self.b.ins().load(ty, data(), address, PAYLOAD_OFFSET)
    }

    /// A time value's payload as i64 (a day for `Date`, µs for `DateTime`).
    fn time_payload(&mut self, ty: Type, address: ir::Value) -> ir::Value {
        if ty == Type::Date {
            let d = self.payload(types::I32, address);
            self.b.ins().sextend(types::I64, d)
        } else {
            self.payload(types::I64, address)
        }
    }

    fn time(&mut self, t: TimeRef) -> ir::Value {
        let index = index_of(&mut self.tables.times, t);
        let times = self.frame_load(FRAME_TIMES);
        self.b
            .ins()
            .load(types::I64, fixed(), times, (index * 8) as i32)
    }

    // ---- predicates ----------------------------------------------------------------------

    /// A predicate on the value at `address` (§2.2: false on a missing value but `is empty`).
    fn test(&mut self, address: ir::Value, ty: Type, pred: &Pred) -> ir::Value {
        let tag = self.tag(address);
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
            Pred::StrContains { .. } | Pred::StrStartsWith(_) | Pred::StrEndsWith(_) => {
                return self.call_test(address, tag, ty, pred)
            }
            Pred::OptionsEq(_)
            | Pred::OptionsContain { .. }
            | Pred::OptionsAny(_)
            | Pred::OptionsAll(_) => return self.options_test(address, tag, pred),
            _ => {}
        }
        // The payload is read even when the tag says otherwise: it is inside the value either
        // way, and the tag check decides.
        let (present, holds) = match pred {
            Pred::Bool(b) => {
                let present = self.tag_is(tag, TAG_BOOL);
                let byte = self.payload(types::I8, address);
                let truth = self.b.ins().icmp_imm_s(IntCC::NotEqual, byte, 0);
                (present, if *b { truth } else { self.not(truth) })
            }
            Pred::Num(..) | Pred::NumBetween(..) | Pred::NumIn { .. } => {
                // Integers and decimals both hold an i64 (the interpreter accepts either).
                let shifted = self.b.ins().iadd_imm_s(tag, -(TAG_INT as i64));
                let present = self.b.ins().icmp_imm_u(
                    IntCC::UnsignedLessThanOrEqual,
                    shifted,
                    (TAG_DEC - TAG_INT) as i64,
                );
                let n = self.payload(types::I64, address);
                (present, self.numeric(n, pred))
            }
            Pred::StrEq { folded, negated } => {
                let present = self.tag_is(tag, TAG_STR);
                let fold = self.fold(address);
                let eq = self.string_equal(fold, folded);
                (present, if *negated { self.not(eq) } else { eq })
            }
            Pred::StrIn { folded, negated } => {
                let present = self.tag_is(tag, TAG_STR);
                let fold = self.fold(address);
                let mut any = self.constant(false);
                for c in folded {
                    let eq = self.string_equal(fold, c);
                    any = self.b.ins().bor(any, eq);
                }
                (present, if *negated { self.not(any) } else { any })
            }
            Pred::OptionIn { options, negated } => {
                let present = self.tag_is(tag, TAG_OPTION);
                let o = self.payload(types::I32, address);
                let any = self.any_equal(o, options.iter().map(|&x| x as i64));
                (present, if *negated { self.not(any) } else { any })
            }
            Pred::Time(..)
            | Pred::TimeBetween(..)
            | Pred::WithinLast { .. }
            | Pred::MoreThanAgo { .. }
            | Pred::AnniversaryWithin { .. } => {
                let expected = if ty == Type::Date {
                    TAG_DATE
                } else {
                    TAG_DATETIME
                };
                let present = self.tag_is(tag, expected);
                let raw = self.time_payload(ty, address);
                let holds = match pred {
                    Pred::Time(cmp, bound) => self.time_compare(raw, ty, *cmp, *bound),
                    Pred::TimeBetween(a, b) => self.between(raw, ty, *a, *b),
                    Pred::WithinLast { amount, unit } => self.within_last(raw, ty, *amount, *unit),
                    Pred::MoreThanAgo { amount, unit } => {
                        self.more_than_ago(raw, ty, *amount, *unit)
                    }
                    Pred::AnniversaryWithin { days } => self.anniversary_within(raw, ty, *days),
                    _ => unreachable!(),
                };
                (present, holds)
            }
            _ => unreachable!("handled above"),
        };
        self.b.ins().band(present, holds)
    }

    fn tag_is(&mut self, tag: ir::Value, expected: u8) -> ir::Value {
        self.b.ins().icmp_imm_s(IntCC::Equal, tag, expected as i64)
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
                    self.not(any)
                } else {
                    any
                }
            }
            _ => unreachable!("not numeric"),
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

    /// The symbol of the fold of the string at `address` (`NO_FOLD` for a symbol the data's
    /// interner does not know).
    fn fold(&mut self, address: ir::Value) -> ir::Value {
        let sym = self.payload(types::I32, address);
        let sym = self.b.ins().uextend(types::I64, sym);
        let len = self.frame_load(FRAME_FOLDS_LEN);
        let known = self.b.ins().icmp(IntCC::UnsignedLessThan, sym, len);
        let folds = self.frame_load(FRAME_FOLDS);
        let offset = self.b.ins().imul_imm_s(sym, 4);
        let at = self.b.ins().iadd(folds, offset);
        let none = self
            .b
            .ins()
            .iconst(self.pointer, &NO_FOLD as *const u32 as i64);
        let at = self.b.ins().select(known, at, none);
        self.b.ins().load(types::I32, data(), at, 0)
    }

    fn string_equal(&mut self, fold: ir::Value, constant: &str) -> ir::Value {
        let index = index_of(&mut self.tables.strings, constant.to_string());
        let strings = self.frame_load(FRAME_STRINGS);
        let sym = self
            .b
            .ins()
            .load(types::I32, fixed(), strings, (index * 4) as i32);
        self.b.ins().icmp(IntCC::Equal, fold, sym)
    }

    /// A multiselect test: count the value's options that are in the constant set (the value's
    /// options are distinct), then compare the count.
    fn options_test(&mut self, address: ir::Value, tag: ir::Value, pred: &Pred) -> ir::Value {
        let (set, negated): (&[u32], bool) = match pred {
            Pred::OptionsEq(set) | Pred::OptionsAny(set) | Pred::OptionsAll(set) => (set, false),
            Pred::OptionsContain { option, negated } => (std::slice::from_ref(option), *negated),
            _ => unreachable!(),
        };
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I8);
        let present = self.tag_is(tag, TAG_OPTIONS);
        let walk = self.b.create_block();
        let no = self.constant(false);
        self.b
            .ins()
            .brif(present, walk, &[], done, &[BlockArg::Value(no)]);
        self.b.switch_to_block(walk);
        let (ptr_offset, len_offset) = self.options;
        let base = self.b.ins().load(self.pointer, data(), address, ptr_offset);
        let len = self.b.ins().load(types::I64, data(), address, len_offset);
        let i = self.b.declare_var(types::I64);
        let hits = self.b.declare_var(types::I64);
        let zero = self.b.ins().iconst(types::I64, 0);
        self.b.def_var(i, zero);
        self.b.def_var(hits, zero);
        let header = self.b.create_block();
        let body = self.b.create_block();
        let after = self.b.create_block();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let iv = self.b.use_var(i);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, iv, len);
        self.b.ins().brif(more, body, &[], after, &[]);
        self.b.switch_to_block(body);
        let offset = self.b.ins().imul_imm_s(iv, 4);
        let at = self.b.ins().iadd(base, offset);
        let option = self.b.ins().load(types::I32, data(), at, 0);
        let hit = self.any_equal(option, set.iter().map(|&o| o as i64));
        let hit = self.b.ins().uextend(types::I64, hit);
        let hv = self.b.use_var(hits);
        let hv = self.b.ins().iadd(hv, hit);
        self.b.def_var(hits, hv);
        let next = self.b.ins().iadd_imm_s(iv, 1);
        self.b.def_var(i, next);
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(after);
        let hv = self.b.use_var(hits);
        let size = set.len() as i64;
        let result = match pred {
            Pred::OptionsEq(_) => {
                let all = self.b.ins().icmp_imm_s(IntCC::Equal, hv, size);
                let same_len = self.b.ins().icmp_imm_s(IntCC::Equal, len, size);
                self.b.ins().band(all, same_len)
            }
            Pred::OptionsAll(_) => self.b.ins().icmp_imm_s(IntCC::Equal, hv, size),
            _ => {
                let any = self.b.ins().icmp_imm_s(IntCC::NotEqual, hv, 0);
                if negated {
                    self.not(any)
                } else {
                    any
                }
            }
        };
        self.b.ins().jump(done, &[BlockArg::Value(result)]);
        self.b.switch_to_block(done);
        self.b.block_params(done)[0]
    }

    /// Tests whose answer needs text or the calendar: the interpreter's own predicate, called
    /// only when the value has the right tag.
    fn call_test(
        &mut self,
        address: ir::Value,
        tag: ir::Value,
        ty: Type,
        pred: &Pred,
    ) -> ir::Value {
        let index = self.tables.preds.len() as i64;
        self.tables.preds.push(pred.clone());
        let expected = match ty {
            Type::Str => TAG_STR,
            Type::Date => TAG_DATE,
            _ => TAG_DATETIME,
        };
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I8);
        let call = self.b.create_block();
        let present = self.tag_is(tag, expected);
        let no = self.constant(false);
        self.b
            .ins()
            .brif(present, call, &[], done, &[BlockArg::Value(no)]);
        self.b.switch_to_block(call);
        let signature = match self.helper {
            Some(s) => s,
            None => {
                let mut s = ir::Signature::new(self.b.func.signature.call_conv);
                s.params.push(AbiParam::new(self.pointer));
                s.params.push(AbiParam::new(self.pointer));
                s.params.push(AbiParam::new(types::I32));
                s.returns.push(AbiParam::new(types::I8));
                let s = self.b.import_signature(s);
                self.helper = Some(s);
                s
            }
        };
        let callee = self
            .b
            .ins()
            .iconst(self.pointer, crate::call_test as *const () as usize as i64);
        let env = self.frame_load(FRAME_ENV);
        let index = self.b.ins().iconst(types::I32, index);
        let inst = self
            .b
            .ins()
            .call_indirect(signature, callee, &[env, address, index]);
        let result = self.b.inst_results(inst)[0];
        self.b.ins().jump(done, &[BlockArg::Value(result)]);
        self.b.switch_to_block(done);
        self.b.block_params(done)[0]
    }

    // ---- time ----------------------------------------------------------------------------

    /// A date (day number) or datetime (µs) against a day or an instant, as §8 says: a day
    /// bound compares UTC calendar days, an instant bound instants.
    fn time_compare(&mut self, raw: ir::Value, ty: Type, cmp: Cmp, bound: TimeBound) -> ir::Value {
        // An instant's day against a day is the instant against that day's first instant (or
        // the next day's): ⌊t / D⌋ < d ⟺ t < d·D. No division in the generated code.
        if let (Type::DateTime, TimeBound::Day(d)) = (ty, bound) {
            let start = (d as i64).checked_mul(MICROS_PER_DAY);
            let next = (d as i64 + 1).checked_mul(MICROS_PER_DAY);
            if let (Some(start), Some(next)) = (start, next) {
                let at_or_after = |g: &mut Self, c: i64| {
                    g.b.ins()
                        .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, raw, c)
                };
                return match cmp {
                    Cmp::Lt => self.b.ins().icmp_imm_s(IntCC::SignedLessThan, raw, start),
                    Cmp::Le => self.b.ins().icmp_imm_s(IntCC::SignedLessThan, raw, next),
                    Cmp::Gt => at_or_after(self, next),
                    Cmp::Ge => at_or_after(self, start),
                    Cmp::Eq | Cmp::Ne => {
                        let from = at_or_after(self, start);
                        let before = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, raw, next);
                        let on = self.b.ins().band(from, before);
                        if cmp == Cmp::Eq {
                            on
                        } else {
                            self.not(on)
                        }
                    }
                };
            }
        }
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

    fn between(&mut self, raw: ir::Value, ty: Type, a: TimeBound, b: TimeBound) -> ir::Value {
        let low = self.time_compare(raw, ty, Cmp::Ge, a);
        let high = self.time_compare(raw, ty, Cmp::Le, b);
        self.b.ins().band(low, high)
    }

    /// ⌊t / one day⌋, rounding towards minus infinity for instants before 1970.
    fn floor_day(&mut self, t: ir::Value) -> ir::Value {
        let q = self.b.ins().sdiv_imm_s(t, MICROS_PER_DAY);
        let r = self.b.ins().srem_imm_s(t, MICROS_PER_DAY);
        let negative = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, r, 0);
        let adjusted = self.b.ins().iadd_imm_s(q, -1);
        self.b.ins().select(negative, adjusted, q)
    }

    /// The value and the two bounds of a relative-time test: instants, or days for a date
    /// counted in days (a date with hours stands for its 00:00 UTC instant).
    fn relative(
        &mut self,
        raw: ir::Value,
        ty: Type,
        amount: i64,
        unit: TimeUnit,
    ) -> (ir::Value, ir::Value, ir::Value) {
        if ty == Type::Date && unit != TimeUnit::Hours {
            let days = match unit {
                TimeUnit::Weeks => amount.saturating_mul(7),
                _ => amount,
            };
            let low = self.time(TimeRef::TodayMinus(days));
            let high = self.time(TimeRef::Today);
            (raw, low, high)
        } else {
            let value = if ty == Type::Date {
                self.b.ins().imul_imm_s(raw, MICROS_PER_DAY)
            } else {
                raw
            };
            let low = self.time(TimeRef::AsOfMinus(amount.saturating_mul(unit.micros())));
            let high = self.time(TimeRef::AsOf);
            (value, low, high)
        }
    }

    /// `as_of − N < t ≤ as_of`.
    fn within_last(&mut self, raw: ir::Value, ty: Type, amount: i64, unit: TimeUnit) -> ir::Value {
        let (value, low, high) = self.relative(raw, ty, amount, unit);
        let after = self.b.ins().icmp(IntCC::SignedGreaterThan, value, low);
        let until = self.b.ins().icmp(IntCC::SignedLessThanOrEqual, value, high);
        self.b.ins().band(after, until)
    }

    /// `t ≤ as_of − N`.
    fn more_than_ago(
        &mut self,
        raw: ir::Value,
        ty: Type,
        amount: i64,
        unit: TimeUnit,
    ) -> ir::Value {
        let (value, low, _) = self.relative(raw, ty, amount, unit);
        self.b.ins().icmp(IntCC::SignedLessThanOrEqual, value, low)
    }

    /// The next return of the value's month and day is at most `days` days after as-of's
    /// date: the value's (month, day) from its day number (the civil-from-days algorithm the
    /// interpreter uses, in integer arithmetic), then the per-run table of days until each.
    fn anniversary_within(&mut self, raw: ir::Value, ty: Type, days: i64) -> ir::Value {
        self.tables.anniversary = true;
        let day = if ty == Type::Date {
            raw
        } else {
            self.floor_day(raw)
        };
        // z = day + 719468; era = ⌊z / 146097⌋; doe = z − era·146097 ∈ [0, 146096]
        let z = self.b.ins().iadd_imm_s(day, 719_468);
        let negative = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, z, 0);
        let shifted = self.b.ins().iadd_imm_s(z, -146_096);
        let numerator = self.b.ins().select(negative, shifted, z);
        let era = self.b.ins().sdiv_imm_s(numerator, 146_097);
        let era_days = self.b.ins().imul_imm_s(era, 146_097);
        let doe = self.b.ins().isub(z, era_days);
        // yoe = (doe − doe/1460 + doe/36524 − doe/146096) / 365
        let a = self.b.ins().udiv_imm_u(doe, 1460);
        let b = self.b.ins().udiv_imm_u(doe, 36_524);
        let c = self.b.ins().udiv_imm_u(doe, 146_096);
        let t = self.b.ins().isub(doe, a);
        let t = self.b.ins().iadd(t, b);
        let t = self.b.ins().isub(t, c);
        let yoe = self.b.ins().udiv_imm_u(t, 365);
        // doy = doe − (365·yoe + yoe/4 − yoe/100)
        let y365 = self.b.ins().imul_imm_s(yoe, 365);
        let y4 = self.b.ins().udiv_imm_u(yoe, 4);
        let y100 = self.b.ins().udiv_imm_u(yoe, 100);
        let start = self.b.ins().iadd(y365, y4);
        let start = self.b.ins().isub(start, y100);
        let doy = self.b.ins().isub(doe, start);
        // mp = (5·doy + 2)/153; dom = doy − (153·mp + 2)/5 + 1; month = mp < 10 ? mp + 3 : mp − 9
        let t = self.b.ins().imul_imm_s(doy, 5);
        let t = self.b.ins().iadd_imm_s(t, 2);
        let mp = self.b.ins().udiv_imm_u(t, 153);
        let t = self.b.ins().imul_imm_s(mp, 153);
        let t = self.b.ins().iadd_imm_s(t, 2);
        let t = self.b.ins().udiv_imm_u(t, 5);
        let dom = self.b.ins().isub(doy, t); // day of month − 1
        let early = self.b.ins().icmp_imm_u(IntCC::UnsignedLessThan, mp, 10);
        let later = self.b.ins().iadd_imm_s(mp, 2); // month − 1 for March…December
        let first = self.b.ins().iadd_imm_s(mp, -10); // month − 1 for January, February
        let month = self.b.ins().select(early, later, first);
        // index = (month − 1)·31 + (day − 1), clamped into the table whatever the input
        let index = self.b.ins().imul_imm_s(month, 31);
        let index = self.b.ins().iadd(index, dom);
        let inside =
            self.b
                .ins()
                .icmp_imm_u(IntCC::UnsignedLessThan, index, ANNIVERSARY_DAYS as i64);
        let zero = self.b.ins().iconst(types::I64, 0);
        let index = self.b.ins().select(inside, index, zero);
        let table = self.frame_load(FRAME_ANNIVERSARY);
        let offset = self.b.ins().imul_imm_s(index, 8);
        let at = self.b.ins().iadd(table, offset);
        let until = self.b.ins().load(types::I64, fixed(), at, 0);
        let near = self
            .b
            .ins()
            .icmp_imm_s(IntCC::SignedLessThanOrEqual, until, days);
        self.b.ins().band(inside, near)
    }

    // ---- collections ---------------------------------------------------------------------

    /// The elements of a collection in scope.
    fn elements(&mut self, collection: Collection, scope: Option<ir::Value>) -> Range {
        if let Some(index) = Collection::ROOT.iter().position(|c| *c == collection) {
            self.tables.roots[index] = true;
            if matches!(collection, Collection::Orders | Collection::OrderedProducts) {
                self.tables.orders = true;
            }
            let roots = self.frame_load(FRAME_ROOTS);
            let view = ROOT_SIZE * index as i64;
            let offsets = self.b.ins().load(
                self.pointer,
                fixed(),
                roots,
                (view + ROOT_OFFSETS as i64) as i32,
            );
            let base = self.b.ins().load(
                self.pointer,
                fixed(),
                roots,
                (view + ROOT_ELEMS as i64) as i32,
            );
            let (_, at) = self.row_offsets();
            let at = self.b.ins().iadd(offsets, at);
            let start = self.b.ins().load(types::I64, data(), at, 0);
            let end = self.b.ins().load(types::I64, data(), at, 8);
            return Range { base, start, end };
        }
        self.tables.orders = true;
        let Some(order) = scope else {
            let zero = self.b.ins().iconst(types::I64, 0);
            let base = self.b.ins().iconst(self.pointer, 0);
            return Range {
                base,
                start: zero,
                end: zero,
            };
        };
        match collection {
            Collection::OrderItems => {
                let base = self.frame_load(FRAME_ITEMS);
                let start = self
                    .b
                    .ins()
                    .load(types::I64, data(), order, ELEM_ITEMS_START);
                let end = self.b.ins().load(types::I64, data(), order, ELEM_ITEMS_END);
                Range { base, start, end }
            }
            _ => {
                let field = if collection == Collection::OrderBillingAddress {
                    ELEM_BILLING
                } else {
                    ELEM_SHIPPING
                };
                let base = self.frame_load(FRAME_ORDER_ADDRESSES);
                // Index + 1, or 0 for none: the range is [index, index + 1) or empty.
                let end = self.b.ins().load(types::I64, data(), order, field);
                let some = self.b.ins().icmp_imm_s(IntCC::NotEqual, end, 0);
                let before = self.b.ins().iadd_imm_s(end, -1);
                let start = self.b.ins().select(some, before, end);
                Range { base, start, end }
            }
        }
    }

    fn element_at(&mut self, range: Range, index: ir::Value) -> ir::Value {
        let offset = self.b.ins().imul_imm_s(index, ELEM_SIZE);
        self.b.ins().iadd(range.base, offset)
    }

    /// Whether an element is inside a window on its collection's time field (§8: an element
    /// without its time is outside every window).
    fn in_window(
        &mut self,
        window: Window,
        collection: Collection,
        element: ir::Value,
    ) -> ir::Value {
        let Some(slot) = seg_ir::time_slot(collection) else {
            return self.constant(false);
        };
        let ty = Type::of(collection.element().builtin_fields()[slot as usize].1);
        let address = self.address(Load::Element(slot), Some(element));
        let tag = self.tag(address);
        let present = self.tag_is(
            tag,
            if ty == Type::Date {
                TAG_DATE
            } else {
                TAG_DATETIME
            },
        );
        let raw = self.time_payload(ty, address);
        let holds = match window {
            Window::WithinLast { amount, unit } => self.within_last(raw, ty, amount, unit),
            Window::Between(a, b) => self.between(raw, ty, a, b),
            Window::After(a) => self.time_compare(raw, ty, Cmp::Gt, a),
            Window::Before(a) => self.time_compare(raw, ty, Cmp::Lt, a),
        };
        self.b.ins().band(present, holds)
    }

    /// A loop over a range: `visit` runs for each element inside the window and may branch to
    /// `exit` (with one i8 argument); falling off the end jumps to `exit` with `finish`.
    fn each(
        &mut self,
        range: Range,
        collection: Collection,
        window: Option<Window>,
        exit: ir::Block,
        finish: impl FnOnce(&mut Self) -> ir::Value,
        mut visit: impl FnMut(&mut Self, ir::Value, ir::Block),
    ) {
        let i = self.b.declare_var(types::I64);
        self.b.def_var(i, range.start);
        let header = self.b.create_block();
        let body = self.b.create_block();
        let next = self.b.create_block();
        let end = self.b.create_block();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let iv = self.b.use_var(i);
        let more = self.b.ins().icmp(IntCC::SignedLessThan, iv, range.end);
        self.b.ins().brif(more, body, &[], end, &[]);
        self.b.switch_to_block(body);
        let element = self.element_at(range, iv);
        if let Some(window) = window {
            let inside = self.in_window(window, collection, element);
            let visit_block = self.b.create_block();
            self.b.ins().brif(inside, visit_block, &[], next, &[]);
            self.b.switch_to_block(visit_block);
        }
        visit(self, element, next);
        self.b.ins().jump(next, &[]);
        self.b.switch_to_block(next);
        let iv = self.b.use_var(i);
        let advanced = self.b.ins().iadd_imm_s(iv, 1);
        self.b.def_var(i, advanced);
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(end);
        let value = finish(self);
        self.b.ins().jump(exit, &[BlockArg::Value(value)]);
    }

    fn quantified(
        &mut self,
        quantifier: Quantifier,
        collection: Collection,
        window: Option<Window>,
        body: &Node,
        scope: Option<ir::Value>,
    ) -> ir::Value {
        let range = self.elements(collection, scope);
        let exit = self.b.create_block();
        self.b.append_block_param(exit, types::I8);
        // `any` stops at the first match (true), `no` at the first match (false), `all` at the
        // first miss (false); running out gives false, true, true.
        let (stop_when, stop_value, finish) = match quantifier {
            Quantifier::Any => (true, true, false),
            Quantifier::No => (true, false, true),
            Quantifier::All => (false, false, true),
        };
        self.each(
            range,
            collection,
            window,
            exit,
            |g| g.constant(finish),
            |g, element, next| {
                let holds = g.node(body, Some(element));
                let stop = g.constant(stop_value);
                let stop = [BlockArg::Value(stop)];
                if stop_when {
                    g.b.ins().brif(holds, exit, &stop, next, &[]);
                } else {
                    g.b.ins().brif(holds, next, &[], exit, &stop);
                }
                // `each` adds a jump to `next` after this; give it a block of its own.
                let unreachable = g.b.create_block();
                g.b.switch_to_block(unreachable);
            },
        );
        self.b.switch_to_block(exit);
        self.b.block_params(exit)[0]
    }

    #[allow(clippy::too_many_arguments)]
    fn aggregate(
        &mut self,
        function: AggregateFn,
        collection: Collection,
        field: Option<(Load, Type)>,
        window: Option<Window>,
        filter: &Node,
        pred: &Pred,
        scope: Option<ir::Value>,
    ) -> ir::Value {
        let range = self.elements(collection, scope);
        let count = self.b.declare_var(types::I64);
        let sum = self.b.declare_var(types::I128);
        let extreme = self.b.declare_var(types::I64);
        let zero = self.b.ins().iconst(types::I64, 0);
        let zero128 = self.b.ins().sextend(types::I128, zero);
        self.b.def_var(count, zero);
        self.b.def_var(sum, zero128);
        self.b.def_var(extreme, zero);
        let exit = self.b.create_block();
        self.b.append_block_param(exit, types::I8);
        let after = self.b.create_block();
        // `each` jumps to `after` with an argument (unused here): the accumulators are read there.
        self.b.append_block_param(after, types::I8);
        self.each(
            range,
            collection,
            window,
            after,
            |g| g.constant(false),
            |g, element, next| {
                let passes = g.node(filter, Some(element));
                let add = g.b.create_block();
                g.b.ins().brif(passes, add, &[], next, &[]);
                g.b.switch_to_block(add);
                let Some((load, _)) = field.filter(|_| function != AggregateFn::Count) else {
                    let c = g.b.use_var(count);
                    let c = g.b.ins().iadd_imm_s(c, 1);
                    g.b.def_var(count, c);
                    return;
                };
                // Aggregates skip empty fields, as SQL does (§8).
                let address = g.address(load, Some(element));
                let tag = g.tag(address);
                let shifted = g.b.ins().iadd_imm_s(tag, -(TAG_INT as i64));
                let number = g.b.ins().icmp_imm_u(
                    IntCC::UnsignedLessThanOrEqual,
                    shifted,
                    (TAG_DEC - TAG_INT) as i64,
                );
                let take = g.b.create_block();
                g.b.ins().brif(number, take, &[], next, &[]);
                g.b.switch_to_block(take);
                let n = g.payload(types::I64, address);
                let c = g.b.use_var(count);
                let first = g.b.ins().icmp_imm_s(IntCC::Equal, c, 0);
                let c = g.b.ins().iadd_imm_s(c, 1);
                g.b.def_var(count, c);
                let wide = g.b.ins().sextend(types::I128, n);
                let s = g.b.use_var(sum);
                let s = g.b.ins().iadd(s, wide);
                g.b.def_var(sum, s);
                let e = g.b.use_var(extreme);
                let better = match function {
                    AggregateFn::Min => g.b.ins().smin(e, n),
                    _ => g.b.ins().smax(e, n),
                };
                let e = g.b.ins().select(first, n, better);
                g.b.def_var(extreme, e);
            },
        );
        self.b.switch_to_block(after);
        let c = self.b.use_var(count);
        let s = self.b.use_var(sum);
        let e = self.b.use_var(extreme);
        let no = self.b.ins().icmp_imm_s(IntCC::Equal, c, 0);
        let yes = self.constant(false);
        // (empty, numerator, denominator as i128, or None for 1)
        let (empty, numerator, denominator) = match function {
            AggregateFn::Count => (yes, self.b.ins().sextend(types::I128, c), None),
            AggregateFn::Sum => (yes, s, None),
            AggregateFn::Min | AggregateFn::Max => (no, self.b.ins().sextend(types::I128, e), None),
            AggregateFn::Avg => {
                // The average is a decimal: an integer field's sum is scaled to decimal units.
                let scaled = if field.map(|(_, ty)| ty) == Some(Type::Int) {
                    let scale = self.b.ins().iconst(types::I64, 10_000);
                    let scale = self.b.ins().sextend(types::I128, scale);
                    self.b.ins().imul(s, scale)
                } else {
                    s
                };
                (no, scaled, Some(self.b.ins().sextend(types::I128, c)))
            }
        };
        let result = self.aggregate_test(pred, empty, numerator, denominator);
        self.b.ins().jump(exit, &[BlockArg::Value(result)]);
        self.b.switch_to_block(exit);
        self.b.block_params(exit)[0]
    }

    /// `n / d` (d > 0) against the predicate's constants as `n` against `c·d`, so nothing is
    /// ever rounded; an empty result satisfies only `is empty`.
    fn aggregate_test(
        &mut self,
        pred: &Pred,
        empty: ir::Value,
        n: ir::Value,
        d: Option<ir::Value>,
    ) -> ir::Value {
        let scaled = |g: &mut Self, c: i64| {
            let c = g.b.ins().iconst(types::I64, c);
            let c = g.b.ins().sextend(types::I128, c);
            match d {
                Some(d) => g.b.ins().imul(c, d),
                None => c,
            }
        };
        let holds = match pred {
            Pred::IsEmpty => return empty,
            Pred::IsNotEmpty => return self.not(empty),
            Pred::Num(cmp, c) => {
                let c = scaled(self, *c);
                self.b.ins().icmp(int_cc(*cmp), n, c)
            }
            Pred::NumBetween(a, b) => {
                let a = scaled(self, *a);
                let b = scaled(self, *b);
                let low = self.b.ins().icmp(IntCC::SignedGreaterThanOrEqual, n, a);
                let high = self.b.ins().icmp(IntCC::SignedLessThanOrEqual, n, b);
                self.b.ins().band(low, high)
            }
            Pred::NumIn { values, negated } => {
                let mut any = self.constant(false);
                for v in values {
                    let c = scaled(self, *v);
                    let eq = self.b.ins().icmp(IntCC::Equal, n, c);
                    any = self.b.ins().bor(any, eq);
                }
                if *negated {
                    self.not(any)
                } else {
                    any
                }
            }
            _ => return self.constant(false),
        };
        let present = self.not(empty);
        self.b.ins().band(present, holds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_sets_are_read_where_the_layout_says() {
        let (ptr, len) = options_layout().expect("this build's layout is known");
        assert_ne!(ptr, len);
        for set in [vec![3u32], vec![0, 1, 2, 40_000], (0..100).collect()] {
            let value = seg_data::Value::Options(set.clone().into_boxed_slice());
            let base = (&value as *const seg_data::Value).cast::<u8>();
            // SAFETY: read as the generated code reads: the two initialised words of the boxed
            // slice at the offsets found, then the slice they describe (alive in `value`).
            let read = unsafe {
                let data = base.add(ptr as usize).cast::<*const u32>().read();
                let n = base.add(len as usize).cast::<u64>().read();
                std::slice::from_raw_parts(data, n as usize).to_vec()
            };
            assert_eq!(read, set);
        }
    }
}
