//! The columnar batch every backend reads, and [`Row`], one shopper seen through any layout.
//!
//! A [`Batch`] owns a bounded number of shoppers (a reader fills one, a backend evaluates it,
//! then it is dropped or cleared): one column of [`Value`]s per customer slot and per cart slot,
//! the audience and website per row, and each collection as one flat element array with per-row
//! offsets. Its strings live in its own [`Interner`], layered over the shared base interner
//! the catalog was loaded with, so a batch's memory is freed with the batch however many
//! distinct e-mail addresses a store holds, while catalog symbols mean the same in every batch.
//!
//! [`Row`] is what the interpreter reads: the same accessors over a [`Profile`] (one loaded
//! shopper) and over a row of a batch, so the reference semantics are written once.

use std::sync::Arc;

use crate::intern::{Interner, Sym};
use crate::layout::{Order, Profile, Record, Value, CART_SLOTS};

static MISSING: Value = Value::Missing;

/// Where a row's scalar values live.
#[derive(Clone, Copy)]
enum Scalars<'a> {
    /// One record's slots (a [`Profile`]).
    Slots(&'a [Value]),
    /// Row `.1` of one column per slot (a [`Batch`]).
    Columns(&'a [Vec<Value>], usize),
}

impl<'a> Scalars<'a> {
    fn get(self, slot: usize) -> &'a Value {
        match self {
            Scalars::Slots(values) => values.get(slot),
            Scalars::Columns(columns, row) => columns.get(slot).and_then(|c| c.get(row)),
        }
        .unwrap_or(&MISSING)
    }
}

/// One shopper, read in place from a [`Profile`] or a [`Batch`].
#[derive(Clone, Copy)]
pub struct Row<'a> {
    pub id: &'a str,
    pub logged_in: bool,
    pub website: Option<&'a str>,
    customer: Scalars<'a>,
    cart: Scalars<'a>,
    pub addresses: &'a [Record],
    /// The default billing (shipping) address: the first address flagged so (§8).
    pub default_billing: Option<&'a Record>,
    pub default_shipping: Option<&'a Record>,
    pub cart_items: &'a [Record],
    pub wishlist_items: &'a [Record],
    pub viewed_products: &'a [Record],
    pub orders: &'a [Order],
}

impl<'a> Row<'a> {
    /// The customer attribute at a slot (missing past the end).
    pub fn customer(&self, slot: usize) -> &'a Value {
        self.customer.get(slot)
    }

    /// The cart field at a slot (missing past the end).
    pub fn cart(&self, slot: usize) -> &'a Value {
        self.cart.get(slot)
    }
}

impl<'a> From<&'a Profile> for Row<'a> {
    fn from(profile: &'a Profile) -> Row<'a> {
        let address = |index: Option<usize>| index.and_then(|i| profile.addresses.get(i));
        Row {
            id: &profile.id,
            logged_in: profile.logged_in,
            website: profile.website.as_deref(),
            customer: Scalars::Slots(&profile.customer),
            cart: Scalars::Slots(&profile.cart),
            addresses: &profile.addresses,
            default_billing: address(profile.default_billing),
            default_shipping: address(profile.default_shipping),
            cart_items: &profile.cart_items,
            wishlist_items: &profile.wishlist_items,
            viewed_products: &profile.viewed_products,
            orders: &profile.orders,
        }
    }
}

/// A collection of every row as one flat array: row `r`'s elements are
/// `items[offsets[r]..offsets[r + 1]]`.
#[derive(Clone, Debug)]
pub struct Elements<T> {
    offsets: Vec<usize>,
    items: Vec<T>,
}

impl<T> Default for Elements<T> {
    fn default() -> Elements<T> {
        Elements {
            offsets: vec![0],
            items: Vec::new(),
        }
    }
}

impl<T> Elements<T> {
    /// Row `row`'s elements (empty past the last row).
    pub fn row(&self, row: usize) -> &[T] {
        match (self.offsets.get(row), self.offsets.get(row + 1)) {
            (Some(&start), Some(&end)) => &self.items[start..end],
            _ => &[],
        }
    }

    /// Every element of every row, in row order.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The start of each row's elements in [`Elements::items`], and the end of the last.
    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }

    fn push_row(&mut self, elements: impl IntoIterator<Item = T>) {
        self.items.extend(elements);
        self.offsets.push(self.items.len());
    }

    fn clear(&mut self) {
        self.offsets.truncate(1);
        self.items.clear();
    }
}

/// What a batch's columns look like: the number of customer slots (the schema's customer
/// attributes). Cart slots are fixed by the model ([`CART_SLOTS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub customer: usize,
}

/// Shoppers laid out by columns, with the strings they use. See the module docs.
#[derive(Debug)]
pub struct Batch {
    shape: Shape,
    interner: Interner,
    ids: Vec<String>,
    logged_in: Vec<bool>,
    websites: Vec<Option<Box<str>>>,
    customer: Vec<Vec<Value>>,
    cart: Vec<Vec<Value>>,
    addresses: Elements<Record>,
    /// Per row, the index of the default billing (shipping) address among the row's
    /// addresses; `u32::MAX` for none.
    default_billing: Vec<u32>,
    default_shipping: Vec<u32>,
    cart_items: Elements<Record>,
    wishlist_items: Elements<Record>,
    viewed_products: Elements<Record>,
    orders: Elements<Order>,
}

const NO_ADDRESS: u32 = u32::MAX;

impl Batch {
    /// An empty batch whose strings are interned over `base` (the catalog's interner).
    pub fn new(shape: Shape, base: Arc<Interner>) -> Batch {
        Batch {
            shape,
            interner: Interner::layered(base),
            ids: Vec::new(),
            logged_in: Vec::new(),
            websites: Vec::new(),
            customer: vec![Vec::new(); shape.customer],
            cart: vec![Vec::new(); CART_SLOTS],
            addresses: Elements::default(),
            default_billing: Vec::new(),
            default_shipping: Vec::new(),
            cart_items: Elements::default(),
            wishlist_items: Elements::default(),
            viewed_products: Elements::default(),
            orders: Elements::default(),
        }
    }

    /// Empties the batch, keeping its memory; its strings start again from the base.
    pub fn clear(&mut self) {
        self.interner = Interner::layered(self.interner.base().cloned().unwrap_or_default());
        self.ids.clear();
        self.logged_in.clear();
        self.websites.clear();
        self.customer.iter_mut().for_each(Vec::clear);
        self.cart.iter_mut().for_each(Vec::clear);
        self.addresses.clear();
        self.default_billing.clear();
        self.default_shipping.clear();
        self.cart_items.clear();
        self.wishlist_items.clear();
        self.viewed_products.clear();
        self.orders.clear();
    }

    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The interner of this batch's strings (profiles pushed here must have been loaded
    /// with it: [`Batch::interner_mut`]).
    pub fn interner(&self) -> &Interner {
        &self.interner
    }

    pub fn interner_mut(&mut self) -> &mut Interner {
        &mut self.interner
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Appends a shopper loaded with this batch's interner. Customer slots past the shape
    /// are dropped and missing ones are empty, as reads past a record's end are.
    pub fn push(&mut self, profile: Profile) -> usize {
        let row = self.ids.len();
        let Profile {
            id,
            logged_in,
            website,
            customer,
            addresses,
            default_billing,
            default_shipping,
            cart,
            cart_items,
            wishlist_items,
            viewed_products,
            orders,
        } = profile;
        self.ids.push(id);
        self.logged_in.push(logged_in);
        self.websites.push(website.map(String::into_boxed_str));
        let mut customer = customer.into_vec().into_iter();
        for column in &mut self.customer {
            column.push(customer.next().unwrap_or_default());
        }
        let mut cart = cart.into_vec().into_iter();
        for column in &mut self.cart {
            column.push(cart.next().unwrap_or_default());
        }
        let index = |i: Option<usize>| {
            i.filter(|&i| i < addresses.len())
                .map_or(NO_ADDRESS, |i| i as u32)
        };
        self.default_billing.push(index(default_billing));
        self.default_shipping.push(index(default_shipping));
        self.addresses.push_row(addresses);
        self.cart_items.push_row(cart_items);
        self.wishlist_items.push_row(wishlist_items);
        self.viewed_products.push_row(viewed_products);
        self.orders.push_row(orders);
        row
    }

    /// One row, read in place.
    pub fn row(&self, row: usize) -> Row<'_> {
        let addresses = self.addresses.row(row);
        let address = |index: &[u32]| {
            index
                .get(row)
                .filter(|&&i| i != NO_ADDRESS)
                .and_then(|&i| addresses.get(i as usize))
        };
        Row {
            id: &self.ids[row],
            logged_in: self.logged_in[row],
            website: self.websites[row].as_deref(),
            customer: Scalars::Columns(&self.customer, row),
            cart: Scalars::Columns(&self.cart, row),
            addresses,
            default_billing: address(&self.default_billing),
            default_shipping: address(&self.default_shipping),
            cart_items: self.cart_items.row(row),
            wishlist_items: self.wishlist_items.row(row),
            viewed_products: self.viewed_products.row(row),
            orders: self.orders.row(row),
        }
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        (0..self.len()).map(|row| self.row(row))
    }

    pub fn id(&self, row: usize) -> &str {
        &self.ids[row]
    }

    pub fn website(&self, row: usize) -> Option<&str> {
        self.websites[row].as_deref()
    }

    /// The audience flag of every row.
    pub fn logged_in(&self) -> &[bool] {
        &self.logged_in
    }

    /// The column of a customer slot (`None` past the shape).
    pub fn customer_column(&self, slot: usize) -> Option<&[Value]> {
        self.customer.get(slot).map(Vec::as_slice)
    }

    /// The column of a cart slot (`None` past [`CART_SLOTS`]).
    pub fn cart_column(&self, slot: usize) -> Option<&[Value]> {
        self.cart.get(slot).map(Vec::as_slice)
    }

    pub fn addresses(&self) -> &Elements<Record> {
        &self.addresses
    }

    /// Per row, the index among the row's addresses of its default billing (shipping)
    /// address, `None` for none.
    pub fn default_address(&self, row: usize, billing: bool) -> Option<usize> {
        let list = if billing {
            &self.default_billing
        } else {
            &self.default_shipping
        };
        list.get(row)
            .filter(|&&i| i != NO_ADDRESS)
            .map(|&i| i as usize)
    }

    pub fn cart_items(&self) -> &Elements<Record> {
        &self.cart_items
    }

    pub fn wishlist_items(&self) -> &Elements<Record> {
        &self.wishlist_items
    }

    pub fn viewed_products(&self) -> &Elements<Record> {
        &self.viewed_products
    }

    pub fn orders(&self) -> &Elements<Order> {
        &self.orders
    }

    /// The text of a symbol of this batch.
    pub fn text(&self, sym: Sym) -> &str {
        self.interner.text(sym)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Batch {
        fn row_count_is_consistent(&self) -> bool {
            let rows = self.len();
            self.customer.iter().all(|c| c.len() == rows)
                && self.cart.iter().all(|c| c.len() == rows)
                && self.addresses.offsets.len() == rows + 1
                && self.orders.offsets.len() == rows + 1
        }
    }

    fn profile(interner: &mut Interner, id: &str, city: &str, orders: usize) -> Profile {
        let city = Value::Str(interner.intern(city));
        Profile {
            id: id.into(),
            logged_in: true,
            website: Some("base".into()),
            customer: vec![Value::Int(orders as i64)].into_boxed_slice(),
            addresses: vec![
                Record::default(),
                Record {
                    values: vec![city].into_boxed_slice(),
                    product: None,
                },
            ],
            default_billing: Some(1),
            cart: vec![Value::Missing; CART_SLOTS].into_boxed_slice(),
            orders: vec![Order::default(); orders],
            ..Profile::default()
        }
    }

    #[test]
    fn rows_read_what_the_profiles_held() {
        let mut base = Interner::new();
        let seoul = base.intern("Seoul");
        let mut batch = Batch::new(Shape { customer: 2 }, Arc::new(base));
        let mut profiles = Vec::new();
        for (i, city) in ["Seoul", "Busan", "SEOUL"].into_iter().enumerate() {
            let p = profile(batch.interner_mut(), &format!("c{i}"), city, i);
            profiles.push(p.clone());
            batch.push(p);
        }
        assert_eq!(batch.len(), 3);
        for (row, profile) in profiles.iter().enumerate() {
            let (a, b) = (batch.row(row), Row::from(profile));
            assert_eq!(a.id, b.id);
            assert_eq!(a.customer(0), b.customer(0));
            // Slots past the profile's record and past the shape are missing alike.
            assert_eq!(a.customer(1), &Value::Missing);
            assert_eq!(a.customer(7), b.customer(7));
            assert_eq!(a.addresses, b.addresses);
            assert_eq!(a.default_billing, b.default_billing);
            assert_eq!(a.default_shipping, None);
            assert_eq!(a.orders.len(), row);
        }
        // The base's symbols keep their meaning; new strings are the batch's own.
        assert_eq!(
            batch.row(0).default_billing.unwrap().get(0),
            &Value::Str(seoul)
        );
        let Value::Str(busan) = batch.row(1).default_billing.unwrap().get(0) else {
            panic!("a string")
        };
        assert_eq!(batch.text(*busan), "Busan");
        let Value::Str(upper) = batch.row(2).default_billing.unwrap().get(0) else {
            panic!("a string")
        };
        assert_eq!(batch.interner().fold(*upper), batch.interner().fold(seoul));
        batch.clear();
        assert!(batch.is_empty());
        assert_eq!(batch.interner().len(), 2, "the base's Seoul and seoul");
        assert!(batch.row_count_is_consistent());
    }
}
