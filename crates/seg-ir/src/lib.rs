//! The IR: what every backend (the interpreter, the Cranelift JIT, SQL) evaluates.
//!
//! It is the checker's HIR with every name turned into a slot of the data layout (`seg-data`)
//! and every literal into the representation the data uses (option indices, folded strings,
//! decimal units, day numbers, microseconds). Quantifiers, windows and aggregates stay
//! structured operations, so SQL can be generated from the same tree as native code.
//!
//! - [`lower`] builds it from `seg_check::hir`;
//! - [`verify`] checks its invariants (run in debug builds and in tests);
//! - [`print`] writes its text form, used in snapshot tests of lowering;
//! - [`reads`] says what a segment's answer depends on ([`visit`] walks a tree with its scope).

mod lower;
mod print;
pub mod reads;
mod verify;

pub use lower::lower;
pub use print::print;
pub use reads::{reads, reads_with_dependencies, visit, Reads};
pub use verify::verify;

pub use seg_check::hir::{AggregateFn, Audience, Quantifier};
pub use seg_check::model::Collection;
pub use seg_check::values::TimeUnit;

/// All segments of a run, in the order of the checker's program (so `Member` indices agree).
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub segments: Vec<Segment>,
    /// Slot counts of the layout the program was lowered for, checked by the verifier.
    pub layout: LayoutShape,
}

/// How many slots each record kind has; fixed by the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct LayoutShape {
    pub customer: u32,
    pub address_attributes: u32,
    pub product: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub id: String,
    pub applies_to: Audience,
    /// `None`: every website.
    pub websites: Option<Vec<String>>,
    pub active: bool,
    pub root: Node,
}

/// A boolean-valued operation.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Const(bool),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    /// Membership of another segment (index into [`Program::segments`]).
    Member(u32),
    /// A value read from `load`, of type `ty`, tested by `pred`.
    Test {
        load: Load,
        ty: Type,
        pred: Pred,
    },
    /// `any` / `all` / `no` element of `collection` (inside `window`) satisfies `body`.
    Quantified {
        quantifier: Quantifier,
        collection: Collection,
        window: Option<Window>,
        body: Box<Node>,
    },
    /// The single element (a default or an order's address) exists and satisfies `body`.
    Single {
        collection: Collection,
        body: Box<Node>,
    },
    /// An aggregate over the elements in `window` that satisfy `filter`, tested by `pred`.
    Aggregate {
        function: AggregateFn,
        collection: Collection,
        /// The numeric field (`None` only for `count`).
        field: Option<(Load, Type)>,
        window: Option<Window>,
        filter: Box<Node>,
        pred: Pred,
    },
}

/// Where a value is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Load {
    /// A slot of the profile's customer attributes.
    Customer(u32),
    /// A slot of the cart (`seg_check::model::CART_FIELDS` order).
    Cart(u32),
    LoggedIn,
    /// A slot of the element in scope.
    Element(u32),
    /// A slot of the catalog product of the element in scope.
    Product(u32),
}

/// The representation of a value (`seg_data::Value`'s variants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int,
    /// Ten-thousandths.
    Dec,
    Date,
    DateTime,
    Str,
    /// One option index.
    Option,
    /// A set of option indices.
    Options,
}

impl Type {
    /// The representation of values of a schema type.
    pub fn of(ty: seg_schema::AttrType) -> Type {
        use seg_schema::AttrType;
        match ty {
            AttrType::String => Type::Str,
            AttrType::Integer => Type::Int,
            AttrType::Decimal => Type::Dec,
            AttrType::Boolean => Type::Bool,
            AttrType::Date => Type::Date,
            AttrType::Datetime => Type::DateTime,
            AttrType::Select => Type::Option,
            AttrType::Multiselect => Type::Options,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn as_str(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }

    pub fn holds<T: Ord>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }
}

/// A bound of a time comparison: a calendar day, or an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeBound {
    /// Days since 1970-01-01: the value's UTC calendar day is compared.
    Day(i32),
    /// Microseconds since the epoch: the value's instant is compared.
    Instant(i64),
}

/// A predicate on one value. Every predicate but `IsEmpty` is false on a missing value (§2.2).
#[derive(Clone, Debug, PartialEq)]
pub enum Pred {
    IsEmpty,
    IsNotEmpty,
    Bool(bool),
    /// Integers, decimals (in units) and aggregate results.
    Num(Cmp, i64),
    NumBetween(i64, i64),
    NumIn {
        values: Vec<i64>,
        negated: bool,
    },
    /// Strings, compared by their folds; constants are stored folded.
    StrEq {
        folded: String,
        negated: bool,
    },
    StrIn {
        folded: Vec<String>,
        negated: bool,
    },
    StrContains {
        folded: String,
        negated: bool,
    },
    StrStartsWith(String),
    StrEndsWith(String),
    /// A select's option is in the set (`is` is a one-element set).
    OptionIn {
        options: Vec<u32>,
        negated: bool,
    },
    /// A multiselect's set is exactly this one (sorted, distinct).
    OptionsEq(Vec<u32>),
    OptionsContain {
        option: u32,
        negated: bool,
    },
    OptionsAny(Vec<u32>),
    OptionsAll(Vec<u32>),
    /// Dates and datetimes against a day or an instant (§8: a date literal compares days).
    Time(Cmp, TimeBound),
    TimeBetween(TimeBound, TimeBound),
    /// `as_of − N < t ≤ as_of` (relative to the evaluation instant).
    WithinLast {
        amount: i64,
        unit: TimeUnit,
    },
    /// `t ≤ as_of − N`.
    MoreThanAgo {
        amount: i64,
        unit: TimeUnit,
    },
    /// The next return of the value's month and day is at most `days` days after as-of's date.
    AnniversaryWithin {
        days: i64,
    },
}

/// A window on a collection's time field (§2.3, §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Window {
    WithinLast {
        amount: i64,
        unit: TimeUnit,
    },
    /// Both bounds included.
    Between(TimeBound, TimeBound),
    After(TimeBound),
    Before(TimeBound),
}

/// The element kind's slot of a collection's time field, if it has one.
pub fn time_slot(collection: Collection) -> Option<u32> {
    let field = collection.time_field()?;
    collection
        .element()
        .builtin_fields()
        .iter()
        .position(|(name, _)| *name == field)
        .map(|i| i as u32)
}
