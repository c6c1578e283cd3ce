//! Name resolution and type checking: parsed modules × attribute schema → a typed [`hir::Program`]
//! and diagnostics.
//!
//! Pure: no IO, never stops at the first error. Each segment is checked on its own (its
//! properties, its one root condition, every path against the built-in [`model`] and the
//! schema, every operator and literal against the field's type), then the segment references
//! of all files are checked together (unknown ids, duplicates, cycles).

mod check;
pub mod hir;
pub mod model;
mod suggest;
pub mod values;

pub use check::{check, Checked};
pub use suggest::did_you_mean;
