//! The in-memory form of profiles and the catalog (see the crate docs for the slot order).

use seg_check::model::ElementKind;

use crate::intern::Sym;

/// One typed value. `Missing` is every form of empty (§8: absent, null, `""`, `[]`).
///
/// The layout is fixed (`repr(C, u8)`) so native code can read values directly: the variant's
/// tag is the byte at offset 0 (the `TAG_*` constants), the payload starts at offset 8
/// ([`PAYLOAD_OFFSET`]): an `i64` for `Int`, `Dec` and `DateTime`, an `i32` for `Date`, a `u32`
/// for `Option` and `Str`, a byte for `Bool`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[repr(C, u8)]
pub enum Value {
    #[default]
    Missing,
    Bool(bool),
    Int(i64),
    /// Ten-thousandths.
    Dec(i64),
    /// Days since 1970-01-01.
    Date(i32),
    /// Microseconds since 1970-01-01T00:00:00Z.
    DateTime(i64),
    Str(Sym),
    /// Index into the attribute's options.
    Option(u32),
    /// Sorted, distinct option indices; never empty (an empty set is `Missing`).
    Options(Box<[u32]>),
}

pub const TAG_MISSING: u8 = 0;
pub const TAG_BOOL: u8 = 1;
pub const TAG_INT: u8 = 2;
pub const TAG_DEC: u8 = 3;
pub const TAG_DATE: u8 = 4;
pub const TAG_DATETIME: u8 = 5;
pub const TAG_STR: u8 = 6;
pub const TAG_OPTION: u8 = 7;
pub const TAG_OPTIONS: u8 = 8;
/// Where a value's payload starts.
pub const PAYLOAD_OFFSET: i32 = 8;

impl Value {
    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Missing)
    }
}

/// Index of a product in [`Catalog::products`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProductId(pub u32);

/// An element of a collection: its slots, and the catalog product of its `sku` when it has one
/// and the catalog knows it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Record {
    pub values: Box<[Value]>,
    pub product: Option<ProductId>,
}

impl Record {
    pub fn get(&self, slot: usize) -> &Value {
        self.values.get(slot).unwrap_or(&Value::Missing)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Order {
    /// Slots of `ElementKind::Order`.
    pub record: Record,
    /// Slots of `ElementKind::OrderLine`; `status` and `created_at` are copied from the order.
    pub items: Vec<Record>,
    pub billing_address: Option<Record>,
    pub shipping_address: Option<Record>,
}

/// The cart's slots, in `seg_check::model::CART_FIELDS` order; the last two (`items_count`,
/// `items_qty`) are derived from the cart's lines when the profile is loaded.
pub const CART_SLOTS: usize = 9;

/// One shopper.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Profile {
    pub id: String,
    pub logged_in: bool,
    pub website: Option<String>,
    /// One slot per schema customer attribute, in schema order.
    pub customer: Box<[Value]>,
    /// Slots of `ElementKind::Address`: the built-in flags, then the schema's address attributes.
    pub addresses: Vec<Record>,
    /// Indices into `addresses` of the first address flagged `default_billing`/`default_shipping`.
    pub default_billing: Option<usize>,
    pub default_shipping: Option<usize>,
    pub cart: Box<[Value]>,
    pub cart_items: Vec<Record>,
    pub wishlist_items: Vec<Record>,
    pub viewed_products: Vec<Record>,
    pub orders: Vec<Order>,
}

/// The catalog: products by SKU (exact match, §8), values in schema product-attribute order.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub products: Vec<Product>,
    pub by_sku: std::collections::HashMap<String, ProductId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    pub sku: String,
    pub values: Box<[Value]>,
}

impl Catalog {
    pub fn get(&self, id: ProductId) -> &Product {
        &self.products[id.0 as usize]
    }

    pub fn find(&self, sku: &str) -> Option<ProductId> {
        self.by_sku.get(sku).copied()
    }
}

/// The slot of a built-in field in records of an element kind.
pub fn builtin_slot(kind: ElementKind, field: &str) -> Option<usize> {
    kind.builtin_fields()
        .iter()
        .position(|(name, _)| *name == field)
}
