//! Loading profiles and the catalog from JSON (§5), validated against the schema.
//!
//! Every value is typed by the attribute or built-in field it fills, with the same parsers the
//! checker uses for literals (`seg_check::values`), so data and literals mean the same. A bad
//! record is an error naming its line, id and field; the other records still load.
//!
//! Readings where §5 and §8 leave room (also in docs/language-notes.md):
//! - `id` is a string, or an integer (taken as its decimal text); it is required.
//! - Keys the model and the schema do not know are ignored: profiles carry more than segments
//!   read, and the schema decides what is read.
//! - A visitor's (`logged_in` false or absent) customer fields, addresses, orders and wishlist
//!   are empty whatever the record holds (§8).
//! - Datetimes need `Z` or an offset, as literals do; a space may stand for the `T`. A date
//!   field also takes a datetime, whose UTC day is used.
//! - Select options compare case-insensitively; an unknown option is a record error. A
//!   multiselect is a list of options or a comma-separated string (as Magento stores it).
//! - Decimals are JSON numbers or numeric strings with at most four fractional digits; their
//!   exact text is used (the workspace's serde_json keeps number text: `arbitrary_precision`).

use serde_json::{Map, Value as Json};

use seg_check::model::{ElementKind, CART_FIELDS};
use seg_check::values::{parse_date, parse_datetime, Decimal, MICROS_PER_DAY};
use seg_schema::{AttrType, Attribute, Entity, Schema};

use crate::intern::Interner;
use crate::layout::{Catalog, Order, Product, ProductId, Profile, Record, Value};

/// A record that could not be loaded: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    /// 1-based line where the record starts.
    pub line: usize,
    /// The record's id, when it could be read.
    pub id: Option<String>,
    /// The JSON path of the offending value (`orders[0].grand_total`); empty for the record.
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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

/// A problem at a path, before the record's line and id are attached.
struct Problem {
    field: String,
    message: String,
}

type Checked<T> = Result<T, Problem>;

fn problem(field: &str, message: impl Into<String>) -> Problem {
    Problem {
        field: field.to_string(),
        message: message.into(),
    }
}

/// Splits text into records: one JSON value for the whole text, or one per non-blank line.
fn records(text: &str) -> Vec<(usize, Result<Json, String>)> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Vec::new();
    }
    if let Ok(value) = serde_json::from_str::<Json>(trimmed) {
        let line = text[..text.find(trimmed).unwrap_or(0)]
            .matches('\n')
            .count()
            + 1;
        return vec![(line, Ok(value))];
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            (
                i + 1,
                serde_json::from_str::<Json>(l).map_err(|e| format!("malformed JSON: {e}")),
            )
        })
        .collect()
}

/// Loads a catalog (NDJSON of products). Bad lines are reported and skipped.
pub fn load_catalog(
    text: &str,
    schema: &Schema,
    interner: &mut Interner,
) -> (Catalog, Vec<DataError>) {
    let mut catalog = Catalog::default();
    let mut errors = Vec::new();
    for (line, parsed) in records(text) {
        let error = |field: String, message: String, id: Option<String>| DataError {
            line,
            id,
            field,
            message,
        };
        let value = match parsed {
            Ok(v) => v,
            Err(message) => {
                errors.push(error(String::new(), message, None));
                continue;
            }
        };
        let Json::Object(object) = value else {
            errors.push(error(
                String::new(),
                "a product is a JSON object".into(),
                None,
            ));
            continue;
        };
        let sku = match object.get("sku") {
            Some(Json::String(s)) if !s.is_empty() => s.clone(),
            _ => {
                errors.push(error(
                    "sku".into(),
                    "a product needs a non-empty string `sku`".into(),
                    None,
                ));
                continue;
            }
        };
        if catalog.by_sku.contains_key(&sku) {
            errors.push(error(
                "sku".into(),
                format!("SKU {sku:?} appears twice in the catalog"),
                Some(sku),
            ));
            continue;
        }
        match attributes(&object, "", schema.attributes(Entity::Product), interner) {
            Ok(values) => {
                let id = ProductId(catalog.products.len() as u32);
                catalog.by_sku.insert(sku.clone(), id);
                catalog.products.push(Product { sku, values });
            }
            Err(p) => errors.push(error(p.field, p.message, Some(sku))),
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
    records(text)
        .into_iter()
        .map(|(line, parsed)| match parsed {
            Ok(value) => load_profile(&value, line, schema, catalog, interner),
            Err(message) => Err(DataError {
                line,
                id: None,
                field: String::new(),
                message,
            }),
        })
        .collect()
}

/// Loads one profile from its JSON value.
pub fn load_profile(
    value: &Json,
    line: usize,
    schema: &Schema,
    catalog: &Catalog,
    interner: &mut Interner,
) -> Result<Profile, DataError> {
    let id = match value.get("id") {
        Some(Json::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Json::Number(n)) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    };
    let loader = ProfileLoader { schema, catalog };
    loader
        .profile(value, id.clone(), interner)
        .map_err(|p| DataError {
            line,
            id,
            field: p.field,
            message: p.message,
        })
}

struct ProfileLoader<'a> {
    schema: &'a Schema,
    catalog: &'a Catalog,
}

fn describe(value: &Json) -> String {
    match value {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => format!("{s:?}"),
        Json::Array(_) => "an array".into(),
        Json::Object(_) => "an object".into(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `null`, `""` and `[]` are all empty (§8).
fn is_empty(value: &Json) -> bool {
    matches!(value, Json::Null)
        || matches!(value, Json::String(s) if s.is_empty())
        || matches!(value, Json::Array(a) if a.is_empty())
}

/// Types one JSON value for a field of type `ty` (with `options` for selects).
fn typed(
    value: &Json,
    ty: AttrType,
    options: &[String],
    path: &str,
    interner: &mut Interner,
) -> Checked<Value> {
    if is_empty(value) {
        return Ok(Value::Missing);
    }
    let wrong = |expected: &str| {
        problem(
            path,
            format!("expected {expected}, found {}", describe(value)),
        )
    };
    let option_index = |text: &str| -> Checked<u32> {
        let folded = text.trim().to_lowercase();
        options
            .iter()
            .position(|o| o.to_lowercase() == folded)
            .map(|i| i as u32)
            .ok_or_else(|| {
                problem(
                    path,
                    format!(
                        "{text:?} is not an option (options: {})",
                        options.join(", ")
                    ),
                )
            })
    };
    match ty {
        AttrType::String => match value {
            Json::String(s) => Ok(Value::Str(interner.intern(s))),
            _ => Err(wrong("a string")),
        },
        AttrType::Integer => match value {
            Json::Number(n) => n
                .as_i64()
                .filter(|_| !n.to_string().contains(['.', 'e', 'E']))
                .map(Value::Int)
                .ok_or_else(|| wrong("a whole number that fits 64 bits")),
            _ => Err(wrong("an integer")),
        },
        AttrType::Decimal => {
            let text = match value {
                Json::Number(n) => n.to_string(),
                Json::String(s) => s.trim().to_string(),
                _ => return Err(wrong("a decimal number")),
            };
            match Decimal::parse(&text) {
                Ok(d) => Ok(Value::Dec(d.units)),
                Err(seg_check::values::DecimalError::TooPrecise) => Err(problem(
                    path,
                    format!("{text} has more than 4 fractional digits"),
                )),
                Err(seg_check::values::DecimalError::OutOfRange) => {
                    Err(problem(path, format!("{text} is out of the decimal range")))
                }
                Err(_) => Err(wrong("a decimal number")),
            }
        }
        AttrType::Boolean => match value {
            Json::Bool(b) => Ok(Value::Bool(*b)),
            _ => Err(wrong("true or false")),
        },
        AttrType::Date => match value {
            Json::String(s) if s.len() == 10 => parse_date(s)
                .map(|d| Value::Date(d.days))
                .map_err(|e| problem(path, format!("{s:?}: {e}"))),
            Json::String(s) => datetime(s)
                .map(|t| Value::Date(t.div_euclid(MICROS_PER_DAY) as i32))
                .map_err(|e| {
                    problem(
                        path,
                        format!("expected a date YYYY-MM-DD, found {s:?}: {e}"),
                    )
                }),
            _ => Err(wrong("a date YYYY-MM-DD")),
        },
        AttrType::Datetime => match value {
            Json::String(s) => datetime(s)
                .map(Value::DateTime)
                .map_err(|e| problem(path, format!("{s:?}: {e}"))),
            _ => Err(wrong("an RFC 3339 datetime")),
        },
        AttrType::Select => match value {
            Json::String(s) => option_index(s).map(Value::Option),
            _ => Err(wrong("an option string")),
        },
        AttrType::Multiselect => {
            let mut indices = match value {
                Json::Array(items) => items
                    .iter()
                    .map(|item| match item {
                        Json::String(s) => option_index(s),
                        other => Err(problem(
                            path,
                            format!("expected option strings, found {}", describe(other)),
                        )),
                    })
                    .collect::<Checked<Vec<u32>>>()?,
                Json::String(s) => s
                    .split(',')
                    .filter(|p| !p.trim().is_empty())
                    .map(option_index)
                    .collect::<Checked<Vec<u32>>>()?,
                _ => return Err(wrong("a list of options")),
            };
            indices.sort_unstable();
            indices.dedup();
            Ok(if indices.is_empty() {
                Value::Missing
            } else {
                Value::Options(indices.into_boxed_slice())
            })
        }
    }
}

fn datetime(text: &str) -> Result<i64, String> {
    let normalized = match text.as_bytes().get(10) {
        Some(b' ') => format!("{}T{}", &text[..10], &text[11..]),
        _ => text.to_string(),
    };
    if normalized.len() <= 10 {
        return Err("a datetime needs a time and `Z` or an offset".into());
    }
    parse_datetime(&normalized).map(|i| i.micros)
}

/// Schema attributes of an object, in schema order.
fn attributes(
    object: &Map<String, Json>,
    path: &str,
    attributes: &[Attribute],
    interner: &mut Interner,
) -> Checked<Box<[Value]>> {
    attributes
        .iter()
        .map(|a| match object.get(&a.code) {
            Some(v) => typed(v, a.ty, &a.options, &join(path, &a.code), interner),
            None => Ok(Value::Missing),
        })
        .collect()
}

fn as_object<'v>(value: &'v Json, path: &str) -> Checked<Option<&'v Map<String, Json>>> {
    match value {
        Json::Null => Ok(None),
        Json::Object(o) => Ok(Some(o)),
        other => Err(problem(
            path,
            format!("expected an object, found {}", describe(other)),
        )),
    }
}

fn as_array<'v>(object: &'v Map<String, Json>, key: &str, path: &str) -> Checked<&'v [Json]> {
    match object.get(key) {
        None | Some(Json::Null) => Ok(&[]),
        Some(Json::Array(items)) => Ok(items),
        Some(other) => Err(problem(
            &join(path, key),
            format!("expected an array, found {}", describe(other)),
        )),
    }
}

impl ProfileLoader<'_> {
    fn profile(
        &self,
        value: &Json,
        id: Option<String>,
        interner: &mut Interner,
    ) -> Checked<Profile> {
        let Json::Object(object) = value else {
            return Err(problem(
                "",
                format!("a profile is a JSON object, found {}", describe(value)),
            ));
        };
        let id = id.ok_or_else(|| {
            problem(
                "id",
                "a profile needs an `id` (a non-empty string or an integer)",
            )
        })?;
        let logged_in = match object.get("logged_in") {
            None | Some(Json::Null) => false,
            Some(Json::Bool(b)) => *b,
            Some(other) => {
                return Err(problem(
                    "logged_in",
                    format!("expected true or false, found {}", describe(other)),
                ))
            }
        };
        let website = match object.get("website") {
            None | Some(Json::Null) => None,
            Some(Json::String(s)) => Some(s.clone()),
            Some(other) => {
                return Err(problem(
                    "website",
                    format!("expected a website code string, found {}", describe(other)),
                ))
            }
        };
        let mut profile = Profile {
            id,
            logged_in,
            website,
            ..Profile::default()
        };
        profile.customer = vec![Value::Missing; self.schema.customer.len()].into_boxed_slice();
        profile.cart = self.cart(object, interner)?;
        profile.cart_items = self.items(object, "cart", ElementKind::CartItem, interner)?;
        let lines = profile.cart_items.len() as i64;
        let qty_slot = slot(ElementKind::CartItem, "qty");
        let qty: i64 = profile
            .cart_items
            .iter()
            .map(|r| {
                if let Value::Int(q) = r.get(qty_slot) {
                    *q
                } else {
                    0
                }
            })
            .sum();
        profile.cart[7] = Value::Int(lines);
        profile.cart[8] = Value::Int(qty);
        profile.viewed_products = self.list(
            object,
            "viewed_products",
            "",
            ElementKind::ViewedProduct,
            interner,
        )?;
        // §8: a visitor's customer fields, addresses, orders and wishlist are empty.
        if !logged_in {
            return Ok(profile);
        }
        if let Some(customer) = object.get("customer") {
            if let Some(customer) = as_object(customer, "customer")? {
                profile.customer = attributes(
                    customer,
                    "customer",
                    self.schema.attributes(Entity::Customer),
                    interner,
                )?;
            }
        }
        for (i, address) in as_array(object, "addresses", "")?.iter().enumerate() {
            let record = self.address(address, &format!("addresses[{i}]"), interner)?;
            let flag = |slot: usize| matches!(record.get(slot), Value::Bool(true));
            if profile.default_billing.is_none() && flag(0) {
                profile.default_billing = Some(i);
            }
            if profile.default_shipping.is_none() && flag(1) {
                profile.default_shipping = Some(i);
            }
            profile.addresses.push(record);
        }
        profile.wishlist_items = self.list(
            object,
            "wishlist_items",
            "",
            ElementKind::WishlistItem,
            interner,
        )?;
        for (i, order) in as_array(object, "orders", "")?.iter().enumerate() {
            profile
                .orders
                .push(self.order(order, &format!("orders[{i}]"), interner)?);
        }
        Ok(profile)
    }

    fn cart(&self, object: &Map<String, Json>, interner: &mut Interner) -> Checked<Box<[Value]>> {
        let mut cart = vec![Value::Missing; CART_FIELDS.len()];
        if let Some(value) = object.get("cart") {
            if let Some(fields) = as_object(value, "cart")? {
                // The derived counts (the last two fields) come from the lines, not the record.
                for (slot, (name, ty)) in CART_FIELDS.iter().enumerate().take(7) {
                    if let Some(v) = fields.get(*name) {
                        cart[slot] = typed(v, *ty, &[], &format!("cart.{name}"), interner)?;
                    }
                }
            }
        }
        Ok(cart.into_boxed_slice())
    }

    fn items(
        &self,
        object: &Map<String, Json>,
        key: &str,
        kind: ElementKind,
        interner: &mut Interner,
    ) -> Checked<Vec<Record>> {
        match object.get(key) {
            None | Some(Json::Null) => Ok(Vec::new()),
            Some(value) => match as_object(value, key)? {
                Some(cart) => self.list(cart, "items", key, kind, interner),
                None => Ok(Vec::new()),
            },
        }
    }

    fn list(
        &self,
        object: &Map<String, Json>,
        key: &str,
        path: &str,
        kind: ElementKind,
        interner: &mut Interner,
    ) -> Checked<Vec<Record>> {
        as_array(object, key, path)?
            .iter()
            .enumerate()
            .map(|(i, item)| {
                self.element(item, &format!("{}[{i}]", join(path, key)), kind, interner)
            })
            .collect()
    }

    fn element(
        &self,
        value: &Json,
        path: &str,
        kind: ElementKind,
        interner: &mut Interner,
    ) -> Checked<Record> {
        let Some(object) = as_object(value, path)? else {
            return Err(problem(path, "expected an object, found null"));
        };
        let values = kind
            .builtin_fields()
            .iter()
            .map(|(name, ty)| match object.get(*name) {
                Some(v) => typed(v, *ty, &[], &join(path, name), interner),
                None => Ok(Value::Missing),
            })
            .collect::<Checked<Vec<Value>>>()?;
        let product = match object.get("sku") {
            Some(Json::String(sku)) if kind.has_product() => self.catalog.find(sku),
            _ => None,
        };
        Ok(Record {
            values: values.into_boxed_slice(),
            product,
        })
    }

    fn address(&self, value: &Json, path: &str, interner: &mut Interner) -> Checked<Record> {
        let Some(object) = as_object(value, path)? else {
            return Err(problem(path, "expected an address object, found null"));
        };
        let mut record = self.element(value, path, ElementKind::Address, interner)?;
        let attrs = attributes(
            object,
            path,
            self.schema.attributes(Entity::CustomerAddress),
            interner,
        )?;
        let mut values = record.values.into_vec();
        values.extend(attrs.into_vec());
        record.values = values.into_boxed_slice();
        Ok(record)
    }

    fn order(&self, value: &Json, path: &str, interner: &mut Interner) -> Checked<Order> {
        let Some(object) = as_object(value, path)? else {
            return Err(problem(path, "expected an order object, found null"));
        };
        let record = self.element(value, path, ElementKind::Order, interner)?;
        let status = record.get(slot(ElementKind::Order, "status")).clone();
        let created_at = record.get(slot(ElementKind::Order, "created_at")).clone();
        let mut items = self.list(object, "items", path, ElementKind::OrderLine, interner)?;
        // Order lines carry their order's status and time (§8).
        for item in &mut items {
            let mut values = item.values.to_vec();
            values[slot(ElementKind::OrderLine, "status")] = status.clone();
            values[slot(ElementKind::OrderLine, "created_at")] = created_at.clone();
            item.values = values.into_boxed_slice();
        }
        let address = |key: &str, interner: &mut Interner| -> Checked<Option<Record>> {
            match object.get(key) {
                None | Some(Json::Null) => Ok(None),
                Some(v) => self.address(v, &join(path, key), interner).map(Some),
            }
        };
        let billing_address = address("billing_address", interner)?;
        let shipping_address = address("shipping_address", interner)?;
        Ok(Order {
            record,
            items,
            billing_address,
            shipping_address,
        })
    }
}

fn slot(kind: ElementKind, name: &str) -> usize {
    crate::layout::builtin_slot(kind, name).expect("the model lists the field")
}
