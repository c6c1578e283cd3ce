//! Completion: what may be typed at the cursor, from the schema, the built-in model, the
//! operators of the field's type and the project's segment ids.
//!
//! The cursor's context comes from walking the tokens of the segment around it ([`Scan`]), so it
//! works on half-typed text that does not parse. Attributes whose "Use in Customer Segment" (or
//! "Use for Promo Rule Conditions") flag is off are offered too, marked `enabled: false` and
//! listed after the others, so the editor can show them as unusable instead of hiding them.

use std::path::Path;

use seg_check::model::{self, Collection, ElementKind};
use seg_diag::Span;
use seg_schema::{AttrType, Attribute, Entity, Schema};
use seg_syntax::ast::{Operator, PropertyKey};
use seg_syntax::lexer::TokenKind;
use seg_syntax::printer::quote_string;

use crate::analysis::Analysis;
use crate::file::is_word;
use crate::scan::{
    collection_prefix, Expect, FieldRef, OperandStage, PathKind, Scan, WindowStage, SPELLINGS,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    /// A segment property: `name`, `applies_to` …
    Property,
    /// A schema attribute (customer, address or product).
    Attribute,
    /// A built-in field (`cart.subtotal`, `status`, `logged_in` …).
    Field,
    Collection,
    /// `customer`, `cart`, `product`: the start of a path.
    Namespace,
    Operator,
    /// A select option, an audience, `true`/`false`.
    Value,
    Segment,
    /// An aggregate: `count(`, `sum(` …
    Function,
    /// A duration unit.
    Unit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// One line shown next to the label: the type and label of an attribute, what an operator
    /// means, a segment's name.
    pub detail: Option<String>,
    /// Markdown shown for the selected item.
    pub documentation: Option<String>,
    /// The text that replaces [`CompletionItem::replace`].
    pub insert: String,
    /// The text the editor matches what was typed against.
    pub filter: String,
    /// The text being completed (the word or string at the cursor), empty when none.
    pub replace: Span,
    /// False for an attribute whose schema flag forbids it in conditions (see the module docs).
    pub enabled: bool,
}

/// What the cursor is in: a word being typed, a string being typed, or neither.
struct Cursor {
    /// Tokens before this index are walked.
    stop: usize,
    replace: Span,
    in_string: bool,
}

impl Analysis {
    /// Completions at a byte offset of a `.seg` file. `trigger` is the character whose typing
    /// asked for them (`.`, ` ` or `"`), if any: such requests are answered only where that
    /// character leads somewhere specific, so that typing a space does not pop up every keyword.
    pub fn completions(
        &self,
        path: &Path,
        offset: usize,
        trigger: Option<char>,
    ) -> Vec<CompletionItem> {
        let Some(file) = self.file(path) else {
            return Vec::new();
        };
        let text = file.text();
        let tokens = file.tokens();
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let Some(cursor) = cursor(text, tokens, offset) else {
            return Vec::new();
        };
        let first = file
            .outline()
            .iter()
            .rev()
            .find(|s| s.first_token < cursor.stop)
            .map_or(0, |s| s.first_token);
        let mut scan = Scan::run(text, tokens, self.schema(), first..cursor.stop);
        let expect = scan.expect();
        let wanted = match trigger {
            Some('.') => matches!(expect, Expect::Member { .. }),
            Some('"') => cursor.in_string,
            Some(' ') => matches!(
                expect,
                Expect::Operator { .. }
                    | Expect::Operand { .. }
                    | Expect::ListItem { .. }
                    | Expect::SegmentId { .. }
                    | Expect::SegmentAfterIn
                    | Expect::Collection { .. }
                    | Expect::Window(WindowStage::Unit)
                    | Expect::PropertyValue(PropertyKey::AppliesTo | PropertyKey::Active)
            ),
            _ => true,
        };
        if !wanted {
            return Vec::new();
        }
        let values_only = cursor.in_string;
        let mut items = Items {
            list: Vec::new(),
            replace: cursor.replace,
            quoted: cursor.in_string,
        };
        let schema = self.schema();
        match expect {
            _ if values_only && !is_value_context(&expect) => {}
            Expect::Nothing => {}
            Expect::SegmentKeyword => items.keyword("segment", "declares a segment"),
            Expect::Condition { scope, properties } => {
                if let Some(given) = properties {
                    for key in PropertyKey::ALL {
                        if !given.contains(&key) {
                            items.push(
                                key.as_str(),
                                CompletionKind::Property,
                                Some(property_detail(key)),
                            );
                        }
                    }
                }
                condition_items(&mut items, schema, scope);
            }
            Expect::PropertyValue(PropertyKey::AppliesTo) => {
                for (audience, detail) in [
                    ("everyone", "visitors and signed-in customers (the default)"),
                    ("registered", "signed-in customers only"),
                    ("visitors", "shoppers who are not signed in"),
                ] {
                    items.push(audience, CompletionKind::Value, Some(detail));
                }
            }
            Expect::PropertyValue(PropertyKey::Active) => {
                items.push(
                    "true",
                    CompletionKind::Value,
                    Some("evaluated (the default)"),
                );
                items.push("false", CompletionKind::Value, Some("switched off"));
            }
            Expect::PropertyValue(_) => {}
            Expect::SegmentAfterIn => {
                items.keyword("segment", "in segment <id>: membership of another segment")
            }
            Expect::SegmentId { current } => self.segment_items(&mut items, current.as_deref()),
            Expect::Collection { scope } => {
                for collection in collections(scope, false) {
                    items.collection(collection);
                }
            }
            Expect::Member { path, kind, scope } => {
                member_items(&mut items, schema, &path, kind, scope)
            }
            Expect::AfterCollection {
                collection,
                windowed,
                in_paren,
            } => {
                if !windowed && collection.is_some_and(|c| c.time_field().is_some()) {
                    for (word, detail) in [
                        ("within last", "the last N days, hours or weeks"),
                        ("between", "between two dates or datetimes, both included"),
                        ("after", "after a date or datetime"),
                        ("before", "before a date or datetime"),
                    ] {
                        items.keyword(word, detail);
                    }
                }
                if in_paren {
                    items.keyword("where", "where { … }: only the elements matching the block");
                }
            }
            Expect::Window(WindowStage::Last) => items.keyword("last", "within last N days"),
            Expect::Window(WindowStage::BetweenAnd) => items.keyword("and", "between A and B"),
            Expect::Window(WindowStage::Unit) => unit_items(&mut items, true),
            Expect::Window(_) => {}
            Expect::Operator { field, words } => operator_items(&mut items, schema, field, &words),
            Expect::Operand {
                field,
                operator,
                stage,
            } => match stage {
                OperandStage::One => value_items(&mut items, schema, field, operator, &[]),
                OperandStage::And => items.keyword("and", "between A and B"),
                OperandStage::Unit => {
                    unit_items(&mut items, operator != Operator::AnniversaryWithinNext)
                }
                OperandStage::Ago => items.keyword("ago", "more than N days ago"),
                OperandStage::First | OperandStage::Second | OperandStage::Amount => {}
            },
            Expect::ListItem { field, listed } => {
                if let Some(field) = field {
                    option_items(&mut items, schema, field, &listed);
                }
            }
        }
        items.list
    }

    fn segment_items(&self, items: &mut Items, current: Option<&str>) {
        let mut seen: Vec<&str> = Vec::new();
        for file in &self.files {
            for segment in file.outline() {
                let id = segment.id.as_str();
                if id.is_empty() || Some(id) == current || seen.contains(&id) {
                    continue;
                }
                seen.push(id);
                let shown = self
                    .project
                    .as_ref()
                    .and_then(|p| file.path.strip_prefix(&p.root).ok())
                    .unwrap_or(&file.path);
                let mut item = items.item(id, CompletionKind::Segment, segment.title.clone());
                item.documentation =
                    Some(format!("defined in `{}`", crate::file::display_path(shown)));
                items.list.push(item);
            }
        }
    }
}

/// Finds what the cursor is in; `None` where nothing can be completed (inside a comment, a
/// number or a symbol).
fn cursor(text: &str, tokens: &[seg_syntax::lexer::Token], offset: usize) -> Option<Cursor> {
    let at = tokens.partition_point(|t| (t.span.end as usize) < offset);
    let empty = Span::new(offset, offset);
    let Some(token) = tokens.get(at) else {
        return Some(Cursor {
            stop: tokens.len(),
            replace: empty,
            in_string: false,
        });
    };
    let (start, end) = (token.span.start as usize, token.span.end as usize);
    if start >= offset {
        return Some(Cursor {
            stop: at,
            replace: empty,
            in_string: false,
        });
    }
    let unterminated = token.kind == TokenKind::Error && text[start..].starts_with('"');
    match token.kind {
        kind if kind.is_comment() => None,
        TokenKind::String if offset < end => Some(Cursor {
            stop: at,
            replace: token.span,
            in_string: true,
        }),
        TokenKind::Error if unterminated => Some(Cursor {
            stop: at,
            replace: Span::new(start, offset),
            in_string: true,
        }),
        kind if is_word(kind) => Some(Cursor {
            stop: at,
            replace: token.span,
            in_string: false,
        }),
        _ if offset == end => Some(Cursor {
            stop: at + 1,
            replace: empty,
            in_string: false,
        }),
        _ => None,
    }
}

/// Whether a value may stand at the cursor (where a string being typed can be completed).
fn is_value_context(expect: &Expect) -> bool {
    match expect {
        Expect::Operand {
            stage: OperandStage::One,
            ..
        }
        | Expect::ListItem { .. } => true,
        Expect::Operator { words, .. } => complete_operator(words).is_some(),
        _ => false,
    }
}

/// The operator spelt exactly by `words`, if any (`is`, `is not` …).
fn complete_operator(words: &[String]) -> Option<Operator> {
    let typed: Vec<&str> = words.iter().map(String::as_str).collect();
    SPELLINGS
        .iter()
        .find(|(s, _)| !typed.is_empty() && *s == typed.as_slice())
        .map(|(_, op)| *op)
}

/// The list being built, and how its items replace the text at the cursor.
struct Items {
    list: Vec<CompletionItem>,
    replace: Span,
    /// The cursor is inside a string: values are inserted quoted over it.
    quoted: bool,
}

impl Items {
    fn item(&self, label: &str, kind: CompletionKind, detail: Option<String>) -> CompletionItem {
        CompletionItem {
            label: label.to_string(),
            kind,
            detail,
            documentation: None,
            insert: label.to_string(),
            filter: label.to_string(),
            replace: self.replace,
            enabled: true,
        }
    }

    fn push(&mut self, label: &str, kind: CompletionKind, detail: Option<&str>) {
        if self.list.iter().any(|i| i.label == label) {
            return;
        }
        let item = self.item(label, kind, detail.map(str::to_string));
        self.list.push(item);
    }

    fn keyword(&mut self, word: &str, detail: &str) {
        self.push(word, CompletionKind::Keyword, Some(detail));
    }

    fn collection(&mut self, collection: Collection) {
        if self.list.iter().any(|i| i.label == collection.name()) {
            return;
        }
        let detail = collection_detail(collection);
        let mut item = self.item(collection.name(), CompletionKind::Collection, Some(detail));
        item.documentation = Some(crate::hover::collection_markdown(collection));
        self.list.push(item);
    }

    /// A select or multiselect option, quoted.
    fn option(&mut self, option: &str) {
        let quoted = quote_string(option);
        if self.list.iter().any(|i| i.insert == quoted) {
            return;
        }
        let mut item = self.item(&quoted, CompletionKind::Value, Some("option".to_string()));
        item.filter = if self.quoted {
            quoted.clone()
        } else {
            option.to_string()
        };
        self.list.push(item);
    }

    fn attribute(&mut self, schema: &Schema, entity: Entity, attribute: &Attribute) {
        let enabled = schema.enabled(attribute, entity);
        let mut detail = format!("{} · {}", attribute.ty, attribute.label);
        if !enabled {
            detail.push_str(&format!(" · not enabled ({} is false)", entity.flag_name()));
        }
        let mut item = self.item(&attribute.code, CompletionKind::Attribute, Some(detail));
        item.documentation = Some(crate::hover::attribute_markdown(entity, attribute));
        item.enabled = enabled;
        self.list.push(item);
    }

    fn field(&mut self, name: &str, ty: AttrType, what: &str) {
        self.push(name, CompletionKind::Field, Some(&format!("{ty} · {what}")));
    }
}

/// Enabled attributes first (in schema order), then the others, marked.
fn attribute_items(items: &mut Items, schema: &Schema, entity: Entity) {
    let attributes = schema.attributes(entity);
    for enabled in [true, false] {
        for attribute in attributes.iter().filter(|a| a.enabled(entity) == enabled) {
            items.attribute(schema, entity, attribute);
        }
    }
}

fn element_field_items(items: &mut Items, schema: &Schema, collection: Collection) {
    let element = collection.element();
    let what = element_words(element);
    for (name, ty) in element.builtin_fields() {
        items.field(name, *ty, what);
    }
    if let Some(entity) = element.attribute_entity() {
        attribute_items(items, schema, entity);
    }
    if element.has_product() {
        items.push(
            "product",
            CompletionKind::Namespace,
            Some("the catalog product of this item's sku"),
        );
    }
}

fn condition_items(items: &mut Items, schema: &Schema, scope: Option<Collection>) {
    if let Some(collection) = scope {
        element_field_items(items, schema, collection);
        for child in collection.children() {
            if let Some(c) = collection.child(child) {
                if c.is_single() {
                    items.collection(c);
                }
            }
        }
    }
    for (word, detail) in [
        (
            "all",
            "all { … }: every condition holds; all <collection> { … }: every element matches",
        ),
        (
            "any",
            "any { … }: at least one condition holds; any <collection> { … }: some element matches",
        ),
        ("none", "none { … }: no condition holds"),
        ("no", "no <collection> { … }: no element matches"),
        ("not", "not <condition>: the condition does not hold"),
    ] {
        items.keyword(word, detail);
    }
    let mut in_segment = items.item(
        "in segment",
        CompletionKind::Keyword,
        Some("membership of another segment".to_string()),
    );
    in_segment.insert = "in segment ".to_string();
    items.list.push(in_segment);
    for (function, detail) in [
        ("count", "count(collection …): the number of elements"),
        (
            "sum",
            "sum(collection.field …): the total of a numeric field",
        ),
        ("avg", "avg(collection.field …): the exact average"),
        ("min", "min(collection.field …): the smallest value"),
        ("max", "max(collection.field …): the largest value"),
    ] {
        let mut item = items.item(function, CompletionKind::Function, Some(detail.to_string()));
        item.insert = format!("{function}(");
        items.list.push(item);
    }
    items.push(
        "customer",
        CompletionKind::Namespace,
        Some("customer.<attribute>: the customer's attributes"),
    );
    items.push(
        "cart",
        CompletionKind::Namespace,
        Some("cart.<field>: the cart's totals"),
    );
    items.field(
        "logged_in",
        AttrType::Boolean,
        "whether the shopper is signed in",
    );
    for collection in [Collection::BillingAddress, Collection::ShippingAddress] {
        items.collection(collection);
    }
}

/// The collections a quantifier or an aggregate can range over in `scope`.
fn collections(scope: Option<Collection>, singles: bool) -> Vec<Collection> {
    let mut out = Vec::new();
    if let Some(collection) = scope {
        for child in collection.children() {
            if let Some(c) = collection.child(child) {
                if c.is_single() == singles {
                    out.push(c);
                }
            }
        }
    }
    out.extend(
        Collection::ROOT
            .into_iter()
            .filter(|c| c.is_single() == singles),
    );
    out
}

fn member_items(
    items: &mut Items,
    schema: &Schema,
    path: &[String],
    kind: PathKind,
    scope: Option<Collection>,
) {
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    let element = scope.map(Collection::element);
    match kind {
        PathKind::Condition => match names.as_slice() {
            ["customer"] => attribute_items(items, schema, Entity::Customer),
            ["cart"] => {
                for (name, ty) in model::CART_FIELDS {
                    items.field(name, *ty, "cart");
                }
            }
            ["product"] if element.is_some_and(ElementKind::has_product) => {
                attribute_items(items, schema, Entity::Product)
            }
            _ => {}
        },
        PathKind::Quantified => {
            if names == ["orders"] {
                items.collection(Collection::OrderItems);
            }
        }
        PathKind::Aggregate => {
            let Some((collection, used)) = collection_prefix(&names, scope) else {
                return;
            };
            let rest = &names[used..];
            match rest {
                [] => {
                    if collection == Collection::Orders {
                        items.collection(Collection::OrderItems);
                    }
                    element_field_items(items, schema, collection);
                }
                ["product"] if collection.element().has_product() => {
                    attribute_items(items, schema, Entity::Product)
                }
                _ => {}
            }
        }
    }
}

fn operator_items(items: &mut Items, schema: &Schema, field: Option<FieldRef>, words: &[String]) {
    let ty = field.and_then(|f| f.ty(schema));
    let operators: Vec<Operator> = match ty {
        Some(ty) => model::operators_for(ty).to_vec(),
        None => Operator::ALL.to_vec(),
    };
    let typed: Vec<&str> = words.iter().map(String::as_str).collect();
    // In a string only a value can be typed.
    let continuations = if items.quoted {
        &[][..]
    } else {
        &operators[..]
    };
    for operator in continuations {
        let spelling: Vec<&str> = operator.as_str().split(' ').collect();
        if spelling.len() <= typed.len() || spelling[..typed.len()] != *typed {
            continue;
        }
        let rest = spelling[typed.len()..].join(" ");
        let mut item = items.item(
            &rest,
            CompletionKind::Operator,
            Some(operator.describe().to_string()),
        );
        item.documentation = Some(crate::hover::operator_markdown(*operator));
        if !items.list.iter().any(|i| i.label == item.label) {
            items.list.push(item);
        }
    }
    // `is` typed in full: its value may come next as well as the rest of a longer operator.
    if let Some(operator) = complete_operator(words).filter(|op| operators.contains(op)) {
        value_items(items, schema, field, operator, &[]);
    }
}

/// The values that may follow an operator: options of a select or multiselect (for operators
/// taking one option), `true`/`false` for a boolean.
fn value_items(
    items: &mut Items,
    schema: &Schema,
    field: Option<FieldRef>,
    operator: Operator,
    listed: &[String],
) {
    let Some(field) = field else {
        return;
    };
    let Some(ty) = field.ty(schema) else {
        return;
    };
    match ty {
        AttrType::Boolean if operator == Operator::Is && !items.quoted => {
            items.push("true", CompletionKind::Value, None);
            items.push("false", CompletionKind::Value, None);
        }
        AttrType::Select if matches!(operator, Operator::Is | Operator::IsNot) => {
            option_items(items, schema, field, listed)
        }
        AttrType::Multiselect
            if matches!(operator, Operator::Contains | Operator::DoesNotContain) =>
        {
            option_items(items, schema, field, listed)
        }
        _ => {}
    }
}

fn option_items(items: &mut Items, schema: &Schema, field: FieldRef, listed: &[String]) {
    for option in field.options(schema) {
        let folded = option.to_lowercase();
        if listed.iter().any(|l| l.to_lowercase() == folded) {
            continue;
        }
        items.option(option);
    }
}

fn unit_items(items: &mut Items, hours: bool) {
    items.push("days", CompletionKind::Unit, None);
    if hours {
        items.push("hours", CompletionKind::Unit, None);
    }
    items.push("weeks", CompletionKind::Unit, None);
}

fn property_detail(key: PropertyKey) -> &'static str {
    match key {
        PropertyKey::Name => "name \"…\": the segment's display name",
        PropertyKey::Description => "description \"…\"",
        PropertyKey::AppliesTo => "applies_to visitors | registered | everyone",
        PropertyKey::Websites => "websites [\"base\"]: only these websites",
        PropertyKey::Active => "active true | false",
    }
}

pub(crate) fn element_words(element: ElementKind) -> &'static str {
    match element {
        ElementKind::Address => "address field",
        ElementKind::CartItem => "cart item field",
        ElementKind::WishlistItem => "wishlist item field",
        ElementKind::ViewedProduct => "viewed product field",
        ElementKind::Order => "order field",
        ElementKind::OrderLine => "order line field",
    }
}

fn collection_detail(collection: Collection) -> String {
    let kind = if collection.is_single() {
        "single address"
    } else {
        "collection"
    };
    match collection.time_field() {
        Some(time) => format!("{kind} · time field {time}"),
        None => kind.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_knows_words_strings_and_comments() {
        let text = "a.bc \"x\" // c\n\"un";
        let tokens = seg_syntax::lexer::tokenize(text);
        let at = |offset| {
            cursor(text, &tokens, offset).map(|c| (c.stop, c.replace.range(), c.in_string))
        };
        assert_eq!(at(0), Some((0, 0..0, false)));
        assert_eq!(at(4), Some((2, 2..4, false)));
        assert_eq!(at(2), Some((2, 2..2, false)));
        assert_eq!(at(6), Some((3, 5..8, true)));
        assert_eq!(at(8), Some((4, 8..8, false)));
        assert_eq!(at(11), None);
        assert_eq!(at(17), Some((5, 14..17, true)));
    }
}
