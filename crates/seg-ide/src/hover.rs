//! Hover: what the word under the cursor is. Attributes show their label, type, options and
//! whether their schema flag lets segments read them; built-in fields and collections what they
//! hold; operators what they mean; segment ids the segment's name, description and doc comment.
//! The text is Markdown.

use std::path::Path;

use seg_check::model::{self, Collection};
use seg_diag::Span;
use seg_schema::{Attribute, Entity};
use seg_syntax::ast::{AggregateFn, Operator, PropertyKey};

use crate::analysis::Analysis;
use crate::completion::element_words;
use crate::file::{display_path, is_word};
use crate::scan::{is_symbol, FieldRef, Namespace, Role, Scan};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The text the hover is about (the word, or all words of an operator).
    pub span: Span,
    pub markdown: String,
}

impl Analysis {
    pub fn hover(&self, path: &Path, offset: usize) -> Option<Hover> {
        let file = self.file(path)?;
        let tokens = file.tokens();
        let i = token_at(tokens, offset)?;
        let outline = file.outline();
        let first = outline
            .iter()
            .rev()
            .find(|s| s.first_token <= i)
            .map_or(0, |s| s.first_token);
        let end = outline
            .iter()
            .find(|s| s.first_token > i)
            .map_or(tokens.len(), |s| s.first_token);
        let scan = Scan::run(file.text(), tokens, self.schema(), first..end);
        let span = tokens[i].span;
        let word = &file.text()[span.range()];
        let schema = self.schema();
        let markdown = match scan.role(i) {
            Role::Field(FieldRef::Attribute(entity, index)) => {
                attribute_markdown(entity, schema.attributes(entity).get(index)?)
            }
            Role::Field(FieldRef::Cart(index)) => {
                let (name, ty) = model::CART_FIELDS.get(index)?;
                format!("```seg\ncart.{name}\n```\n\n{ty} · a built-in field of the cart (§2.5)")
            }
            Role::Field(FieldRef::Element(element, index)) => {
                let (name, ty) = element.builtin_fields().get(index)?;
                format!("```seg\n{name}\n```\n\n{ty} · built-in {}", element_words(element))
            }
            Role::Field(FieldRef::LoggedIn) => "```seg\nlogged_in\n```\n\nboolean · whether the shopper is signed in (false for visitors)".to_string(),
            Role::Field(FieldRef::Aggregate(_)) => return None,
            Role::Namespace(namespace) => namespace_markdown(namespace),
            Role::Collection(collection) => collection_markdown(collection),
            Role::Operator { operator, span } => {
                return Some(Hover {
                    span,
                    markdown: operator_markdown(operator),
                })
            }
            Role::SegmentDef | Role::SegmentRef => self.segment_markdown(word)?,
            Role::Function(function) => function_markdown(function),
            Role::Property(key) => property_markdown(key),
            Role::Keyword => keyword_markdown(word)?,
            Role::Audience => audience_markdown(word)?,
            _ => return None,
        };
        Some(Hover { span, markdown })
    }

    /// The segment's header, name, description and doc comment, from the file defining it.
    fn segment_markdown(&self, id: &str) -> Option<String> {
        for file in &self.files {
            let Some(outline) = file.outline().iter().find(|s| s.id == id) else {
                continue;
            };
            let mut parts = vec![format!("```seg\nsegment {id}\n```")];
            match file.segment(id) {
                Some(segment) => {
                    let mut name = None;
                    let mut description = None;
                    let mut audience = None;
                    for property in segment.properties() {
                        let text = seg_syntax::printer::literal_text(&property.value);
                        let value = match &property.value.kind {
                            seg_syntax::ast::LiteralKind::String(s) => s.clone(),
                            _ => text,
                        };
                        match property.key {
                            PropertyKey::Name => name = Some(value),
                            PropertyKey::Description => description = Some(value),
                            PropertyKey::AppliesTo => audience = Some(value),
                            _ => {}
                        }
                    }
                    if let Some(name) = name {
                        parts.push(format!("**{name}**"));
                    }
                    if let Some(description) = description {
                        parts.push(description);
                    }
                    if let Some(doc) = &segment.doc {
                        parts.push(doc.clone());
                    }
                    parts.push(format!(
                        "applies to {}",
                        audience.as_deref().unwrap_or("everyone")
                    ));
                }
                None => {
                    if let Some(title) = &outline.title {
                        parts.push(format!("**{title}**"));
                    }
                }
            }
            let shown = self
                .project
                .as_ref()
                .and_then(|p| file.path.strip_prefix(&p.root).ok())
                .unwrap_or(&file.path);
            parts.push(format!("defined in `{}`", display_path(shown)));
            return Some(parts.join("\n\n"));
        }
        None
    }
}

/// The token under the cursor: the one containing `offset`, else the word ending there.
pub(crate) fn token_at(tokens: &[seg_syntax::lexer::Token], offset: usize) -> Option<usize> {
    let i = tokens.partition_point(|t| (t.span.end as usize) <= offset);
    if let Some(t) = tokens.get(i) {
        if (t.span.start as usize) <= offset && !t.kind.is_comment() {
            return Some(i);
        }
    }
    let before = i.checked_sub(1)?;
    let t = tokens[before];
    let interesting = is_word(t.kind) || is_symbol(t.kind);
    (t.span.end as usize == offset && interesting).then_some(before)
}

pub(crate) fn attribute_markdown(entity: Entity, attribute: &Attribute) -> String {
    let prefix = match entity {
        Entity::Customer => "customer.",
        Entity::CustomerAddress => "",
        Entity::Product => "product.",
    };
    let mut parts = vec![
        format!("```seg\n{prefix}{}\n```", attribute.code),
        format!(
            "**{}** · {} · {} attribute",
            attribute.label,
            attribute.ty,
            entity.as_str()
        ),
    ];
    if attribute.ty.has_options() {
        let options: Vec<String> = attribute
            .options
            .iter()
            .map(|o| seg_syntax::printer::quote_string(o))
            .collect();
        parts.push(format!("options: {}", options.join(", ")));
    }
    let (property, flag) = match entity {
        Entity::Product => ("Use for Promo Rule Conditions", "use_for_promo_rules"),
        _ => ("Use in Customer Segment", "use_in_customer_segment"),
    };
    if attribute.enabled(entity) {
        parts.push(format!("{property}: Yes"));
    } else {
        parts.push(format!(
            "{property}: **No**: segments cannot read it until the schema sets `\"{flag}\": true`"
        ));
    }
    parts.join("\n\n")
}

pub(crate) fn collection_markdown(collection: Collection) -> String {
    let name = collection.name();
    let element = collection.element();
    let mut fields: Vec<String> = element
        .builtin_fields()
        .iter()
        .map(|(n, t)| format!("`{n}` ({t})"))
        .collect();
    if element.attribute_entity().is_some() {
        fields.push("the customer_address attributes".to_string());
    }
    if element.has_product() {
        fields.push("`product.<attribute>`".to_string());
    }
    for child in collection.children() {
        fields.push(format!("`{child} {{ … }}`"));
    }
    let what = match collection {
        Collection::Addresses => "the address book",
        Collection::BillingAddress => "the default billing address",
        Collection::ShippingAddress => "the default shipping address",
        Collection::OrderBillingAddress => "the order's billing address",
        Collection::OrderShippingAddress => "the order's shipping address",
        Collection::CartItems => "the lines of the cart",
        Collection::WishlistItems => "the wishlist",
        Collection::ViewedProducts => "the products viewed",
        Collection::Orders => "the customer's orders",
        Collection::OrderedProducts => "every line of every order",
        Collection::OrderItems => "the lines of this order",
    };
    let mut parts = vec![format!("```seg\n{name}\n```"), format!("{what}")];
    parts.push(if collection.is_single() {
        format!("`{name} {{ … }}` holds when it exists and matches the block")
    } else {
        format!("`any|all|no {name} {{ … }}`, or aggregate with `count({name})`")
    });
    parts.push(format!("fields: {}", fields.join(", ")));
    if let Some(time) = collection.time_field() {
        parts.push(format!(
            "time field `{time}`: takes windows (`within last 30 days`)"
        ));
    }
    if collection.logged_in_only() {
        parts.push("only logged-in customers have it".to_string());
    }
    parts.join("\n\n")
}

pub(crate) fn operator_markdown(operator: Operator) -> String {
    let shape = match operator {
        Operator::IsEmpty | Operator::IsNotEmpty => operator.as_str().to_string(),
        Operator::Between => "between A and B".to_string(),
        Operator::WithinLast => "within last N days|hours|weeks".to_string(),
        Operator::MoreThanAgo => "more than N days|hours|weeks ago".to_string(),
        Operator::AnniversaryWithinNext => "anniversary within next N days".to_string(),
        Operator::In | Operator::NotIn | Operator::ContainsAnyOf | Operator::ContainsAllOf => {
            format!("{} [A, B, …]", operator.as_str())
        }
        _ => format!("{} VALUE", operator.as_str()),
    };
    let empty = match operator {
        Operator::IsEmpty | Operator::IsNotEmpty => "",
        _ if operator.describe().contains("empty") => "",
        _ => "\n\nFalse when the field is empty (§8).",
    };
    format!("```seg\n{shape}\n```\n\n{}{empty}", operator.describe())
}

fn namespace_markdown(namespace: Namespace) -> String {
    match namespace {
        Namespace::Customer => "```seg\ncustomer\n```\n\nthe customer's attributes declared in the schema (`customer.<attribute>`); only logged-in customers have them".to_string(),
        Namespace::Cart => {
            let fields: Vec<String> = model::CART_FIELDS
                .iter()
                .map(|(n, t)| format!("`{n}` ({t})"))
                .collect();
            format!("```seg\ncart\n```\n\nthe shopper's cart: {}", fields.join(", "))
        }
        Namespace::Product => "```seg\nproduct\n```\n\nthe catalog product with this item's `sku` (`product.<attribute>`); a SKU not in the catalog has every attribute empty".to_string(),
    }
}

fn function_markdown(function: AggregateFn) -> String {
    let what = match function {
        AggregateFn::Count => "the number of elements (0 when there are none)",
        AggregateFn::Sum => "the total of a numeric field (0 when there are no elements)",
        AggregateFn::Avg => {
            "the exact average of a numeric field (empty when there are no elements)"
        }
        AggregateFn::Min => {
            "the smallest value of a numeric field (empty when there are no elements)"
        }
        AggregateFn::Max => {
            "the largest value of a numeric field (empty when there are no elements)"
        }
    };
    let shape = match function {
        AggregateFn::Count => "count(collection within … where { … }) >= N".to_string(),
        f => format!(
            "{}(collection.field within … where {{ … }}) >= N",
            f.as_str()
        ),
    };
    let skipped = match function {
        AggregateFn::Count => "",
        _ => "; elements whose field is empty are skipped",
    };
    format!("```seg\n{shape}\n```\n\n{what}{skipped}")
}

fn property_markdown(key: PropertyKey) -> String {
    let what = match key {
        PropertyKey::Name => "the segment's display name",
        PropertyKey::Description => "what the segment is for",
        PropertyKey::AppliesTo => {
            "who can be a member: `visitors`, `registered` or `everyone` (the default)"
        }
        PropertyKey::Websites => {
            "the website codes the segment applies on (default: every website)"
        }
        PropertyKey::Active => "whether the segment is evaluated (default `true`)",
    };
    format!("```seg\n{}\n```\n\n{what}", key.as_str())
}

fn keyword_markdown(word: &str) -> Option<String> {
    let what = match word {
        "all" => "`all { … }`: every condition holds (empty: true); `all <collection> { … }`: every element matches (no elements: true)",
        "any" => "`any { … }`: at least one condition holds (empty: false); `any <collection> { … }`: at least one element matches",
        "none" => "`none { … }`: no condition holds",
        "no" => "`no <collection> { … }`: no element matches",
        "not" => "`not c`: the condition does not hold",
        "segment" => "`segment <id> { … }` declares a segment; `in segment <id>` is membership of another one",
        "where" => "`where { … }`: the aggregate counts only the elements matching the block",
        "within" | "last" => "`within last N days|hours|weeks`: elements whose time is in the last N units before the evaluation instant",
        "in" => "`in segment <id>`: membership of another segment",
        _ => return None,
    };
    Some(what.to_string())
}

fn audience_markdown(word: &str) -> Option<String> {
    let what = match word {
        "visitors" => "shoppers who are not signed in",
        "registered" => "signed-in customers",
        "everyone" => "visitors and signed-in customers (the default)",
        _ => return None,
    };
    Some(format!("`applies_to {word}`: {what}"))
}
