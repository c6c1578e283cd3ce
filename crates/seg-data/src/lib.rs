//! Customer data in the layout every backend reads.
//!
//! A [`Profile`] is one shopper, loaded from JSON (§5) and validated against the schema: every
//! value is typed by the attribute or built-in field it fills, so evaluation never parses.
//! - strings are interned ([`Sym`]); each symbol knows its Unicode lower-case fold, so equality
//!   is one integer compare and `contains` reads the folded text;
//! - select options are indices into the attribute's option list; multiselects sorted index sets;
//! - decimals are `i64` ten-thousandths, dates `i32` day numbers, datetimes `i64` UTC microseconds
//!   (the same representations as `seg_check::values`);
//! - records are flat slices of [`Value`] whose slot order is the model's: built-in fields of the
//!   element kind in `ElementKind::builtin_fields` order, then (for addresses) the schema's
//!   customer-address attributes in schema order; customer values follow the schema's customer
//!   attributes; catalog products the schema's product attributes.
//!
//! Loading is in [`load`]; it reports bad records with their line and field and never panics.
//! [`batch`] holds the columnar [`Batch`] that readers fill and every backend reads, and
//! [`Row`], one shopper read in place from a profile or a batch.

pub mod batch;
pub mod intern;
pub mod json;
pub mod layout;
pub mod load;
pub mod read;
pub mod typing;

pub use batch::{Batch, Elements, Row, Shape};
pub use intern::{Interner, Sym};
pub use layout::{Catalog, Order, Product, ProductId, Profile, Record, Value, CART_SLOTS};
pub use layout::{
    PAYLOAD_OFFSET, TAG_BOOL, TAG_DATE, TAG_DATETIME, TAG_DEC, TAG_INT, TAG_MISSING, TAG_OPTION,
    TAG_OPTIONS, TAG_STR,
};
