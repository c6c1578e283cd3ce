//! The IR verifier: the invariants every backend relies on, checked on the whole program.
//! Lowering runs it in debug builds; tests run it on everything they lower.

use seg_check::model::{Collection, ElementKind, CART_FIELDS};

use crate::{AggregateFn, Load, Node, Pred, Program, Type};

/// Checks the program; returns every violation found, each naming the segment.
pub fn verify(program: &Program) -> Result<(), Vec<String>> {
    let mut errors = Vec::new();
    for segment in &program.segments {
        let mut v = Verifier {
            program,
            segment: &segment.id,
            errors: &mut errors,
        };
        v.node(&segment.root, None);
    }
    member_cycles(program, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

struct Verifier<'a> {
    program: &'a Program,
    segment: &'a str,
    errors: &'a mut Vec<String>,
}

impl Verifier<'_> {
    fn fail(&mut self, message: String) {
        self.errors
            .push(format!("segment {}: {message}", self.segment));
    }

    fn node(&mut self, node: &Node, scope: Option<Collection>) {
        match node {
            Node::Const(_) => {}
            Node::And(items) | Node::Or(items) => items.iter().for_each(|n| self.node(n, scope)),
            Node::Not(inner) => self.node(inner, scope),
            Node::Member(i) => {
                if *i as usize >= self.program.segments.len() {
                    self.fail(format!("member #{i} does not exist"));
                }
            }
            Node::Test { load, ty, pred } => {
                self.load(*load, *ty, scope);
                if !pred_fits(pred, *ty) {
                    self.fail(format!("predicate {pred:?} does not apply to {ty:?}"));
                }
                self.pred_constants(pred);
            }
            Node::Quantified {
                collection,
                window,
                body,
                ..
            } => {
                self.collection(*collection, scope);
                if collection.is_single() {
                    self.fail(format!(
                        "quantifier over the single collection {}",
                        collection.name()
                    ));
                }
                if window.is_some() && collection.time_field().is_none() {
                    self.fail(format!(
                        "window on {}, which has no time field",
                        collection.name()
                    ));
                }
                self.node(body, Some(*collection));
            }
            Node::Single { collection, body } => {
                self.collection(*collection, scope);
                if !collection.is_single() {
                    self.fail(format!("single over the list {}", collection.name()));
                }
                self.node(body, Some(*collection));
            }
            Node::Aggregate {
                function,
                collection,
                field,
                window,
                filter,
                pred,
            } => {
                self.collection(*collection, scope);
                if collection.is_single() {
                    self.fail(format!(
                        "aggregate over the single collection {}",
                        collection.name()
                    ));
                }
                if window.is_some() && collection.time_field().is_none() {
                    self.fail(format!(
                        "window on {}, which has no time field",
                        collection.name()
                    ));
                }
                match (function, field) {
                    (AggregateFn::Count, None) => {}
                    (AggregateFn::Count, Some(_)) => self.fail("count with a field".into()),
                    (_, None) => self.fail(format!("{} without a field", function.as_str())),
                    (_, Some((load, ty))) => {
                        self.load(*load, *ty, Some(*collection));
                        if !matches!(ty, Type::Int | Type::Dec) {
                            self.fail(format!("{} over a {ty:?} field", function.as_str()));
                        }
                    }
                }
                if !matches!(
                    pred,
                    Pred::IsEmpty
                        | Pred::IsNotEmpty
                        | Pred::Num(..)
                        | Pred::NumBetween(..)
                        | Pred::NumIn { .. }
                ) {
                    self.fail(format!("aggregate tested by {pred:?}"));
                }
                self.node(filter, Some(*collection));
            }
        }
    }

    /// Order-owned collections exist only inside an order; the others anywhere.
    fn collection(&mut self, collection: Collection, scope: Option<Collection>) {
        let order_owned = matches!(
            collection,
            Collection::OrderItems
                | Collection::OrderBillingAddress
                | Collection::OrderShippingAddress
        );
        if order_owned && scope != Some(Collection::Orders) {
            self.fail(format!("{} outside an order", collection.name()));
        }
    }

    fn load(&mut self, load: Load, ty: Type, scope: Option<Collection>) {
        let layout = self.program.layout;
        match load {
            Load::Customer(slot) if slot >= layout.customer => {
                self.fail(format!("customer slot {slot} out of range"))
            }
            Load::Cart(slot) => match CART_FIELDS.get(slot as usize) {
                Some((_, field_ty)) if Type::of(*field_ty) == ty => {}
                _ => self.fail(format!("cart slot {slot} is not a {ty:?}")),
            },
            Load::LoggedIn if ty != Type::Bool => self.fail("logged_in is a boolean".into()),
            Load::Element(slot) => {
                let Some(collection) = scope else {
                    self.fail(format!("element slot {slot} read outside a collection"));
                    return;
                };
                let kind = collection.element();
                let builtins = kind.builtin_fields();
                match builtins.get(slot as usize) {
                    Some((name, field_ty)) if Type::of(*field_ty) != ty => {
                        self.fail(format!("element field {name} is not a {ty:?}"))
                    }
                    Some(_) => {}
                    None if kind == ElementKind::Address
                        && slot < builtins.len() as u32 + layout.address_attributes => {}
                    None => self.fail(format!("element slot {slot} out of range for {kind:?}")),
                }
            }
            Load::Product(slot) => {
                if !scope.is_some_and(|c| c.element().has_product()) {
                    self.fail("product read where no element has a product".into());
                }
                if slot >= layout.product {
                    self.fail(format!("product slot {slot} out of range"));
                }
            }
            _ => {}
        }
    }

    fn pred_constants(&mut self, pred: &Pred) {
        let sorted = |set: &[u32]| set.windows(2).all(|w| w[0] < w[1]);
        let ok = match pred {
            Pred::OptionIn { options, .. } => sorted(options) && !options.is_empty(),
            Pred::OptionsEq(set) | Pred::OptionsAny(set) | Pred::OptionsAll(set) => {
                sorted(set) && !set.is_empty()
            }
            Pred::StrEq { folded, .. } | Pred::StrContains { folded, .. } => {
                folded.to_lowercase() == *folded
            }
            Pred::StrIn { folded, .. } => folded.iter().all(|s| s.to_lowercase() == *s),
            Pred::StrStartsWith(s) | Pred::StrEndsWith(s) => s.to_lowercase() == *s,
            Pred::WithinLast { amount, .. } | Pred::MoreThanAgo { amount, .. } => *amount >= 0,
            Pred::AnniversaryWithin { days } => *days >= 0,
            _ => true,
        };
        if !ok {
            self.fail(format!("malformed constants in {pred:?}"));
        }
    }
}

/// Which predicates apply to which value types.
fn pred_fits(pred: &Pred, ty: Type) -> bool {
    match pred {
        Pred::IsEmpty | Pred::IsNotEmpty => true,
        Pred::Bool(_) => ty == Type::Bool,
        Pred::Num(..) | Pred::NumBetween(..) | Pred::NumIn { .. } => {
            matches!(ty, Type::Int | Type::Dec)
        }
        Pred::StrEq { .. }
        | Pred::StrIn { .. }
        | Pred::StrContains { .. }
        | Pred::StrStartsWith(_)
        | Pred::StrEndsWith(_) => ty == Type::Str,
        Pred::OptionIn { .. } => ty == Type::Option,
        Pred::OptionsEq(_)
        | Pred::OptionsContain { .. }
        | Pred::OptionsAny(_)
        | Pred::OptionsAll(_) => ty == Type::Options,
        Pred::Time(..)
        | Pred::TimeBetween(..)
        | Pred::WithinLast { .. }
        | Pred::MoreThanAgo { .. }
        | Pred::AnniversaryWithin { .. } => {
            matches!(ty, Type::Date | Type::DateTime)
        }
    }
}

/// Membership must be acyclic: backends evaluate references without a cycle guard.
fn member_cycles(program: &Program, errors: &mut Vec<String>) {
    fn members(node: &Node, out: &mut Vec<u32>) {
        match node {
            Node::Member(i) => out.push(*i),
            Node::And(items) | Node::Or(items) => items.iter().for_each(|n| members(n, out)),
            Node::Not(inner) => members(inner, out),
            Node::Quantified { body, .. } | Node::Single { body, .. } => members(body, out),
            Node::Aggregate { filter, .. } => members(filter, out),
            Node::Const(_) | Node::Test { .. } => {}
        }
    }
    let n = program.segments.len();
    let edges: Vec<Vec<u32>> = program
        .segments
        .iter()
        .map(|s| {
            let mut out = Vec::new();
            members(&s.root, &mut out);
            out.retain(|&i| (i as usize) < n);
            out
        })
        .collect();
    // Kahn's algorithm: whatever cannot be ordered lies on a cycle.
    let mut indegree = vec![0usize; n];
    for targets in &edges {
        for &t in targets {
            indegree[t as usize] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut seen = 0;
    while let Some(i) = ready.pop() {
        seen += 1;
        for &t in &edges[i] {
            indegree[t as usize] -= 1;
            if indegree[t as usize] == 0 {
                ready.push(t as usize);
            }
        }
    }
    if seen != n {
        errors.push("segment references form a cycle".into());
    }
}
