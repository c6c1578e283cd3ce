//! The schema as the checker sees it: entities, attribute types, attributes and their flags.
//!
//! These are plain values with spans back into the schema file, so that a diagnostic in a `.seg`
//! file can point at the attribute's declaration ("declared here").

use seg_diag::{FileId, Span};

/// The three kinds of Magento EAV entity whose attributes a segment can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    /// Read as `customer.<code>`.
    Customer,
    /// Read inside `addresses`, `billing_address`, `shipping_address` and an order's addresses.
    CustomerAddress,
    /// Read as `product.<code>` inside cart, wishlist, viewed and ordered items.
    Product,
}

impl Entity {
    /// Every entity, in the order the schema file lists them.
    pub const ALL: [Entity; 3] = [Entity::Customer, Entity::CustomerAddress, Entity::Product];

    /// The entity's key in the schema file.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Customer => "customer",
            Entity::CustomerAddress => "customer_address",
            Entity::Product => "product",
        }
    }

    /// The entity named by a schema key; exact, as JSON keys are.
    pub fn parse(key: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.as_str() == key)
    }

    /// The one flag that exists on this entity's attributes in Magento: "Use in Customer
    /// Segment" on customer and address attributes, "Use for Promo Rule Conditions" on products.
    pub fn flag_name(self) -> &'static str {
        match self {
            Entity::Customer | Entity::CustomerAddress => "use_in_customer_segment",
            Entity::Product => "use_for_promo_rules",
        }
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value type of an attribute (Magento's input types, folded to what comparisons need).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AttrType {
    String,
    Integer,
    Decimal,
    Boolean,
    Date,
    Datetime,
    /// One option out of the attribute's `options`.
    Select,
    /// A set of options out of the attribute's `options`.
    Multiselect,
}

impl AttrType {
    /// Every type, in the order the spec lists them.
    pub const ALL: [AttrType; 8] = [
        AttrType::String,
        AttrType::Integer,
        AttrType::Decimal,
        AttrType::Boolean,
        AttrType::Date,
        AttrType::Datetime,
        AttrType::Select,
        AttrType::Multiselect,
    ];

    /// The type's name in the schema file.
    pub fn as_str(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Integer => "integer",
            AttrType::Decimal => "decimal",
            AttrType::Boolean => "boolean",
            AttrType::Date => "date",
            AttrType::Datetime => "datetime",
            AttrType::Select => "select",
            AttrType::Multiselect => "multiselect",
        }
    }

    /// The type with this exact name (lower case, as the spec writes them).
    pub fn parse(name: &str) -> Option<AttrType> {
        AttrType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Whether numeric operators and aggregates (`sum`, `avg`, …) apply.
    pub fn is_numeric(self) -> bool {
        matches!(self, AttrType::Integer | AttrType::Decimal)
    }

    /// Whether values must come from the attribute's declared `options`.
    pub fn has_options(self) -> bool {
        matches!(self, AttrType::Select | AttrType::Multiselect)
    }
}

impl std::fmt::Display for AttrType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One declared attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute code, case-sensitive as in Magento; always a valid Seg identifier.
    pub code: String,
    /// The admin label; the code when the schema gives none.
    pub label: String,
    pub ty: AttrType,
    /// The allowed values of a select or multiselect attribute, in declaration order; empty for
    /// every other type.
    pub options: Vec<String>,
    /// Magento's "Use in Customer Segment"; only ever true on customer and address attributes.
    pub use_in_customer_segment: bool,
    /// Magento's "Use for Promo Rule Conditions"; only ever true on product attributes.
    pub use_for_promo_rules: bool,
    /// The attribute's whole JSON object in the schema file, for "declared here" labels.
    pub span: Span,
    /// The `code` value's JSON string, quotes included.
    pub code_span: Span,
}

impl Attribute {
    /// The flag that governs whether segments may read an attribute of `entity`.
    pub fn flag_name(entity: Entity) -> &'static str {
        entity.flag_name()
    }

    /// Whether segments may read this attribute when it belongs to `entity`.
    pub fn enabled(&self, entity: Entity) -> bool {
        match entity {
            Entity::Customer | Entity::CustomerAddress => self.use_in_customer_segment,
            Entity::Product => self.use_for_promo_rules,
        }
    }
}

/// A loaded attribute schema: the attributes of each entity in declaration order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    /// The schema file the spans point into; `None` for a schema not read from a file.
    pub file: Option<FileId>,
    pub customer: Vec<Attribute>,
    pub customer_address: Vec<Attribute>,
    pub product: Vec<Attribute>,
}

impl Schema {
    /// A schema that declares nothing: built-in fields still work, every attribute is unknown.
    pub fn empty() -> Schema {
        Schema::default()
    }

    /// The attributes of one entity, in declaration order.
    pub fn attributes(&self, entity: Entity) -> &[Attribute] {
        match entity {
            Entity::Customer => &self.customer,
            Entity::CustomerAddress => &self.customer_address,
            Entity::Product => &self.product,
        }
    }

    /// The attribute of `entity` with exactly this code (codes are case-sensitive in Magento).
    pub fn attribute(&self, entity: Entity, code: &str) -> Option<&Attribute> {
        self.attributes(entity).iter().find(|a| a.code == code)
    }

    /// Whether segments may read `attribute` as an attribute of `entity`.
    pub fn enabled(&self, attribute: &Attribute, entity: Entity) -> bool {
        attribute.enabled(entity)
    }

    pub(crate) fn attributes_mut(&mut self, entity: Entity) -> &mut Vec<Attribute> {
        match entity {
            Entity::Customer => &mut self.customer,
            Entity::CustomerAddress => &mut self.customer_address,
            Entity::Product => &mut self.product,
        }
    }
}
