//! The checker proper: one walk over each segment's AST that resolves names, checks types and
//! builds the HIR, followed by the whole-program checks of segment ids and references.

use std::collections::HashMap;

use seg_diag::{Code, Diagnostic, FileId, Label, Severity, Span};
use seg_schema::{AttrType, Attribute, Entity, Schema};
use seg_syntax::ast::{self, LiteralKind, Operands, Operator, PropertyKey};

use crate::hir::{self, Audience, Cond, Field, FieldSource, Operand, Program, Test, Value};
use crate::model::{self, Collection, ElementKind};
use crate::suggest::did_you_mean;
use crate::values::{parse_date, parse_datetime, Decimal, DecimalError, TimeUnit};

/// The checker's result: the typed program (segments with errors included, marked) and every
/// diagnostic, sorted by file and position.
#[derive(Debug, Default)]
pub struct Checked {
    pub program: Program,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// The largest duration amount accepted, so that window arithmetic on microseconds can never
/// overflow (a million weeks is ~19,000 years).
const MAX_DURATION: i64 = 1_000_000;

/// Checks all modules of one run together: segment ids are unique across them and references
/// resolve across files.
pub fn check(modules: &[(FileId, &ast::Module)], schema: &Schema) -> Checked {
    let mut diagnostics = Vec::new();

    // Segment ids first, so that references can be resolved in any order.
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut all: Vec<(FileId, &ast::Segment)> = Vec::new();
    for (file, module) in modules {
        for segment in &module.segments {
            let index = all.len();
            all.push((*file, segment));
            if let Some(&first) = ids.get(segment.id.name.as_str()) {
                let (first_file, first_segment) = all[first];
                diagnostics.push(
                    Diagnostic::new(
                        Code::E0501,
                        format!("segment id `{}` is already used", segment.id.name),
                        Label::new(*file, segment.id.span, "duplicate id"),
                    )
                    .with_secondary(Label::new(
                        first_file,
                        first_segment.id.span,
                        "first used here",
                    ))
                    .with_help(
                        "segment ids are unique across all files checked together; rename one",
                    ),
                );
            } else {
                ids.insert(segment.id.name.as_str(), index);
            }
        }
    }

    let mut program = Program::default();
    let mut references: Vec<Vec<Reference>> = Vec::with_capacity(all.len());
    for &(file, segment) in &all {
        let mut checker = SegmentChecker {
            file,
            schema,
            ids: &ids,
            audience: Audience::Everyone,
            diagnostics: &mut diagnostics,
            references: Vec::new(),
            errors: 0,
        };
        let def = checker.segment(segment);
        references.push(checker.references);
        program.segments.push(def);
    }
    for (index, (_, segment)) in all.iter().enumerate() {
        if ids.get(segment.id.name.as_str()) != Some(&index) {
            program.segments[index].has_errors = true;
        }
    }

    report_cycles(&all, &references, &mut program, &mut diagnostics);
    seg_diag::sort(&mut diagnostics);
    Checked {
        program,
        diagnostics,
    }
}

/// An `in segment` edge: the referenced segment and where the reference is written.
#[derive(Clone, Copy)]
struct Reference {
    target: usize,
    span: Span,
}

/// Finds reference cycles with an iterative depth-first search (a chain of ten thousand
/// segments must not overflow the stack) and reports each at the reference that closes it.
fn report_cycles(
    all: &[(FileId, &ast::Segment)],
    references: &[Vec<Reference>],
    program: &mut Program,
    diagnostics: &mut Vec<Diagnostic>,
) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let mut marks = vec![Mark::New; all.len()];
    for root in 0..all.len() {
        if marks[root] != Mark::New {
            continue;
        }
        // Each frame: a segment and how many of its references have been followed.
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        marks[root] = Mark::Active;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let Some(&edge) = references[node].get(*next) else {
                marks[node] = Mark::Done;
                stack.pop();
                continue;
            };
            *next += 1;
            match marks[edge.target] {
                Mark::New => {
                    marks[edge.target] = Mark::Active;
                    stack.push((edge.target, 0));
                }
                Mark::Active => {
                    let start = stack
                        .iter()
                        .position(|&(n, _)| n == edge.target)
                        .unwrap_or(0);
                    let cycle: Vec<usize> = stack[start..].iter().map(|&(n, _)| n).collect();
                    let mut names: Vec<&str> =
                        cycle.iter().map(|&n| all[n].1.id.name.as_str()).collect();
                    names.push(all[edge.target].1.id.name.as_str());
                    for &n in &cycle {
                        program.segments[n].has_errors = true;
                    }
                    let (file, segment) = all[node];
                    let message = if cycle.len() == 1 {
                        format!("segment `{}` refers to itself", segment.id.name)
                    } else {
                        format!(
                            "segment `{}` is part of a reference cycle: {}",
                            segment.id.name,
                            names.join(" → ")
                        )
                    };
                    diagnostics.push(
                        Diagnostic::new(Code::E0502, message, Label::new(file, edge.span, "this reference closes the cycle"))
                            .with_help("membership of a segment cannot depend on itself; remove one `in segment` of the cycle"),
                    );
                }
                Mark::Done => {}
            }
        }
    }
}

/// Checks one segment; holds what the walk needs to know about where it is.
struct SegmentChecker<'a> {
    file: FileId,
    schema: &'a Schema,
    ids: &'a HashMap<&'a str, usize>,
    audience: Audience,
    diagnostics: &'a mut Vec<Diagnostic>,
    references: Vec<Reference>,
    /// Errors reported so far for this segment.
    errors: usize,
}

/// Where a condition stands: at the top of the segment or inside a collection's block.
#[derive(Clone, Copy)]
struct Scope {
    /// The collection whose element is in scope.
    element: Option<Collection>,
    /// Whether a logged-in-only condition around this one was already reported, so that the
    /// fields inside `any orders { … }` do not each repeat it.
    audience_reported: bool,
}

impl Scope {
    const ROOT: Scope = Scope {
        element: None,
        audience_reported: false,
    };
}

impl<'a> SegmentChecker<'a> {
    fn report(&mut self, diagnostic: Diagnostic) {
        if diagnostic.severity == Severity::Error {
            self.errors += 1;
        }
        self.diagnostics.push(diagnostic);
    }

    fn error(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> DiagnosticBuilder<'_, 'a> {
        DiagnosticBuilder {
            checker: self,
            diagnostic: Some(Diagnostic::new(
                code,
                message,
                Label::new(FileId(0), span, label),
            )),
        }
    }

    fn segment(&mut self, segment: &ast::Segment) -> hir::SegmentDef {
        let mut def = hir::SegmentDef {
            id: segment.id.name.clone(),
            file: self.file,
            span: segment.span,
            id_span: segment.id.span,
            name: None,
            description: None,
            doc: segment.doc.clone(),
            applies_to: Audience::Everyone,
            websites: None,
            active: true,
            condition: Cond::Invalid,
            has_errors: false,
        };
        self.properties(segment, &mut def);
        self.audience = def.applies_to;

        let conditions: Vec<&ast::Condition> = segment.conditions().collect();
        match conditions.as_slice() {
            [] => {
                self.error(
                    Code::E0504,
                    segment.id.span,
                    format!("segment `{}` has no condition", segment.id.name),
                    "no root condition",
                )
                .help("add one condition, usually `all { … }` holding the others")
                .emit();
            }
            [root] => def.condition = self.condition(root, Scope::ROOT),
            [first, second, ..] => {
                self.error(
                    Code::E0504,
                    second.span(),
                    "a segment has exactly one root condition",
                    "second root condition",
                )
                .secondary(first.span(), "first root condition")
                .help("wrap the conditions in `all { … }` (every one must hold) or `any { … }`")
                .emit();
                for extra in &conditions {
                    self.condition(extra, Scope::ROOT);
                }
            }
        }
        def.has_errors = self.errors > 0;
        def
    }

    fn properties(&mut self, segment: &ast::Segment, def: &mut hir::SegmentDef) {
        let mut seen: HashMap<PropertyKey, Span> = HashMap::new();
        for property in segment.properties() {
            if let Some(&first) = seen.get(&property.key) {
                self.error(
                    Code::E0503,
                    property.key_span,
                    format!("property `{}` is given twice", property.key.as_str()),
                    "given again here",
                )
                .secondary(first, "first given here")
                .help("keep one of them")
                .emit();
                continue;
            }
            seen.insert(property.key, property.key_span);
            let value = &property.value;
            match property.key {
                PropertyKey::Name | PropertyKey::Description => {
                    let text = match &value.kind {
                        LiteralKind::String(s) => Some(s.clone()),
                        other => {
                            self.wrong_value(value, "a string", other.describe());
                            None
                        }
                    };
                    if property.key == PropertyKey::Name {
                        def.name = text;
                    } else {
                        def.description = text;
                    }
                }
                PropertyKey::AppliesTo => {
                    let word = match &value.kind {
                        LiteralKind::Word(w) | LiteralKind::String(w) => w.as_str(),
                        _ => "",
                    };
                    match Audience::parse(word) {
                        Some(audience) => def.applies_to = audience,
                        None => {
                            let mut b = self
                                .error(Code::E0505, value.span, format!("`applies_to` takes visitors, registered or everyone, not `{}`", &word), "unknown audience")
                                .help("visitors: shoppers not signed in; registered: signed-in customers; everyone: both (the default)");
                            if let Some(s) =
                                did_you_mean(word, ["visitors", "registered", "everyone"])
                            {
                                b = b.suggest(value.span, s);
                            }
                            b.emit();
                        }
                    }
                }
                PropertyKey::Websites => match &value.kind {
                    LiteralKind::List(items) if items.is_empty() => {
                        self.error(
                            Code::E0505,
                            value.span,
                            "`websites` lists no website",
                            "empty list",
                        )
                        .help("list website codes, or leave `websites` out to mean every website")
                        .emit();
                    }
                    LiteralKind::List(items) => {
                        let mut codes = Vec::new();
                        for item in items {
                            match &item.kind {
                                LiteralKind::String(s) => codes.push(s.clone()),
                                other => self.wrong_value(
                                    item,
                                    "a website code string",
                                    other.describe(),
                                ),
                            }
                        }
                        def.websites = Some(codes);
                    }
                    other => self.wrong_value(
                        value,
                        "a list of website codes such as [\"base\"]",
                        other.describe(),
                    ),
                },
                PropertyKey::Active => match value.kind {
                    LiteralKind::Bool(b) => def.active = b,
                    ref other => self.wrong_value(value, "true or false", other.describe()),
                },
            }
        }
    }

    fn wrong_value(&mut self, literal: &ast::Literal, expected: &str, found: &str) {
        let mut b = self.error(
            Code::E0302,
            literal.span,
            format!("expected {expected}, found {found}"),
            format!("expected {expected}"),
        );
        if let LiteralKind::Word(word) = &literal.kind {
            if expected.contains("string") {
                b = b
                    .help("strings are written in double quotes")
                    .suggest(literal.span, format!("\"{word}\""));
            }
        }
        b.emit();
    }

    // ---- Conditions -------------------------------------------------------------------------

    fn condition(&mut self, condition: &ast::Condition, scope: Scope) -> Cond {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            self.condition_inner(condition, scope)
        })
    }

    fn conditions(&mut self, block: &ast::Block, scope: Scope) -> Vec<Cond> {
        block
            .conditions
            .iter()
            .map(|c| self.condition(c, scope))
            .collect()
    }

    fn condition_inner(&mut self, condition: &ast::Condition, scope: Scope) -> Cond {
        match condition {
            ast::Condition::Combiner { kind, block, .. } => {
                let inner = self.conditions(block, scope);
                match kind {
                    ast::CombinerKind::All => Cond::All(inner),
                    ast::CombinerKind::Any => Cond::Any(inner),
                    ast::CombinerKind::None => Cond::None(inner),
                }
            }
            ast::Condition::Not { inner, .. } => Cond::Not(Box::new(self.condition(inner, scope))),
            ast::Condition::SegmentRef { target, span, .. } => self.segment_ref(target, *span),
            ast::Condition::Quantified {
                quantifier,
                keyword,
                collection,
                window,
                block,
                ..
            } => {
                // Without the collection the block's fields cannot be resolved; checking them
                // anyway would only add errors that follow from this one.
                let Some(resolved) = self.collection(collection, scope) else {
                    return Cond::Invalid;
                };
                let inner_scope = self.enter(resolved, collection.span, scope);
                if resolved.is_single() {
                    self.error(
                        Code::E0404,
                        *keyword,
                        format!(
                            "`{}` is a single address and takes no quantifier",
                            collection.text()
                        ),
                        "no quantifier here",
                    )
                    .help(format!(
                        "write `{} {{ … }}`: it holds when the address exists and matches",
                        collection.text()
                    ))
                    .suggest(
                        Span::new(keyword.start as usize, collection.span.start as usize),
                        "",
                    )
                    .emit();
                    self.conditions(block, inner_scope);
                    return Cond::Invalid;
                }
                let window = window
                    .as_ref()
                    .and_then(|w| self.window(w, resolved, collection));
                let body = Cond::All(self.conditions(block, inner_scope));
                Cond::Quantified {
                    quantifier: *quantifier,
                    collection: resolved,
                    window,
                    body: Box::new(body),
                }
            }
            ast::Condition::Single {
                collection, block, ..
            } => {
                // Without the collection the block's fields cannot be resolved; checking them
                // anyway would only add errors that follow from this one.
                let Some(resolved) = self.collection(collection, scope) else {
                    return Cond::Invalid;
                };
                let inner_scope = self.enter(resolved, collection.span, scope);
                if !resolved.is_single() {
                    self.error(
                        Code::E0404,
                        collection.span,
                        format!("`{}` is a list: say whether any, all or no element must match", collection.text()),
                        "needs a quantifier",
                    )
                    .help(format!("write `any {} {{ … }}` (at least one), `all …` (every one) or `no …` (none)", collection.text()))
                    .suggest(Span::new(collection.span.start as usize, collection.span.start as usize), "any ")
                    .emit();
                    self.conditions(block, inner_scope);
                    return Cond::Invalid;
                }
                let body = Cond::All(self.conditions(block, inner_scope));
                Cond::Single {
                    collection: resolved,
                    body: Box::new(body),
                }
            }
            ast::Condition::Aggregate {
                function,
                keyword: _,
                path,
                window,
                filter,
                operation,
                ..
            } => self.aggregate(
                *function,
                path,
                window.as_ref(),
                filter.as_ref(),
                operation,
                scope,
            ),
            ast::Condition::Comparison {
                path, operation, ..
            } => {
                let Some(field) = self.field(path, scope) else {
                    return Cond::Invalid;
                };
                match self.test(&field, &path.text(), operation) {
                    Some(test) => Cond::Compare { field, test },
                    None => Cond::Invalid,
                }
            }
        }
    }

    fn segment_ref(&mut self, target: &ast::Ident, span: Span) -> Cond {
        match self.ids.get(target.name.as_str()) {
            Some(&index) => {
                self.references.push(Reference {
                    target: index,
                    span,
                });
                Cond::InSegment(index)
            }
            None => {
                let names: Vec<&str> = self.ids.keys().copied().collect();
                let mut b = self
                    .error(Code::E0205, target.span, format!("no segment has the id `{}`", target.name), "unknown segment")
                    .help("`in segment` takes the id written after `segment` in some file checked together with this one");
                if let Some(s) = did_you_mean(&target.name, names) {
                    b = b.did_you_mean(target.span, s);
                }
                b.emit();
                Cond::Invalid
            }
        }
    }

    /// The scope inside a collection's block; reports the collection if it is logged-in-only.
    fn enter(&mut self, collection: Collection, span: Span, scope: Scope) -> Scope {
        let mut inner = Scope {
            element: Some(collection),
            audience_reported: scope.audience_reported,
        };
        if scope.element.is_none() && collection.logged_in_only() {
            let what = format!("`{}`", collection.name());
            inner.audience_reported |= self.logged_in_only(span, &what, scope);
        }
        inner
    }

    /// Reports a logged-in-only condition per the segment's audience. Returns whether it did.
    fn logged_in_only(&mut self, span: Span, what: &str, scope: Scope) -> bool {
        if scope.audience_reported {
            return false;
        }
        match self.audience {
            Audience::Registered => false,
            Audience::Visitors => {
                self.error(Code::E0601, span, format!("{what} only exists for logged-in customers, but this segment applies to visitors"), "never true for a visitor")
                    .help("remove the condition, or change the segment to `applies_to registered`")
                    .emit();
                true
            }
            Audience::Everyone => {
                self.error(Code::W0602, span, format!("{what} only exists for logged-in customers: this condition is never true for visitors"), "logged-in-only")
                    .help("if the segment is meant for customers only, say `applies_to registered`")
                    .emit();
                true
            }
        }
    }

    /// Resolves a collection path (`orders`, `orders.items`, `items` inside an order).
    fn collection(&mut self, path: &ast::Path, scope: Scope) -> Option<Collection> {
        let (collection, used) = self.collection_prefix(path, scope)?;
        if let Some(extra) = path.segments.get(used) {
            let children: &[&str] = if collection == Collection::Orders {
                &["items"]
            } else {
                &[]
            };
            let mut b = self.error(
                Code::E0204,
                extra.span,
                format!("`{}` has no collection `{}`", collection.name(), extra.name),
                "unknown collection",
            );
            b = match did_you_mean(&extra.name, children.iter().copied()) {
                Some(s) => b.did_you_mean(extra.span, s),
                None if children.is_empty() => b.help(format!(
                    "`{}` holds no collection to chain",
                    collection.name()
                )),
                None => b.help(format!(
                    "`{}` chains with: {}",
                    collection.name(),
                    children.join(", ")
                )),
            };
            b.emit();
            return None;
        }
        Some(collection)
    }

    /// Resolves the longest prefix of `path` that names a collection; returns it and how many
    /// segments it used. Reports (and returns None) when the first segment is no collection.
    fn collection_prefix(&mut self, path: &ast::Path, scope: Scope) -> Option<(Collection, usize)> {
        let first = &path.segments[0];
        let found = scope
            .element
            .and_then(|c| c.child(&first.name))
            .or_else(|| Collection::root(&first.name));
        let Some(mut collection) = found else {
            let mut names: Vec<&str> = Collection::ROOT.iter().map(|c| c.name()).collect();
            if let Some(element) = scope.element {
                names.extend(element.children());
            }
            let mut b = self.error(
                Code::E0204,
                first.span,
                format!("unknown collection `{}`", first.name),
                "not a collection",
            );
            b = match did_you_mean(&first.name, names.iter().copied()) {
                Some(s) => b.did_you_mean(first.span, s),
                None => b.help(format!("collections: {}", names.join(", "))),
            };
            b.emit();
            return None;
        };
        // `orders.items` flattens every order's lines: it is `ordered_products`, not the lines
        // of one order (that is `items` inside an `orders` block).
        let mut used = 1;
        if collection == Collection::Orders
            && path.segments.get(1).is_some_and(|s| s.name == "items")
        {
            collection = Collection::OrderedProducts;
            used = 2;
        }
        Some((collection, used))
    }

    // ---- Fields -----------------------------------------------------------------------------

    /// Resolves a path to a field in `scope`.
    fn field(&mut self, path: &ast::Path, scope: Scope) -> Option<Field> {
        let segments = &path.segments;
        let first = &segments[0];
        let element = scope.element.map(Collection::element);
        let (field, used) = match first.name.as_str() {
            "customer" => {
                let attribute = self.attribute_segment(path, Entity::Customer, "customer")?;
                self.logged_in_only(
                    path.span,
                    &format!("`customer.{}`", segments[1].name),
                    scope,
                );
                (attribute, 2)
            }
            "cart" => {
                let Some(name) = segments.get(1) else {
                    self.needs_member(first, "cart", "cart.subtotal");
                    return None;
                };
                match model::CART_FIELDS.iter().find(|(n, _)| *n == name.name) {
                    Some(&(n, ty)) => (
                        Field {
                            source: FieldSource::Cart(n),
                            ty,
                            options: Vec::new(),
                        },
                        2,
                    ),
                    None => {
                        let names = model::CART_FIELDS.iter().map(|(n, _)| *n);
                        let mut b = self.error(
                            Code::E0203,
                            name.span,
                            format!("the cart has no field `{}`", name.name),
                            "unknown field",
                        );
                        b = match did_you_mean(&name.name, names.clone()) {
                            Some(s) => b.did_you_mean(name.span, s),
                            None => b.help(format!(
                                "cart fields: {}",
                                names.collect::<Vec<_>>().join(", ")
                            )),
                        };
                        b.emit();
                        return None;
                    }
                }
            }
            "logged_in" => (
                Field {
                    source: FieldSource::LoggedIn,
                    ty: AttrType::Boolean,
                    options: Vec::new(),
                },
                1,
            ),
            "product" if element.is_some_and(ElementKind::has_product) => {
                (self.attribute_segment(path, Entity::Product, "product")?, 2)
            }
            name => {
                if let Some(ty) = element.and_then(|e| e.builtin_field(name)) {
                    let source = FieldSource::Element(
                        element
                            .and_then(|e| e.builtin_fields().iter().find(|(n, _)| *n == name))
                            .map_or("", |(n, _)| *n),
                    );
                    (
                        Field {
                            source,
                            ty,
                            options: Vec::new(),
                        },
                        1,
                    )
                } else if let Some(entity) = element.and_then(ElementKind::attribute_entity) {
                    (self.attribute(entity, first)?, 1)
                } else {
                    self.unknown_field(path, scope);
                    return None;
                }
            }
        };
        if let Some(extra) = segments.get(used) {
            self.error(
                Code::E0203,
                extra.span,
                format!(
                    "`{}` has no field `{}`",
                    segments[..used]
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join("."),
                    extra.name
                ),
                "unknown field",
            )
            .help("this field holds a value, not a record")
            .emit();
            return None;
        }
        Some(field)
    }

    fn needs_member(&mut self, ident: &ast::Ident, what: &str, example: &str) {
        self.error(
            Code::E0203,
            ident.span,
            format!("`{what}` needs a field after it"),
            "incomplete path",
        )
        .help(format!("write for example `{example}`"))
        .emit();
    }

    /// `customer.<attr>` / `product.<attr>`: the second segment is a schema attribute.
    fn attribute_segment(
        &mut self,
        path: &ast::Path,
        entity: Entity,
        prefix: &str,
    ) -> Option<Field> {
        let Some(name) = path.segments.get(1) else {
            let example = if entity == Entity::Product {
                "product.category_ids"
            } else {
                "customer.group"
            };
            self.needs_member(&path.segments[0], prefix, example);
            return None;
        };
        self.attribute(entity, name)
    }

    /// Looks an attribute up in the schema and checks its "use in …" flag.
    fn attribute(&mut self, entity: Entity, name: &ast::Ident) -> Option<Field> {
        let schema = self.schema;
        let Some(attribute) = schema.attribute(entity, &name.name) else {
            let attributes = schema.attributes(entity);
            let enabled = attributes
                .iter()
                .filter(|a| a.enabled(entity))
                .map(|a| a.code.as_str());
            let mut b = self.error(
                Code::E0201,
                name.span,
                format!("unknown {} attribute `{}`", entity_words(entity), name.name),
                "not in the schema",
            );
            b = match did_you_mean(&name.name, enabled)
                .or_else(|| did_you_mean(&name.name, attributes.iter().map(|a| a.code.as_str())))
            {
                Some(s) => b.did_you_mean(name.span, s),
                None => b.help(format!(
                    "declare it in the schema's `{}` list",
                    entity.as_str()
                )),
            };
            b.emit();
            return None;
        };
        if !attribute.enabled(entity) {
            let flag = Attribute::flag_name(entity);
            let property = if entity == Entity::Product {
                "Use for Promo Rule Conditions"
            } else {
                "Use in Customer Segment"
            };
            let mut b = self
                .error(
                    Code::E0202,
                    name.span,
                    format!("{} attribute `{}` is not enabled for {}", entity_words(entity), name.name, if entity == Entity::Product { "promo rules" } else { "customer segments" }),
                    "not enabled",
                )
                .help(format!(
                    "set \"{flag}\": true on the `{}` entry of the schema's `{}` list (Magento: {property} = Yes)",
                    attribute.code,
                    entity.as_str()
                ));
            if let Some(schema_file) = schema.file {
                b = b.secondary_in(schema_file, attribute.span, "declared here");
            }
            b.emit();
        }
        Some(Field {
            source: attribute_source(entity, &attribute.code),
            ty: attribute.ty,
            options: attribute.options.clone(),
        })
    }

    fn unknown_field(&mut self, path: &ast::Path, scope: Scope) {
        let first = &path.segments[0];
        if Collection::root(&first.name).is_some()
            || scope.element.and_then(|c| c.child(&first.name)).is_some()
        {
            self.error(Code::E0404, first.span, format!("`{}` is a collection, not a field", first.name), "a collection")
                .help(format!(
                    "test its elements with `any {0} {{ … }}` / `all …` / `no …`, or aggregate with `count({0})`",
                    first.name
                ))
                .emit();
            return;
        }
        let mut names: Vec<String> = vec!["customer".into(), "cart".into(), "logged_in".into()];
        let here = match scope.element {
            Some(collection) => {
                let element = collection.element();
                names.extend(element.builtin_fields().iter().map(|(n, _)| n.to_string()));
                if let Some(entity) = element.attribute_entity() {
                    names.extend(
                        self.schema
                            .attributes(entity)
                            .iter()
                            .filter(|a| a.enabled(entity))
                            .map(|a| a.code.clone()),
                    );
                }
                if element.has_product() {
                    names.push("product".into());
                }
                format!("inside `{}`", collection.name())
            }
            None => "at the top of a segment".to_string(),
        };
        let mut b = self.error(
            Code::E0203,
            first.span,
            format!("unknown field `{}` {here}", first.name),
            "unknown field",
        );
        b = match did_you_mean(&first.name, names.iter().map(String::as_str)) {
            Some(s) => b.did_you_mean(first.span, s),
            None if scope.element.is_none() => b.help(
                "top-level conditions read `customer.<attribute>`, `cart.<field>`, `logged_in`, or a collection such as `any orders { … }`",
            ),
            None => b.help(format!("fields here: {}", names.join(", "))),
        };
        b.emit();
    }

    // ---- Aggregates and windows -------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn aggregate(
        &mut self,
        function: hir::AggregateFn,
        path: &ast::Path,
        window: Option<&ast::Window>,
        filter: Option<&ast::Filter>,
        operation: &ast::Operation,
        scope: Scope,
    ) -> Cond {
        let resolved = self.collection_prefix(path, scope);
        let Some((collection, used)) = resolved else {
            return Cond::Invalid;
        };
        let collection_span = path.segments[0].span.cover(path.segments[used - 1].span);
        let inner_scope = self.enter(collection, collection_span, scope);
        let window = window.and_then(|w| self.window(w, collection, path));
        let filter_cond = Cond::All(
            filter
                .map(|f| self.conditions(&f.block, inner_scope))
                .unwrap_or_default(),
        );
        if collection.is_single() {
            self.error(
                Code::E0403,
                collection_span,
                format!(
                    "`{}` is a single address, not a collection to aggregate",
                    collection.name()
                ),
                "not a list",
            )
            .help("aggregates run over lists such as `orders`, `cart_items` or `orders.items`")
            .emit();
            return Cond::Invalid;
        }
        let field_path = &path.segments[used..];
        let field = if field_path.is_empty() {
            None
        } else {
            let sub = ast::Path {
                segments: field_path.to_vec(),
                span: field_path[0]
                    .span
                    .cover(field_path[field_path.len() - 1].span),
            };
            match self.field(&sub, inner_scope) {
                Some(f) => Some((f, sub.span)),
                None => return Cond::Invalid,
            }
        };
        let name = function.as_str();
        let result = match (function, &field) {
            (hir::AggregateFn::Count, None) => AttrType::Integer,
            (hir::AggregateFn::Count, Some((_, span))) => {
                self.error(Code::E0403, *span, "`count` counts elements and takes no field", "remove this field")
                    .help(format!("write `count({})`; to skip elements without the field, add `where {{ … is not empty }}`", collection.name()))
                    .suggest(Span::new(path.segments[used - 1].span.end as usize, span.end as usize), "")
                    .emit();
                return Cond::Invalid;
            }
            (_, None) => {
                self.error(
                    Code::E0403,
                    path.span,
                    format!("`{name}` needs a numeric field of `{}`", collection.name()),
                    "no field",
                )
                .help(format!(
                    "write for example `{name}({}.{})`",
                    path.text(),
                    numeric_example(collection)
                ))
                .emit();
                return Cond::Invalid;
            }
            (_, Some((f, span))) => {
                if !f.ty.is_numeric() {
                    self.error(Code::E0402, *span, format!("`{name}` needs a number, but this field is {}", type_words(f.ty)), "not numeric")
                        .help("aggregate an integer or decimal field, or count the elements with `count(…)`")
                        .emit();
                    return Cond::Invalid;
                }
                match function {
                    hir::AggregateFn::Avg => AttrType::Decimal,
                    _ => f.ty,
                }
            }
        };
        let result_field = Field {
            source: FieldSource::Element("aggregate"),
            ty: result,
            options: Vec::new(),
        };
        let Some(test) = self.test(&result_field, &format!("{name}(…)"), operation) else {
            return Cond::Invalid;
        };
        Cond::Aggregate {
            function,
            collection,
            field: field.map(|(f, _)| f),
            window,
            filter: Box::new(filter_cond),
            result,
            test,
        }
    }

    fn window(
        &mut self,
        window: &ast::Window,
        collection: Collection,
        path: &ast::Path,
    ) -> Option<hir::Window> {
        if collection.time_field().is_none() {
            self.error(Code::E0401, window.keyword, format!("`{}` has no time field, so it takes no time window", path.text()), "no time to filter on")
                .help("windows filter collections with a time: cart_items, wishlist_items, viewed_products, orders, ordered_products")
                .emit();
            return None;
        }
        let instant =
            |c: &mut Self, literal: &ast::Literal| c.value(literal, AttrType::Datetime, &[]);
        Some(match &window.kind {
            ast::WindowKind::WithinLast(duration) => {
                let (amount, unit) = self.duration(duration, true)?;
                hir::Window::WithinLast { amount, unit }
            }
            ast::WindowKind::Between(from, to) => {
                let (from, to) = (instant(self, from), instant(self, to));
                hir::Window::Between(from?, to?)
            }
            ast::WindowKind::After(at) => hir::Window::After(instant(self, at)?),
            ast::WindowKind::Before(at) => hir::Window::Before(instant(self, at)?),
        })
    }

    fn duration(
        &mut self,
        duration: &ast::Duration,
        hours_allowed: bool,
    ) -> Option<(i64, TimeUnit)> {
        let amount = match &duration.amount.kind {
            LiteralKind::Number(text) => text
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=MAX_DURATION).contains(n)),
            _ => None,
        };
        let unit = TimeUnit::parse(&duration.unit.name);
        if amount.is_none() {
            self.error(
                Code::E0305,
                duration.amount.span,
                "a duration counts whole units from 0 to 1,000,000",
                "not a whole number in range",
            )
            .help("write for example `30 days`")
            .emit();
        }
        match unit {
            None => {
                let units = if hours_allowed {
                    ["days", "hours", "weeks"].as_slice()
                } else {
                    ["days", "weeks"].as_slice()
                };
                let mut b = self.error(
                    Code::E0305,
                    duration.unit.span,
                    format!("unknown time unit `{}`", duration.unit.name),
                    "not a unit",
                );
                b = match did_you_mean(
                    &duration.unit.name,
                    ["days", "day", "hours", "hour", "weeks", "week"],
                ) {
                    Some(s) => b.did_you_mean(duration.unit.span, s),
                    None => b.help(format!("units: {}", units.join(", "))),
                };
                b.emit();
                None
            }
            Some(TimeUnit::Hours) if !hours_allowed => {
                self.error(
                    Code::E0305,
                    duration.unit.span,
                    "anniversaries count calendar days, not hours",
                    "hours not allowed here",
                )
                .help("write `anniversary within next N days` (or weeks)")
                .emit();
                None
            }
            Some(unit) => Some((amount?, unit)),
        }
    }

    // ---- Operators and literals -------------------------------------------------------------

    /// Checks an operation against a field's type and types its operands.
    fn test(&mut self, field: &Field, what: &str, operation: &ast::Operation) -> Option<Test> {
        let operator = operation.operator;
        let ty = field.ty;
        if !model::operators_for(ty).contains(&operator) {
            let valid: Vec<&str> = model::operators_for(ty)
                .iter()
                .map(|o| o.as_str())
                .collect();
            let help = if ty == AttrType::Boolean && operator == Operator::IsNot {
                "write `is false`, or `not … is true` to include shoppers without a value"
                    .to_string()
            } else {
                format!("operators for {}: {}", type_words(ty), valid.join(", "))
            };
            self.error(
                Code::E0301,
                operation.operator_span,
                format!(
                    "`{}` does not apply to `{what}`, which is {}",
                    operator.as_str(),
                    type_words(ty)
                ),
                "not valid for this type",
            )
            .help(help)
            .emit();
            return None;
        }
        let element_ty = ty;
        let operand = match (&operation.operands, operator) {
            (Operands::None, _) => Operand::None,
            (Operands::Duration(d), _) => {
                let (amount, unit) =
                    self.duration(d, operator != Operator::AnniversaryWithinNext)?;
                Operand::Duration { amount, unit }
            }
            (Operands::Two(a, b), _) => {
                let (a, b) = (
                    self.value(a, element_ty, &field.options),
                    self.value(b, element_ty, &field.options),
                );
                Operand::Two(a?, b?)
            }
            (Operands::One(literal), op) => {
                let wants_list = matches!(
                    op,
                    Operator::In
                        | Operator::NotIn
                        | Operator::ContainsAnyOf
                        | Operator::ContainsAllOf
                ) || (op == Operator::Is && ty == AttrType::Multiselect);
                match (&literal.kind, wants_list) {
                    (LiteralKind::List(items), true) => {
                        if items.is_empty() {
                            self.error(
                                Code::E0308,
                                literal.span,
                                format!("`{}` needs at least one value", op.as_str()),
                                "empty list",
                            )
                            .help(if op == Operator::Is {
                                "to test for no options, write `is empty`"
                            } else {
                                "list the values to compare with"
                            })
                            .emit();
                            return None;
                        }
                        let values: Vec<Option<Value>> = items
                            .iter()
                            .map(|i| self.value(i, element_ty, &field.options))
                            .collect();
                        Operand::List(values.into_iter().collect::<Option<Vec<_>>>()?)
                    }
                    (_, true) => {
                        self.error(
                            Code::E0302,
                            literal.span,
                            format!(
                                "`{}` takes a list, found {}",
                                op.as_str(),
                                literal.kind.describe()
                            ),
                            "expected a list",
                        )
                        .help("write the values in brackets")
                        .suggest(literal.span, format!("[{}]", source_text_of(literal)))
                        .emit();
                        return None;
                    }
                    (LiteralKind::List(_), false) => {
                        let mut b = self.error(
                            Code::E0302,
                            literal.span,
                            format!("`{}` takes one value, found a list", op.as_str()),
                            "expected one value",
                        );
                        if matches!(op, Operator::Is | Operator::IsNot) {
                            b = b.help(format!(
                                "to match any of several values, write `{} […]`",
                                if op == Operator::Is { "in" } else { "not in" }
                            ));
                        } else if op == Operator::Contains && ty == AttrType::Multiselect {
                            b = b.help("write `contains any of […]` or `contains all of […]`");
                        }
                        b.emit();
                        return None;
                    }
                    (_, false) => Operand::One(self.value(literal, element_ty, &field.options)?),
                }
            }
        };
        Some(Test { operator, operand })
    }

    /// Types one literal against the type it is compared with.
    fn value(&mut self, literal: &ast::Literal, ty: AttrType, options: &[String]) -> Option<Value> {
        let span = literal.span;
        let mismatch = |c: &mut Self| {
            let mut b = c.error(
                Code::E0302,
                span,
                format!(
                    "expected {}, found {}",
                    value_words(ty),
                    literal.kind.describe()
                ),
                format!("expected {}", value_words(ty)),
            );
            match (&literal.kind, ty) {
                (
                    LiteralKind::Word(w),
                    AttrType::String | AttrType::Select | AttrType::Multiselect,
                ) => {
                    b = b
                        .help("strings are written in double quotes")
                        .suggest(span, format!("\"{w}\""));
                }
                (LiteralKind::Number(n), AttrType::Integer) if n.contains('.') => {
                    b = b.help("this field holds whole numbers");
                }
                (
                    LiteralKind::Number(n),
                    AttrType::String | AttrType::Select | AttrType::Multiselect,
                ) => {
                    b = b
                        .help("codes and texts are strings, even when they are digits")
                        .suggest(span, format!("\"{n}\""));
                }
                (LiteralKind::String(s), AttrType::Boolean) if s == "true" || s == "false" => {
                    b = b.suggest(span, s.clone());
                }
                _ => {}
            }
            b.emit();
            None
        };
        match (ty, &literal.kind) {
            (AttrType::String, LiteralKind::String(s)) => Some(Value::Str(s.clone())),
            (AttrType::Integer, LiteralKind::Number(n)) if !n.contains('.') => {
                match n.parse::<i64>() {
                    Ok(v) => Some(Value::Int(v)),
                    Err(_) => {
                        self.error(
                            Code::E0307,
                            span,
                            format!("{n} does not fit a 64-bit integer"),
                            "out of range",
                        )
                        .emit();
                        None
                    }
                }
            }
            (AttrType::Decimal, LiteralKind::Number(n)) => match Decimal::parse(n) {
                Ok(d) => Some(Value::Dec(d)),
                Err(DecimalError::TooPrecise) => {
                    self.error(Code::E0306, span, format!("{n} has more than 4 fractional digits"), "too precise")
                        .help("money and decimals carry at most 4 fractional digits, as Magento's DECIMAL(20,4)")
                        .emit();
                    None
                }
                Err(_) => {
                    self.error(
                        Code::E0307,
                        span,
                        format!("{n} is out of the decimal range"),
                        "out of range",
                    )
                    .help("decimals run from -922,337,203,685,477.5808 to 922,337,203,685,477.5807")
                    .emit();
                    None
                }
            },
            (AttrType::Boolean, LiteralKind::Bool(b)) => Some(Value::Bool(*b)),
            (AttrType::Date | AttrType::Datetime, LiteralKind::Date(text)) => {
                match parse_date(text) {
                    Ok(d) => Some(Value::Date(d)),
                    Err(why) => {
                        self.error(
                            Code::E0304,
                            span,
                            format!("`{text}` is not a valid date: {why}"),
                            "invalid date",
                        )
                        .emit();
                        None
                    }
                }
            }
            (AttrType::Date | AttrType::Datetime, LiteralKind::DateTime(text)) => {
                match parse_datetime(text) {
                    Ok(i) => Some(Value::DateTime(i)),
                    Err(why) => {
                        self.error(Code::E0304, span, format!("`{text}` is not a valid datetime: {why}"), "invalid datetime")
                        .help("write RFC 3339 with a zone, e.g. 2026-01-31T09:30:00Z or 2026-01-31T18:30:00+09:00")
                        .emit();
                        None
                    }
                }
            }
            (AttrType::Select | AttrType::Multiselect, LiteralKind::String(s)) => {
                let folded = s.to_lowercase();
                match options.iter().find(|o| o.to_lowercase() == folded) {
                    Some(option) => Some(Value::Str(option.clone())),
                    None => {
                        let mut b = self.error(
                            Code::E0303,
                            span,
                            format!("\"{s}\" is not an option of this attribute"),
                            "unknown option",
                        );
                        b = match did_you_mean(s, options.iter().map(String::as_str)) {
                            Some(o) => b
                                .help(format!("did you mean \"{o}\"?"))
                                .suggest(span, format!("\"{o}\"")),
                            None => b.help(format!(
                                "options: {}",
                                options
                                    .iter()
                                    .map(|o| format!("\"{o}\""))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        };
                        b.emit();
                        None
                    }
                }
            }
            _ => mismatch(self),
        }
    }
}

/// Collects the parts of one diagnostic and reports it on `emit`.
struct DiagnosticBuilder<'c, 'a> {
    checker: &'c mut SegmentChecker<'a>,
    diagnostic: Option<Diagnostic>,
}

impl DiagnosticBuilder<'_, '_> {
    fn map(mut self, f: impl FnOnce(Diagnostic) -> Diagnostic) -> Self {
        self.diagnostic = self.diagnostic.take().map(f);
        self
    }

    fn help(self, help: impl Into<String>) -> Self {
        self.map(|d| d.with_help(help))
    }

    fn secondary(self, span: Span, message: &str) -> Self {
        let file = self.checker.file;
        self.map(|d| d.with_secondary(Label::new(file, span, message)))
    }

    fn secondary_in(self, file: FileId, span: Span, message: &str) -> Self {
        self.map(|d| d.with_secondary(Label::new(file, span, message)))
    }

    fn suggest(self, span: Span, replacement: impl Into<String>) -> Self {
        let file = self.checker.file;
        let replacement = replacement.into();
        self.map(|mut d| {
            d = d.with_suggestion(span, replacement);
            if let Some(s) = d.suggestion.as_mut() {
                s.file = file;
            }
            d
        })
    }

    fn did_you_mean(self, span: Span, name: &str) -> Self {
        self.help(format!("did you mean `{name}`?"))
            .suggest(span, name)
    }

    fn emit(mut self) {
        if let Some(mut d) = self.diagnostic.take() {
            d.primary.file = self.checker.file;
            self.checker.report(d);
        }
    }
}

fn attribute_source(entity: Entity, code: &str) -> FieldSource {
    match entity {
        Entity::Customer => FieldSource::Customer(code.to_string()),
        Entity::CustomerAddress => FieldSource::AddressAttribute(code.to_string()),
        Entity::Product => FieldSource::Product(code.to_string()),
    }
}

fn entity_words(entity: Entity) -> &'static str {
    match entity {
        Entity::Customer => "customer",
        Entity::CustomerAddress => "address",
        Entity::Product => "product",
    }
}

fn type_words(ty: AttrType) -> &'static str {
    match ty {
        AttrType::String => "a string",
        AttrType::Integer => "an integer",
        AttrType::Decimal => "a decimal",
        AttrType::Boolean => "a boolean",
        AttrType::Date => "a date",
        AttrType::Datetime => "a datetime",
        AttrType::Select => "a select (one option)",
        AttrType::Multiselect => "a multiselect (a set of options)",
    }
}

fn value_words(ty: AttrType) -> &'static str {
    match ty {
        AttrType::String => "a string",
        AttrType::Integer => "an integer",
        AttrType::Decimal => "a number",
        AttrType::Boolean => "true or false",
        AttrType::Date | AttrType::Datetime => "a date or datetime",
        AttrType::Select | AttrType::Multiselect => "an option string",
    }
}

fn numeric_example(collection: Collection) -> &'static str {
    match collection.element() {
        ElementKind::Order => "grand_total",
        ElementKind::Address => "",
        _ => "qty",
    }
}

/// How a literal reads in a suggestion (`VIP` → `"VIP"` inside a list).
fn source_text_of(literal: &ast::Literal) -> String {
    match &literal.kind {
        LiteralKind::String(s) => format!("{s:?}"),
        LiteralKind::Number(n) | LiteralKind::Date(n) | LiteralKind::DateTime(n) => n.clone(),
        LiteralKind::Word(w) => format!("\"{w}\""),
        LiteralKind::Bool(b) => b.to_string(),
        LiteralKind::List(_) => String::new(),
    }
}
