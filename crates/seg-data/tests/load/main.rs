//! Loading profiles and catalogs (`seg_data::load`): exact values in the layout's representation,
//! records that fail with their line, id and field, the §8 readings, and no panic on any input.
//!
//! One test binary with a module per concern, so that the suite links once.

mod catalog;
mod layout;
mod profiles;
mod robustness;
mod stream;
mod values;

use seg_data::load::{load_profiles, DataError};
use seg_data::{Catalog, Interner, Profile, Value};
use seg_diag::FileId;
use seg_schema::Schema;

/// The schema the checker's fixtures use (tests/check/schema.json).
pub fn fixture_schema() -> Schema {
    inline_schema(include_str!("../../../../tests/check/schema.json"))
}

/// A schema from JSON text, which must have no errors.
pub fn inline_schema(text: &str) -> Schema {
    let (schema, diagnostics) = seg_schema::parse_schema(FileId(0), text);
    assert!(diagnostics.is_empty(), "schema errors: {diagnostics:?}");
    schema
}

/// Loads text that holds exactly one record.
pub fn load_one(
    text: &str,
    schema: &Schema,
    catalog: &Catalog,
    interner: &mut Interner,
) -> Result<Profile, DataError> {
    let mut results = load_profiles(text, schema, catalog, interner);
    assert_eq!(results.len(), 1, "one record in {text}");
    results.remove(0)
}

/// The string value of a symbol slot, for readable assertions.
pub fn str_of(value: &Value, interner: &Interner) -> String {
    match value {
        Value::Str(sym) => interner.text(*sym).to_string(),
        other => panic!("expected a string value, found {other:?}"),
    }
}

/// Ten-thousandths, the unit of `Value::Dec`.
pub fn dec(units: i64) -> Value {
    Value::Dec(units)
}

/// `Value::DateTime` of whole seconds since the epoch.
pub fn at(seconds: i64) -> Value {
    Value::DateTime(seconds * 1_000_000)
}
