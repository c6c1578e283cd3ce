//! Traces of an evaluation for `seg eval --explain`: each condition's value and the values it
//! read, and for a collection which element decided it.
//!
//! The interpreter records a [`Trace`] over IR nodes (slots and indices) through a [`Tracer`]
//! that costs nothing when off; [`Trace::explain`] then names everything through the schema
//! and renders it (`cart.subtotal = 87.50, needs >= 100.00 → false`) as an [`Explained`] tree,
//! which prints as indented text or serialises as JSON.

use seg_check::model::{ElementKind, CART_FIELDS};
use seg_check::values::{civil_from_days, Decimal, MICROS_PER_DAY};
use seg_data::{Interner, Row, Value};
use seg_ir::{
    AggregateFn, Collection, Load, Node, Pred, Quantifier, Segment, TimeBound, Type, Window,
};
use seg_schema::{Entity, Schema};

use crate::interpret::AggregateValue;

/// What one step of an evaluation saw.
#[derive(Clone, Debug)]
pub struct Trace<'p> {
    pub step: Step<'p>,
    pub value: bool,
    /// The collection whose element was in scope (names element slots).
    pub scope: Option<Collection>,
    pub reads: Vec<(Load, Value)>,
    pub children: Vec<Trace<'p>>,
}

#[derive(Clone, Debug)]
pub enum Step<'p> {
    Segment {
        segment: &'p Segment,
        audience: bool,
        website: bool,
        logged_in: bool,
        profile_website: Option<String>,
    },
    Node(&'p Node),
    /// The element at this position of its collection.
    Element(usize),
    Member(String),
    Quantified {
        in_window: usize,
        matched: usize,
    },
    Aggregate(AggregateValue),
    Absent,
}

/// Collects a trace while the interpreter runs; every method is a no-op when off.
pub struct Tracer<'p> {
    frames: Option<Vec<Trace<'p>>>,
}

impl<'p> Tracer<'p> {
    pub fn off() -> Tracer<'p> {
        Tracer { frames: None }
    }

    pub fn on() -> Tracer<'p> {
        Tracer {
            frames: Some(Vec::new()),
        }
    }

    pub fn is_on(&self) -> bool {
        self.frames.is_some()
    }

    fn push(&mut self, step: Step<'p>) {
        if let Some(frames) = &mut self.frames {
            let scope = frames.last().and_then(|f: &Trace| match f.step {
                Step::Node(
                    Node::Quantified { collection, .. }
                    | Node::Single { collection, .. }
                    | Node::Aggregate { collection, .. },
                ) => Some(*collection),
                _ => f.scope,
            });
            frames.push(Trace {
                step,
                value: false,
                scope,
                reads: Vec::new(),
                children: Vec::new(),
            });
        }
    }

    fn pop(&mut self, value: bool) {
        if let Some(frames) = &mut self.frames {
            if frames.len() > 1 {
                let mut done = frames.pop().expect("a frame to pop");
                done.value = value;
                frames
                    .last_mut()
                    .expect("a parent frame")
                    .children
                    .push(done);
            }
        }
    }

    fn note(&mut self, step: Step<'p>) {
        if let Some(frame) = self.frames.as_mut().and_then(|f| f.last_mut()) {
            frame.children.push(Trace {
                step,
                value: false,
                scope: frame.scope,
                reads: Vec::new(),
                children: Vec::new(),
            });
        }
    }

    pub(crate) fn segment(
        &mut self,
        segment: &'p Segment,
        profile: &Row,
        audience: bool,
        website: bool,
    ) {
        if self.frames.as_ref().is_some_and(|f| f.is_empty()) {
            self.push(Step::Segment {
                segment,
                audience,
                website,
                logged_in: profile.logged_in,
                profile_website: profile.website.map(str::to_owned),
            });
        }
    }

    pub(crate) fn enter(&mut self, node: &'p Node) {
        self.push(Step::Node(node));
    }

    pub(crate) fn leave(&mut self, value: bool) {
        self.pop(value);
    }

    pub(crate) fn read(&mut self, load: Load, value: &Value) {
        if let Some(frame) = self.frames.as_mut().and_then(|f| f.last_mut()) {
            frame.reads.push((load, value.clone()));
        }
    }

    pub(crate) fn member(&mut self, id: &str) {
        self.note(Step::Member(id.to_string()));
    }

    pub(crate) fn element(&mut self, position: usize) {
        self.push(Step::Element(position));
    }

    pub(crate) fn element_done(&mut self, holds: bool) {
        self.pop(holds);
    }

    pub(crate) fn quantified(&mut self, in_window: usize, matched: usize, _decided: Option<usize>) {
        self.note(Step::Quantified { in_window, matched });
    }

    pub(crate) fn aggregate(&mut self, value: &AggregateValue) {
        self.note(Step::Aggregate(*value));
    }

    pub(crate) fn absent(&mut self) {
        self.note(Step::Absent);
    }

    pub(crate) fn finish(self, value: bool) -> Trace<'p> {
        let mut frames = self
            .frames
            .expect("finish is called on a tracer that is on");
        let mut root = frames.swap_remove(0);
        root.value = value;
        root
    }
}

/// A rendered trace: what a person reads.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Explained {
    pub label: String,
    pub value: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Explained>,
}

impl Explained {
    /// Indented text; `color` adds ANSI green/red to the values.
    pub fn to_text(&self, color: bool) -> String {
        let mut out = String::new();
        self.write_text(&mut out, 0, color);
        out
    }

    fn write_text(&self, out: &mut String, depth: usize, color: bool) {
        let value = match (self.value, color) {
            (true, true) => "\x1b[32mtrue\x1b[0m",
            (false, true) => "\x1b[31mfalse\x1b[0m",
            (true, false) => "true",
            (false, false) => "false",
        };
        out.push_str(&"  ".repeat(depth));
        out.push_str(&self.label);
        if !self.reads.is_empty() {
            out.push_str(": ");
            out.push_str(&self.reads.join(", "));
        }
        out.push_str(" → ");
        out.push_str(value);
        out.push('\n');
        for child in &self.children {
            child.write_text(out, depth + 1, color);
        }
    }
}

impl Trace<'_> {
    /// Names every slot and constant through the schema and renders the tree.
    pub fn explain(&self, schema: &Schema, interner: &Interner) -> Explained {
        let namer = Namer { schema, interner };
        namer.render(self)
    }
}

struct Namer<'a> {
    schema: &'a Schema,
    interner: &'a Interner,
}

impl Namer<'_> {
    fn render(&self, trace: &Trace) -> Explained {
        let mut children: Vec<Explained> = Vec::new();
        let mut label: String;
        let mut reads = Vec::new();
        match &trace.step {
            Step::Segment {
                segment,
                audience,
                website,
                logged_in,
                profile_website,
            } => {
                label = format!("segment {}", segment.id);
                let mut facts = Vec::new();
                if !segment.active {
                    facts.push("inactive".to_string());
                }
                facts.push(format!(
                    "applies_to {} ({}) {}",
                    segment.applies_to.as_str(),
                    if *logged_in { "logged in" } else { "visitor" },
                    if *audience { "fits" } else { "does not fit" }
                ));
                if let Some(list) = &segment.websites {
                    facts.push(format!(
                        "websites {:?}, profile's {} {}",
                        list,
                        profile_website
                            .as_deref()
                            .map_or("none".to_string(), |w| format!("{w:?}")),
                        if *website { "listed" } else { "not listed" }
                    ));
                }
                reads.extend(facts);
            }
            Step::Node(node) => {
                label = match node {
                    // A test reads as one sentence: the value seen and what it needed.
                    Node::Test { load, ty, pred } => {
                        let shown = trace
                            .reads
                            .first()
                            .map(|(_, v)| self.value(*load, v, trace.scope))
                            .unwrap_or_default();
                        format!(
                            "{shown}, needs {}",
                            self.pred(pred, *load, *ty, trace.scope)
                        )
                    }
                    _ => self.node_label(node, trace.scope),
                };
            }
            Step::Element(position) => label = format!("element #{position}"),
            Step::Member(id) => label = format!("membership of {id}"),
            Step::Quantified { in_window, matched } => {
                label = format!("{matched} of {in_window} element(s) in the window matched");
            }
            Step::Aggregate(value) => label = format!("aggregate = {}", aggregate_text(value)),
            Step::Absent => label = "no such element".to_string(),
        }
        // Notes (counts, aggregate values, a missing element) carry no truth value of their own:
        // they are folded into this step's label so the tree lists conditions only.
        let mut notes = Vec::new();
        for child in &trace.children {
            let rendered = self.render(child);
            match child.step {
                Step::Quantified { .. } | Step::Aggregate(_) | Step::Absent => {
                    notes.push(rendered.label)
                }
                _ => children.push(rendered),
            }
        }
        if !notes.is_empty() {
            label = format!("{label} [{}]", notes.join("; "));
        }
        Explained {
            label,
            value: trace.value,
            reads,
            children,
        }
    }

    fn node_label(&self, node: &Node, scope: Option<Collection>) -> String {
        match node {
            Node::Const(b) => format!("{b}"),
            Node::And(_) => "all".into(),
            Node::Or(_) => "any".into(),
            Node::Not(_) => "not".into(),
            Node::Member(_) => "in segment".into(),
            Node::Test { load, .. } => self.field_name(*load, scope),
            Node::Quantified {
                quantifier,
                collection,
                window,
                ..
            } => {
                let q = match quantifier {
                    Quantifier::Any => "any",
                    Quantifier::All => "all",
                    Quantifier::No => "no",
                };
                format!("{q} {}{}", collection.name(), window_text(window))
            }
            Node::Single { collection, .. } => collection.name().to_string(),
            Node::Aggregate {
                function,
                collection,
                field,
                window,
                pred,
                ..
            } => {
                let field_name = field
                    .map(|(load, _)| format!(".{}", self.field_name(load, Some(*collection))))
                    .unwrap_or_default();
                let result_ty = match (function, field) {
                    (AggregateFn::Count, _) | (_, None) => Type::Int,
                    (AggregateFn::Avg, _) => Type::Dec,
                    (_, Some((_, ty))) => *ty,
                };
                format!(
                    "{}({}{field_name}{}) {}",
                    function.as_str(),
                    collection.name(),
                    window_text(window),
                    self.pred(pred, Load::LoggedIn, result_ty, None)
                )
            }
        }
    }

    fn field_name(&self, load: Load, scope: Option<Collection>) -> String {
        let attr = |entity: Entity, slot: u32| {
            self.schema
                .attributes(entity)
                .get(slot as usize)
                .map_or("?".to_string(), |a| a.code.clone())
        };
        match load {
            Load::Customer(slot) => format!("customer.{}", attr(Entity::Customer, slot)),
            Load::Cart(slot) => format!(
                "cart.{}",
                CART_FIELDS.get(slot as usize).map_or("?", |(n, _)| n)
            ),
            Load::LoggedIn => "logged_in".into(),
            Load::Element(slot) => {
                let kind = scope.map(Collection::element);
                let builtins = kind.map_or(&[][..], ElementKind::builtin_fields);
                match builtins.get(slot as usize) {
                    Some((name, _)) => name.to_string(),
                    None => attr(Entity::CustomerAddress, slot - builtins.len() as u32),
                }
            }
            Load::Product(slot) => format!("product.{}", attr(Entity::Product, slot)),
        }
    }

    /// The options of the attribute a load reads, for naming option indices.
    fn options(&self, load: Load, scope: Option<Collection>) -> &[String] {
        let attr = |entity: Entity, slot: u32| {
            self.schema
                .attributes(entity)
                .get(slot as usize)
                .map_or(&[][..], |a| a.options.as_slice())
        };
        match load {
            Load::Customer(slot) => attr(Entity::Customer, slot),
            Load::Product(slot) => attr(Entity::Product, slot),
            Load::Element(slot) => {
                let builtins = scope.map_or(0, |c| c.element().builtin_fields().len() as u32);
                if slot >= builtins {
                    attr(Entity::CustomerAddress, slot - builtins)
                } else {
                    &[]
                }
            }
            _ => &[],
        }
    }

    fn value(&self, load: Load, value: &Value, scope: Option<Collection>) -> String {
        let name = self.field_name(load, scope);
        let options = self.options(load, scope);
        let option = |i: &u32| {
            options
                .get(*i as usize)
                .map_or(format!("#{i}"), |o| format!("{o:?}"))
        };
        let shown = match value {
            Value::Missing => "empty".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Dec(n) => Decimal { units: *n }.to_string(),
            Value::Date(d) => date_text(*d),
            Value::DateTime(t) => datetime_text(*t),
            Value::Str(sym) => format!("{:?}", self.interner.text(*sym)),
            Value::Option(i) => option(i),
            Value::Options(set) => format!(
                "[{}]",
                set.iter().map(option).collect::<Vec<_>>().join(", ")
            ),
        };
        format!("{name} = {shown}")
    }

    fn pred(&self, pred: &Pred, load: Load, ty: Type, scope: Option<Collection>) -> String {
        let num = |n: i64| {
            if ty == Type::Dec {
                Decimal { units: n }.to_string()
            } else {
                n.to_string()
            }
        };
        let options = self.options(load, scope);
        let option = |i: &u32| {
            options
                .get(*i as usize)
                .map_or(format!("#{i}"), |o| format!("{o:?}"))
        };
        let list = |set: &[u32]| {
            format!(
                "[{}]",
                set.iter().map(option).collect::<Vec<_>>().join(", ")
            )
        };
        let not = |negated: bool, yes: &str, no: &str| {
            if negated {
                no.to_string()
            } else {
                yes.to_string()
            }
        };
        match pred {
            Pred::IsEmpty => "is empty".into(),
            Pred::IsNotEmpty => "is not empty".into(),
            Pred::Bool(b) => format!("is {b}"),
            Pred::Num(cmp, c) => format!("{} {}", cmp.as_str(), num(*c)),
            Pred::NumBetween(a, b) => format!("between {} and {}", num(*a), num(*b)),
            Pred::NumIn { values, negated } => {
                format!(
                    "{} [{}]",
                    not(*negated, "in", "not in"),
                    values
                        .iter()
                        .map(|v| num(*v))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
            Pred::StrEq { folded, negated } => {
                format!("{} {folded:?}", not(*negated, "is", "is not"))
            }
            Pred::StrIn { folded, negated } => {
                format!("{} {folded:?}", not(*negated, "in", "not in"))
            }
            Pred::StrContains { folded, negated } => format!(
                "{} {folded:?}",
                not(*negated, "contains", "does not contain")
            ),
            Pred::StrStartsWith(s) => format!("starts with {s:?}"),
            Pred::StrEndsWith(s) => format!("ends with {s:?}"),
            Pred::OptionIn { options, negated } => {
                format!("{} {}", not(*negated, "in", "not in"), list(options))
            }
            Pred::OptionsEq(set) => format!("is {}", list(set)),
            Pred::OptionsContain { option: o, negated } => format!(
                "{} {}",
                not(*negated, "contains", "does not contain"),
                option(o)
            ),
            Pred::OptionsAny(set) => format!("contains any of {}", list(set)),
            Pred::OptionsAll(set) => format!("contains all of {}", list(set)),
            Pred::Time(cmp, bound) => format!("{} {}", cmp.as_str(), bound_text(bound)),
            Pred::TimeBetween(a, b) => format!("between {} and {}", bound_text(a), bound_text(b)),
            Pred::WithinLast { amount, unit } => format!("within last {amount} {}", unit.as_str()),
            Pred::MoreThanAgo { amount, unit } => {
                format!("more than {amount} {} ago", unit.as_str())
            }
            Pred::AnniversaryWithin { days } => format!("anniversary within next {days} days"),
        }
    }
}

fn aggregate_text(value: &AggregateValue) -> String {
    match value {
        AggregateValue::Empty => "empty".into(),
        AggregateValue::Whole(n) => n.to_string(),
        AggregateValue::Ratio(n, d) => {
            // Exact: print the fraction of units when it does not end within four places.
            if n % d == 0 {
                match i64::try_from(n / d) {
                    Ok(units) => Decimal { units }.to_string(),
                    Err(_) => format!("{n}/{d} units"),
                }
            } else {
                format!(
                    "{n}/{d} ten-thousandths (≈ {:.4})",
                    *n as f64 / *d as f64 / 10_000.0
                )
            }
        }
    }
}

fn date_text(day: i32) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

fn datetime_text(micros: i64) -> String {
    let day = micros.div_euclid(MICROS_PER_DAY);
    let rest = micros.rem_euclid(MICROS_PER_DAY) / 1_000_000;
    let fraction = micros.rem_euclid(1_000_000);
    let base = format!(
        "{}T{:02}:{:02}:{:02}",
        date_text(day as i32),
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    );
    if fraction == 0 {
        format!("{base}Z")
    } else {
        format!("{base}.{fraction:06}Z")
    }
}

fn bound_text(bound: &TimeBound) -> String {
    match bound {
        TimeBound::Day(d) => date_text(*d),
        TimeBound::Instant(t) => datetime_text(*t),
    }
}

fn window_text(window: &Option<Window>) -> String {
    match window {
        None => String::new(),
        Some(Window::WithinLast { amount, unit }) => {
            format!(" within last {amount} {}", unit.as_str())
        }
        Some(Window::Between(a, b)) => format!(" between {} and {}", bound_text(a), bound_text(b)),
        Some(Window::After(a)) => format!(" after {}", bound_text(a)),
        Some(Window::Before(a)) => format!(" before {}", bound_text(a)),
    }
}

/// RFC 3339 text of an instant (used for `--as-of` echoes and traces).
pub fn instant_text(micros: i64) -> String {
    datetime_text(micros)
}
