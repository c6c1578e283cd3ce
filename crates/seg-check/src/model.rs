//! The built-in data model of §2.3–2.5: which collections exist, what their elements hold, which
//! field is their time, and what only logged-in customers have. Schema attributes (customer,
//! address, product) are looked up in `seg_schema`; everything here needs no declaration.

use seg_schema::{AttrType, Entity};

/// A collection of the profile, or of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Collection {
    /// The address book.
    Addresses,
    /// The default billing address (single).
    BillingAddress,
    /// The default shipping address (single).
    ShippingAddress,
    CartItems,
    WishlistItems,
    ViewedProducts,
    Orders,
    /// Every line of every order (`ordered_products`, `orders.items`), carrying its order's
    /// `status` and `created_at`.
    OrderedProducts,
    /// The lines of the order in scope (`items` inside an `orders` block).
    OrderItems,
    /// The billing address of the order in scope (single).
    OrderBillingAddress,
    /// The shipping address of the order in scope (single).
    OrderShippingAddress,
}

/// What an element of a collection holds, which decides the fields readable inside its block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementKind {
    Address,
    CartItem,
    WishlistItem,
    ViewedProduct,
    Order,
    OrderLine,
}

impl Collection {
    /// The name a segment uses for it at the top level (for order-owned ones, inside `orders`).
    pub fn name(self) -> &'static str {
        match self {
            Collection::Addresses => "addresses",
            Collection::BillingAddress | Collection::OrderBillingAddress => "billing_address",
            Collection::ShippingAddress | Collection::OrderShippingAddress => "shipping_address",
            Collection::CartItems => "cart_items",
            Collection::WishlistItems => "wishlist_items",
            Collection::ViewedProducts => "viewed_products",
            Collection::Orders => "orders",
            Collection::OrderedProducts => "ordered_products",
            Collection::OrderItems => "items",
        }
    }

    /// Single collections (the default addresses) take a block but no quantifier or window.
    pub fn is_single(self) -> bool {
        matches!(
            self,
            Collection::BillingAddress
                | Collection::ShippingAddress
                | Collection::OrderBillingAddress
                | Collection::OrderShippingAddress
        )
    }

    pub fn element(self) -> ElementKind {
        match self {
            Collection::Addresses
            | Collection::BillingAddress
            | Collection::ShippingAddress
            | Collection::OrderBillingAddress
            | Collection::OrderShippingAddress => ElementKind::Address,
            Collection::CartItems => ElementKind::CartItem,
            Collection::WishlistItems => ElementKind::WishlistItem,
            Collection::ViewedProducts => ElementKind::ViewedProduct,
            Collection::Orders => ElementKind::Order,
            Collection::OrderedProducts | Collection::OrderItems => ElementKind::OrderLine,
        }
    }

    /// The field windows filter on; `None` for the address book.
    pub fn time_field(self) -> Option<&'static str> {
        match self.element() {
            ElementKind::Address => None,
            ElementKind::CartItem | ElementKind::WishlistItem => Some("added_at"),
            ElementKind::ViewedProduct => Some("viewed_at"),
            ElementKind::Order | ElementKind::OrderLine => Some("created_at"),
        }
    }

    /// Whether only a logged-in customer can have elements (§2.3 "visitors?" column). Order-owned
    /// collections are reached through `orders`, which already counts.
    pub fn logged_in_only(self) -> bool {
        !matches!(self, Collection::CartItems | Collection::ViewedProducts)
    }

    /// Collections named at the top level of a condition.
    pub const ROOT: [Collection; 8] = [
        Collection::Addresses,
        Collection::BillingAddress,
        Collection::ShippingAddress,
        Collection::CartItems,
        Collection::WishlistItems,
        Collection::ViewedProducts,
        Collection::Orders,
        Collection::OrderedProducts,
    ];

    /// A collection named at the top level.
    pub fn root(name: &str) -> Option<Collection> {
        Collection::ROOT.into_iter().find(|c| c.name() == name)
    }

    /// A collection nested in an element of `self` (`orders` → `items`, `billing_address`, …).
    pub fn child(self, name: &str) -> Option<Collection> {
        match (self, name) {
            (Collection::Orders, "items") => Some(Collection::OrderItems),
            (Collection::Orders, "billing_address") => Some(Collection::OrderBillingAddress),
            (Collection::Orders, "shipping_address") => Some(Collection::OrderShippingAddress),
            _ => None,
        }
    }

    /// Names of the collections nested in an element of `self`.
    pub fn children(self) -> &'static [&'static str] {
        match self {
            Collection::Orders => &["items", "billing_address", "shipping_address"],
            _ => &[],
        }
    }
}

impl ElementKind {
    /// The built-in fields of an element, with their types.
    pub fn builtin_fields(self) -> &'static [(&'static str, AttrType)] {
        use AttrType::*;
        match self {
            ElementKind::Address => &[("default_billing", Boolean), ("default_shipping", Boolean)],
            ElementKind::CartItem => &[
                ("sku", String),
                ("qty", Integer),
                ("price", Decimal),
                ("row_total", Decimal),
                ("added_at", Datetime),
            ],
            ElementKind::WishlistItem => {
                &[("sku", String), ("qty", Integer), ("added_at", Datetime)]
            }
            ElementKind::ViewedProduct => &[("sku", String), ("viewed_at", Datetime)],
            ElementKind::Order => &[
                ("id", String),
                ("status", String),
                ("created_at", Datetime),
                ("grand_total", Decimal),
                ("subtotal", Decimal),
                ("tax", Decimal),
                ("shipping_amount", Decimal),
                ("discount_amount", Decimal),
                ("total_qty", Integer),
                ("store_id", Integer),
            ],
            ElementKind::OrderLine => &[
                ("sku", String),
                ("qty", Integer),
                ("price", Decimal),
                ("row_total", Decimal),
                ("status", String),
                ("created_at", Datetime),
            ],
        }
    }

    pub fn builtin_field(self, name: &str) -> Option<AttrType> {
        self.builtin_fields()
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
    }

    /// The schema entity whose attributes the element exposes directly (addresses).
    pub fn attribute_entity(self) -> Option<Entity> {
        match self {
            ElementKind::Address => Some(Entity::CustomerAddress),
            _ => None,
        }
    }

    /// Whether `product.<attr>` reads the catalog product of the element's `sku`.
    pub fn has_product(self) -> bool {
        matches!(
            self,
            ElementKind::CartItem
                | ElementKind::WishlistItem
                | ElementKind::ViewedProduct
                | ElementKind::OrderLine
        )
    }
}

/// The cart's fields (§2.5).
pub const CART_FIELDS: &[(&str, AttrType)] = &[
    ("subtotal", AttrType::Decimal),
    ("grand_total", AttrType::Decimal),
    ("tax", AttrType::Decimal),
    ("shipping_amount", AttrType::Decimal),
    ("discount_amount", AttrType::Decimal),
    ("gift_card_amount", AttrType::Decimal),
    ("store_credit_amount", AttrType::Decimal),
    ("items_count", AttrType::Integer),
    ("items_qty", AttrType::Integer),
];

pub fn cart_field(name: &str) -> Option<AttrType> {
    CART_FIELDS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
}

/// The operators a type takes (§2.2), in the order help texts list them.
pub fn operators_for(ty: AttrType) -> &'static [seg_syntax::ast::Operator] {
    use seg_syntax::ast::Operator::*;
    match ty {
        AttrType::String => &[
            Is,
            IsNot,
            Contains,
            DoesNotContain,
            StartsWith,
            EndsWith,
            In,
            NotIn,
            IsEmpty,
            IsNotEmpty,
        ],
        AttrType::Integer | AttrType::Decimal => &[
            Is, IsNot, Gt, Ge, Lt, Le, Between, In, NotIn, IsEmpty, IsNotEmpty,
        ],
        AttrType::Boolean => &[Is, IsEmpty, IsNotEmpty],
        AttrType::Date | AttrType::Datetime => &[
            Is,
            Before,
            After,
            OnOrBefore,
            OnOrAfter,
            Between,
            WithinLast,
            MoreThanAgo,
            AnniversaryWithinNext,
            IsEmpty,
            IsNotEmpty,
        ],
        AttrType::Select => &[Is, IsNot, In, NotIn, IsEmpty, IsNotEmpty],
        AttrType::Multiselect => &[
            Is,
            Contains,
            DoesNotContain,
            ContainsAnyOf,
            ContainsAllOf,
            IsEmpty,
            IsNotEmpty,
        ],
    }
}
