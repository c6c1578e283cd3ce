//! The checker's output: segments with every name resolved and every literal typed.
//!
//! This is what later stages lower from (the IR, then the interpreter, JIT and SQL). Nodes where
//! a diagnostic was reported become [`Cond::Invalid`], so a tree with errors keeps its shape for
//! the editor but is never evaluated.

use seg_diag::{FileId, Span};
use seg_schema::AttrType;
pub use seg_syntax::ast::{AggregateFn, Operator, Quantifier};

use crate::model::Collection;
pub use crate::values::{Date, Decimal, Instant, TimeUnit};

#[derive(Clone, Debug, Default)]
pub struct Program {
    pub segments: Vec<SegmentDef>,
}

impl Program {
    pub fn segment(&self, id: &str) -> Option<&SegmentDef> {
        self.segments.iter().find(|s| s.id == id)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Audience {
    Visitors,
    Registered,
    Everyone,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Visitors => "visitors",
            Audience::Registered => "registered",
            Audience::Everyone => "everyone",
        }
    }

    pub fn parse(word: &str) -> Option<Audience> {
        match word {
            "visitors" => Some(Audience::Visitors),
            "registered" => Some(Audience::Registered),
            "everyone" => Some(Audience::Everyone),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SegmentDef {
    pub id: String,
    pub file: FileId,
    pub span: Span,
    pub id_span: Span,
    pub name: Option<String>,
    pub description: Option<String>,
    pub doc: Option<String>,
    pub applies_to: Audience,
    /// `None`: every website.
    pub websites: Option<Vec<String>>,
    pub active: bool,
    pub condition: Cond,
    /// Whether any error was reported inside this segment.
    pub has_errors: bool,
}

/// Index of a segment in [`Program::segments`].
pub type SegmentIndex = usize;

#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    None(Vec<Cond>),
    Not(Box<Cond>),
    InSegment(SegmentIndex),
    Compare {
        field: Field,
        test: Test,
    },
    /// `any|all|no collection window? { … }`: the block is an implicit `all`.
    Quantified {
        quantifier: Quantifier,
        collection: Collection,
        window: Option<Window>,
        body: Box<Cond>,
    },
    /// `billing_address { … }`: the element exists and the body holds for it.
    Single {
        collection: Collection,
        body: Box<Cond>,
    },
    /// `fn(collection.field window? where { … }) test`.
    Aggregate {
        function: AggregateFn,
        collection: Collection,
        /// `None` only for `count`.
        field: Option<Field>,
        window: Option<Window>,
        filter: Box<Cond>,
        /// The type of the aggregate's result, which the test compares against.
        result: AttrType,
        test: Test,
    },
    /// A condition a diagnostic was reported for.
    Invalid,
}

/// What a path names, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub source: FieldSource,
    pub ty: AttrType,
    /// The options of a select or multiselect attribute, as the schema declares them.
    pub options: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldSource {
    /// `customer.<attribute>`
    Customer(String),
    /// `cart.<field>`
    Cart(&'static str),
    /// `logged_in`
    LoggedIn,
    /// A built-in field of the element in scope (`status`, `qty`, `added_at`).
    Element(&'static str),
    /// A customer-address attribute of the address in scope.
    AddressAttribute(String),
    /// `product.<attribute>` of the element in scope, through the catalog.
    Product(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    pub operator: Operator,
    pub operand: Operand,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    None,
    One(Value),
    Two(Value, Value),
    List(Vec<Value>),
    Duration { amount: i64, unit: TimeUnit },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string, or the declared spelling of a select/multiselect option.
    Str(String),
    Int(i64),
    Dec(Decimal),
    Bool(bool),
    Date(Date),
    DateTime(Instant),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Window {
    WithinLast { amount: i64, unit: TimeUnit },
    Between(Value, Value),
    After(Value),
    Before(Value),
}
