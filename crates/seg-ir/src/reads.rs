//! What a segment's answer depends on: the customer and cart slots, the collections it walks
//! and the element and catalog slots it reads in them, the audience flag, the website, and
//! whether the evaluation instant alone can change it. A service that keeps memberships
//! current re-evaluates a segment only when a change touches what it reads (`in segment`
//! dependents follow through [`Reads::segments`] and [`reads_with_dependencies`]).
//!
//! [`visit`] is the walk every analysis of the tree can share: each node in preorder, with the
//! collection whose element is in scope.

use std::collections::BTreeSet;

use crate::{Audience, Collection, Load, Node, Pred, Program, Segment, Window};

/// The data a segment reads. Collections are named as segments write them, an order's own
/// ones under `orders.` (`orders.items`, `orders.billing_address`), so the sets stay ordered and
/// readable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    /// Customer attribute slots.
    pub customer: BTreeSet<u32>,
    /// Cart slots (`seg_check::model::CART_FIELDS` order).
    pub cart: BTreeSet<u32>,
    /// Collections walked by a quantifier, a single element or an aggregate, nested ones
    /// included (by name: `orders`, `items`, …).
    pub collections: BTreeSet<&'static str>,
    /// Element slots read, with the collection whose element they are read from.
    pub elements: BTreeSet<(&'static str, u32)>,
    /// Catalog product slots read through an element's SKU.
    pub product: BTreeSet<u32>,
    /// `logged_in` is read, or the audience is not everyone.
    pub logged_in: bool,
    /// The segment is limited to websites.
    pub website: bool,
    /// The answer can change with the evaluation instant alone: a relative window or
    /// predicate (`within last`, `more than … ago`) or an anniversary.
    pub as_of: bool,
    /// Segments referred to by `in segment` (indices into [`Program::segments`]).
    pub segments: BTreeSet<u32>,
}

impl Reads {
    fn add(&mut self, other: &Reads) {
        self.customer.extend(&other.customer);
        self.cart.extend(&other.cart);
        self.collections.extend(&other.collections);
        self.elements.extend(&other.elements);
        self.product.extend(&other.product);
        self.logged_in |= other.logged_in;
        self.website |= other.website;
        self.as_of |= other.as_of;
        self.segments.extend(&other.segments);
    }
}

/// The name of a collection in [`Reads`]: as segments write it, an order's own collections
/// under `orders.` (the default `billing_address` and an order's are different data).
pub fn name(collection: Collection) -> &'static str {
    match collection {
        Collection::OrderItems => "orders.items",
        Collection::OrderBillingAddress => "orders.billing_address",
        Collection::OrderShippingAddress => "orders.shipping_address",
        other => other.name(),
    }
}

/// Calls `f` on every node under `node` (itself first), in preorder, with the collection whose
/// element is in scope (`None` at the top of a segment). Nesting is bounded by the parser's
/// depth limit, so the recursion is too.
pub fn visit<'n>(
    node: &'n Node,
    scope: Option<Collection>,
    f: &mut impl FnMut(&'n Node, Option<Collection>),
) {
    f(node, scope);
    match node {
        Node::Const(_) | Node::Member(_) | Node::Test { .. } => {}
        Node::And(items) | Node::Or(items) => {
            for item in items {
                visit(item, scope, f);
            }
        }
        Node::Not(inner) => visit(inner, scope, f),
        Node::Quantified {
            collection, body, ..
        }
        | Node::Single { collection, body } => visit(body, Some(*collection), f),
        Node::Aggregate {
            collection, filter, ..
        } => visit(filter, Some(*collection), f),
    }
}

fn load(reads: &mut Reads, load: Load, scope: Option<Collection>) {
    match load {
        Load::Customer(slot) => {
            reads.customer.insert(slot);
        }
        Load::Cart(slot) => {
            reads.cart.insert(slot);
        }
        Load::LoggedIn => reads.logged_in = true,
        Load::Element(slot) => {
            if let Some(collection) = scope {
                reads.elements.insert((name(collection), slot));
            }
        }
        Load::Product(slot) => {
            reads.product.insert(slot);
        }
    }
}

fn relative_pred(pred: &Pred) -> bool {
    matches!(
        pred,
        Pred::WithinLast { .. } | Pred::MoreThanAgo { .. } | Pred::AnniversaryWithin { .. }
    )
}

fn window(reads: &mut Reads, collection: Collection, window: Option<Window>) {
    let Some(window) = window else { return };
    if let Some(slot) = crate::time_slot(collection) {
        reads.elements.insert((name(collection), slot));
    }
    if matches!(window, Window::WithinLast { .. }) {
        reads.as_of = true;
    }
}

/// What one segment reads by itself (its `in segment` references are in
/// [`Reads::segments`], not followed).
pub fn reads(segment: &Segment) -> Reads {
    let mut reads = Reads {
        logged_in: segment.applies_to != Audience::Everyone,
        website: segment.websites.is_some(),
        ..Reads::default()
    };
    visit(&segment.root, None, &mut |node, scope| match node {
        Node::Member(index) => {
            reads.segments.insert(*index);
        }
        Node::Test { load: l, pred, .. } => {
            load(&mut reads, *l, scope);
            reads.as_of |= relative_pred(pred);
        }
        Node::Quantified {
            collection,
            window: w,
            ..
        } => {
            reads.collections.insert(name(*collection));
            window(&mut reads, *collection, *w);
        }
        Node::Single { collection, .. } => {
            reads.collections.insert(name(*collection));
        }
        Node::Aggregate {
            collection,
            field,
            window: w,
            pred,
            ..
        } => {
            reads.collections.insert(name(*collection));
            window(&mut reads, *collection, *w);
            if let Some((l, _)) = field {
                load(&mut reads, *l, Some(*collection));
            }
            reads.as_of |= relative_pred(pred);
        }
        Node::Const(_) | Node::And(_) | Node::Or(_) | Node::Not(_) => {}
    });
    reads
}

/// What a segment's membership depends on, through every segment it refers to, directly or
/// not (a worklist, so chains of any length cost no stack). `segments` then holds every
/// segment it depends on.
pub fn reads_with_dependencies(program: &Program, index: usize) -> Reads {
    let mut all = Reads::default();
    let mut seen = BTreeSet::new();
    let mut work = vec![index];
    while let Some(next) = work.pop() {
        if !seen.insert(next) {
            continue;
        }
        let Some(segment) = program.segments.get(next) else {
            continue;
        };
        let own = reads(segment);
        work.extend(own.segments.iter().map(|&s| s as usize));
        all.add(&own);
    }
    all
}
