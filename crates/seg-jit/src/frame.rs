//! What generated code reads: a `repr(C)` [`Frame`] of column pointers and flat element arrays,
//! built over profiles without copying their values ([`Frame`] for one profile) or as columns
//! ([`Batch`] for many).
//!
//! Layout, in the words the code generator uses:
//! - a scalar of the customer (or cart) at `slot` for row `r` is the [`Value`] at
//!   `customer[slot] + r * VALUE_SIZE`: `customer` is a table of one column pointer per slot.
//!   For one profile the "column" is the profile's own slot (row 0); for a batch it is a copied
//!   column of the slots the program reads (the slots it does not read are never dereferenced).
//! - a collection at the top level is, for row `r`, the elements `offsets[r]..offsets[r + 1]` of
//!   a flat [`Elem`] array ([`RootView`], one per [`Collection::ROOT`] entry).
//! - an element points at its record's slots with their count, so every read is bounds-checked
//!   in generated code (a slot past the end reads as missing), and at its catalog product's.
//! - an order's lines are `items[items_start..items_end]`; its addresses are indices (plus one,
//!   zero for none) into `order_addresses`.

use std::marker::PhantomData;
use std::mem::{size_of, MaybeUninit};

use seg_data::{Catalog, Profile, Record, Value};
use seg_ir::Collection;

use crate::codegen::Tables;
use crate::Env;

/// One element of a collection, as generated code reads it.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Elem {
    pub values: *const Value,
    pub len: u64,
    /// The catalog product's values, or null (then `product_len` is 0).
    pub product: *const Value,
    pub product_len: u64,
    /// For an order: its lines in [`Frame::items`].
    pub items_start: u64,
    pub items_end: u64,
    /// For an order: index + 1 of its billing/shipping address in
    /// [`Frame::order_addresses`], 0 for none.
    pub billing: u64,
    pub shipping: u64,
}

pub(crate) const ELEM_VALUES: i32 = 0;
pub(crate) const ELEM_LEN: i32 = 8;
pub(crate) const ELEM_PRODUCT: i32 = 16;
pub(crate) const ELEM_PRODUCT_LEN: i32 = 24;
pub(crate) const ELEM_ITEMS_START: i32 = 32;
pub(crate) const ELEM_ITEMS_END: i32 = 40;
pub(crate) const ELEM_BILLING: i32 = 48;
pub(crate) const ELEM_SHIPPING: i32 = 56;
pub(crate) const ELEM_SIZE: i64 = size_of::<Elem>() as i64;

/// A top-level collection: element ranges per row over a flat element array.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct RootView {
    pub offsets: *const u64,
    pub elems: *const Elem,
}

pub(crate) const ROOT_OFFSETS: i32 = 0;
pub(crate) const ROOT_ELEMS: i32 = 8;
pub(crate) const ROOT_SIZE: i64 = size_of::<RootView>() as i64;

/// Everything a segment function reads, for rows `0..rows`.
#[repr(C)]
pub(crate) struct Frame {
    pub customer: *const *const Value,
    pub cart: *const *const Value,
    pub logged_in: *const u8,
    pub roots: *const RootView,
    pub items: *const Elem,
    pub order_addresses: *const Elem,
    /// The data interner's folds, by symbol.
    pub folds: *const u32,
    pub folds_len: u64,
    /// The program's folded string constants as symbols of the data's interner.
    pub strings: *const u32,
    /// The program's as-of-derived instants and days.
    pub times: *const i64,
    /// One output byte array per segment, indexed by row.
    pub results: *const *mut u8,
    /// Days from as-of's date to the next return of each (month, day): [`ANNIVERSARY_DAYS`].
    pub anniversary: *const i64,
    /// The `Env` of the run (opaque to generated code, passed to helpers).
    pub env: *const (),
}

pub(crate) const FRAME_CUSTOMER: i32 = 0;
pub(crate) const FRAME_CART: i32 = 8;
pub(crate) const FRAME_LOGGED_IN: i32 = 16;
pub(crate) const FRAME_ROOTS: i32 = 24;
pub(crate) const FRAME_ITEMS: i32 = 32;
pub(crate) const FRAME_ORDER_ADDRESSES: i32 = 40;
pub(crate) const FRAME_FOLDS: i32 = 48;
pub(crate) const FRAME_FOLDS_LEN: i32 = 56;
pub(crate) const FRAME_STRINGS: i32 = 64;
pub(crate) const FRAME_TIMES: i32 = 72;
pub(crate) const FRAME_RESULTS: i32 = 80;
pub(crate) const FRAME_ANNIVERSARY: i32 = 88;
pub(crate) const FRAME_ENV: i32 = 96;

/// Entries of the anniversary table: `(month − 1) × 31 + (day − 1)`.
pub(crate) const ANNIVERSARY_DAYS: usize = 12 * 31;

pub(crate) const VALUE_SIZE: i64 = size_of::<Value>() as i64;

/// What a slot past a record's end, or a product that is not in the catalog, reads as.
pub(crate) static MISSING: Value = Value::Missing;
/// The fold of a symbol the interner does not know (never equal to a constant's symbol).
pub(crate) static NO_FOLD: u32 = u32::MAX;
/// The symbol of a constant no data string folds to.
pub(crate) const UNSEEN: u32 = u32::MAX - 1;

/// A value copied into a column: its bytes, never dropped (the profile still owns any heap
/// data it points to, and outlives the column).
#[repr(C, align(8))]
#[derive(Clone, Copy)]
struct RawValue(MaybeUninit<[u8; size_of::<Value>()]>);

impl RawValue {
    fn of(value: &Value) -> RawValue {
        // SAFETY: reading a value's bytes as `MaybeUninit` bytes is always allowed (padding
        // included); the copy is never used as a `Value` by Rust code, only read by generated
        // code while the profiles it came from are borrowed.
        RawValue(unsafe { std::ptr::read(value as *const Value as *const _) })
    }
}

/// The flat element arrays of the collections a program reads.
#[derive(Default)]
struct Elements {
    /// Per [`Collection::ROOT`] entry: row offsets and elements (empty when unused).
    roots: Vec<(Vec<u64>, Vec<Elem>)>,
    items: Vec<Elem>,
    order_addresses: Vec<Elem>,
}

fn elem(record: &Record, catalog: &Catalog) -> Elem {
    let product = record
        .product
        .and_then(|id| catalog.products.get(id.0 as usize))
        .map(|p| &p.values[..]);
    Elem {
        values: record.values.as_ptr(),
        len: record.values.len() as u64,
        product: product.map_or(std::ptr::null(), |p| p.as_ptr()),
        product_len: product.map_or(0, |p| p.len() as u64),
        items_start: 0,
        items_end: 0,
        billing: 0,
        shipping: 0,
    }
}

impl Elements {
    /// Empties every array, keeping its memory, ready for row 0.
    fn reset(&mut self, tables: &Tables) {
        self.roots
            .resize_with(Collection::ROOT.len(), Default::default);
        for ((offsets, elems), used) in self.roots.iter_mut().zip(tables.roots) {
            offsets.clear();
            elems.clear();
            if used {
                offsets.push(0);
            }
        }
        self.items.clear();
        self.order_addresses.clear();
    }

    /// Appends one profile's elements (one row) for every used collection.
    fn push(&mut self, profile: &Profile, catalog: &Catalog, tables: &Tables) {
        // Orders first: their lines and addresses go to the shared arrays, and the profile's
        // lines are contiguous there (what `ordered_products` ranges over).
        let mut orders = Vec::new();
        if tables.orders {
            for order in &profile.orders {
                let items_start = self.items.len() as u64;
                self.items
                    .extend(order.items.iter().map(|line| elem(line, catalog)));
                let mut address = |a: &Option<Record>| match a {
                    Some(record) => {
                        self.order_addresses.push(elem(record, catalog));
                        self.order_addresses.len() as u64
                    }
                    None => 0,
                };
                let billing = address(&order.billing_address);
                let shipping = address(&order.shipping_address);
                orders.push(Elem {
                    items_start,
                    items_end: self.items.len() as u64,
                    billing,
                    shipping,
                    ..elem(&order.record, catalog)
                });
            }
        }
        let lines_end = self.items.len() as u64;
        for (index, collection) in Collection::ROOT.into_iter().enumerate() {
            if !tables.roots[index] {
                continue;
            }
            let (offsets, elems) = &mut self.roots[index];
            let records = |list: &[Record], elems: &mut Vec<Elem>| {
                elems.extend(list.iter().map(|r| elem(r, catalog)));
            };
            match collection {
                Collection::Addresses => records(&profile.addresses, elems),
                Collection::BillingAddress | Collection::ShippingAddress => {
                    let index = if collection == Collection::BillingAddress {
                        profile.default_billing
                    } else {
                        profile.default_shipping
                    };
                    if let Some(record) = index.and_then(|i| profile.addresses.get(i)) {
                        elems.push(elem(record, catalog));
                    }
                }
                Collection::CartItems => records(&profile.cart_items, elems),
                Collection::WishlistItems => records(&profile.wishlist_items, elems),
                Collection::ViewedProducts => records(&profile.viewed_products, elems),
                Collection::Orders => elems.extend_from_slice(&orders),
                Collection::OrderedProducts => {
                    // Ranges into `items`, not into this array.
                    offsets.push(lines_end);
                    continue;
                }
                Collection::OrderItems
                | Collection::OrderBillingAddress
                | Collection::OrderShippingAddress => unreachable!("not a root collection"),
            }
            offsets.push(elems.len() as u64);
        }
    }

    fn views(&self, out: &mut Vec<RootView>) {
        out.clear();
        out.extend(Collection::ROOT.into_iter().zip(&self.roots).map(
            |(collection, (offsets, elems))| RootView {
                offsets: offsets.as_ptr(),
                elems: if collection == Collection::OrderedProducts {
                    self.items.as_ptr()
                } else {
                    elems.as_ptr()
                },
            },
        ));
    }
}

/// The per-data parts of a frame: constants resolved in the data's interner, and times derived
/// from the evaluation instant.
#[derive(Default)]
pub(crate) struct Bound {
    pub strings: Vec<u32>,
    pub times: Vec<i64>,
    pub anniversary: Vec<i64>,
}

/// For each (month, day), the days from as-of's UTC date to its next return on or after that
/// date, 29 February falling on 28 February in other years (the interpreter's rule, §8).
fn anniversary_table(as_of: i64, out: &mut Vec<i64>) {
    use seg_check::values::{civil_from_days, days_from_civil, days_in_month, is_leap};
    out.clear();
    out.resize(ANNIVERSARY_DAYS, i64::MAX);
    let today = as_of.div_euclid(seg_check::values::MICROS_PER_DAY);
    let Ok(today) = i32::try_from(today) else {
        return;
    };
    let (year, _, _) = civil_from_days(today);
    for month in 1..=12u32 {
        for day in 1..=days_in_month(2000, month) {
            let occurrence = |y: i32| {
                let d = if month == 2 && day == 29 && !is_leap(y) {
                    28
                } else {
                    day
                };
                days_from_civil(y, month, d)
            };
            let mut next = occurrence(year);
            if next < today {
                next = occurrence(year + 1);
            }
            out[(month as usize - 1) * 31 + (day as usize - 1)] = (next - today) as i64;
        }
    }
}

impl Bound {
    /// Resolves the tables for a context (reusing this one's memory).
    pub fn fill(&mut self, tables: &Tables, context: &seg_eval::Context) {
        self.strings.clear();
        self.strings.extend(
            tables
                .strings
                .iter()
                .map(|s| context.interner.get(s).map_or(UNSEEN, |sym| sym.0)),
        );
        self.times.clear();
        self.times
            .extend(tables.times.iter().map(|t| t.value(context.as_of)));
        if tables.anniversary {
            anniversary_table(context.as_of, &mut self.anniversary);
        }
    }
}

/// Rows laid out for generated code: column pointers, flat element arrays, the audience flags.
/// It holds raw pointers into profiles (and a batch's columns) without their lifetimes: a
/// [`Batch`] ties them to its profiles; [`crate::JitProgram::memberships`] refills one for each
/// call (keeping its memory) and uses it only during the call.
pub(crate) struct Layout {
    pub rows: usize,
    profiles: *const Profile,
    customer: Vec<*const Value>,
    cart: Vec<*const Value>,
    pub logged_in: Vec<u8>,
    elements: Elements,
    roots: Vec<RootView>,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            rows: 0,
            profiles: std::ptr::null(),
            customer: Vec::new(),
            cart: Vec::new(),
            logged_in: Vec::new(),
            elements: Elements::default(),
            roots: Vec::new(),
        }
    }
}

impl Layout {
    /// One profile, read in place: the column pointers point at its own slots.
    pub fn fill_one(&mut self, profile: &Profile, catalog: &Catalog, tables: &Tables) {
        let slot_of = |values: &[Value], slot: u32| -> *const Value {
            values.get(slot as usize).unwrap_or(&MISSING)
        };
        self.rows = 1;
        self.profiles = profile;
        // Only the slots the code reads are pointed at; the others stay null, never read.
        self.customer
            .resize(tables.customer_width, std::ptr::null());
        for &slot in &tables.customer_slots {
            self.customer[slot as usize] = slot_of(&profile.customer, slot);
        }
        self.cart.resize(seg_data::CART_SLOTS, std::ptr::null());
        for &slot in &tables.cart_slots {
            self.cart[slot as usize] = slot_of(&profile.cart, slot);
        }
        self.logged_in.clear();
        self.logged_in.push(u8::from(profile.logged_in));
        if tables.roots.contains(&true) {
            self.elements.reset(tables);
            self.elements.push(profile, catalog, tables);
            self.elements.views(&mut self.roots);
        }
    }

    /// The profiles the rows are, for the website test.
    ///
    /// # Safety
    /// The profiles the layout was filled from must still be alive and unchanged.
    pub unsafe fn profiles(&self) -> &[Profile] {
        if self.rows == 0 {
            return &[];
        }
        // SAFETY: the caller guarantees the profiles are alive; `rows` of them were given.
        unsafe { std::slice::from_raw_parts(self.profiles, self.rows) }
    }

    /// The frame for one run; `results` holds one row-indexed byte array per segment.
    pub fn frame(&self, bound: &Bound, folds: &[u32], results: &[*mut u8], env: &Env) -> Frame {
        Frame {
            customer: self.customer.as_ptr(),
            cart: self.cart.as_ptr(),
            logged_in: self.logged_in.as_ptr(),
            roots: self.roots.as_ptr(),
            items: self.elements.items.as_ptr(),
            order_addresses: self.elements.order_addresses.as_ptr(),
            folds: folds.as_ptr(),
            folds_len: folds.len() as u64,
            strings: bound.strings.as_ptr(),
            times: bound.times.as_ptr(),
            results: results.as_ptr(),
            anniversary: bound.anniversary.as_ptr(),
            env: (env as *const Env).cast(),
        }
    }
}

/// Profiles laid out for a program: copied columns of the scalar slots it reads, flat arrays
/// of the collections it walks. Build once with [`crate::JitProgram::batch`], evaluate with
/// [`crate::JitProgram::evaluate`].
pub struct Batch<'a> {
    pub(crate) layout: Layout,
    /// The copied columns the layout's pointers point into.
    _columns: Vec<Vec<RawValue>>,
    _profiles: PhantomData<&'a [Profile]>,
}

impl<'a> Batch<'a> {
    pub(crate) fn new(profiles: &'a [Profile], catalog: &Catalog, tables: &Tables) -> Batch<'a> {
        let mut columns = Vec::new();
        let mut column_of = |slot: u32, pick: &dyn Fn(&Profile) -> &[Value]| {
            let column: Vec<RawValue> = profiles
                .iter()
                .map(|p| RawValue::of(pick(p).get(slot as usize).unwrap_or(&MISSING)))
                .collect();
            columns.push(column);
            columns.last().unwrap().as_ptr() as *const Value
        };
        let mut customer = vec![std::ptr::null(); tables.customer_width];
        for &slot in &tables.customer_slots {
            customer[slot as usize] = column_of(slot, &|p| &p.customer);
        }
        let mut cart = vec![std::ptr::null(); seg_data::CART_SLOTS];
        for &slot in &tables.cart_slots {
            cart[slot as usize] = column_of(slot, &|p| &p.cart);
        }
        let mut elements = Elements::default();
        elements.reset(tables);
        if tables.roots.contains(&true) {
            for profile in profiles {
                elements.push(profile, catalog, tables);
            }
        }
        let mut roots = Vec::new();
        elements.views(&mut roots);
        Batch {
            layout: Layout {
                rows: profiles.len(),
                profiles: profiles.as_ptr(),
                customer,
                cart,
                logged_in: profiles.iter().map(|p| u8::from(p.logged_in)).collect(),
                elements,
                roots,
            },
            _columns: columns,
            _profiles: PhantomData,
        }
    }

    pub fn len(&self) -> usize {
        self.layout.rows
    }

    pub fn is_empty(&self) -> bool {
        self.layout.rows == 0
    }
}
