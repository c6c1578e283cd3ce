//! How each typed [`Value`] is written to an SQL column and read back, exactly.
//!
//! | type | column | value |
//! |---|---|---|
//! | string | TEXT | the text as loaded (original case) |
//! | integer | INTEGER | the number |
//! | decimal | INTEGER | ten-thousandths (`12.5` is `125000`), as `Value::Dec` holds it |
//! | boolean | INTEGER | 0 or 1 |
//! | date | INTEGER | days since 1970-01-01 |
//! | datetime | INTEGER | microseconds since 1970-01-01T00:00:00Z |
//! | select | TEXT | the option's text as the schema spells it |
//! | multiselect | TEXT | a JSON array of option texts in schema order: `["Bags","Gear"]` |
//!
//! `NULL` is every form of empty (`Value::Missing`). Options are stored by text, not index, so
//! that reordering or adding options in the schema keeps a store readable, and so that SQL can
//! compare them; reading types every value through `seg_data::typing`, the rules the JSON
//! loader uses (an option's text finds its index exactly first, then by Unicode lower-case
//! fold; an empty string is empty).

use rusqlite::types::{ToSqlOutput, ValueRef};
use seg_data::{Interner, Value};
use seg_schema::AttrType;

use crate::layout::Field;

pub(crate) use seg_data::typing::Options;

/// The SQL value of `value` in `field`'s column. A value of another type than the field's, a
/// symbol the interner does not have or an option index past the list is an error (the
/// profile was not loaded against this schema and interner).
pub(crate) fn encode<'a>(
    value: &'a Value,
    field: &'a Field,
    interner: &'a Interner,
) -> Result<ToSqlOutput<'a>, String> {
    let integer = |n: i64| Ok(ToSqlOutput::Borrowed(ValueRef::Integer(n)));
    match (field.ty, value) {
        (_, Value::Missing) => Ok(ToSqlOutput::Borrowed(ValueRef::Null)),
        (AttrType::String, Value::Str(sym)) => {
            if (sym.0 as usize) < interner.len() {
                Ok(ToSqlOutput::Borrowed(ValueRef::Text(
                    interner.text(*sym).as_bytes(),
                )))
            } else {
                Err(format!(
                    "symbol {} is not in the interner ({} symbols)",
                    sym.0,
                    interner.len()
                ))
            }
        }
        (AttrType::Integer, Value::Int(n)) => integer(*n),
        (AttrType::Decimal, Value::Dec(units)) => integer(*units),
        (AttrType::Boolean, Value::Bool(b)) => integer(i64::from(*b)),
        (AttrType::Date, Value::Date(days)) => integer(i64::from(*days)),
        (AttrType::Datetime, Value::DateTime(micros)) => integer(*micros),
        (AttrType::Select, Value::Option(index)) => field
            .options
            .text(*index)
            .map(|text| ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())))
            .ok_or_else(|| format!("option {index} is past the attribute's options")),
        (AttrType::Multiselect, Value::Options(indices)) => {
            let texts = indices
                .iter()
                .map(|&i| {
                    field
                        .options
                        .text(i)
                        .ok_or_else(|| format!("option {i} is past the attribute's options"))
                })
                .collect::<Result<Vec<&str>, String>>()?;
            let json = serde_json::to_string(&texts).map_err(|e| e.to_string())?;
            Ok(ToSqlOutput::from(json))
        }
        (ty, value) => Err(format!("a {ty} field holds {value:?}")),
    }
}

/// The typed value of a column read back; an error says what is wrong with the stored value.
pub(crate) fn decode(
    stored: ValueRef<'_>,
    field: &Field,
    interner: &mut Interner,
) -> Result<Value, String> {
    let text = |bytes: &[u8]| -> Result<String, String> {
        std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| "the text is not UTF-8".to_string())
    };
    match (field.ty, stored) {
        (_, ValueRef::Null) => Ok(Value::Missing),
        (AttrType::String, ValueRef::Text(bytes)) => {
            let s = std::str::from_utf8(bytes).map_err(|_| "the text is not UTF-8".to_string())?;
            Ok(seg_data::typing::text(interner, s))
        }
        (AttrType::Integer, ValueRef::Integer(n)) => Ok(Value::Int(n)),
        (AttrType::Decimal, ValueRef::Integer(n)) => Ok(Value::Dec(n)),
        (AttrType::Boolean, ValueRef::Integer(n @ (0 | 1))) => Ok(Value::Bool(n == 1)),
        (AttrType::Date, ValueRef::Integer(n)) => i32::try_from(n)
            .map(Value::Date)
            .map_err(|_| format!("day number {n} is out of range")),
        (AttrType::Datetime, ValueRef::Integer(n)) => Ok(Value::DateTime(n)),
        (AttrType::Select, ValueRef::Text(bytes)) => {
            let option = text(bytes)?;
            field
                .options
                .find(&option)
                .map(Value::Option)
                .ok_or_else(|| format!("{option:?} is not an option of the schema"))
        }
        (AttrType::Multiselect, ValueRef::Text(bytes)) => {
            let texts: Vec<String> = serde_json::from_slice(bytes)
                .map_err(|_| "not a JSON array of option texts".to_string())?;
            let indices = texts
                .iter()
                .map(|option| {
                    field
                        .options
                        .find(option)
                        .ok_or_else(|| format!("{option:?} is not an option of the schema"))
                })
                .collect::<Result<Vec<u32>, String>>()?;
            Ok(seg_data::typing::option_set(indices))
        }
        (ty, stored) => Err(format!(
            "a {ty} column holds {}",
            match stored {
                ValueRef::Integer(n) => format!("the integer {n}"),
                ValueRef::Real(x) => format!("the real {x}"),
                ValueRef::Text(_) => "text".to_string(),
                ValueRef::Blob(_) => "a blob".to_string(),
                ValueRef::Null => "null".to_string(),
            }
        )),
    }
}

/// A stored value as JSON for exports: strings, numbers (decimals exact, from their text),
/// booleans, dates `YYYY-MM-DD`, datetimes RFC 3339 in UTC, options by text, multiselects as
/// arrays; `null` for empty.
pub(crate) fn export(stored: ValueRef<'_>, ty: AttrType) -> Result<serde_json::Value, String> {
    use serde_json::Value as Json;
    let text = |bytes: &[u8]| {
        std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| "the text is not UTF-8".to_string())
    };
    Ok(match (ty, stored) {
        (_, ValueRef::Null) => Json::Null,
        (AttrType::String | AttrType::Select, ValueRef::Text(bytes)) => Json::String(text(bytes)?),
        (AttrType::Multiselect, ValueRef::Text(bytes)) => {
            let options: Vec<String> = serde_json::from_slice(bytes)
                .map_err(|_| "not a JSON array of option texts".to_string())?;
            Json::from(options)
        }
        (AttrType::Integer, ValueRef::Integer(n)) => Json::from(n),
        (AttrType::Decimal, ValueRef::Integer(units)) => {
            let text = seg_check::values::Decimal { units }.to_string();
            text.parse::<serde_json::Number>()
                .map(Json::Number)
                .unwrap_or(Json::String(text))
        }
        (AttrType::Boolean, ValueRef::Integer(n)) => Json::Bool(n != 0),
        (AttrType::Date, ValueRef::Integer(days)) => {
            let days =
                i32::try_from(days).map_err(|_| format!("day number {days} is out of range"))?;
            Json::String(format_date(days))
        }
        (AttrType::Datetime, ValueRef::Integer(micros)) => Json::String(format_datetime(micros)),
        (ty, _) => return Err(format!("a {ty} column holds a value of another type")),
    })
}

pub use seg_check::values::{format_date, format_datetime};
