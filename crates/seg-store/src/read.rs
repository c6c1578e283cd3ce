//! Reading: customers back as columnar `seg_data::Batch`es, and the catalog.
//!
//! A full refresh is ordered scans, never a query per customer: a [`Reader`] prepares one
//! `SELECT … ORDER BY customer_id, position` per table (each the table's own primary-key order,
//! so SQLite walks the b-tree without sorting), and [`Batches`] steps all of these cursors
//! together, merged by customer id: for each row of `customers` it takes, from every child
//! cursor, the rows with that id. Customer ids compare as UTF-8 bytes on both sides (SQLite's
//! `BINARY` collation, Rust's `str` order). The whole scan is one read transaction, so a run
//! sees one state of the store while imports go on (write-ahead log).
//!
//! Each shopper is built as a `seg_data::Profile` exactly as `seg_data::load` would have built
//! it from JSON — strings interned in the batch's interner, options mapped to their indices,
//! each element's product found by SKU in the catalog, the cart's counts derived from its
//! lines, order lines carrying their order's `status` and `created_at`, the default addresses
//! the first flagged — and pushed onto the batch. Child rows whose customer is missing are
//! skipped; a visitor's customer fields, addresses, wishlist and orders are empty (§8) whatever
//! the tables hold.

use std::sync::Arc;

use fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::{Rows, Statement};
use seg_check::model::{ElementKind, CART_FIELDS};
use seg_data::typing::Derived;
use seg_data::{
    Batch, Catalog, Interner, Order, Product, ProductId, Profile, Record, Shape, Value,
};
use seg_schema::Schema;

use crate::codec::decode;
use crate::layout::{Field, Layout};
use crate::{Doing, Result, Store, StoreError};

/// Prepared scans of every table, for one schema and catalog. Make [`Batches`] with
/// [`Reader::batches`].
pub struct Reader<'s> {
    store: &'s Store,
    layout: Layout,
    catalog: &'s Catalog,
    shape: Shape,
    /// Whether this reader began the read transaction (and ends it when dropped).
    began: bool,
    statements: Statements<'s>,
}

struct Statements<'s> {
    customers: Statement<'s>,
    addresses: Statement<'s>,
    carts: Statement<'s>,
    cart_items: Statement<'s>,
    wishlist_items: Statement<'s>,
    viewed_products: Statement<'s>,
    orders: Statement<'s>,
    order_items: Statement<'s>,
    order_addresses: Statement<'s>,
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if self.began {
            // A read transaction: ending it cannot lose anything.
            let _ = self.store.conn.execute_batch("COMMIT");
        }
    }
}

fn columns<'f>(fields: impl IntoIterator<Item = &'f Field>) -> String {
    fields
        .into_iter()
        .map(|f| format!(", {}", f.column))
        .collect()
}

impl Store {
    /// A reader of every customer for `schema` (which must fit the store) with products from
    /// `catalog` (usually [`Store::load_catalog`]'s).
    pub fn reader<'s>(&'s self, schema: &Schema, catalog: &'s Catalog) -> Result<Reader<'s>> {
        let layout = self.layout(schema)?;
        let conn = &self.conn;
        let began = conn.is_autocommit();
        if began {
            conn.execute_batch("BEGIN").doing("starting to read")?;
        }
        let prepare = |sql: String| conn.prepare(&sql).doing("preparing to read");
        let child = |table: &str, fields: String| {
            prepare(format!(
                "SELECT customer_id, position{fields} FROM {table} ORDER BY customer_id, position"
            ))
        };
        let result = (|| {
            Ok(Statements {
                customers: prepare(format!(
                    "SELECT id, logged_in, website{} FROM customers ORDER BY id",
                    columns(&layout.customer)
                ))?,
                addresses: child("addresses", columns(&layout.address))?,
                carts: prepare(format!(
                    "SELECT customer_id{} FROM carts ORDER BY customer_id",
                    columns(layout.cart.iter().map(|(_, f)| f))
                ))?,
                cart_items: child("cart_items", columns(&layout.cart_item))?,
                wishlist_items: child("wishlist_items", columns(&layout.wishlist_item))?,
                viewed_products: child("viewed_products", columns(&layout.viewed_product))?,
                orders: child("orders", columns(&layout.order))?,
                order_items: prepare(format!(
                    "SELECT customer_id, order_position, position{} FROM order_items ORDER BY customer_id, order_position, position",
                    columns(layout.order_line.iter().map(|(_, f)| f))
                ))?,
                order_addresses: prepare(format!(
                    "SELECT customer_id, order_position, kind{} FROM order_addresses ORDER BY customer_id, order_position, kind",
                    columns(&layout.address)
                ))?,
            })
        })();
        let statements = match result {
            Ok(statements) => statements,
            Err(error) => {
                if began {
                    let _ = conn.execute_batch("COMMIT");
                }
                return Err(error);
            }
        };
        let shape = Shape {
            customer: layout.customer.len(),
        };
        Ok(Reader {
            store: self,
            layout,
            catalog,
            shape,
            began,
            statements,
        })
    }

    /// The stored catalog for `schema`, with the interner its strings are in (the base of
    /// every batch read with it). Products come in SKU order.
    pub fn load_catalog(&self, schema: &Schema) -> Result<(Catalog, Interner)> {
        let layout = self.layout(schema)?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT sku{} FROM products ORDER BY sku",
                columns(&layout.product)
            ))
            .doing("reading the catalog")?;
        let mut rows = stmt.query([]).doing("reading the catalog")?;
        let mut catalog = Catalog::default();
        let mut interner = Interner::new();
        while let Some(row) = rows.next().doing("reading the catalog")? {
            let sku: String = row.get(0).doing("reading the catalog")?;
            let mut values = Vec::with_capacity(layout.product.len());
            for (slot, field) in layout.product.iter().enumerate() {
                let stored = row.get_ref(1 + slot).doing("reading the catalog")?;
                values.push(decode(stored, field, &mut interner).map_err(|message| {
                    StoreError::Corrupt {
                        table: "products".into(),
                        key: format!("{sku:?}"),
                        column: field.column.clone(),
                        message,
                    }
                })?);
            }
            let id = ProductId(catalog.products.len() as u32);
            catalog.by_sku.insert(sku.clone(), id);
            catalog.products.push(Product {
                sku,
                values: values.into_boxed_slice(),
            });
        }
        Ok((catalog, interner))
    }
}

impl<'s> Reader<'s> {
    /// The shape of the batches this reader fills.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// Every customer in id order, in batches of at most `rows` (at least 1) whose strings
    /// are interned over `base` (the catalog's interner).
    pub fn batches(&mut self, base: Arc<Interner>, rows: usize) -> Result<Batches<'_>> {
        let Reader {
            layout,
            catalog,
            shape,
            statements: s,
            ..
        } = self;
        Ok(Batches {
            customers: start(&mut s.customers, "customers")?,
            addresses: start(&mut s.addresses, "addresses")?,
            carts: start(&mut s.carts, "carts")?,
            cart_items: start(&mut s.cart_items, "cart_items")?,
            wishlist_items: start(&mut s.wishlist_items, "wishlist_items")?,
            viewed_products: start(&mut s.viewed_products, "viewed_products")?,
            orders: start(&mut s.orders, "orders")?,
            order_items: start(&mut s.order_items, "order_items")?,
            order_addresses: start(&mut s.order_addresses, "order_addresses")?,
            layout,
            catalog,
            shape: *shape,
            base,
            rows: rows.max(1),
            done: false,
            derived: Derived::new(),
        })
    }
}

/// Starts a table's ordered cursor on its first row.
fn start<'a>(stmt: &'a mut Statement<'_>, table: &'static str) -> Result<Cursor<'a>> {
    let mut rows = stmt.query([]).doing("reading the store")?;
    rows.advance().doing("reading the store")?;
    Ok(Cursor { rows, table })
}

/// One table's ordered cursor.
struct Cursor<'r> {
    rows: Rows<'r>,
    table: &'static str,
}

/// What a cursor's current row is, relative to the customer being built.
enum At {
    /// A row of this customer.
    Mine,
    /// A row of a later customer, or none left.
    Later,
}

impl Cursor<'_> {
    /// Moves past rows of customers before `id` (rows without a customer) and tells whether
    /// the current row is `id`'s.
    fn at(&mut self, id: &str) -> Result<At> {
        loop {
            let Some(row) = self.rows.get() else {
                return Ok(At::Later);
            };
            let key = row.get_ref(0).doing("reading the store")?;
            let key = key.as_str().map_err(|_| StoreError::Corrupt {
                table: self.table.into(),
                key: "?".into(),
                column: "customer_id".into(),
                message: "not text".into(),
            })?;
            match key.cmp(id) {
                std::cmp::Ordering::Less => {
                    self.rows.advance().doing("reading the store")?;
                }
                std::cmp::Ordering::Equal => return Ok(At::Mine),
                std::cmp::Ordering::Greater => return Ok(At::Later),
            }
        }
    }

    fn row(&self) -> &rusqlite::Row<'_> {
        self.rows
            .get()
            .expect("`at` returned Mine, so there is a current row")
    }

    fn advance(&mut self) -> Result<()> {
        self.rows.advance().doing("reading the store")
    }

    /// An integer key column of the current row.
    fn integer(&self, column: usize, name: &str, id: &str) -> Result<i64> {
        match self.row().get_ref(column).doing("reading the store")? {
            rusqlite::types::ValueRef::Integer(n) => Ok(n),
            _ => Err(StoreError::Corrupt {
                table: self.table.into(),
                key: format!("{id:?}"),
                column: name.into(),
                message: "not an integer".into(),
            }),
        }
    }

    /// Decodes `fields` from column `first` on, into `values[slot]` for each field's slot.
    fn decode_into<'f>(
        &self,
        first: usize,
        fields: impl IntoIterator<Item = (usize, &'f Field)>,
        values: &mut [Value],
        id: &str,
        interner: &mut Interner,
    ) -> Result<()> {
        let row = self.row();
        for (i, (slot, field)) in fields.into_iter().enumerate() {
            let stored = row.get_ref(first + i).doing("reading the store")?;
            values[slot] =
                decode(stored, field, interner).map_err(|message| StoreError::Corrupt {
                    table: self.table.into(),
                    key: format!("{id:?}"),
                    column: field.column.clone(),
                    message,
                })?;
        }
        Ok(())
    }
}

/// Customers in id order as batches; see the module docs. An iterator of `Result<Batch>`, or
/// fill batches you keep with [`Batches::fill`].
pub struct Batches<'r> {
    customers: Cursor<'r>,
    addresses: Cursor<'r>,
    carts: Cursor<'r>,
    cart_items: Cursor<'r>,
    wishlist_items: Cursor<'r>,
    viewed_products: Cursor<'r>,
    orders: Cursor<'r>,
    order_items: Cursor<'r>,
    order_addresses: Cursor<'r>,
    layout: &'r Layout,
    catalog: &'r Catalog,
    shape: Shape,
    base: Arc<Interner>,
    rows: usize,
    done: bool,
    derived: Derived,
}

fn indexed(fields: &[Field]) -> impl Iterator<Item = (usize, &Field)> {
    fields.iter().enumerate()
}

fn slotted(fields: &[(usize, Field)]) -> impl Iterator<Item = (usize, &Field)> {
    fields.iter().map(|(slot, f)| (*slot, f))
}

impl<'r> Batches<'r> {
    /// Clears `batch` and fills it with the next customers (at most the reader's batch size);
    /// how many. Zero means every customer has been read.
    pub fn fill(&mut self, batch: &mut Batch) -> Result<usize> {
        batch.clear();
        if self.done {
            return Ok(0);
        }
        while batch.len() < self.rows {
            let Some(profile) = self.next_profile(batch.interner_mut())? else {
                self.done = true;
                break;
            };
            batch.push(profile);
        }
        Ok(batch.len())
    }

    /// The next customer, or `None` after the last.
    fn next_profile(&mut self, interner: &mut Interner) -> Result<Option<Profile>> {
        let layout = self.layout;
        let Some(row) = self.customers.rows.get() else {
            return Ok(None);
        };
        let corrupt = |column: &str, message: &str| StoreError::Corrupt {
            table: "customers".into(),
            key: "?".into(),
            column: column.into(),
            message: message.into(),
        };
        let id: String = match row.get_ref(0).doing("reading customers")? {
            rusqlite::types::ValueRef::Text(bytes) => std::str::from_utf8(bytes)
                .map_err(|_| corrupt("id", "not UTF-8"))?
                .to_string(),
            _ => return Err(corrupt("id", "not text")),
        };
        let logged_in = match row.get_ref(1).doing("reading customers")? {
            rusqlite::types::ValueRef::Integer(0) => false,
            rusqlite::types::ValueRef::Integer(1) => true,
            _ => return Err(corrupt("logged_in", "neither 0 nor 1")),
        };
        let website = match row.get_ref(2).doing("reading customers")? {
            rusqlite::types::ValueRef::Null => None,
            rusqlite::types::ValueRef::Text(b"") => None,
            rusqlite::types::ValueRef::Text(bytes) => Some(
                std::str::from_utf8(bytes)
                    .map_err(|_| corrupt("website", "not UTF-8"))?
                    .to_string(),
            ),
            _ => return Err(corrupt("website", "not text")),
        };
        let mut customer = vec![Value::Missing; layout.customer.len()];
        if logged_in {
            self.customers.decode_into(
                3,
                indexed(&layout.customer),
                &mut customer,
                &id,
                interner,
            )?;
        }
        self.customers.advance()?;
        let mut profile = Profile {
            id,
            logged_in,
            website,
            customer: customer.into_boxed_slice(),
            ..Profile::default()
        };
        self.fill_profile(&mut profile, interner)?;
        Ok(Some(profile))
    }

    /// Everything under the customer's id, from the child cursors.
    fn fill_profile(&mut self, profile: &mut Profile, interner: &mut Interner) -> Result<()> {
        let layout = self.layout;
        let catalog = self.catalog;
        let id = profile.id.as_str();
        let derived = self.derived;
        let logged_in = profile.logged_in;

        // Addresses.
        while let At::Mine = self.addresses.at(id)? {
            let mut values = vec![Value::Missing; layout.address.len()];
            self.addresses
                .decode_into(2, indexed(&layout.address), &mut values, id, interner)?;
            self.addresses.advance()?;
            if !logged_in {
                continue;
            }
            derived.push_address(
                &mut profile.addresses,
                &mut profile.default_billing,
                &mut profile.default_shipping,
                record(values, None),
            );
        }

        // The cart and its lines; the counts are derived.
        let mut cart = vec![Value::Missing; CART_FIELDS.len()];
        if let At::Mine = self.carts.at(id)? {
            self.carts
                .decode_into(1, slotted(&layout.cart), &mut cart, id, interner)?;
            self.carts.advance()?;
        }
        profile.cart_items = elements(
            &mut self.cart_items,
            id,
            &layout.cart_item,
            catalog,
            interner,
        )?;
        derived
            .cart_counts(&mut cart, &profile.cart_items)
            .map_err(|_| StoreError::Corrupt {
                table: "cart_items".into(),
                key: format!("{id:?}"),
                column: "qty".into(),
                message: "the quantities add up to more than 64 bits hold".into(),
            })?;
        profile.cart = cart.into_boxed_slice();

        let wishlist = elements(
            &mut self.wishlist_items,
            id,
            &layout.wishlist_item,
            catalog,
            interner,
        )?;
        profile.viewed_products = elements(
            &mut self.viewed_products,
            id,
            &layout.viewed_product,
            catalog,
            interner,
        )?;

        // Orders, then their lines and addresses (each sorted by order position, so each is
        // a merge against the orders' positions).
        let mut orders: Vec<(i64, Order)> = Vec::new();
        while let At::Mine = self.orders.at(id)? {
            let position = self.orders.integer(1, "position", id)?;
            let mut values = vec![Value::Missing; layout.order.len()];
            self.orders
                .decode_into(2, indexed(&layout.order), &mut values, id, interner)?;
            self.orders.advance()?;
            orders.push((
                position,
                Order {
                    record: record(values, None),
                    ..Order::default()
                },
            ));
        }
        let mut next = 0;
        while let At::Mine = self.order_items.at(id)? {
            let position = self.order_items.integer(1, "order_position", id)?;
            while next < orders.len() && orders[next].0 < position {
                next += 1;
            }
            if let Some((_, order)) = orders.get_mut(next).filter(|(p, _)| *p == position) {
                let mut values =
                    vec![Value::Missing; ElementKind::OrderLine.builtin_fields().len()];
                self.order_items.decode_into(
                    3,
                    slotted(&layout.order_line),
                    &mut values,
                    id,
                    interner,
                )?;
                derived.line_from_order(&mut values, &order.record);
                let product = product_of(&values, catalog, interner);
                order.items.push(record(values, product));
            }
            self.order_items.advance()?;
        }
        let mut next = 0;
        while let At::Mine = self.order_addresses.at(id)? {
            let position = self.order_addresses.integer(1, "order_position", id)?;
            while next < orders.len() && orders[next].0 < position {
                next += 1;
            }
            if let Some((_, order)) = orders.get_mut(next).filter(|(p, _)| *p == position) {
                let kind = self
                    .order_addresses
                    .row()
                    .get_ref(2)
                    .doing("reading the store")?;
                let mut values = vec![Value::Missing; layout.address.len()];
                self.order_addresses.decode_into(
                    3,
                    indexed(&layout.address),
                    &mut values,
                    id,
                    interner,
                )?;
                match kind.as_str() {
                    Ok("billing") => order.billing_address = Some(record(values, None)),
                    Ok("shipping") => order.shipping_address = Some(record(values, None)),
                    _ => {
                        return Err(StoreError::Corrupt {
                            table: "order_addresses".into(),
                            key: format!("{id:?}"),
                            column: "kind".into(),
                            message: "neither 'billing' nor 'shipping'".into(),
                        })
                    }
                }
            }
            self.order_addresses.advance()?;
        }
        if logged_in {
            profile.wishlist_items = wishlist;
            profile.orders = orders.into_iter().map(|(_, order)| order).collect();
        }
        Ok(())
    }
}

fn record(values: Vec<Value>, product: Option<ProductId>) -> Record {
    Record {
        values: values.into_boxed_slice(),
        product,
    }
}

/// The catalog product of an element's `sku` (slot 0 of every element kind with a product).
fn product_of(values: &[Value], catalog: &Catalog, interner: &Interner) -> Option<ProductId> {
    match values.first() {
        Some(Value::Str(sku)) => catalog.find(interner.text(*sku)),
        _ => None,
    }
}

/// A customer's elements of one simple kind (cart items, wishlist, views), with products.
fn elements(
    cursor: &mut Cursor<'_>,
    id: &str,
    fields: &[Field],
    catalog: &Catalog,
    interner: &mut Interner,
) -> Result<Vec<Record>> {
    let mut records = Vec::new();
    while let At::Mine = cursor.at(id)? {
        let mut values = vec![Value::Missing; fields.len()];
        cursor.decode_into(2, indexed(fields), &mut values, id, interner)?;
        cursor.advance()?;
        let product = product_of(&values, catalog, interner);
        records.push(record(values, product));
    }
    Ok(records)
}

impl Iterator for Batches<'_> {
    type Item = Result<Batch>;

    fn next(&mut self) -> Option<Result<Batch>> {
        let mut batch = Batch::new(self.shape, self.base.clone());
        match self.fill(&mut batch) {
            Ok(0) => None,
            Ok(_) => Some(Ok(batch)),
            Err(error) => {
                self.done = true;
                Some(Err(error))
            }
        }
    }
}
