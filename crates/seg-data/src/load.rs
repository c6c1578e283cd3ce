//! Loading profiles and the catalog from JSON (§5), validated against the schema.
//!
//! Every value is typed by the attribute or built-in field it fills, with the same parsers the
//! checker uses for literals (`seg_check::values`), so data and literals mean the same. A bad
//! record is a [`DataError`] naming its line, its id and the JSON path of the offending value;
//! the other records still load. Nothing here panics, whatever the text holds.
//!
//! # Records
//! Profile text is either one JSON value (possibly pretty-printed over many lines) or NDJSON: when
//! the whole text (a leading byte-order mark and surrounding whitespace aside) parses as one
//! value, that value is the one record, at the line where it starts; otherwise every non-blank
//! line is a record of its own, so that a malformed line is an error for that line only. A
//! catalog is split the same way (in practice it is NDJSON, one product per line).
//!
//! # Readings where §5 and §8 leave room (also in docs/language-notes.md)
//! - A profile's `id` is required: a non-empty string, or a JSON integer taken as its decimal
//!   text. `logged_in` is a boolean; absent or empty means a visitor. `website` is a string; empty
//!   means none.
//! - Keys that neither the model nor the schema knows are ignored, at the top level and in
//!   elements: profiles and catalogs carry more than segments read, and the schema decides what
//!   is read. Every declared attribute is typed, enabled for segments or not.
//! - A visitor's customer fields, addresses, orders and wishlist are empty whatever the record
//!   holds (§8), and are not read at all; a visitor's cart and viewed products count.
//! - `null`, an absent key, `""` and `[]` are all empty (§8), for values and for the objects and
//!   lists that hold them (PHP's `json_encode` writes an empty object as `[]`). Whitespace-only
//!   strings are values. An element of a list must be an object.
//! - Strings are JSON strings, booleans JSON booleans, integers JSON numbers without a fraction or
//!   exponent that fit 64 bits.
//! - Decimals are JSON numbers or numeric strings (the literal syntax, `-12.5`) with at most four
//!   fractional digits (trailing zeros aside), read from their exact text: the workspace's
//!   serde_json keeps number text (`arbitrary_precision`), nothing goes through binary floating
//!   point. A JSON number in exponent form (`1.5e3`) is converted exactly; a numeric string must
//!   be plain.
//! - A date is `YYYY-MM-DD`, or an RFC 3339 datetime whose UTC calendar day is used. A datetime
//!   needs `Z` or an offset, as literals do; a single space may stand for the `T`; a date alone
//!   is an error (its instant would be a guess).
//! - Select options compare case-insensitively (`to_lowercase` on both sides; an exact match wins
//!   when two options fold alike); a value that is no option is a record error naming the
//!   options. A multiselect is a list of options or a comma-separated string, as Magento stores
//!   it (a string that is itself an option, comma included, is that option; parts are trimmed and
//!   empty parts skipped); the indices are sorted and distinct, and no option at all is empty.
//! - The cart's `items_count` and `items_qty` are derived from its lines (a line without `qty`
//!   counts 0), whatever the cart record says. Order lines take `status` and `created_at` from
//!   their order; their own are ignored. The default billing (shipping) address is the first
//!   address flagged `default_billing` (`default_shipping`).
//! - Every element with a `sku` gets the catalog product of exactly that SKU; an unknown SKU is
//!   no product, not an error.
//! - In a catalog, `sku` is a required non-empty string; a SKU seen on an earlier loaded line is an
//!   error for the later line, which is skipped like every bad line.

use std::fmt;

use serde_json::{Map, Number, Value as Json};

use seg_check::model::{ElementKind, CART_FIELDS};
use seg_check::values::{parse_date, parse_datetime, Decimal, DecimalError, MICROS_PER_DAY};
use seg_schema::{AttrType, Attribute, Entity, Schema};

use crate::intern::Interner;
use crate::layout::{Catalog, Order, Product, ProductId, Profile, Record, Value};
use crate::typing::{option_set, Derived, Options, DERIVED_CART, FROM_ORDER};

/// A record that could not be loaded: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    /// 1-based line where the record starts.
    pub line: usize,
    /// The record's id (a product's SKU), when it could be read.
    pub id: Option<String>,
    /// The JSON path of the offending value (`orders[0].grand_total`); empty for the record.
    pub field: String,
    pub message: String,
}

impl fmt::Display for DataError {
    /// `line 3 (c-1001): customer.dob: expected a date YYYY-MM-DD, found "1990-13-01" (…)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(id) = &self.id {
            write!(f, " ({id})")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for DataError {}

/// Loads a catalog (NDJSON of products). A bad line is reported and skipped; the rest load.
pub fn load_catalog(
    text: &str,
    schema: &Schema,
    interner: &mut Interner,
) -> (Catalog, Vec<DataError>) {
    let attributes = fields_of(schema.attributes(Entity::Product));
    let mut catalog = Catalog::default();
    // The line of each loaded product, to name the first one when a SKU comes again.
    let mut lines: Vec<usize> = Vec::new();
    let mut errors = Vec::new();
    for (line, parsed) in split_records(text) {
        let result = parsed.and_then(|value| {
            let object = value.as_object().ok_or_else(|| {
                Problem::at(
                    Path::Root,
                    format!("a product is a JSON object, found {}", describe(&value)),
                )
            })?;
            let sku = match object.get("sku") {
                Some(Json::String(sku)) if !sku.is_empty() => sku.clone(),
                Some(value) if !is_empty(value) => {
                    return Err(Problem::at(
                        Path::Root.key("sku"),
                        format!("expected a string, found {}", describe(value)),
                    ))
                }
                _ => {
                    return Err(Problem::at(
                        Path::Root.key("sku"),
                        "a product needs a `sku`",
                    ))
                }
            };
            let values = read_fields(object, &attributes, Path::Root, interner)
                .map_err(|p| p.with_id(&sku))?;
            Ok(Product {
                sku,
                values: values.into_boxed_slice(),
            })
        });
        match result {
            Ok(product) => {
                if let Some(first) = catalog.find(&product.sku) {
                    errors.push(DataError {
                        line,
                        field: "sku".into(),
                        message: format!(
                            "SKU {} is already the product of line {}",
                            quoted(&product.sku),
                            lines[first.0 as usize]
                        ),
                        id: Some(product.sku),
                    });
                    continue;
                }
                let id = ProductId(catalog.products.len() as u32);
                catalog.by_sku.insert(product.sku.clone(), id);
                catalog.products.push(product);
                lines.push(line);
            }
            Err(problem) => errors.push(problem.on_line(line)),
        }
    }
    (catalog, errors)
}

/// Loads profiles: one JSON object, or NDJSON. One result per record, in input order.
pub fn load_profiles(
    text: &str,
    schema: &Schema,
    catalog: &Catalog,
    interner: &mut Interner,
) -> Vec<Result<Profile, DataError>> {
    let reader = ProfileReader::new(schema, catalog);
    split_records(text)
        .into_iter()
        .map(|(line, parsed)| {
            parsed
                .and_then(|value| reader.profile(&value, interner))
                .map_err(|problem| problem.on_line(line))
        })
        .collect()
}

/// Loads one profile from its JSON value; `line` is where the record starts, for errors.
pub fn load_profile(
    value: &Json,
    line: usize,
    schema: &Schema,
    catalog: &Catalog,
    interner: &mut Interner,
) -> Result<Profile, DataError> {
    ProfileReader::new(schema, catalog)
        .profile(value, interner)
        .map_err(|problem| problem.on_line(line))
}

// ---------------------------------------------------------------------------------------------
// Records and errors

/// What is wrong with a record before its line is attached.
struct Problem {
    id: Option<String>,
    field: String,
    message: String,
}

type Checked<T> = Result<T, Problem>;

impl Problem {
    fn at(path: Path<'_>, message: impl Into<String>) -> Problem {
        Problem {
            id: None,
            field: path.to_string(),
            message: message.into(),
        }
    }

    fn with_id(mut self, id: &str) -> Problem {
        self.id.get_or_insert_with(|| id.to_string());
        self
    }

    fn on_line(self, line: usize) -> DataError {
        DataError {
            line,
            id: self.id,
            field: self.field,
            message: self.message,
        }
    }
}

/// A JSON path, built on the stack as the reader descends and written out only for an error.
#[derive(Clone, Copy)]
enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl<'p> Path<'p> {
    fn key(&'p self, key: &'p str) -> Path<'p> {
        Path::Key(self, key)
    }

    fn index(&'p self, index: usize) -> Path<'p> {
        Path::Index(self, index)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// The whitespace JSON allows between tokens; other white space is not JSON's to skip.
const JSON_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// Splits text into records with the line each starts on: the whole text when it is one JSON
/// value, otherwise one record per non-blank line.
fn split_records(text: &str) -> Vec<(usize, Checked<Json>)> {
    // Editors on Windows like to start UTF-8 files with a byte-order mark; it is not data.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start = text.trim_start_matches(JSON_WHITESPACE);
    let whole = start.trim_end_matches(JSON_WHITESPACE);
    if whole.is_empty() {
        return Vec::new();
    }
    if let Ok(value) = serde_json::from_str::<Json>(whole) {
        let line = text[..text.len() - start.len()].matches('\n').count() + 1;
        return vec![(line, Ok(value))];
    }
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_matches(JSON_WHITESPACE).is_empty())
        .map(|(index, line)| {
            let parsed = serde_json::from_str::<Json>(line)
                .map_err(|e| Problem::at(Path::Root, malformed(&e)));
            (index + 1, parsed)
        })
        .collect()
}

/// The texts of the records of a whole text, split as [`split_records`] splits it, with the
/// line each starts on.
pub(crate) fn split_texts(text: &str) -> Vec<(usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start = text.trim_start_matches(JSON_WHITESPACE);
    let whole = start.trim_end_matches(JSON_WHITESPACE);
    if whole.is_empty() {
        return Vec::new();
    }
    if serde_json::from_str::<serde::de::IgnoredAny>(whole).is_ok() {
        let line = text[..text.len() - start.len()].matches('\n').count() + 1;
        return vec![(line, whole.to_string())];
    }
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_matches(JSON_WHITESPACE).is_empty())
        .map(|(index, line)| (index + 1, line.to_string()))
        .collect()
}

/// serde_json's message with the column, without its "line 1" (the record's line is known).
fn malformed(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let message = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => &text,
    };
    format!("malformed JSON: {message} (column {})", error.column())
}

/// `null`, `""` and `[]` are all empty (§8).
fn is_empty(value: &Json) -> bool {
    match value {
        Json::Null => true,
        Json::String(s) => s.is_empty(),
        Json::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// A JSON value as an error message shows it: scalars as written (long strings cut), containers
/// by their kind.
fn describe(value: &Json) -> String {
    match value {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => cut(&n.to_string()),
        Json::String(s) => quoted(s),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "an object".into(),
    }
}

/// A string in quotes, escaped, cut to a readable length.
fn quoted(text: &str) -> String {
    format!("{:?}", cut(text))
}

fn cut(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Fields and their values

/// How one slot is read: the key, the type and, for selects, the options.
struct Field<'s> {
    name: &'s str,
    ty: AttrType,
    options: Options,
}

fn fields_of(attributes: &[Attribute]) -> Vec<Field<'_>> {
    attributes
        .iter()
        .map(|a| Field {
            name: &a.code,
            ty: a.ty,
            options: Options::new(&a.options),
        })
        .collect()
}

fn builtin_fields(kind: ElementKind) -> Vec<Field<'static>> {
    kind.builtin_fields()
        .iter()
        .map(|&(name, ty)| Field {
            name,
            ty,
            options: Options::default(),
        })
        .collect()
}

/// The value of each field, in field order; absent keys are empty.
fn read_fields(
    object: &Map<String, Json>,
    fields: &[Field<'_>],
    path: Path<'_>,
    interner: &mut Interner,
) -> Checked<Vec<Value>> {
    fields
        .iter()
        .map(|field| match object.get(field.name) {
            Some(value) => typed(value, field, path.key(field.name), interner),
            None => Ok(Value::Missing),
        })
        .collect()
}

/// Types one JSON value for a field.
fn typed(
    value: &Json,
    field: &Field<'_>,
    path: Path<'_>,
    interner: &mut Interner,
) -> Checked<Value> {
    if is_empty(value) {
        return Ok(Value::Missing);
    }
    let expected =
        |what: &str| Problem::at(path, format!("expected {what}, found {}", describe(value)));
    match (field.ty, value) {
        (AttrType::String, Json::String(s)) => Ok(crate::typing::text(interner, s)),
        (AttrType::String, _) => Err(expected("a string")),

        (AttrType::Integer, Json::Number(n)) => integer(n).map(Value::Int).map_err(|why| {
            Problem::at(path, format!("expected an integer, found {} ({why})", describe(value)))
        }),
        (AttrType::Integer, _) => Err(expected("an integer")),

        (AttrType::Decimal, Json::Number(n)) => decimal(&number_as_decimal(n), value, path),
        (AttrType::Decimal, Json::String(s)) => decimal(&Decimal::parse(s), value, path),
        (AttrType::Decimal, _) => Err(expected("a decimal number")),

        (AttrType::Boolean, Json::Bool(b)) => Ok(Value::Bool(*b)),
        (AttrType::Boolean, _) => Err(expected("true or false")),

        (AttrType::Date, Json::String(s)) => date(s).map(Value::Date).map_err(|why| {
            Problem::at(path, format!("expected a date YYYY-MM-DD, found {} ({why})", quoted(s)))
        }),
        (AttrType::Date, _) => Err(expected("a date YYYY-MM-DD")),

        (AttrType::Datetime, Json::String(s)) => datetime(s).map(Value::DateTime).map_err(|why| {
            Problem::at(
                path,
                format!(
                    "expected a datetime YYYY-MM-DDTHH:MM:SSZ (or with an offset), found {} ({why})",
                    quoted(s)
                ),
            )
        }),
        (AttrType::Datetime, _) => Err(expected("a datetime YYYY-MM-DDTHH:MM:SSZ")),

        (AttrType::Select, Json::String(s)) => option(s, field, path).map(Value::Option),
        (AttrType::Select, _) => Err(expected("an option (a string)")),

        (AttrType::Multiselect, Json::Array(items)) => {
            let mut indices = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item {
                    _ if is_empty(item) => {}
                    Json::String(s) => indices.push(option(s, field, path.index(i))?),
                    other => {
                        return Err(Problem::at(
                            path.index(i),
                            format!("expected an option (a string), found {}", describe(other)),
                        ))
                    }
                }
            }
            Ok(option_set(indices))
        }
        (AttrType::Multiselect, Json::String(s)) => {
            let indices = match field.options.find(s) {
                Some(index) => vec![index],
                None => s
                    .split(',')
                    .map(str::trim)
                    .filter(|part| !part.is_empty())
                    .map(|part| option(part, field, path))
                    .collect::<Checked<Vec<u32>>>()?,
            };
            Ok(option_set(indices))
        }
        (AttrType::Multiselect, _) => Err(expected("a list of options")),
    }
}

/// A JSON integer: digits only (no fraction, no exponent), within 64 bits.
fn integer(number: &Number) -> Result<i64, &'static str> {
    let text = number.to_string();
    let digits = text.strip_prefix('-').unwrap_or(&text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a whole number without fraction or exponent");
    }
    text.parse().map_err(|_| "it does not fit 64 bits")
}

fn decimal(parsed: &Result<Decimal, DecimalError>, value: &Json, path: Path<'_>) -> Checked<Value> {
    let why = match parsed {
        Ok(decimal) => return Ok(Value::Dec(decimal.units)),
        Err(DecimalError::TooPrecise) => "more than 4 fractional digits",
        Err(DecimalError::OutOfRange) => "out of the decimal range",
        Err(DecimalError::Malformed) => "not a number",
    };
    Err(Problem::at(
        path,
        format!(
            "expected a decimal number, found {} ({why})",
            describe(value)
        ),
    ))
}

/// The exact decimal of a JSON number, exponent forms included (`1.5e3` is 1500).
fn number_as_decimal(number: &Number) -> Result<Decimal, DecimalError> {
    let text = number.to_string();
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return Decimal::parse(&text);
    };
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = format!("{int_part}{frac_part}");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DecimalError::Malformed);
    }
    // The value is 0.D × 10^point with D the significant digits.
    let significant = digits.trim_start_matches('0');
    let leading_zeros = digits.len() - significant.len();
    let significant = significant.trim_end_matches('0');
    if significant.is_empty() {
        return Ok(Decimal { units: 0 });
    }
    let exponent_negative = exponent.starts_with('-');
    let exponent_digits = exponent.trim_start_matches(['+', '-']);
    // Thirty digits exceed any text's length, so a longer exponent decides on its own.
    let exponent = match exponent_digits.parse::<i128>() {
        Ok(e) if exponent_digits.len() <= 30 => e * if exponent_negative { -1 } else { 1 },
        _ if !exponent_digits.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(DecimalError::Malformed)
        }
        _ if exponent_negative => return Err(DecimalError::TooPrecise),
        _ => return Err(DecimalError::OutOfRange),
    };
    let point = int_part.len() as i128 - leading_zeros as i128 + exponent;
    let length = significant.len() as i128;
    // Decimal::parse takes at most 15 integer digits and 4 fractional ones.
    if point > 16 {
        return Err(DecimalError::OutOfRange);
    }
    if length - point > 4 {
        return Err(DecimalError::TooPrecise);
    }
    let plain = if point <= 0 {
        format!("0.{}{significant}", "0".repeat((-point) as usize))
    } else if point >= length {
        format!("{significant}{}", "0".repeat((point - length) as usize))
    } else {
        let (int, frac) = significant.split_at(point as usize);
        format!("{int}.{frac}")
    };
    let decimal = Decimal::parse(&plain)?;
    Ok(if negative {
        Decimal {
            units: -decimal.units,
        }
    } else {
        decimal
    })
}

/// A day number from `YYYY-MM-DD`, or from a datetime's UTC day.
fn date(text: &str) -> Result<i32, String> {
    match parse_date(text) {
        Ok(date) => Ok(date.days),
        Err(why) if text.len() <= 10 => Err(why),
        Err(_) => datetime(text).map(|micros| micros.div_euclid(MICROS_PER_DAY) as i32),
    }
}

/// UTC microseconds of an RFC 3339 datetime, with `T` or a single space between date and time.
fn datetime(text: &str) -> Result<i64, String> {
    if parse_date(text).is_ok() {
        return Err("a date alone; a datetime needs a time and `Z` or an offset".into());
    }
    let parsed = match text.as_bytes().get(10) {
        // Byte 10 is an ASCII space, so both slices fall on character boundaries.
        Some(b' ') => parse_datetime(&format!("{}T{}", &text[..10], &text[11..])),
        _ => parse_datetime(text),
    };
    parsed.map(|instant| instant.micros)
}

fn option(text: &str, field: &Field<'_>, path: Path<'_>) -> Checked<u32> {
    field.options.find(text).ok_or_else(|| {
        let message = if field.options.is_empty() {
            format!(
                "{} is not an option: {} declares none",
                quoted(text),
                field.name
            )
        } else {
            format!(
                "{} is not an option of {} (options: {})",
                quoted(text),
                field.name,
                field.options.listing()
            )
        };
        Problem::at(path, message)
    })
}

/// An object where one belongs; `None` for every empty form.
fn object_at<'v>(
    value: Option<&'v Json>,
    path: Path<'_>,
) -> Checked<Option<&'v Map<String, Json>>> {
    match value {
        None => Ok(None),
        Some(Json::Object(object)) => Ok(Some(object)),
        Some(value) if is_empty(value) => Ok(None),
        Some(value) => Err(Problem::at(
            path,
            format!("expected an object, found {}", describe(value)),
        )),
    }
}

/// A list where one belongs; empty for every empty form.
fn list_at<'v>(value: Option<&'v Json>, path: Path<'_>) -> Checked<&'v [Json]> {
    match value {
        Some(Json::Array(items)) => Ok(items),
        None => Ok(&[]),
        Some(value) if is_empty(value) => Ok(&[]),
        Some(value) => Err(Problem::at(
            path,
            format!("expected a list, found {}", describe(value)),
        )),
    }
}

/// An element of a list: always an object.
fn element_at<'v>(value: &'v Json, path: Path<'_>) -> Checked<&'v Map<String, Json>> {
    value.as_object().ok_or_else(|| {
        Problem::at(
            path,
            format!("expected an object, found {}", describe(value)),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Profiles

/// The fields of every record a profile holds, prepared once for many profiles.
pub(crate) struct ProfileReader<'s> {
    catalog: &'s Catalog,
    customer: Vec<Field<'s>>,
    /// The built-in flags, then the schema's address attributes.
    address: Vec<Field<'s>>,
    /// The cart's stored fields with their slots; the derived counts are not read.
    cart: Vec<(usize, Field<'static>)>,
    cart_item: Vec<Field<'static>>,
    wishlist_item: Vec<Field<'static>>,
    viewed_product: Vec<Field<'static>>,
    order: Vec<Field<'static>>,
    /// An order line's own fields: everything but what it takes from its order.
    order_line: Vec<(usize, Field<'static>)>,
    derived: Derived,
}

impl<'s> ProfileReader<'s> {
    /// Parses and loads one record's text; `line` is where it starts, for errors.
    pub(crate) fn load_text(
        &self,
        text: &str,
        line: usize,
        interner: &mut Interner,
    ) -> Result<Profile, DataError> {
        serde_json::from_str::<Json>(text)
            .map_err(|e| Problem::at(Path::Root, malformed(&e)))
            .and_then(|value| self.profile(&value, interner))
            .map_err(|problem| problem.on_line(line))
    }

    pub(crate) fn new(schema: &'s Schema, catalog: &'s Catalog) -> ProfileReader<'s> {
        let mut address = builtin_fields(ElementKind::Address);
        address.extend(fields_of(schema.attributes(Entity::CustomerAddress)));
        let cart = CART_FIELDS
            .iter()
            .enumerate()
            .filter(|(_, (name, _))| !DERIVED_CART.contains(name))
            .map(|(slot, &(name, ty))| {
                let options = Options::default();
                (slot, Field { name, ty, options })
            })
            .collect();
        let order_line = builtin_fields(ElementKind::OrderLine)
            .into_iter()
            .enumerate()
            .filter(|(_, field)| !FROM_ORDER.contains(&field.name))
            .collect();
        ProfileReader {
            catalog,
            customer: fields_of(schema.attributes(Entity::Customer)),
            address,
            cart,
            cart_item: builtin_fields(ElementKind::CartItem),
            wishlist_item: builtin_fields(ElementKind::WishlistItem),
            viewed_product: builtin_fields(ElementKind::ViewedProduct),
            order: builtin_fields(ElementKind::Order),
            order_line,
            derived: Derived::new(),
        }
    }

    fn profile(&self, value: &Json, interner: &mut Interner) -> Checked<Profile> {
        let Json::Object(object) = value else {
            return Err(Problem::at(
                Path::Root,
                format!("a profile is a JSON object, found {}", describe(value)),
            ));
        };
        let id = profile_id(object)?;
        self.fill(object, id.clone(), interner)
            .map_err(|problem| problem.with_id(&id))
    }

    fn fill(
        &self,
        object: &Map<String, Json>,
        id: String,
        interner: &mut Interner,
    ) -> Checked<Profile> {
        let root = Path::Root;
        let logged_in = match object.get("logged_in") {
            Some(Json::Bool(b)) => *b,
            Some(value) if !is_empty(value) => {
                return Err(Problem::at(
                    root.key("logged_in"),
                    format!("expected true or false, found {}", describe(value)),
                ))
            }
            _ => false,
        };
        let website = match object.get("website") {
            Some(Json::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(value) if !is_empty(value) => {
                return Err(Problem::at(
                    root.key("website"),
                    format!(
                        "expected a website code (a string), found {}",
                        describe(value)
                    ),
                ))
            }
            _ => None,
        };
        let mut profile = Profile {
            id,
            logged_in,
            website,
            customer: vec![Value::Missing; self.customer.len()].into_boxed_slice(),
            ..Profile::default()
        };
        self.cart(object, &mut profile, interner)?;
        profile.viewed_products = self.elements(
            object.get("viewed_products"),
            root.key("viewed_products"),
            &self.viewed_product,
            interner,
        )?;
        // §8: a visitor's customer fields, addresses, orders and wishlist are empty.
        if !logged_in {
            return Ok(profile);
        }
        let path = root.key("customer");
        if let Some(customer) = object_at(object.get("customer"), path)? {
            profile.customer = read_fields(customer, &self.customer, path, interner)?.into();
        }
        let path = root.key("addresses");
        for (i, address) in list_at(object.get("addresses"), path)?.iter().enumerate() {
            let address =
                self.address(element_at(address, path.index(i))?, path.index(i), interner)?;
            self.derived.push_address(
                &mut profile.addresses,
                &mut profile.default_billing,
                &mut profile.default_shipping,
                address,
            );
        }
        profile.wishlist_items = self.elements(
            object.get("wishlist_items"),
            root.key("wishlist_items"),
            &self.wishlist_item,
            interner,
        )?;
        let path = root.key("orders");
        for (i, order) in list_at(object.get("orders"), path)?.iter().enumerate() {
            let order = self.order(element_at(order, path.index(i))?, path.index(i), interner)?;
            profile.orders.push(order);
        }
        Ok(profile)
    }

    /// The cart's stored fields, its lines, and the counts derived from them.
    fn cart(
        &self,
        object: &Map<String, Json>,
        profile: &mut Profile,
        interner: &mut Interner,
    ) -> Checked<()> {
        let mut cart = vec![Value::Missing; CART_FIELDS.len()];
        let path = Path::Root.key("cart");
        if let Some(fields) = object_at(object.get("cart"), path)? {
            for (slot, field) in &self.cart {
                if let Some(value) = fields.get(field.name) {
                    cart[*slot] = typed(value, field, path.key(field.name), interner)?;
                }
            }
            profile.cart_items = self.elements(
                fields.get("items"),
                path.key("items"),
                &self.cart_item,
                interner,
            )?;
        }
        self.derived
            .cart_counts(&mut cart, &profile.cart_items)
            .map_err(|_| {
                Problem::at(
                    path.key("items"),
                    "the quantities of the cart lines add up to more than 64 bits hold",
                )
            })?;
        profile.cart = cart.into_boxed_slice();
        Ok(())
    }

    /// A list of elements of one kind (never addresses or orders, which hold more).
    fn elements(
        &self,
        value: Option<&Json>,
        path: Path<'_>,
        fields: &[Field<'_>],
        interner: &mut Interner,
    ) -> Checked<Vec<Record>> {
        list_at(value, path)?
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let object = element_at(item, path.index(i))?;
                let values = read_fields(object, fields, path.index(i), interner)?;
                Ok(self.record(object, values))
            })
            .collect()
    }

    /// A record with the catalog product of its `sku`, when it has one the catalog knows.
    fn record(&self, object: &Map<String, Json>, values: Vec<Value>) -> Record {
        let product = match object.get("sku") {
            Some(Json::String(sku)) => self.catalog.find(sku),
            _ => None,
        };
        Record {
            values: values.into_boxed_slice(),
            product,
        }
    }

    fn address(
        &self,
        object: &Map<String, Json>,
        path: Path<'_>,
        interner: &mut Interner,
    ) -> Checked<Record> {
        let values = read_fields(object, &self.address, path, interner)?;
        Ok(Record {
            values: values.into_boxed_slice(),
            product: None,
        })
    }

    fn order(
        &self,
        object: &Map<String, Json>,
        path: Path<'_>,
        interner: &mut Interner,
    ) -> Checked<Order> {
        let record = Record {
            values: read_fields(object, &self.order, path, interner)?.into_boxed_slice(),
            product: None,
        };
        let lines_path = path.key("items");
        let mut items = Vec::new();
        for (i, line) in list_at(object.get("items"), lines_path)?.iter().enumerate() {
            let line_path = lines_path.index(i);
            let line = element_at(line, line_path)?;
            let mut values = vec![Value::Missing; ElementKind::OrderLine.builtin_fields().len()];
            for (slot, field) in &self.order_line {
                if let Some(value) = line.get(field.name) {
                    values[*slot] = typed(value, field, line_path.key(field.name), interner)?;
                }
            }
            self.derived.line_from_order(&mut values, &record);
            items.push(self.record(line, values));
        }
        let mut address = |key: &'static str| -> Checked<Option<Record>> {
            let path = path.key(key);
            match object_at(object.get(key), path)? {
                Some(address) => self.address(address, path, interner).map(Some),
                None => Ok(None),
            }
        };
        let billing_address = address("billing_address")?;
        let shipping_address = address("shipping_address")?;
        Ok(Order {
            record,
            items,
            billing_address,
            shipping_address,
        })
    }
}

/// A profile's id: a non-empty string, or a JSON integer as its decimal text.
fn profile_id(object: &Map<String, Json>) -> Checked<String> {
    let path = Path::Root.key("id");
    match object.get("id") {
        Some(Json::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Json::Number(n)) => {
            let text = n.to_string();
            let digits = text.strip_prefix('-').unwrap_or(&text);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                Ok(text)
            } else {
                Err(Problem::at(
                    path,
                    format!("expected a string or an integer, found {}", cut(&text)),
                ))
            }
        }
        Some(value) if !is_empty(value) => Err(Problem::at(
            path,
            format!("expected a string or an integer, found {}", describe(value)),
        )),
        _ => Err(Problem::at(
            path,
            "a profile needs an `id` (a non-empty string or an integer)",
        )),
    }
}
