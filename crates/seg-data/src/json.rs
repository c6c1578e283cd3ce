//! Profiles written back as §5 JSON: the inverse of `load`, for tools that hand profiles on
//! (`seg gen --ndjson`, dumps of a store). Loading what this writes gives the same values:
//! decimals as exact strings, dates `YYYY-MM-DD`, datetimes RFC 3339 UTC, options by their
//! text, empty values left out; derived fields (the cart's counts, order lines' status and
//! time) are written as they are held and ignored again on loading.

use seg_check::model::{ElementKind, CART_FIELDS};
use seg_check::values::{format_date, format_datetime, Decimal};
use seg_schema::{Attribute, Entity, Schema};
use serde_json::{json, Map, Value as Json};

use crate::{Interner, Record, Row, Value};

fn value(value: &Value, options: &[String], interner: &Interner) -> Json {
    match value {
        Value::Missing => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(n) => json!(n),
        Value::Dec(units) => json!(Decimal { units: *units }.to_string()),
        Value::Date(days) => json!(format_date(*days)),
        Value::DateTime(micros) => json!(format_datetime(*micros)),
        Value::Str(sym) => json!(interner.text(*sym)),
        Value::Option(i) => options.get(*i as usize).map_or(Json::Null, |o| json!(o)),
        Value::Options(set) => set
            .iter()
            .filter_map(|i| options.get(*i as usize))
            .map(|o| json!(o))
            .collect(),
    }
}

fn object<'a>(
    names: impl Iterator<Item = (&'a str, &'a [String])>,
    values: &[Value],
    interner: &Interner,
) -> Map<String, Json> {
    names
        .zip(values)
        .filter(|(_, v)| !v.is_missing())
        .map(|((name, options), v)| (name.to_string(), value(v, options, interner)))
        .collect()
}

fn builtins<'a>(kind: ElementKind) -> impl Iterator<Item = (&'a str, &'a [String])> {
    kind.builtin_fields().iter().map(|(n, _)| (*n, &[][..]))
}

fn attributes(attributes: &[Attribute]) -> impl Iterator<Item = (&str, &[String])> {
    attributes
        .iter()
        .map(|a| (a.code.as_str(), a.options.as_slice()))
}

/// One shopper as a §5 profile object.
pub fn profile_json(row: &Row<'_>, schema: &Schema, interner: &Interner) -> Json {
    let address = |r: &Record| {
        Json::Object(object(
            builtins(ElementKind::Address)
                .chain(attributes(schema.attributes(Entity::CustomerAddress))),
            &r.values,
            interner,
        ))
    };
    let elements = |kind: ElementKind, list: &[Record]| -> Json {
        list.iter()
            .map(|r| Json::Object(object(builtins(kind), &r.values, interner)))
            .collect()
    };
    let customer: Vec<Value> = (0..schema.customer.len())
        .map(|s| row.customer(s).clone())
        .collect();
    let cart_values: Vec<Value> = (0..CART_FIELDS.len())
        .map(|s| row.cart(s).clone())
        .collect();
    let mut cart = object(
        CART_FIELDS.iter().map(|(n, _)| (*n, &[][..])),
        &cart_values,
        interner,
    );
    cart.insert(
        "items".into(),
        elements(ElementKind::CartItem, row.cart_items),
    );
    let orders: Vec<Json> = row
        .orders
        .iter()
        .map(|o| {
            let mut order = object(builtins(ElementKind::Order), &o.record.values, interner);
            order.insert("items".into(), elements(ElementKind::OrderLine, &o.items));
            if let Some(a) = &o.billing_address {
                order.insert("billing_address".into(), address(a));
            }
            if let Some(a) = &o.shipping_address {
                order.insert("shipping_address".into(), address(a));
            }
            Json::Object(order)
        })
        .collect();
    json!({
        "id": row.id,
        "logged_in": row.logged_in,
        "website": row.website,
        "customer": object(attributes(&schema.customer), &customer, interner),
        "addresses": row.addresses.iter().map(address).collect::<Vec<_>>(),
        "cart": cart,
        "wishlist_items": elements(ElementKind::WishlistItem, row.wishlist_items),
        "viewed_products": elements(ElementKind::ViewedProduct, row.viewed_products),
        "orders": orders,
    })
}
