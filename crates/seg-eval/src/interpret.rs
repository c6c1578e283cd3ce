//! The reference interpreter: a direct walk over the IR for one profile.
//!
//! It is the semantics every other backend is tested against, so it favours being obviously
//! right over being fast: each predicate is written once, in [`test`], close to the words of §8.

use seg_check::values::{civil_from_days, days_from_civil, is_leap, MICROS_PER_DAY};
use seg_data::{Catalog, Interner, Order, Record, Row, Value};
use seg_ir::{
    AggregateFn, Audience, Cmp, Collection, Load, Node, Pred, Program, Quantifier, TimeBound,
    TimeUnit, Window,
};

use crate::trace::{Trace, Tracer};

/// What an evaluation reads besides the profile: the catalog and interner the profiles were
/// loaded with, and the evaluation instant (never the wall clock).
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    pub interner: &'a Interner,
    /// Microseconds since the epoch, UTC.
    pub as_of: i64,
}

/// The element in scope: its record, and for an order the order itself (for `items` and the
/// order's addresses).
#[derive(Clone, Copy)]
pub(crate) struct Element<'a> {
    pub record: &'a Record,
    pub order: Option<&'a Order>,
}

static TRUE: Value = Value::Bool(true);
static FALSE: Value = Value::Bool(false);
static MISSING: Value = Value::Missing;

/// Evaluates one profile against a program.
pub struct Interpreter<'p> {
    program: &'p Program,
}

impl<'p> Interpreter<'p> {
    pub fn new(program: &'p Program) -> Interpreter<'p> {
        Interpreter { program }
    }

    pub fn program(&self) -> &'p Program {
        self.program
    }

    /// Membership of every segment, in program order (§8: active, audience, website, condition).
    pub fn memberships<'a>(&self, profile: impl Into<Row<'a>>, context: &Context) -> Vec<bool> {
        let mut run = Run {
            program: self.program,
            profile: profile.into(),
            context,
            memo: vec![None; self.program.segments.len()],
        };
        (0..self.program.segments.len())
            .map(|i| run.member(i, &mut Tracer::off()))
            .collect()
    }

    /// The value of one node at the top of a segment (no element in scope). Backends that
    /// compile part of a segment hand the rest to this.
    pub fn eval_root<'a>(
        &self,
        node: &'p Node,
        profile: impl Into<Row<'a>>,
        context: &Context,
    ) -> bool {
        let mut run = Run {
            program: self.program,
            profile: profile.into(),
            context,
            memo: vec![None; self.program.segments.len()],
        };
        run.node(node, None, &mut Tracer::off())
    }

    /// Membership of one segment, from its decided condition value (active, audience, website).
    pub fn admits<'a>(&self, segment: usize, profile: impl Into<Row<'a>>) -> bool {
        let segment = &self.program.segments[segment];
        let (audience, website) = audience_and_website(segment, &profile.into());
        segment.active && audience && website
    }

    /// Membership of one segment with the trace of how it was decided.
    pub fn explain<'a>(
        &self,
        segment: usize,
        profile: impl Into<Row<'a>>,
        context: &Context,
    ) -> Trace<'p> {
        let mut run = Run {
            program: self.program,
            profile: profile.into(),
            context,
            memo: vec![None; self.program.segments.len()],
        };
        let mut tracer = Tracer::on();
        let value = run.member(segment, &mut tracer);
        tracer.finish(value)
    }
}

/// Whether the profile is of the segment's audience (§8) and on one of its websites.
fn audience_and_website(segment: &seg_ir::Segment, profile: &Row) -> (bool, bool) {
    let audience = match segment.applies_to {
        Audience::Everyone => true,
        Audience::Registered => profile.logged_in,
        Audience::Visitors => !profile.logged_in,
    };
    let website = match &segment.websites {
        None => true,
        Some(list) => profile.website.is_some_and(|w| list.iter().any(|l| l == w)),
    };
    (audience, website)
}

pub(crate) struct Run<'p, 'a> {
    pub program: &'p Program,
    pub profile: Row<'a>,
    pub context: &'a Context<'a>,
    /// Membership of segments already decided for this profile (`in segment` reuses them).
    memo: Vec<Option<bool>>,
}

impl<'p, 'a> Run<'p, 'a> {
    fn member(&mut self, index: usize, tracer: &mut Tracer<'p>) -> bool {
        if !tracer.is_on() {
            if let Some(known) = self.memo[index] {
                return known;
            }
        }
        let segment = &self.program.segments[index];
        let profile = self.profile;
        let (audience, website) = audience_and_website(segment, &profile);
        tracer.segment(segment, &profile, audience, website);
        let value = segment.active && audience && website && self.node(&segment.root, None, tracer);
        self.memo[index] = Some(value);
        value
    }

    fn node(
        &mut self,
        node: &'p Node,
        scope: Option<Element<'a>>,
        tracer: &mut Tracer<'p>,
    ) -> bool {
        tracer.enter(node);
        let value = match node {
            Node::Const(b) => *b,
            Node::And(items) => {
                // Short-circuit, except when tracing: the trace shows every child's value.
                let mut all = true;
                for item in items {
                    all &= self.node(item, scope, tracer);
                    if !all && !tracer.is_on() {
                        break;
                    }
                }
                all
            }
            Node::Or(items) => {
                let mut any = false;
                for item in items {
                    any |= self.node(item, scope, tracer);
                    if any && !tracer.is_on() {
                        break;
                    }
                }
                any
            }
            Node::Not(inner) => !self.node(inner, scope, tracer),
            Node::Member(i) => {
                let mut quiet = Tracer::off();
                let value = self.member(*i as usize, &mut quiet);
                tracer.member(&self.program.segments[*i as usize].id);
                value
            }
            Node::Test { load, pred, .. } => {
                let value = self.load(*load, scope);
                tracer.read(*load, value);
                test(pred, value, self.context)
            }
            Node::Quantified {
                quantifier,
                collection,
                window,
                body,
            } => {
                let elements = self.elements(*collection, scope);
                let mut matched = 0usize;
                let mut in_window = 0usize;
                let mut decided = None;
                for (position, element) in elements.into_iter().enumerate() {
                    if !in_window_of(*window, *collection, element.record, self.context) {
                        continue;
                    }
                    in_window += 1;
                    tracer.element(position);
                    let holds = self.node(body, Some(element), tracer);
                    tracer.element_done(holds);
                    if holds {
                        matched += 1;
                    }
                    let stop = match quantifier {
                        Quantifier::Any | Quantifier::No => holds,
                        Quantifier::All => !holds,
                    };
                    if stop {
                        decided = Some(position);
                        break;
                    }
                }
                tracer.quantified(in_window, matched, decided);
                match quantifier {
                    Quantifier::Any => matched > 0,
                    Quantifier::No => matched == 0,
                    Quantifier::All => matched == in_window,
                }
            }
            Node::Single { collection, body } => match self.elements(*collection, scope).first() {
                Some(element) => self.node(body, Some(*element), tracer),
                None => {
                    tracer.absent();
                    false
                }
            },
            Node::Aggregate {
                function,
                collection,
                field,
                window,
                filter,
                pred,
            } => {
                let mut acc = Accumulator::new(*function);
                for element in self.elements(*collection, scope) {
                    if !in_window_of(*window, *collection, element.record, self.context) {
                        continue;
                    }
                    if !self.node(filter, Some(element), &mut Tracer::off()) {
                        continue;
                    }
                    let value = match field {
                        Some((load, _)) => self.load(*load, Some(element)),
                        None => &MISSING,
                    };
                    acc.add(value);
                }
                let result = acc.finish(field.map(|(_, ty)| ty));
                tracer.aggregate(&result);
                test_aggregate(pred, &result)
            }
        };
        tracer.leave(value);
        value
    }

    fn load(&self, load: Load, scope: Option<Element<'a>>) -> &'a Value {
        let profile = self.profile;
        match load {
            Load::Customer(slot) => profile.customer(slot as usize),
            Load::Cart(slot) => profile.cart(slot as usize),
            Load::LoggedIn => {
                if profile.logged_in {
                    &TRUE
                } else {
                    &FALSE
                }
            }
            Load::Element(slot) => scope.map_or(&MISSING, |e| e.record.get(slot as usize)),
            Load::Product(slot) => scope
                .and_then(|e| e.record.product)
                .map(|id| self.context.catalog.get(id))
                .and_then(|p| p.values.get(slot as usize))
                .unwrap_or(&MISSING),
        }
    }

    /// The elements of a collection in scope, in profile order.
    pub(crate) fn elements(
        &self,
        collection: Collection,
        scope: Option<Element<'a>>,
    ) -> Vec<Element<'a>> {
        let profile = self.profile;
        let plain = |records: &'a [Record]| {
            records
                .iter()
                .map(|record| Element {
                    record,
                    order: None,
                })
                .collect()
        };
        match collection {
            Collection::Addresses => plain(profile.addresses),
            Collection::BillingAddress => profile
                .default_billing
                .map(|record| Element {
                    record,
                    order: None,
                })
                .into_iter()
                .collect(),
            Collection::ShippingAddress => profile
                .default_shipping
                .map(|record| Element {
                    record,
                    order: None,
                })
                .into_iter()
                .collect(),
            Collection::CartItems => plain(profile.cart_items),
            Collection::WishlistItems => plain(profile.wishlist_items),
            Collection::ViewedProducts => plain(profile.viewed_products),
            Collection::Orders => profile
                .orders
                .iter()
                .map(|order| Element {
                    record: &order.record,
                    order: Some(order),
                })
                .collect(),
            Collection::OrderedProducts => profile
                .orders
                .iter()
                .flat_map(|order| {
                    order.items.iter().map(move |record| Element {
                        record,
                        order: Some(order),
                    })
                })
                .collect(),
            Collection::OrderItems => scope
                .and_then(|e| e.order)
                .map(|order| {
                    order
                        .items
                        .iter()
                        .map(|record| Element {
                            record,
                            order: Some(order),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            Collection::OrderBillingAddress => scope
                .and_then(|e| e.order)
                .and_then(|o| o.billing_address.as_ref())
                .map(|record| Element {
                    record,
                    order: None,
                })
                .into_iter()
                .collect(),
            Collection::OrderShippingAddress => scope
                .and_then(|e| e.order)
                .and_then(|o| o.shipping_address.as_ref())
                .map(|record| Element {
                    record,
                    order: None,
                })
                .into_iter()
                .collect(),
        }
    }
}

fn day_of(micros: i64) -> i64 {
    micros.div_euclid(MICROS_PER_DAY)
}

/// `amount` units in microseconds, saturating (durations are bounded by the checker anyway).
fn span_micros(amount: i64, unit: TimeUnit) -> i64 {
    amount.saturating_mul(unit.micros())
}

/// `amount` units in whole days (for date values; hours are handled on instants).
fn span_days(amount: i64, unit: TimeUnit) -> i64 {
    match unit {
        TimeUnit::Weeks => amount.saturating_mul(7),
        _ => amount,
    }
}

/// A time value against a bound: days compare UTC calendar days, instants compare instants.
fn compare_time(value: &Value, bound: TimeBound) -> Option<std::cmp::Ordering> {
    match (value, bound) {
        (Value::Date(d), TimeBound::Day(b)) => Some((*d as i64).cmp(&(b as i64))),
        (Value::DateTime(t), TimeBound::Day(b)) => Some(day_of(*t).cmp(&(b as i64))),
        (Value::DateTime(t), TimeBound::Instant(b)) => Some(t.cmp(&b)),
        // Lowering gives dates day bounds; should an instant reach a date, compare its midnight.
        (Value::Date(d), TimeBound::Instant(b)) => Some((*d as i64 * MICROS_PER_DAY).cmp(&b)),
        _ => None,
    }
}

fn cmp_holds(cmp: Cmp, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match cmp {
        Cmp::Eq => ordering == Equal,
        Cmp::Ne => ordering != Equal,
        Cmp::Lt => ordering == Less,
        Cmp::Le => ordering != Greater,
        Cmp::Gt => ordering == Greater,
        Cmp::Ge => ordering != Less,
    }
}

/// `within last N units` on a datetime: `as_of − N < t ≤ as_of`; on a date counted in days:
/// `as_of_date − N < d ≤ as_of_date`; with hours a date stands for its 00:00 UTC instant.
fn within_last(value: &Value, amount: i64, unit: TimeUnit, as_of: i64) -> bool {
    match value {
        Value::DateTime(t) => as_of.saturating_sub(span_micros(amount, unit)) < *t && *t <= as_of,
        Value::Date(d) if unit == TimeUnit::Hours => within_last(
            &Value::DateTime(*d as i64 * MICROS_PER_DAY),
            amount,
            unit,
            as_of,
        ),
        Value::Date(d) => {
            let today = day_of(as_of);
            let d = *d as i64;
            today - span_days(amount, unit) < d && d <= today
        }
        _ => false,
    }
}

/// `more than N units ago`: `t ≤ as_of − N` (days for dates, as above).
fn more_than_ago(value: &Value, amount: i64, unit: TimeUnit, as_of: i64) -> bool {
    match value {
        Value::DateTime(t) => *t <= as_of.saturating_sub(span_micros(amount, unit)),
        Value::Date(d) if unit == TimeUnit::Hours => more_than_ago(
            &Value::DateTime(*d as i64 * MICROS_PER_DAY),
            amount,
            unit,
            as_of,
        ),
        Value::Date(d) => (*d as i64) <= day_of(as_of) - span_days(amount, unit),
        _ => false,
    }
}

/// The next return of the date's month and day on or after as-of's UTC date is at most `days`
/// away; 29 February falls on 28 February in other years.
fn anniversary_within(value: &Value, days: i64, as_of: i64) -> bool {
    let day = match value {
        Value::Date(d) => *d,
        Value::DateTime(t) => day_of(*t) as i32,
        _ => return false,
    };
    let (_, month, dom) = civil_from_days(day);
    let today = day_of(as_of) as i32;
    let (year, _, _) = civil_from_days(today);
    let occurrence = |y: i32| {
        let d = if month == 2 && dom == 29 && !is_leap(y) {
            28
        } else {
            dom
        };
        days_from_civil(y, month, d)
    };
    let mut next = occurrence(year);
    if next < today {
        next = occurrence(year + 1);
    }
    (next - today) as i64 <= days
}

fn in_window_of(
    window: Option<Window>,
    collection: Collection,
    record: &Record,
    context: &Context,
) -> bool {
    let Some(window) = window else { return true };
    let Some(slot) = seg_ir::time_slot(collection) else {
        return false;
    };
    let value = record.get(slot as usize);
    if value.is_missing() {
        return false; // §8: an element without its time is outside every window
    }
    match window {
        Window::WithinLast { amount, unit } => within_last(value, amount, unit, context.as_of),
        Window::Between(a, b) => {
            compare_time(value, a).is_some_and(|o| cmp_holds(Cmp::Ge, o))
                && compare_time(value, b).is_some_and(|o| cmp_holds(Cmp::Le, o))
        }
        Window::After(a) => compare_time(value, a).is_some_and(|o| cmp_holds(Cmp::Gt, o)),
        Window::Before(a) => compare_time(value, a).is_some_and(|o| cmp_holds(Cmp::Lt, o)),
    }
}

/// Evaluates a predicate on a value (§2.2, §8). Every predicate but `is empty` is false on a
/// missing value, the negative ones included.
pub fn test(pred: &Pred, value: &Value, context: &Context) -> bool {
    match pred {
        Pred::IsEmpty => return value.is_missing(),
        Pred::IsNotEmpty => return !value.is_missing(),
        _ if value.is_missing() => return false,
        _ => {}
    }
    let interner = context.interner;
    let folded = |v: &Value| match v {
        Value::Str(sym) => Some(interner.text(interner.fold(*sym))),
        _ => None,
    };
    let number = |v: &Value| match v {
        Value::Int(n) | Value::Dec(n) => Some(*n),
        _ => None,
    };
    match pred {
        Pred::IsEmpty | Pred::IsNotEmpty => unreachable!("handled above"),
        Pred::Bool(b) => matches!(value, Value::Bool(v) if v == b),
        Pred::Num(cmp, c) => number(value).is_some_and(|n| cmp.holds(n, *c)),
        Pred::NumBetween(a, b) => number(value).is_some_and(|n| *a <= n && n <= *b),
        Pred::NumIn { values, negated } => {
            number(value).is_some_and(|n| values.contains(&n) != *negated)
        }
        Pred::StrEq { folded: c, negated } => folded(value).is_some_and(|s| (s == c) != *negated),
        Pred::StrIn {
            folded: cs,
            negated,
        } => folded(value).is_some_and(|s| cs.iter().any(|c| c == s) != *negated),
        Pred::StrContains { folded: c, negated } => {
            folded(value).is_some_and(|s| s.contains(c.as_str()) != *negated)
        }
        Pred::StrStartsWith(c) => folded(value).is_some_and(|s| s.starts_with(c.as_str())),
        Pred::StrEndsWith(c) => folded(value).is_some_and(|s| s.ends_with(c.as_str())),
        Pred::OptionIn { options, negated } => {
            matches!(value, Value::Option(o) if options.binary_search(o).is_ok() != *negated)
        }
        Pred::OptionsEq(set) => {
            matches!(value, Value::Options(have) if have.as_ref() == set.as_slice())
        }
        Pred::OptionsContain { option, negated } => {
            matches!(value, Value::Options(have) if have.binary_search(option).is_ok() != *negated)
        }
        Pred::OptionsAny(set) => {
            matches!(value, Value::Options(have) if set.iter().any(|o| have.binary_search(o).is_ok()))
        }
        Pred::OptionsAll(set) => {
            matches!(value, Value::Options(have) if set.iter().all(|o| have.binary_search(o).is_ok()))
        }
        Pred::Time(cmp, bound) => compare_time(value, *bound).is_some_and(|o| cmp_holds(*cmp, o)),
        Pred::TimeBetween(a, b) => {
            compare_time(value, *a).is_some_and(|o| cmp_holds(Cmp::Ge, o))
                && compare_time(value, *b).is_some_and(|o| cmp_holds(Cmp::Le, o))
        }
        Pred::WithinLast { amount, unit } => within_last(value, *amount, *unit, context.as_of),
        Pred::MoreThanAgo { amount, unit } => more_than_ago(value, *amount, *unit, context.as_of),
        Pred::AnniversaryWithin { days } => anniversary_within(value, *days, context.as_of),
    }
}

/// An aggregate's exact result: an integer (in the field's units, or a count), a ratio for
/// `avg` (never rounded, §3), or empty (`avg`/`min`/`max` of nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggregateValue {
    Empty,
    Whole(i128),
    /// `numerator / denominator` with a positive denominator, in decimal units.
    Ratio(i128, i128),
}

struct Accumulator {
    function: AggregateFn,
    count: i128,
    sum: i128,
    extreme: Option<i64>,
}

impl Accumulator {
    fn new(function: AggregateFn) -> Accumulator {
        Accumulator {
            function,
            count: 0,
            sum: 0,
            extreme: None,
        }
    }

    fn add(&mut self, value: &Value) {
        if self.function == AggregateFn::Count {
            self.count += 1;
            return;
        }
        // Aggregates skip empty fields, as SQL does (§8).
        let (Value::Int(n) | Value::Dec(n)) = value else {
            return;
        };
        self.count += 1;
        self.sum += *n as i128;
        self.extreme = Some(match (self.function, self.extreme) {
            (_, None) => *n,
            (AggregateFn::Min, Some(e)) => e.min(*n),
            (_, Some(e)) => e.max(*n),
        });
    }

    fn finish(self, field: Option<seg_ir::Type>) -> AggregateValue {
        match self.function {
            AggregateFn::Count => AggregateValue::Whole(self.count),
            AggregateFn::Sum => AggregateValue::Whole(self.sum),
            AggregateFn::Min | AggregateFn::Max => self
                .extreme
                .map_or(AggregateValue::Empty, |e| AggregateValue::Whole(e as i128)),
            AggregateFn::Avg if self.count == 0 => AggregateValue::Empty,
            AggregateFn::Avg => {
                // The average is a decimal: an integer field's sum is scaled to decimal units.
                let scale = if field == Some(seg_ir::Type::Int) {
                    10_000
                } else {
                    1
                };
                AggregateValue::Ratio(self.sum * scale, self.count)
            }
        }
    }
}

fn test_aggregate(pred: &Pred, value: &AggregateValue) -> bool {
    // Compare n/d with c as n with c·d (d > 0), so nothing is ever rounded.
    let (numerator, denominator) = match *value {
        AggregateValue::Empty => return matches!(pred, Pred::IsEmpty),
        AggregateValue::Whole(n) => (n, 1),
        AggregateValue::Ratio(n, d) => (n, d),
    };
    let scaled = |c: i64| c as i128 * denominator;
    match pred {
        Pred::IsEmpty => false,
        Pred::IsNotEmpty => true,
        Pred::Num(cmp, c) => cmp.holds(numerator, scaled(*c)),
        Pred::NumBetween(a, b) => scaled(*a) <= numerator && numerator <= scaled(*b),
        Pred::NumIn { values, negated } => {
            values.iter().any(|c| numerator == scaled(*c)) != *negated
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(as_of: i64) -> (Catalog, Interner, i64) {
        (Catalog::default(), Interner::new(), as_of)
    }

    #[test]
    fn windows_exclude_the_start_and_include_as_of() {
        let as_of = 100 * MICROS_PER_DAY;
        let day = |d: i64| Value::DateTime(d * MICROS_PER_DAY);
        assert!(!within_last(&day(90), 10, TimeUnit::Days, as_of));
        assert!(within_last(
            &Value::DateTime(90 * MICROS_PER_DAY + 1),
            10,
            TimeUnit::Days,
            as_of
        ));
        assert!(within_last(&day(100), 10, TimeUnit::Days, as_of));
        assert!(!within_last(
            &Value::DateTime(as_of + 1),
            10,
            TimeUnit::Days,
            as_of
        ));
        assert!(more_than_ago(&day(90), 10, TimeUnit::Days, as_of));
        assert!(!more_than_ago(
            &Value::DateTime(90 * MICROS_PER_DAY + 1),
            10,
            TimeUnit::Days,
            as_of
        ));
        // Dates count calendar days from as-of's date.
        assert!(within_last(&Value::Date(91), 10, TimeUnit::Days, as_of + 5));
        assert!(!within_last(
            &Value::Date(90),
            10,
            TimeUnit::Days,
            as_of + 5
        ));
        assert!(more_than_ago(
            &Value::Date(90),
            10,
            TimeUnit::Days,
            as_of + 5
        ));
    }

    #[test]
    fn leap_day_birthdays_fall_on_28_february() {
        let leap_day = Value::Date(days_from_civil(2000, 2, 29));
        let as_of = days_from_civil(2027, 2, 27) as i64 * MICROS_PER_DAY;
        assert!(anniversary_within(&leap_day, 1, as_of));
        assert!(!anniversary_within(&leap_day, 0, as_of));
        let as_of = days_from_civil(2028, 2, 28) as i64 * MICROS_PER_DAY;
        assert!(!anniversary_within(&leap_day, 0, as_of));
        assert!(anniversary_within(&leap_day, 1, as_of));
        // Past this year's date: next year's counts.
        let as_of = days_from_civil(2026, 12, 31) as i64 * MICROS_PER_DAY;
        assert!(anniversary_within(
            &Value::Date(days_from_civil(1990, 1, 1)),
            1,
            as_of
        ));
    }

    #[test]
    fn missing_values_fail_every_predicate_but_is_empty() {
        let (catalog, interner, as_of) = ctx(0);
        let context = Context {
            catalog: &catalog,
            interner: &interner,
            as_of,
        };
        assert!(test(&Pred::IsEmpty, &Value::Missing, &context));
        assert!(!test(
            &Pred::StrEq {
                folded: "x".into(),
                negated: true
            },
            &Value::Missing,
            &context
        ));
        assert!(!test(
            &Pred::NumIn {
                values: vec![1],
                negated: true
            },
            &Value::Missing,
            &context
        ));
        assert!(!test(
            &Pred::OptionsContain {
                option: 1,
                negated: true
            },
            &Value::Missing,
            &context
        ));
    }

    #[test]
    fn averages_are_exact() {
        // avg of 1, 2 (units) is 1.5 units: >= 2 is false, > 1 true, == 1.5 not representable.
        let avg = AggregateValue::Ratio(3, 2);
        assert!(!test_aggregate(&Pred::Num(Cmp::Ge, 2), &avg));
        assert!(test_aggregate(&Pred::Num(Cmp::Gt, 1), &avg));
        assert!(!test_aggregate(&Pred::Num(Cmp::Eq, 1), &avg));
        assert!(test_aggregate(&Pred::IsEmpty, &AggregateValue::Empty));
        assert!(!test_aggregate(
            &Pred::Num(Cmp::Ge, 0),
            &AggregateValue::Empty
        ));
    }
}
