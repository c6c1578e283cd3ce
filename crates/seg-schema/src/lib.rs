//! The attribute schema (spec §4): which customer, address and product attributes exist, their
//! types and options, and whether Magento's "Use in Customer Segment" / "Use for Promo Rule
//! Conditions" flag lets segments read them.
//!
//! [`parse_schema`] turns the schema's JSON text into a [`Schema`] plus diagnostics: E0101 when
//! the text is not JSON of the expected shape, E0102 when it declares something inconsistent.
//! It is pure (the CLI and the language server read the file) and reports every problem it can
//! find in one run, each at its byte span so renderers show `schema.json:LINE:COL`.
//!
//! # Why `jsonc-parser`
//!
//! Precise spans need a JSON parser that keeps positions, which `serde_json` does not (its
//! values carry none; only its errors have a line and column). `jsonc-parser` (dprint's parser,
//! also behind Deno's config loading) builds an AST where every value, key and object carries a
//! byte range, reports syntax errors with a range as well, has no dependencies by default,
//! limits nesting to 512 levels instead of overflowing the stack, and builds on our toolchain.
//! Its JSONC extensions (comments, trailing commas, single quotes, …) are each switched off, so
//! a schema accepted here is plain JSON that every other tool reads the same way; the one
//! leniency left, raw control characters inside strings, is caught by a separate scan.

mod model;
mod parse;
mod suggest;

pub use model::{AttrType, Attribute, Entity, Schema};
pub use parse::parse_schema;
