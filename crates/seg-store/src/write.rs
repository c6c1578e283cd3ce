//! Writing: already-typed profiles (as `seg_data::load` and `seg_data::read` produce them),
//! the catalog and websites, as idempotent upserts.
//!
//! Importing a customer replaces everything stored under its id: its `customers` row and every
//! child row (addresses, cart, cart items, wishlist, views, orders with their lines and
//! addresses) are deleted and written again, so importing the same data twice leaves the
//! store as once. Each call is one transaction; [`Store::import`] cuts its input into
//! transactions of [`CHUNK`] customers. What is stored is exactly what a loaded profile holds,
//! with two things left to the reader: the default billing/shipping address (the first
//! address flagged so) and the cart's `items_count`/`items_qty` (derived from its lines), as
//! the loader derives them.

use rusqlite::{CachedStatement, Transaction};
use seg_data::{Batch, Catalog, Interner, Profile, Record, Row, Value};

use crate::codec::encode;
use crate::layout::{Field, Layout};
use crate::{Doing, Result, Store, StoreError};

/// Customers per transaction in [`Store::import`].
pub const CHUNK: usize = 1000;

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Customers whose id was not in the store.
    pub imported: u64,
    /// Customers whose id was in the store, replaced with everything under it.
    pub replaced: u64,
}

impl std::ops::AddAssign for ImportSummary {
    fn add_assign(&mut self, other: ImportSummary) {
        self.imported += other.imported;
        self.replaced += other.replaced;
    }
}

/// The child tables, deleted before a customer is written again.
const CHILD_TABLES: [&str; 9] = [
    "addresses",
    "carts",
    "cart_items",
    "wishlist_items",
    "viewed_products",
    "orders",
    "order_items",
    "order_addresses",
    "customers",
];

fn insert_sql(table: &str, keys: &[&str], fields: &[&Field]) -> String {
    let columns: Vec<&str> = keys
        .iter()
        .copied()
        .chain(fields.iter().map(|f| f.column.as_str()))
        .collect();
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        marks.join(", ")
    )
}

/// The prepared statements of one transaction.
struct Writer<'t> {
    layout: &'t Layout,
    interner: &'t Interner,
    delete: Vec<CachedStatement<'t>>,
    customer: CachedStatement<'t>,
    address: CachedStatement<'t>,
    cart: CachedStatement<'t>,
    cart_item: CachedStatement<'t>,
    wishlist_item: CachedStatement<'t>,
    viewed_product: CachedStatement<'t>,
    order: CachedStatement<'t>,
    order_line: CachedStatement<'t>,
    order_address: CachedStatement<'t>,
    website: CachedStatement<'t>,
}

fn refs(fields: &[Field]) -> Vec<&Field> {
    fields.iter().collect()
}

fn slotted(fields: &[(usize, Field)]) -> Vec<&Field> {
    fields.iter().map(|(_, f)| f).collect()
}

impl<'t> Writer<'t> {
    fn new(
        tx: &'t Transaction<'t>,
        layout: &'t Layout,
        interner: &'t Interner,
        replace: bool,
    ) -> Result<Writer<'t>> {
        let prepare = |sql: &str| tx.prepare_cached(sql).doing("preparing the import");
        let child = ["customer_id", "position"];
        let delete = if replace {
            CHILD_TABLES
                .iter()
                .map(|table| {
                    let key = if *table == "customers" {
                        "id"
                    } else {
                        "customer_id"
                    };
                    prepare(&format!("DELETE FROM {table} WHERE {key} = ?1"))
                })
                .collect::<Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        Ok(Writer {
            layout,
            interner,
            delete,
            customer: prepare(&insert_sql(
                "customers",
                &["id", "logged_in", "website"],
                &refs(&layout.customer),
            ))?,
            address: prepare(&insert_sql("addresses", &child, &refs(&layout.address)))?,
            cart: prepare(&insert_sql(
                "carts",
                &["customer_id"],
                &slotted(&layout.cart),
            ))?,
            cart_item: prepare(&insert_sql("cart_items", &child, &refs(&layout.cart_item)))?,
            wishlist_item: prepare(&insert_sql(
                "wishlist_items",
                &child,
                &refs(&layout.wishlist_item),
            ))?,
            viewed_product: prepare(&insert_sql(
                "viewed_products",
                &child,
                &refs(&layout.viewed_product),
            ))?,
            order: prepare(&insert_sql("orders", &child, &refs(&layout.order)))?,
            order_line: prepare(&insert_sql(
                "order_items",
                &["customer_id", "order_position", "position"],
                &slotted(&layout.order_line),
            ))?,
            order_address: prepare(&insert_sql(
                "order_addresses",
                &["customer_id", "order_position", "kind"],
                &refs(&layout.address),
            ))?,
            website: prepare("INSERT OR IGNORE INTO websites (code) VALUES (?1)")?,
        })
    }

    /// Writes one shopper; whether its id was stored before.
    fn customer(&mut self, row: &Row<'_>) -> Result<bool> {
        let id = row.id;
        let mut replaced = false;
        for (i, delete) in self.delete.iter_mut().enumerate() {
            let deleted = delete.execute([id]).doing("replacing a customer")?;
            if CHILD_TABLES[i] == "customers" {
                replaced = deleted > 0;
            }
        }
        let invalid = |what: String| StoreError::Invalid(format!("customer {id:?}: {what}"));
        let (layout, interner) = (self.layout, self.interner);

        let stmt = &mut self.customer;
        bind_key(stmt, 1, id)?;
        bind_key(stmt, 2, i64::from(row.logged_in))?;
        bind_key(stmt, 3, row.website)?;
        for (slot, field) in layout.customer.iter().enumerate() {
            bind(stmt, 4 + slot, row.customer(slot), field, interner)
                .map_err(|e| invalid(format!("customer.{}: {e}", field.column)))?;
        }
        execute(stmt)?;

        for (position, address) in row.addresses.iter().enumerate() {
            child(
                &mut self.address,
                id,
                position,
                address,
                &refs(&layout.address),
                interner,
            )
            .map_err(|e| invalid(format!("addresses[{position}]: {e}")))?;
        }

        let cart = &layout.cart;
        if cart.iter().any(|(slot, _)| !row.cart(*slot).is_missing()) {
            let stmt = &mut self.cart;
            bind_key(stmt, 1, id)?;
            for (i, (slot, field)) in cart.iter().enumerate() {
                bind(stmt, 2 + i, row.cart(*slot), field, interner)
                    .map_err(|e| invalid(format!("cart.{}: {e}", field.column)))?;
            }
            execute(stmt)?;
        }
        let lists = [
            (
                &mut self.cart_item,
                row.cart_items,
                &layout.cart_item,
                "cart.items",
            ),
            (
                &mut self.wishlist_item,
                row.wishlist_items,
                &layout.wishlist_item,
                "wishlist_items",
            ),
            (
                &mut self.viewed_product,
                row.viewed_products,
                &layout.viewed_product,
                "viewed_products",
            ),
        ];
        for (stmt, records, fields, name) in lists {
            for (position, record) in records.iter().enumerate() {
                child(stmt, id, position, record, &refs(fields), interner)
                    .map_err(|e| invalid(format!("{name}[{position}]: {e}")))?;
            }
        }

        for (position, order) in row.orders.iter().enumerate() {
            child(
                &mut self.order,
                id,
                position,
                &order.record,
                &refs(&layout.order),
                interner,
            )
            .map_err(|e| invalid(format!("orders[{position}]: {e}")))?;
            for (line, item) in order.items.iter().enumerate() {
                let stmt = &mut self.order_line;
                bind_key(stmt, 1, id)?;
                bind_key(stmt, 2, position as i64)?;
                bind_key(stmt, 3, line as i64)?;
                for (i, (slot, field)) in layout.order_line.iter().enumerate() {
                    bind(stmt, 4 + i, item.get(*slot), field, interner).map_err(|e| {
                        invalid(format!(
                            "orders[{position}].items[{line}].{}: {e}",
                            field.column
                        ))
                    })?;
                }
                execute(stmt)?;
            }
            let addresses = [
                ("billing", &order.billing_address),
                ("shipping", &order.shipping_address),
            ];
            for (kind, address) in addresses {
                let Some(address) = address else { continue };
                let stmt = &mut self.order_address;
                bind_key(stmt, 1, id)?;
                bind_key(stmt, 2, position as i64)?;
                bind_key(stmt, 3, kind)?;
                for (slot, field) in layout.address.iter().enumerate() {
                    bind(stmt, 4 + slot, address.get(slot), field, interner).map_err(|e| {
                        invalid(format!(
                            "orders[{position}].{kind}_address.{}: {e}",
                            field.column
                        ))
                    })?;
                }
                execute(stmt)?;
            }
        }
        Ok(replaced)
    }
}

fn bind_key(
    stmt: &mut CachedStatement<'_>,
    index: usize,
    value: impl rusqlite::ToSql,
) -> Result<()> {
    stmt.raw_bind_parameter(index, value)
        .doing("writing a customer")
}

fn bind(
    stmt: &mut CachedStatement<'_>,
    index: usize,
    value: &Value,
    field: &Field,
    interner: &Interner,
) -> std::result::Result<(), String> {
    let sql = encode(value, field, interner)?;
    stmt.raw_bind_parameter(index, sql)
        .map_err(|e| e.to_string())
}

fn execute(stmt: &mut CachedStatement<'_>) -> Result<()> {
    stmt.raw_execute().doing("writing a customer").map(drop)
}

/// One element row: `(customer_id, position, fields…)`.
fn child(
    stmt: &mut CachedStatement<'_>,
    id: &str,
    position: usize,
    record: &Record,
    fields: &[&Field],
    interner: &Interner,
) -> Result<(), String> {
    let sql = |e: rusqlite::Error| e.to_string();
    stmt.raw_bind_parameter(1, id).map_err(sql)?;
    stmt.raw_bind_parameter(2, position as i64).map_err(sql)?;
    for (slot, field) in fields.iter().enumerate() {
        bind(stmt, 3 + slot, record.get(slot), field, interner)
            .map_err(|e| format!("{}: {e}", field.column))?;
    }
    stmt.raw_execute().map(drop).map_err(sql)
}

impl Store {
    /// Imports profiles loaded with `interner` against `schema`, [`CHUNK`] customers per
    /// transaction. A profile whose id is stored already replaces it entirely.
    pub fn import(
        &mut self,
        schema: &seg_schema::Schema,
        interner: &Interner,
        profiles: &[Profile],
    ) -> Result<ImportSummary> {
        let mut summary = ImportSummary::default();
        for chunk in profiles.chunks(CHUNK) {
            summary += self.import_rows(schema, interner, chunk.iter().map(Row::from))?;
        }
        Ok(summary)
    }

    /// Imports every row of a batch (as `seg_data::read::ProfileLoader` loads one) in one
    /// transaction.
    pub fn import_batch(
        &mut self,
        schema: &seg_schema::Schema,
        batch: &Batch,
    ) -> Result<ImportSummary> {
        self.import_rows(schema, batch.interner(), batch.rows())
    }

    /// Imports shoppers read through [`Row`]s, whose strings are `interner`'s, in one
    /// transaction: all of them or, on an error, none.
    pub fn import_rows<'r>(
        &mut self,
        schema: &seg_schema::Schema,
        interner: &Interner,
        rows: impl IntoIterator<Item = Row<'r>>,
    ) -> Result<ImportSummary> {
        let layout = self.layout(schema)?;
        let replace = !self.bulk;
        let mut new_websites = Vec::new();
        let tx = self.conn.transaction().doing("starting an import")?;
        let mut summary = ImportSummary::default();
        {
            let mut writer = Writer::new(&tx, &layout, interner, replace)?;
            for row in rows {
                if writer.customer(&row)? {
                    summary.replaced += 1;
                } else {
                    summary.imported += 1;
                }
                if let Some(website) = row.website {
                    if !self.websites.contains(website) {
                        writer
                            .website
                            .execute([website])
                            .doing("adding a website")?;
                        self.websites.insert(website.to_string());
                        new_websites.push(website.to_string());
                    }
                }
            }
        }
        match tx.commit().doing("committing an import") {
            Ok(()) => Ok(summary),
            Err(error) => {
                // The websites were not written after all.
                for website in new_websites {
                    self.websites.remove(&website);
                }
                Err(error)
            }
        }
    }

    /// Upserts catalog products (loaded with `interner` against `schema`) by SKU, in one
    /// transaction; the number written.
    pub fn import_catalog(
        &mut self,
        schema: &seg_schema::Schema,
        catalog: &Catalog,
        interner: &Interner,
    ) -> Result<u64> {
        let layout = self.layout(schema)?;
        let tx = self.conn.transaction().doing("starting a catalog import")?;
        {
            let sql = insert_sql("products", &["sku"], &refs(&layout.product)).replacen(
                "INSERT",
                "INSERT OR REPLACE",
                1,
            );
            let mut stmt = tx
                .prepare_cached(&sql)
                .doing("preparing a catalog import")?;
            for product in &catalog.products {
                stmt.raw_bind_parameter(1, product.sku.as_str())
                    .doing("writing a product")?;
                for (slot, field) in layout.product.iter().enumerate() {
                    let value = product.values.get(slot).unwrap_or(&Value::Missing);
                    bind(&mut stmt, 2 + slot, value, field, interner).map_err(|e| {
                        StoreError::Invalid(format!(
                            "product {:?}: {}: {e}",
                            product.sku, field.column
                        ))
                    })?;
                }
                stmt.raw_execute().doing("writing a product")?;
            }
        }
        tx.commit().doing("committing a catalog import")?;
        Ok(catalog.products.len() as u64)
    }

    /// Upserts websites: code and name (a `None` name keeps a stored one).
    pub fn import_websites(&mut self, websites: &[(&str, Option<&str>)]) -> Result<()> {
        let tx = self.conn.transaction().doing("starting a website import")?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO websites (code, name) VALUES (?1, ?2)
                     ON CONFLICT (code) DO UPDATE SET name = coalesce(excluded.name, name)",
                )
                .doing("preparing a website import")?;
            for (code, name) in websites {
                stmt.execute((code, name)).doing("writing a website")?;
            }
        }
        tx.commit().doing("committing a website import")?;
        for (code, _) in websites {
            self.websites.insert(code.to_string());
        }
        Ok(())
    }
}
