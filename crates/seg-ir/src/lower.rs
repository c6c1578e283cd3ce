//! HIR → IR: names become slots, literals become the data's representation.

use seg_check::hir::{self, Cond, Field, FieldSource, Operand, Operator, Value};
use seg_check::model::{Collection, ElementKind, CART_FIELDS};
use seg_check::values::{DECIMAL_SCALE, MICROS_PER_DAY};
use seg_schema::{AttrType, Entity, Schema};

use crate::{Cmp, LayoutShape, Load, Node, Pred, Program, Segment, TimeBound, Type, Window};

/// Lowers a checked program. The program must be free of errors (segments with `has_errors`
/// or `Cond::Invalid` nodes are a caller bug, reported by panicking in debug builds and lowered
/// to `Const(false)` otherwise).
pub fn lower(program: &hir::Program, schema: &Schema) -> Program {
    let lowerer = Lowerer { schema };
    let segments = program
        .segments
        .iter()
        .map(|s| Segment {
            id: s.id.clone(),
            applies_to: s.applies_to,
            websites: s.websites.clone(),
            active: s.active,
            root: lowerer.cond(&s.condition, None),
        })
        .collect();
    Program {
        segments,
        layout: LayoutShape {
            customer: schema.customer.len() as u32,
            address_attributes: schema.customer_address.len() as u32,
            product: schema.product.len() as u32,
        },
    }
}

struct Lowerer<'s> {
    schema: &'s Schema,
}

impl Lowerer<'_> {
    /// `scope`: the collection whose element is in scope (built-in field names resolve in it).
    fn cond(&self, cond: &Cond, scope: Option<Collection>) -> Node {
        let all = |items: &[Cond]| items.iter().map(|c| self.cond(c, scope)).collect();
        match cond {
            Cond::All(items) => Node::And(all(items)),
            Cond::Any(items) => Node::Or(all(items)),
            // `none { … }` is "ALL of these are FALSE": not any.
            Cond::None(items) => Node::Not(Box::new(Node::Or(all(items)))),
            Cond::Not(inner) => Node::Not(Box::new(self.cond(inner, scope))),
            Cond::InSegment(index) => Node::Member(*index as u32),
            Cond::Compare { field, test } => {
                let (load, ty) = self.load(field, scope);
                Node::Test {
                    load,
                    ty,
                    pred: self.pred(field.ty, &field.options, test),
                }
            }
            Cond::Quantified {
                quantifier,
                collection,
                window,
                body,
            } => Node::Quantified {
                quantifier: *quantifier,
                collection: *collection,
                window: window.as_ref().map(window_of),
                body: Box::new(self.cond(body, Some(*collection))),
            },
            Cond::Single { collection, body } => Node::Single {
                collection: *collection,
                body: Box::new(self.cond(body, Some(*collection))),
            },
            Cond::Aggregate {
                function,
                collection,
                field,
                window,
                filter,
                result,
                test,
            } => Node::Aggregate {
                function: *function,
                collection: *collection,
                field: field.as_ref().map(|f| self.load(f, Some(*collection))),
                window: window.as_ref().map(window_of),
                filter: Box::new(self.cond(filter, Some(*collection))),
                pred: self.pred(*result, &[], test),
            },
            Cond::Invalid => {
                debug_assert!(false, "lowering a condition the checker rejected");
                Node::Const(false)
            }
        }
    }

    fn load(&self, field: &Field, scope: Option<Collection>) -> (Load, Type) {
        let slot = |entity: Entity, code: &str| {
            self.schema
                .attributes(entity)
                .iter()
                .position(|a| a.code == code)
                .expect("checked attribute is in the schema") as u32
        };
        let load = match &field.source {
            FieldSource::Customer(code) => Load::Customer(slot(Entity::Customer, code)),
            FieldSource::Cart(name) => Load::Cart(
                CART_FIELDS
                    .iter()
                    .position(|(n, _)| n == name)
                    .expect("cart field") as u32,
            ),
            FieldSource::LoggedIn => Load::LoggedIn,
            FieldSource::Element(name) => {
                let kind = scope
                    .expect("element fields are read inside a collection")
                    .element();
                let slot = kind
                    .builtin_fields()
                    .iter()
                    .position(|(n, _)| n == name)
                    .expect("built-in field of the kind");
                Load::Element(slot as u32)
            }
            FieldSource::AddressAttribute(code) => {
                let builtins = ElementKind::Address.builtin_fields().len() as u32;
                Load::Element(builtins + slot(Entity::CustomerAddress, code))
            }
            FieldSource::Product(code) => Load::Product(slot(Entity::Product, code)),
        };
        (load, Type::of(field.ty))
    }

    fn pred(&self, ty: AttrType, options: &[String], test: &hir::Test) -> Pred {
        let option = |v: &Value| match v {
            Value::Str(s) => options.iter().position(|o| o == s).expect("checked option") as u32,
            other => unreachable!("option literal {other:?}"),
        };
        let num = |v: &Value| number(ty, v);
        let folded = |v: &Value| match v {
            Value::Str(s) => s.to_lowercase(),
            other => unreachable!("string literal {other:?}"),
        };
        let one = || match &test.operand {
            Operand::One(v) => v,
            other => unreachable!("operator {:?} with {other:?}", test.operator),
        };
        let list = || match &test.operand {
            Operand::List(values) => values.as_slice(),
            other => unreachable!("operator {:?} with {other:?}", test.operator),
        };
        let two = || match &test.operand {
            Operand::Two(a, b) => (a, b),
            other => unreachable!("operator {:?} with {other:?}", test.operator),
        };
        let duration = || match &test.operand {
            Operand::Duration { amount, unit } => (*amount, *unit),
            other => unreachable!("operator {:?} with {other:?}", test.operator),
        };
        let is_time = matches!(ty, AttrType::Date | AttrType::Datetime);
        match (test.operator, ty) {
            (Operator::IsEmpty, _) => Pred::IsEmpty,
            (Operator::IsNotEmpty, _) => Pred::IsNotEmpty,
            (Operator::Is, AttrType::Boolean) => match one() {
                Value::Bool(b) => Pred::Bool(*b),
                other => unreachable!("boolean literal {other:?}"),
            },
            (Operator::Is | Operator::IsNot, AttrType::Integer | AttrType::Decimal) => Pred::Num(
                if test.operator == Operator::Is {
                    Cmp::Eq
                } else {
                    Cmp::Ne
                },
                num(one()),
            ),
            (Operator::Gt, _) if !is_time => Pred::Num(Cmp::Gt, num(one())),
            (Operator::Ge, _) if !is_time => Pred::Num(Cmp::Ge, num(one())),
            (Operator::Lt, _) if !is_time => Pred::Num(Cmp::Lt, num(one())),
            (Operator::Le, _) if !is_time => Pred::Num(Cmp::Le, num(one())),
            (Operator::Between, AttrType::Integer | AttrType::Decimal) => {
                let (a, b) = two();
                Pred::NumBetween(num(a), num(b))
            }
            (Operator::In | Operator::NotIn, AttrType::Integer | AttrType::Decimal) => {
                Pred::NumIn {
                    values: list().iter().map(num).collect(),
                    negated: test.operator == Operator::NotIn,
                }
            }
            (Operator::Is | Operator::IsNot, AttrType::String) => Pred::StrEq {
                folded: folded(one()),
                negated: test.operator == Operator::IsNot,
            },
            (Operator::In | Operator::NotIn, AttrType::String) => Pred::StrIn {
                folded: list().iter().map(folded).collect(),
                negated: test.operator == Operator::NotIn,
            },
            (Operator::Contains | Operator::DoesNotContain, AttrType::String) => {
                Pred::StrContains {
                    folded: folded(one()),
                    negated: test.operator == Operator::DoesNotContain,
                }
            }
            (Operator::StartsWith, _) => Pred::StrStartsWith(folded(one())),
            (Operator::EndsWith, _) => Pred::StrEndsWith(folded(one())),
            (Operator::Is | Operator::IsNot, AttrType::Select) => Pred::OptionIn {
                options: vec![option(one())],
                negated: test.operator == Operator::IsNot,
            },
            (Operator::In | Operator::NotIn, AttrType::Select) => Pred::OptionIn {
                options: sorted(list().iter().map(option).collect()),
                negated: test.operator == Operator::NotIn,
            },
            (Operator::Is, AttrType::Multiselect) => {
                Pred::OptionsEq(sorted(list().iter().map(option).collect()))
            }
            (Operator::Contains | Operator::DoesNotContain, AttrType::Multiselect) => {
                Pred::OptionsContain {
                    option: option(one()),
                    negated: test.operator == Operator::DoesNotContain,
                }
            }
            (Operator::ContainsAnyOf, _) => {
                Pred::OptionsAny(sorted(list().iter().map(option).collect()))
            }
            (Operator::ContainsAllOf, _) => {
                Pred::OptionsAll(sorted(list().iter().map(option).collect()))
            }
            (Operator::Is, _) if is_time => Pred::Time(Cmp::Eq, bound(ty, one())),
            (Operator::Before, _) => Pred::Time(Cmp::Lt, bound(ty, one())),
            (Operator::After, _) => Pred::Time(Cmp::Gt, bound(ty, one())),
            (Operator::OnOrBefore, _) => Pred::Time(Cmp::Le, bound(ty, one())),
            (Operator::OnOrAfter, _) => Pred::Time(Cmp::Ge, bound(ty, one())),
            (Operator::Between, _) if is_time => {
                let (a, b) = two();
                Pred::TimeBetween(bound(ty, a), bound(ty, b))
            }
            (Operator::WithinLast, _) => {
                let (amount, unit) = duration();
                Pred::WithinLast { amount, unit }
            }
            (Operator::MoreThanAgo, _) => {
                let (amount, unit) = duration();
                Pred::MoreThanAgo { amount, unit }
            }
            (Operator::AnniversaryWithinNext, _) => {
                let (amount, unit) = duration();
                Pred::AnniversaryWithin {
                    days: amount * unit.micros() / MICROS_PER_DAY,
                }
            }
            (operator, ty) => {
                unreachable!("the checker let `{}` through for {ty:?}", operator.as_str())
            }
        }
    }
}

/// A numeric literal in the units of the compared type (decimal literals are units; an integer
/// literal against a decimal is scaled).
fn number(ty: AttrType, value: &Value) -> i64 {
    match (ty, value) {
        (AttrType::Decimal, Value::Dec(d)) => d.units,
        (AttrType::Decimal, Value::Int(i)) => i.saturating_mul(10i64.pow(DECIMAL_SCALE)),
        (_, Value::Int(i)) => *i,
        (_, Value::Dec(d)) => d.units,
        (ty, other) => unreachable!("number literal {other:?} for {ty:?}"),
    }
}

/// A time literal as a bound: a date literal compares days; a datetime literal compares instants
/// against datetimes and its UTC day against dates (§8).
fn bound(ty: AttrType, value: &Value) -> TimeBound {
    match (ty, value) {
        (_, Value::Date(d)) => TimeBound::Day(d.days),
        (AttrType::Date, Value::DateTime(i)) => {
            TimeBound::Day(i.micros.div_euclid(MICROS_PER_DAY) as i32)
        }
        (_, Value::DateTime(i)) => TimeBound::Instant(i.micros),
        (ty, other) => unreachable!("time literal {other:?} for {ty:?}"),
    }
}

fn window_of(window: &hir::Window) -> Window {
    let bound = |v: &Value| bound(AttrType::Datetime, v);
    match window {
        hir::Window::WithinLast { amount, unit } => Window::WithinLast {
            amount: *amount,
            unit: *unit,
        },
        hir::Window::Between(a, b) => Window::Between(bound(a), bound(b)),
        hir::Window::After(a) => Window::After(bound(a)),
        hir::Window::Before(a) => Window::Before(bound(a)),
    }
}

fn sorted(mut values: Vec<u32>) -> Vec<u32> {
    values.sort_unstable();
    values.dedup();
    values
}
