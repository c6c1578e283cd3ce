//! The relational layout (docs/store.md is its reference): the tables, their columns in the
//! order of the data model's slots, the SQL that creates them, and the schema fingerprint a
//! store is written with.
//!
//! Column names: built-in fields keep their model names (`status`, `created_at`, `sku`, …);
//! schema attributes are `attr_<code>`, so an attribute can never collide with a built-in
//! column or an SQL keyword (`group`, `order`) and a column's meaning is read off its name.
//! SQL column names ignore case, so a schema whose codes differ only by case cannot be stored.

use std::collections::HashMap;

use seg_check::model::{ElementKind, CART_FIELDS};
// What an order line takes from its order (`order_items` does not repeat it) and what a cart
// derives from its lines (`carts` does not store it): seg-data's readings.
use seg_data::typing::{DERIVED_CART, FROM_ORDER};
use seg_schema::{AttrType, Entity, Schema};

use crate::codec::Options;
use crate::StoreError;

/// The version of the layout this crate reads and writes. A store of another version is
/// refused when opened (there is no in-place migration yet).
pub const LAYOUT_VERSION: i64 = 1;

/// SQLite's `application_id` header field of every Seg store: the bytes `SEGS`. A file
/// without it is not a Seg store, whatever tables it holds.
pub const APPLICATION_ID: i32 = 0x5345_4753;

/// How one stored value is typed: its column, its type and, for selects, its options.
#[derive(Debug)]
pub(crate) struct Field {
    pub column: String,
    pub ty: AttrType,
    pub options: Options,
}

impl Field {
    fn builtin(name: &str, ty: AttrType) -> Field {
        Field {
            column: name.to_string(),
            ty,
            options: Options::default(),
        }
    }

    pub(crate) fn attribute(code: &str, ty: AttrType, options: &[String]) -> Field {
        Field {
            column: attribute_column(code),
            ty,
            options: Options::new(options),
        }
    }
}

/// The column of a schema attribute.
pub fn attribute_column(code: &str) -> String {
    format!("attr_{code}")
}

/// The SQL type of a value type: integers for every number and instant, text for the rest.
pub(crate) fn sql_type(ty: AttrType) -> &'static str {
    match ty {
        AttrType::String | AttrType::Select | AttrType::Multiselect => "TEXT",
        AttrType::Integer
        | AttrType::Decimal
        | AttrType::Boolean
        | AttrType::Date
        | AttrType::Datetime => "INTEGER",
    }
}

/// Every table's value columns for one schema, each with the slot it fills in the model's
/// records (see the seg-data crate docs for the slot order).
#[derive(Debug)]
pub(crate) struct Layout {
    /// The schema's customer attributes, in schema order (slot = index).
    pub customer: Vec<Field>,
    /// The address flags, then the schema's address attributes (slot = index).
    pub address: Vec<Field>,
    /// The schema's product attributes (slot = index).
    pub product: Vec<Field>,
    /// The cart's stored fields with their slots in `CART_FIELDS`.
    pub cart: Vec<(usize, Field)>,
    pub cart_item: Vec<Field>,
    pub wishlist_item: Vec<Field>,
    pub viewed_product: Vec<Field>,
    pub order: Vec<Field>,
    /// An order line's own fields with their slots (not those it takes from its order).
    pub order_line: Vec<(usize, Field)>,
}

fn builtins(kind: ElementKind) -> Vec<Field> {
    kind.builtin_fields()
        .iter()
        .map(|&(name, ty)| Field::builtin(name, ty))
        .collect()
}

fn attributes(schema: &Schema, entity: Entity) -> Vec<Field> {
    schema
        .attributes(entity)
        .iter()
        .map(|a| Field::attribute(&a.code, a.ty, &a.options))
        .collect()
}

impl Layout {
    pub fn new(schema: &Schema) -> Layout {
        let mut address = builtins(ElementKind::Address);
        address.extend(attributes(schema, Entity::CustomerAddress));
        Layout {
            customer: attributes(schema, Entity::Customer),
            address,
            product: attributes(schema, Entity::Product),
            cart: CART_FIELDS
                .iter()
                .enumerate()
                .filter(|(_, (name, _))| !DERIVED_CART.contains(name))
                .map(|(slot, &(name, ty))| (slot, Field::builtin(name, ty)))
                .collect(),
            cart_item: builtins(ElementKind::CartItem),
            wishlist_item: builtins(ElementKind::WishlistItem),
            viewed_product: builtins(ElementKind::ViewedProduct),
            order: builtins(ElementKind::Order),
            order_line: builtins(ElementKind::OrderLine)
                .into_iter()
                .enumerate()
                .filter(|(_, f)| !FROM_ORDER.contains(&f.column.as_str()))
                .collect(),
        }
    }
}

/// A column definition list: `name TYPE, …`.
fn definitions<'f>(fields: impl IntoIterator<Item = &'f Field>) -> String {
    fields
        .into_iter()
        .map(|f| format!(",\n  {} {}", f.column, sql_type(f.ty)))
        .collect()
}

/// The statements that create an empty store's tables for a schema (layout version 1).
pub(crate) fn create_statements(layout: &Layout) -> Vec<String> {
    let table = |name: &str, keys: &str, fields: String, primary: &str| {
        format!("CREATE TABLE {name} (\n  {keys}{fields},\n  PRIMARY KEY ({primary})\n) STRICT, WITHOUT ROWID")
    };
    let child = "customer_id TEXT NOT NULL REFERENCES customers (id),\n  position INTEGER NOT NULL";
    let order_child =
        "customer_id TEXT NOT NULL REFERENCES customers (id),\n  order_position INTEGER NOT NULL";
    vec![
        "CREATE TABLE seg_meta (\n  key TEXT PRIMARY KEY,\n  value TEXT NOT NULL\n) STRICT, WITHOUT ROWID".into(),
        "CREATE TABLE websites (\n  code TEXT PRIMARY KEY,\n  name TEXT\n) STRICT, WITHOUT ROWID".into(),
        table("products", "sku TEXT NOT NULL", definitions(&layout.product), "sku"),
        table(
            "customers",
            "id TEXT NOT NULL,\n  logged_in INTEGER NOT NULL CHECK (logged_in IN (0, 1)),\n  website TEXT",
            definitions(&layout.customer),
            "id",
        ),
        table("addresses", child, definitions(&layout.address), "customer_id, position"),
        table(
            "carts",
            "customer_id TEXT NOT NULL REFERENCES customers (id)",
            definitions(layout.cart.iter().map(|(_, f)| f)),
            "customer_id",
        ),
        table("cart_items", child, definitions(&layout.cart_item), "customer_id, position"),
        table("wishlist_items", child, definitions(&layout.wishlist_item), "customer_id, position"),
        table("viewed_products", child, definitions(&layout.viewed_product), "customer_id, position"),
        table("orders", child, definitions(&layout.order), "customer_id, position"),
        table(
            "order_items",
            &format!("{order_child},\n  position INTEGER NOT NULL"),
            definitions(layout.order_line.iter().map(|(_, f)| f)),
            "customer_id, order_position, position",
        ),
        table(
            "order_addresses",
            &format!("{order_child},\n  kind TEXT NOT NULL CHECK (kind IN ('billing', 'shipping'))"),
            definitions(&layout.address),
            "customer_id, order_position, kind",
        ),
        "CREATE TABLE segments (\n  id TEXT PRIMARY KEY,\n  name TEXT,\n  description TEXT,\n  active INTEGER NOT NULL CHECK (active IN (0, 1))\n) STRICT, WITHOUT ROWID".into(),
        "CREATE TABLE runs (\n  id INTEGER PRIMARY KEY,\n  started_at INTEGER NOT NULL,\n  finished_at INTEGER NOT NULL,\n  as_of INTEGER NOT NULL,\n  engine TEXT NOT NULL,\n  segment_count INTEGER NOT NULL,\n  customer_count INTEGER NOT NULL\n) STRICT".into(),
        "CREATE TABLE memberships (\n  segment_id TEXT NOT NULL,\n  customer_id TEXT NOT NULL,\n  joined_at INTEGER NOT NULL,\n  PRIMARY KEY (segment_id, customer_id)\n) STRICT, WITHOUT ROWID".into(),
        "CREATE INDEX memberships_by_customer ON memberships (customer_id, segment_id)".into(),
        "CREATE TABLE changes (\n  run_id INTEGER NOT NULL REFERENCES runs (id),\n  segment_id TEXT NOT NULL,\n  customer_id TEXT NOT NULL,\n  kind TEXT NOT NULL CHECK (kind IN ('joined', 'left')),\n  PRIMARY KEY (run_id, segment_id, customer_id)\n) STRICT, WITHOUT ROWID".into(),
        "CREATE TABLE segment_sizes (\n  run_id INTEGER NOT NULL REFERENCES runs (id),\n  segment_id TEXT NOT NULL,\n  members INTEGER NOT NULL,\n  joiners INTEGER NOT NULL,\n  leavers INTEGER NOT NULL,\n  PRIMARY KEY (run_id, segment_id)\n) STRICT, WITHOUT ROWID".into(),
        "CREATE INDEX segment_sizes_by_segment ON segment_sizes (segment_id, run_id)".into(),
    ]
}

/// The SQL that creates an empty store for `schema`, as one script (what docs/store.md shows).
pub fn create_script(schema: &Schema) -> Result<String, StoreError> {
    check_columns(schema)?;
    let statements = create_statements(&Layout::new(schema));
    Ok(statements
        .iter()
        .map(|s| format!("{s};\n"))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Refuses a schema whose attribute columns would collide: SQL names ignore case.
pub(crate) fn check_columns(schema: &Schema) -> Result<(), StoreError> {
    let mut problems = Vec::new();
    for entity in Entity::ALL {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for attribute in schema.attributes(entity) {
            let folded = attribute.code.to_ascii_lowercase();
            if let Some(first) = seen.insert(folded, &attribute.code) {
                problems.push(format!(
                    "{entity} attributes `{first}` and `{}` differ only by case, and SQL column names ignore case",
                    attribute.code
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Unsupported(problems.join("; ")))
    }
}

// ---------------------------------------------------------------------------------------------
// The schema a store is written with

/// What of a schema decides how data is stored: per entity, each attribute's code, type and
/// options (labels and the segment flags do not). Kept in `seg_meta` under `schema` as JSON:
/// `{"customer": [{"code": "group", "type": "select", "options": ["General", …]}, …], …}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StoredSchema {
    /// Indexed like `Entity::ALL`.
    entities: [Vec<StoredAttribute>; 3],
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StoredAttribute {
    pub code: String,
    pub ty: AttrType,
    pub options: Vec<String>,
}

impl StoredSchema {
    pub fn of(schema: &Schema) -> StoredSchema {
        let entity = |e| {
            schema
                .attributes(e)
                .iter()
                .map(|a| StoredAttribute {
                    code: a.code.clone(),
                    ty: a.ty,
                    options: a.options.clone(),
                })
                .collect()
        };
        StoredSchema {
            entities: Entity::ALL.map(entity),
        }
    }

    pub fn attributes(&self, entity: Entity) -> &[StoredAttribute] {
        &self.entities[entity as usize]
    }

    pub fn to_json(&self) -> String {
        let mut object = serde_json::Map::new();
        for entity in Entity::ALL {
            let list = self
                .attributes(entity)
                .iter()
                .map(|a| {
                    let mut attribute = serde_json::Map::new();
                    attribute.insert("code".into(), a.code.clone().into());
                    attribute.insert("type".into(), a.ty.as_str().into());
                    if a.ty.has_options() {
                        attribute.insert("options".into(), a.options.clone().into());
                    }
                    serde_json::Value::Object(attribute)
                })
                .collect();
            object.insert(entity.as_str().into(), serde_json::Value::Array(list));
        }
        serde_json::Value::Object(object).to_string()
    }

    pub fn from_json(text: &str) -> Result<StoredSchema, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let mut entities: [Vec<StoredAttribute>; 3] = Default::default();
        for entity in Entity::ALL {
            let Some(list) = value.get(entity.as_str()).and_then(|v| v.as_array()) else {
                return Err(format!("no `{entity}` list"));
            };
            for item in list {
                let code = item.get("code").and_then(|v| v.as_str());
                let ty = item
                    .get("type")
                    .and_then(|v| v.as_str())
                    .and_then(AttrType::parse);
                let (Some(code), Some(ty)) = (code, ty) else {
                    return Err(format!("a `{entity}` attribute without a code or a type"));
                };
                let options = match item.get("options").and_then(|v| v.as_array()) {
                    Some(options) => options
                        .iter()
                        .map(|o| o.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| format!("an option of `{code}` is not a string"))?,
                    None => Vec::new(),
                };
                entities[entity as usize].push(StoredAttribute {
                    code: code.to_string(),
                    ty,
                    options,
                });
            }
        }
        Ok(StoredSchema { entities })
    }

    /// What keeps data stored with `self` from being read with `schema`, one line each:
    /// attributes that are not in both, a type that changed, an option the store may hold that
    /// the schema no longer has. Order, labels, flags and new options are free to change.
    pub fn differences(&self, schema: &Schema) -> Vec<String> {
        let mut differences = Vec::new();
        for entity in Entity::ALL {
            let stored = self.attributes(entity);
            let given = schema.attributes(entity);
            for attribute in stored {
                match given.iter().find(|a| a.code == attribute.code) {
                    None => differences.push(format!(
                        "{entity} attribute `{}` is in the store but not in the schema",
                        attribute.code
                    )),
                    Some(a) if a.ty != attribute.ty => differences.push(format!(
                        "{entity} attribute `{}` is a {} in the store and a {} in the schema",
                        attribute.code, attribute.ty, a.ty
                    )),
                    Some(a) => {
                        let options = Options::new(&a.options);
                        let lost: Vec<&str> = attribute
                            .options
                            .iter()
                            .filter(|o| options.find(o).is_none())
                            .map(String::as_str)
                            .collect();
                        if !lost.is_empty() {
                            differences.push(format!(
                                "{entity} attribute `{}`: the schema lost option(s) {} that the store may hold",
                                attribute.code,
                                lost.iter()
                                    .map(|o| format!("{o:?}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ));
                        }
                    }
                }
            }
            for attribute in given {
                if !stored.iter().any(|a| a.code == attribute.code) {
                    differences.push(format!(
                        "{entity} attribute `{}` is in the schema but not in the store (the store has no column for it)",
                        attribute.code
                    ));
                }
            }
        }
        differences
    }
}
