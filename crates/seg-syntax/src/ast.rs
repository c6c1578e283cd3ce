//! The spanned syntax tree of a `.seg` file, exactly as written (no schema knowledge).
//!
//! Every node keeps the spans the checker points diagnostics at (the misspelt name, the
//! operator, the literal, the window keyword) and the formatter places comments by. Literals
//! keep their source text: what a number or a date means is decided by the checker, which knows
//! the type it is compared with.

use seg_diag::Span;

/// One parsed file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    pub segments: Vec<Segment>,
    /// Every comment of the file in source order, doc comments included.
    pub comments: Vec<Comment>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `// …`
    Line,
    /// `/// …`, the doc comment of the segment that follows.
    Doc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub kind: CommentKind,
    /// The whole comment, slashes included.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// The `segment` keyword up to the closing brace (doc comments excluded).
    pub span: Span,
    /// The `///` lines right before the segment, slashes and one leading space removed.
    pub doc: Option<String>,
    pub id: Ident,
    /// Properties and root conditions in source order; the checker wants exactly one condition.
    pub items: Vec<BodyItem>,
}

impl Segment {
    pub fn properties(&self) -> impl Iterator<Item = &Property> {
        self.items.iter().filter_map(|item| match item {
            BodyItem::Property(p) => Some(p),
            BodyItem::Condition(_) => None,
        })
    }

    pub fn conditions(&self) -> impl Iterator<Item = &Condition> {
        self.items.iter().filter_map(|item| match item {
            BodyItem::Condition(c) => Some(c),
            BodyItem::Property(_) => None,
        })
    }
}

// A segment body holds a handful of items; boxing the condition would only add indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum BodyItem {
    Property(Property),
    Condition(Condition),
}

impl BodyItem {
    pub fn span(&self) -> Span {
        match self {
            BodyItem::Property(p) => p.span,
            BodyItem::Condition(c) => c.span(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PropertyKey {
    Name,
    Description,
    AppliesTo,
    Websites,
    Active,
}

impl PropertyKey {
    pub const ALL: [PropertyKey; 5] = [
        PropertyKey::Name,
        PropertyKey::Description,
        PropertyKey::AppliesTo,
        PropertyKey::Websites,
        PropertyKey::Active,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PropertyKey::Name => "name",
            PropertyKey::Description => "description",
            PropertyKey::AppliesTo => "applies_to",
            PropertyKey::Websites => "websites",
            PropertyKey::Active => "active",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    pub key: PropertyKey,
    pub key_span: Span,
    /// `applies_to registered` holds a [`LiteralKind::Word`].
    pub value: Literal,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `all { … }`, `any { … }`, `none { … }`
    Combiner {
        kind: CombinerKind,
        keyword: Span,
        block: Block,
        span: Span,
    },
    /// `not c`
    Not {
        keyword: Span,
        inner: Box<Condition>,
        span: Span,
    },
    /// `in segment other_id`
    SegmentRef {
        keyword: Span,
        target: Ident,
        span: Span,
    },
    /// `any addresses within last 30 days { … }`
    Quantified {
        quantifier: Quantifier,
        keyword: Span,
        collection: Path,
        window: Option<Window>,
        block: Block,
        span: Span,
    },
    /// `billing_address { … }`: a single element, no quantifier.
    Single {
        collection: Path,
        block: Block,
        span: Span,
    },
    /// `sum(orders.grand_total within last 365 days where { … }) >= 500`
    Aggregate {
        function: AggregateFn,
        keyword: Span,
        path: Path,
        window: Option<Window>,
        filter: Option<Filter>,
        operation: Operation,
        span: Span,
    },
    /// `customer.group is "VIP"`
    Comparison {
        path: Path,
        operation: Operation,
        span: Span,
    },
}

impl Condition {
    pub fn span(&self) -> Span {
        match self {
            Condition::Combiner { span, .. }
            | Condition::Not { span, .. }
            | Condition::SegmentRef { span, .. }
            | Condition::Quantified { span, .. }
            | Condition::Single { span, .. }
            | Condition::Aggregate { span, .. }
            | Condition::Comparison { span, .. } => *span,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CombinerKind {
    All,
    Any,
    None,
}

impl CombinerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CombinerKind::All => "all",
            CombinerKind::Any => "any",
            CombinerKind::None => "none",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    Any,
    All,
    No,
}

impl Quantifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Quantifier::Any => "any",
            Quantifier::All => "all",
            Quantifier::No => "no",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggregateFn {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

impl AggregateFn {
    pub fn as_str(self) -> &'static str {
        match self {
            AggregateFn::Count => "count",
            AggregateFn::Sum => "sum",
            AggregateFn::Avg => "avg",
            AggregateFn::Min => "min",
            AggregateFn::Max => "max",
        }
    }
}

/// `{ c1 c2 … }`: an implicit `all` when it is a collection's block.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub conditions: Vec<Condition>,
    pub span: Span,
}

/// `where { … }` inside an aggregate.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub keyword: Span,
    pub block: Block,
}

/// `customer.group`, `orders.items.qty`, `city`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    pub fn text(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|s| s.name.as_str()).collect();
        names.join(".")
    }
}

/// A time window on a collection (§2.3).
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    pub kind: WindowKind,
    /// The window's first keyword (`within`, `between`, `after`, `before`).
    pub keyword: Span,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum WindowKind {
    WithinLast(Duration),
    Between(Literal, Literal),
    After(Literal),
    Before(Literal),
}

/// `30 days`: the amount as written (the checker wants a whole number) and the unit word.
#[derive(Clone, Debug, PartialEq)]
pub struct Duration {
    pub amount: Literal,
    pub unit: Ident,
    pub span: Span,
}

/// An operator with its operands.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub operator: Operator,
    /// From the operator's first keyword or symbol to its last.
    pub operator_span: Span,
    pub operands: Operands,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operands {
    None,
    One(Literal),
    Two(Literal, Literal),
    Duration(Duration),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    Is,
    IsNot,
    IsEmpty,
    IsNotEmpty,
    Contains,
    DoesNotContain,
    ContainsAnyOf,
    ContainsAllOf,
    StartsWith,
    EndsWith,
    In,
    NotIn,
    Gt,
    Ge,
    Lt,
    Le,
    Between,
    Before,
    After,
    OnOrBefore,
    OnOrAfter,
    WithinLast,
    MoreThanAgo,
    AnniversaryWithinNext,
}

impl Operator {
    /// Every operator, in the order of the spec's table (§2.2).
    pub const ALL: [Operator; 24] = [
        Operator::Is,
        Operator::IsNot,
        Operator::IsEmpty,
        Operator::IsNotEmpty,
        Operator::Contains,
        Operator::DoesNotContain,
        Operator::ContainsAnyOf,
        Operator::ContainsAllOf,
        Operator::StartsWith,
        Operator::EndsWith,
        Operator::In,
        Operator::NotIn,
        Operator::Gt,
        Operator::Ge,
        Operator::Lt,
        Operator::Le,
        Operator::Between,
        Operator::Before,
        Operator::After,
        Operator::OnOrBefore,
        Operator::OnOrAfter,
        Operator::WithinLast,
        Operator::MoreThanAgo,
        Operator::AnniversaryWithinNext,
    ];

    /// The canonical spelling, as the formatter writes it (operands go where `…` would).
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Is => "is",
            Operator::IsNot => "is not",
            Operator::IsEmpty => "is empty",
            Operator::IsNotEmpty => "is not empty",
            Operator::Contains => "contains",
            Operator::DoesNotContain => "does not contain",
            Operator::ContainsAnyOf => "contains any of",
            Operator::ContainsAllOf => "contains all of",
            Operator::StartsWith => "starts with",
            Operator::EndsWith => "ends with",
            Operator::In => "in",
            Operator::NotIn => "not in",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Between => "between",
            Operator::Before => "before",
            Operator::After => "after",
            Operator::OnOrBefore => "on or before",
            Operator::OnOrAfter => "on or after",
            Operator::WithinLast => "within last",
            Operator::MoreThanAgo => "more than",
            Operator::AnniversaryWithinNext => "anniversary within next",
        }
    }

    /// What the operator means, for hover and for the checker's messages.
    pub fn describe(self) -> &'static str {
        match self {
            Operator::Is => "equals (strings case-insensitively; for dates, the same calendar day; for a multiselect, exactly this set)",
            Operator::IsNot => "differs from the value (false when the field is empty)",
            Operator::IsEmpty => "the field is absent, null, \"\" or []",
            Operator::IsNotEmpty => "the field has a value",
            Operator::Contains => "the string contains the text, or the multiselect holds the option",
            Operator::DoesNotContain => "the string does not contain the text, or the multiselect lacks the option (false when empty)",
            Operator::ContainsAnyOf => "the multiselect holds at least one of the options",
            Operator::ContainsAllOf => "the multiselect holds every one of the options",
            Operator::StartsWith => "the string starts with the text (case-insensitive)",
            Operator::EndsWith => "the string ends with the text (case-insensitive)",
            Operator::In => "the value is one of the list",
            Operator::NotIn => "the value is none of the list (false when the field is empty)",
            Operator::Gt => "greater than",
            Operator::Ge => "equals or greater than",
            Operator::Lt => "less than",
            Operator::Le => "equals or less than",
            Operator::Between => "between the two values, both included",
            Operator::Before => "strictly before (an earlier day, for a date)",
            Operator::After => "strictly after (a later day, for a date)",
            Operator::OnOrBefore => "on or before",
            Operator::OnOrAfter => "on or after",
            Operator::WithinLast => "within the last N days, hours or weeks before the evaluation instant",
            Operator::MoreThanAgo => "more than N days, hours or weeks before the evaluation instant",
            Operator::AnniversaryWithinNext => "the next yearly return of the date's month and day is at most N days away",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    pub kind: LiteralKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LiteralKind {
    /// The decoded text (escapes resolved).
    String(String),
    /// The number as written: `42`, `-3`, `19.99`.
    Number(String),
    Bool(bool),
    /// `2026-01-31`, as written (validated by the checker).
    Date(String),
    /// `2026-01-31T09:30:00Z`, as written (validated by the checker).
    DateTime(String),
    List(Vec<Literal>),
    /// A bare identifier where a value belongs: `applies_to registered`, or a forgotten quote.
    Word(String),
}

impl LiteralKind {
    /// What kind of literal this is, for messages ("a string", "a date").
    pub fn describe(&self) -> &'static str {
        match self {
            LiteralKind::String(_) => "a string",
            LiteralKind::Number(n) if n.contains('.') => "a decimal",
            LiteralKind::Number(_) => "an integer",
            LiteralKind::Bool(_) => "a boolean",
            LiteralKind::Date(_) => "a date",
            LiteralKind::DateTime(_) => "a datetime",
            LiteralKind::List(_) => "a list",
            LiteralKind::Word(_) => "a bare word",
        }
    }
}

impl Segment {
    /// Calls `f` on every span of the segment: the incremental parse moves a segment reused
    /// from an earlier version of the file to where its text now stands.
    pub fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.walk_spans(f);
    }
}

/// Every span of a node, visited by destructuring every field, so that a field added to the
/// tree does not compile until it is visited here too.
trait WalkSpans {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span));
}

impl<T: WalkSpans> WalkSpans for Vec<T> {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        for item in self {
            item.walk_spans(f);
        }
    }
}

impl<T: WalkSpans> WalkSpans for Option<T> {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let Some(item) = self {
            item.walk_spans(f);
        }
    }
}

impl WalkSpans for Span {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(self)
    }
}

impl WalkSpans for Segment {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        let Segment {
            span,
            doc: _,
            id,
            items,
        } = self;
        span.walk_spans(f);
        id.walk_spans(f);
        items.walk_spans(f);
    }
}

impl WalkSpans for Ident {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        let Ident { name: _, span } = self;
        span.walk_spans(f);
    }
}

impl WalkSpans for BodyItem {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            BodyItem::Property(property) => property.walk_spans(f),
            BodyItem::Condition(condition) => condition.walk_spans(f),
        }
    }
}

impl WalkSpans for Property {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        let Property {
            key: _,
            key_span,
            value,
            span,
        } = self;
        key_span.walk_spans(f);
        value.walk_spans(f);
        span.walk_spans(f);
    }
}

impl WalkSpans for Condition {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Condition::Combiner {
                kind: _,
                keyword,
                block,
                span,
            } => {
                keyword.walk_spans(f);
                block.walk_spans(f);
                span.walk_spans(f);
            }
            Condition::Not {
                keyword,
                inner,
                span,
            } => {
                keyword.walk_spans(f);
                inner.walk_spans(f);
                span.walk_spans(f);
            }
            Condition::SegmentRef {
                keyword,
                target,
                span,
            } => {
                keyword.walk_spans(f);
                target.walk_spans(f);
                span.walk_spans(f);
            }
            Condition::Quantified {
                quantifier: _,
                keyword,
                collection,
                window,
                block,
                span,
            } => {
                keyword.walk_spans(f);
                collection.walk_spans(f);
                window.walk_spans(f);
                block.walk_spans(f);
                span.walk_spans(f);
            }
            Condition::Single {
                collection,
                block,
                span,
            } => {
                collection.walk_spans(f);
                block.walk_spans(f);
                span.walk_spans(f);
            }
            Condition::Aggregate {
                function: _,
                keyword,
                path,
                window,
                filter,
                operation,
                span,
            } => {
                keyword.walk_spans(f);
                path.walk_spans(f);
                window.walk_spans(f);
                filter.walk_spans(f);
                operation.walk_spans(f);
                span.walk_spans(f);
            }
            Condition::Comparison {
                path,
                operation,
                span,
            } => {
                path.walk_spans(f);
                operation.walk_spans(f);
                span.walk_spans(f);
            }
        }
    }
}

impl WalkSpans for Box<Condition> {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        (**self).walk_spans(f)
    }
}

impl WalkSpans for Block {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        let Block { conditions, span } = self;
        conditions.walk_spans(f);
        span.walk_spans(f);
    }
}

impl WalkSpans for Filter {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        let Filter { keyword, block } = self;
        keyword.walk_spans(f);
        block.walk_spans(f);
    }
}

impl WalkSpans for Path {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        let Path { segments, span } = self;
        segments.walk_spans(f);
        span.walk_spans(f);
    }
}

impl WalkSpans for Window {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        let Window {
            kind,
            keyword,
            span,
        } = self;
        match kind {
            WindowKind::WithinLast(duration) => duration.walk_spans(f),
            WindowKind::Between(from, to) => {
                from.walk_spans(f);
                to.walk_spans(f);
            }
            WindowKind::After(point) | WindowKind::Before(point) => point.walk_spans(f),
        }
        keyword.walk_spans(f);
        span.walk_spans(f);
    }
}

impl WalkSpans for Duration {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        let Duration { amount, unit, span } = self;
        amount.walk_spans(f);
        unit.walk_spans(f);
        span.walk_spans(f);
    }
}

impl WalkSpans for Operation {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        let Operation {
            operator: _,
            operator_span,
            operands,
            span,
        } = self;
        operator_span.walk_spans(f);
        match operands {
            Operands::None => {}
            Operands::One(value) => value.walk_spans(f),
            Operands::Two(first, second) => {
                first.walk_spans(f);
                second.walk_spans(f);
            }
            Operands::Duration(duration) => duration.walk_spans(f),
        }
        span.walk_spans(f);
    }
}

impl WalkSpans for Literal {
    fn walk_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        let Literal { kind, span } = self;
        if let LiteralKind::List(items) = kind {
            items.walk_spans(f);
        }
        span.walk_spans(f);
    }
}
