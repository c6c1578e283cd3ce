//! What generated code reads: a `repr(C)` [`Frame`] of column pointers and flat element arrays,
//! built over the data without copying its values: one [`Profile`] read in place, or a
//! [`seg_data::Batch`] whose own columns are the frame's columns ([`Prepared`]).
//!
//! Layout, in the words the code generator uses:
//! - a scalar of the customer (or cart) at `slot` for row `r` is the [`Value`] at
//!   `customer[slot] + r * VALUE_SIZE`: `customer` is a table of one column pointer per slot.
//!   For one profile the "column" is the profile's own slot (row 0); for a batch it is the
//!   batch's own column of that slot. Only the slots the program reads are pointed at (the
//!   others stay null and are never dereferenced); a slot the data has no column for points at
//!   a column of missing values.
//! - a collection at the top level is, for row `r`, the elements `offsets[r]..offsets[r + 1]` of
//!   a flat [`Elem`] array ([`RootView`], one per [`Collection::ROOT`] entry).
//! - an element points at its record's slots with their count, so every read is bounds-checked
//!   in generated code (a slot past the end reads as missing), and at its catalog product's.
//! - an order's lines are `items[items_start..items_end]`; its addresses are indices (plus one,
//!   zero for none) into `order_addresses`.
//!
//! Every offset the code generator uses is derived from these `repr(C)` structs with
//! [`offset_of!`], never written by hand.

use std::mem::{offset_of, size_of};

use seg_data::{Catalog, Order, Profile, Record, Value, CART_SLOTS};
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

pub(crate) const ELEM_VALUES: i32 = offset_of!(Elem, values) as i32;
pub(crate) const ELEM_LEN: i32 = offset_of!(Elem, len) as i32;
pub(crate) const ELEM_PRODUCT: i32 = offset_of!(Elem, product) as i32;
pub(crate) const ELEM_PRODUCT_LEN: i32 = offset_of!(Elem, product_len) as i32;
pub(crate) const ELEM_ITEMS_START: i32 = offset_of!(Elem, items_start) as i32;
pub(crate) const ELEM_ITEMS_END: i32 = offset_of!(Elem, items_end) as i32;
pub(crate) const ELEM_BILLING: i32 = offset_of!(Elem, billing) as i32;
pub(crate) const ELEM_SHIPPING: i32 = offset_of!(Elem, shipping) as i32;
pub(crate) const ELEM_SIZE: i64 = size_of::<Elem>() as i64;

/// A top-level collection: element ranges per row over a flat element array.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct RootView {
    pub offsets: *const u64,
    pub elems: *const Elem,
}

pub(crate) const ROOT_OFFSETS: i32 = offset_of!(RootView, offsets) as i32;
pub(crate) const ROOT_ELEMS: i32 = offset_of!(RootView, elems) as i32;
pub(crate) const ROOT_SIZE: i64 = size_of::<RootView>() as i64;

/// Everything a segment function reads, for rows `0..rows`.
#[repr(C)]
pub(crate) struct Frame {
    pub customer: *const *const Value,
    pub cart: *const *const Value,
    /// One byte per row, 0 or 1 (a `bool` column).
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

pub(crate) const FRAME_CUSTOMER: i32 = offset_of!(Frame, customer) as i32;
pub(crate) const FRAME_CART: i32 = offset_of!(Frame, cart) as i32;
pub(crate) const FRAME_LOGGED_IN: i32 = offset_of!(Frame, logged_in) as i32;
pub(crate) const FRAME_ROOTS: i32 = offset_of!(Frame, roots) as i32;
pub(crate) const FRAME_ITEMS: i32 = offset_of!(Frame, items) as i32;
pub(crate) const FRAME_ORDER_ADDRESSES: i32 = offset_of!(Frame, order_addresses) as i32;
pub(crate) const FRAME_FOLDS: i32 = offset_of!(Frame, folds) as i32;
pub(crate) const FRAME_FOLDS_LEN: i32 = offset_of!(Frame, folds_len) as i32;
pub(crate) const FRAME_STRINGS: i32 = offset_of!(Frame, strings) as i32;
pub(crate) const FRAME_TIMES: i32 = offset_of!(Frame, times) as i32;
pub(crate) const FRAME_RESULTS: i32 = offset_of!(Frame, results) as i32;
pub(crate) const FRAME_ANNIVERSARY: i32 = offset_of!(Frame, anniversary) as i32;
pub(crate) const FRAME_ENV: i32 = offset_of!(Frame, env) as i32;

/// The code generator reads pointers and `u64`s alike as 64-bit words, and `bool` columns as
/// bytes.
const _: () = assert!(size_of::<usize>() == 8 && size_of::<*const u8>() == 8);
const _: () = assert!(size_of::<bool>() == 1);

/// Entries of the anniversary table: `(month − 1) × 31 + (day − 1)`.
pub(crate) const ANNIVERSARY_DAYS: usize = 12 * 31;

pub(crate) const VALUE_SIZE: i64 = size_of::<Value>() as i64;

/// What a slot past a record's end, or a product that is not in the catalog, reads as.
pub(crate) static MISSING: Value = Value::Missing;
/// The fold of a symbol the interner does not know (never equal to a constant's symbol).
pub(crate) static NO_FOLD: u32 = u32::MAX;
/// The symbol of a constant no data string folds to.
pub(crate) const UNSEEN: u32 = u32::MAX - 1;

/// A collection of every row: row `r`'s elements are `items[offsets[r]..offsets[r + 1]]`.
#[derive(Clone, Copy)]
struct Flat<'s, T> {
    offsets: &'s [usize],
    items: &'s [T],
}

impl<'s, T> Flat<'s, T> {
    /// Checks what the frame relies on (the offsets are copied as the generated code's row
    /// ranges): one range per row, in order, inside the items.
    fn new(offsets: &'s [usize], items: &'s [T], rows: usize) -> Flat<'s, T> {
        assert!(
            offsets.len() == rows + 1
                && offsets.windows(2).all(|w| w[0] <= w[1])
                && offsets.last().is_some_and(|&end| end <= items.len()),
            "element offsets are not row ranges over their items"
        );
        Flat { offsets, items }
    }

    fn of(elements: &'s seg_data::Elements<T>, rows: usize) -> Flat<'s, T> {
        Flat::new(elements.offsets(), elements.items(), rows)
    }

    fn row(&self, row: usize) -> &'s [T] {
        &self.items[self.offsets[row]..self.offsets[row + 1]]
    }
}

/// The rows a layout's element arrays are built from: one profile, or a batch's flat arrays.
struct Source<'s> {
    rows: usize,
    addresses: Flat<'s, Record>,
    /// The index among row `r`'s addresses of its default billing (`true`) or shipping
    /// address.
    default_address: &'s dyn Fn(usize, bool) -> Option<usize>,
    cart_items: Flat<'s, Record>,
    wishlist_items: Flat<'s, Record>,
    viewed_products: Flat<'s, Record>,
    orders: Flat<'s, Order>,
}

/// The flat element arrays of the collections a program reads.
#[derive(Default)]
pub(crate) struct Elements {
    /// Per [`Collection::ROOT`] entry: row offsets, and the elements of the collections that
    /// have an array of their own (empty when unused).
    roots: Vec<(Vec<u64>, Vec<Elem>)>,
    /// Every order's lines; a row's lines are contiguous (what `ordered_products` ranges over).
    items: Vec<Elem>,
    order_addresses: Vec<Elem>,
    /// Every order, in row order (the elements of `orders`).
    orders: Vec<Elem>,
}

/// Emptied element arrays kept for their memory, to lay out the next batch without allocating
/// (a batch of thousands of shoppers has tens of thousands of elements).
#[derive(Default)]
pub(crate) struct Spare(Elements);

// SAFETY: a `Spare` holds only emptied arrays (`Spare::new` clears them): no pointer of an
// `Elem` survives in it, only the allocations, which any thread may reuse.
unsafe impl Send for Spare {}

impl Spare {
    pub fn new(mut elements: Elements) -> Spare {
        for (offsets, elems) in &mut elements.roots {
            offsets.clear();
            elems.clear();
        }
        elements.items.clear();
        elements.order_addresses.clear();
        elements.orders.clear();
        Spare(elements)
    }
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
    /// Lays out every row of `source` for the collections the program reads, reusing this
    /// one's memory.
    fn fill(&mut self, source: &Source, catalog: &Catalog, tables: &Tables) {
        self.roots
            .resize_with(Collection::ROOT.len(), Default::default);
        for (offsets, elems) in &mut self.roots {
            offsets.clear();
            elems.clear();
        }
        let Elements {
            roots,
            items,
            order_addresses,
            orders,
        } = self;
        items.clear();
        order_addresses.clear();
        orders.clear();
        let used = |c: Collection| {
            Collection::ROOT
                .iter()
                .position(|&r| r == c)
                .is_some_and(|i| tables.roots[i])
        };
        // Orders first: their lines and addresses go to the shared arrays, each row's lines
        // contiguous there.
        if tables.orders || used(Collection::Orders) || used(Collection::OrderedProducts) {
            for order in source.orders.items {
                let items_start = items.len() as u64;
                items.extend(order.items.iter().map(|line| elem(line, catalog)));
                let mut address = |a: &Option<Record>| match a {
                    Some(record) => {
                        order_addresses.push(elem(record, catalog));
                        order_addresses.len() as u64
                    }
                    None => 0,
                };
                let billing = address(&order.billing_address);
                let shipping = address(&order.shipping_address);
                orders.push(Elem {
                    items_start,
                    items_end: items.len() as u64,
                    billing,
                    shipping,
                    ..elem(&order.record, catalog)
                });
            }
        }
        let records = |flat: &Flat<Record>, offsets: &mut Vec<u64>, elems: &mut Vec<Elem>| {
            elems.extend(flat.items.iter().map(|r| elem(r, catalog)));
            offsets.extend(flat.offsets.iter().map(|&o| o as u64));
        };
        for ((collection, (offsets, elems)), &used) in Collection::ROOT
            .into_iter()
            .zip(roots.iter_mut())
            .zip(&tables.roots)
        {
            if !used {
                continue;
            }
            match collection {
                Collection::Addresses => records(&source.addresses, offsets, elems),
                Collection::CartItems => records(&source.cart_items, offsets, elems),
                Collection::WishlistItems => records(&source.wishlist_items, offsets, elems),
                Collection::ViewedProducts => records(&source.viewed_products, offsets, elems),
                Collection::BillingAddress | Collection::ShippingAddress => {
                    let billing = collection == Collection::BillingAddress;
                    offsets.push(0);
                    for row in 0..source.rows {
                        let default = (source.default_address)(row, billing)
                            .and_then(|i| source.addresses.row(row).get(i));
                        if let Some(record) = default {
                            elems.push(elem(record, catalog));
                        }
                        offsets.push(elems.len() as u64);
                    }
                }
                // The elements are `orders`, one per order of the source, in order.
                Collection::Orders => {
                    offsets.extend(source.orders.offsets.iter().map(|&o| o as u64));
                }
                // Ranges into `items`: a row's lines start at its first order's.
                Collection::OrderedProducts => {
                    offsets.extend(source.orders.offsets.iter().map(|&o| {
                        orders
                            .get(o)
                            .map_or(items.len() as u64, |order| order.items_start)
                    }));
                }
                Collection::OrderItems
                | Collection::OrderBillingAddress
                | Collection::OrderShippingAddress => unreachable!("not a root collection"),
            }
        }
    }

    fn views(&self, out: &mut Vec<RootView>) {
        out.clear();
        out.extend(Collection::ROOT.into_iter().zip(&self.roots).map(
            |(collection, (offsets, elems))| RootView {
                offsets: offsets.as_ptr(),
                elems: match collection {
                    Collection::OrderedProducts => self.items.as_ptr(),
                    Collection::Orders => self.orders.as_ptr(),
                    _ => elems.as_ptr(),
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

/// Entries of a column table: every slot of the layout, and every slot the code reads (so a
/// program whose slots exceed its own layout still reads inside the table).
fn table_len(width: usize, slots: &std::collections::BTreeSet<u32>) -> usize {
    slots
        .last()
        .map_or(width, |&last| width.max(last as usize + 1))
}

/// Rows laid out for generated code: column pointers and flat element arrays. It holds raw
/// pointers into the data (a profile or a `seg_data::Batch`, and the catalog) without their
/// lifetimes: [`Prepared`] ties them to its borrows; [`crate::JitProgram::memberships`]
/// refills one for each call (keeping its memory) and uses it only during the call.
///
/// Every pointer is into the data, into this layout's own heap buffers (which stay put when
/// the layout moves), or at a static; it is only ever read.
#[derive(Default)]
pub(crate) struct Layout {
    pub rows: usize,
    customer: Vec<*const Value>,
    cart: Vec<*const Value>,
    /// `rows` missing values: the column of a slot the data has no column for.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "read by generated code, through the column pointers"
        )
    )]
    missing: Vec<Value>,
    elements: Elements,
    roots: Vec<RootView>,
}

impl Layout {
    /// One profile, read in place: the column pointers point at its own slots.
    pub fn fill_one(&mut self, profile: &Profile, catalog: &Catalog, tables: &Tables) {
        let slot_of = |values: &[Value], slot: u32| -> *const Value {
            values.get(slot as usize).unwrap_or(&MISSING)
        };
        self.rows = 1;
        // Only the slots the code reads are pointed at; the others stay null, never read.
        self.customer.clear();
        self.customer.resize(
            table_len(tables.customer_width, &tables.customer_slots),
            std::ptr::null(),
        );
        for &slot in &tables.customer_slots {
            self.customer[slot as usize] = slot_of(&profile.customer, slot);
        }
        self.cart.clear();
        self.cart
            .resize(table_len(CART_SLOTS, &tables.cart_slots), std::ptr::null());
        for &slot in &tables.cart_slots {
            self.cart[slot as usize] = slot_of(&profile.cart, slot);
        }
        if tables.roots.contains(&true) {
            let p = profile;
            let spans = [
                [0, p.addresses.len()],
                [0, p.cart_items.len()],
                [0, p.wishlist_items.len()],
                [0, p.viewed_products.len()],
                [0, p.orders.len()],
            ];
            let source = Source {
                rows: 1,
                addresses: Flat::new(&spans[0], &p.addresses, 1),
                default_address: &|_, billing| {
                    if billing {
                        p.default_billing
                    } else {
                        p.default_shipping
                    }
                },
                cart_items: Flat::new(&spans[1], &p.cart_items, 1),
                wishlist_items: Flat::new(&spans[2], &p.wishlist_items, 1),
                viewed_products: Flat::new(&spans[3], &p.viewed_products, 1),
                orders: Flat::new(&spans[4], &p.orders, 1),
            };
            self.elements.fill(&source, catalog, tables);
            self.elements.views(&mut self.roots);
        }
    }

    /// A batch, read in place: the column pointers point at the batch's own columns; the
    /// element arrays are built from its flat arrays.
    fn batch<'d>(
        data: &'d seg_data::Batch,
        catalog: &Catalog,
        tables: &Tables,
        spare: Spare,
    ) -> Layout {
        let rows = data.len();
        // A column the code may read is one with a value for every row.
        fn usable(column: Option<&[Value]>, rows: usize) -> Option<&[Value]> {
            column.filter(|c| c.len() >= rows)
        }
        let lacking = tables
            .customer_slots
            .iter()
            .any(|&s| usable(data.customer_column(s as usize), rows).is_none())
            || tables
                .cart_slots
                .iter()
                .any(|&s| usable(data.cart_column(s as usize), rows).is_none());
        let missing = if lacking {
            vec![Value::Missing; rows]
        } else {
            Vec::new()
        };
        let columns = |width: usize,
                       slots: &std::collections::BTreeSet<u32>,
                       column: &dyn Fn(usize) -> Option<&'d [Value]>| {
            let mut table = vec![std::ptr::null(); table_len(width, slots)];
            for &slot in slots {
                table[slot as usize] =
                    usable(column(slot as usize), rows).map_or(missing.as_ptr(), <[Value]>::as_ptr);
            }
            table
        };
        let customer = columns(tables.customer_width, &tables.customer_slots, &|s| {
            data.customer_column(s)
        });
        let cart = columns(CART_SLOTS, &tables.cart_slots, &|s| data.cart_column(s));
        let mut elements = spare.0;
        let mut roots = Vec::new();
        if tables.roots.contains(&true) {
            let source = Source {
                rows,
                addresses: Flat::of(data.addresses(), rows),
                default_address: &|row, billing| data.default_address(row, billing),
                cart_items: Flat::of(data.cart_items(), rows),
                wishlist_items: Flat::of(data.wishlist_items(), rows),
                viewed_products: Flat::of(data.viewed_products(), rows),
                orders: Flat::of(data.orders(), rows),
            };
            elements.fill(&source, catalog, tables);
            elements.views(&mut roots);
        }
        Layout {
            rows,
            customer,
            cart,
            missing,
            elements,
            roots,
        }
    }

    /// The frame for one run over rows whose audience flags are `logged_in`; `results` holds
    /// one row-indexed byte array per segment.
    pub fn frame(
        &self,
        logged_in: &[bool],
        bound: &Bound,
        folds: &[u32],
        results: &[*mut u8],
        env: &Env,
    ) -> Frame {
        Frame {
            customer: self.customer.as_ptr(),
            cart: self.cart.as_ptr(),
            logged_in: logged_in.as_ptr().cast::<u8>(),
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

/// A [`seg_data::Batch`] made ready for one compiled program: column pointers straight into
/// the batch's own columns (nothing is copied), and flat element arrays over the records of
/// the collections the program walks (built once, then reused by every evaluation).
///
/// It borrows everything generated code reads — the batch and the catalog — for `'a`, so
/// neither can change or go away while it exists, and it remembers which program built it:
/// [`crate::JitProgram::evaluate`] refuses a batch prepared by another program (whose tables
/// would not match the code). Build it with [`crate::JitProgram::prepare`].
pub struct Prepared<'a> {
    pub(crate) program: u64,
    pub(crate) data: &'a seg_data::Batch,
    pub(crate) catalog: &'a Catalog,
    pub(crate) layout: Layout,
}

// SAFETY: a `Prepared` is, semantically, `(&'a seg_data::Batch, &'a Catalog, owned Vecs)`.
// Its raw pointers point into the two borrowed values (both `Sync`: plain data with no interior
// mutability), into its own heap buffers, or at immutable statics; nothing ever writes through
// them. Sending it or sharing it between threads is therefore sending or sharing those
// borrows and buffers, which is sound.
unsafe impl Send for Prepared<'_> {}
// SAFETY: as above; every use through `&Prepared` only reads.
unsafe impl Sync for Prepared<'_> {}

impl<'a> Prepared<'a> {
    pub(crate) fn new(
        program: u64,
        data: &'a seg_data::Batch,
        catalog: &'a Catalog,
        tables: &Tables,
        spare: Spare,
    ) -> Prepared<'a> {
        Prepared {
            program,
            data,
            catalog,
            layout: Layout::batch(data, catalog, tables, spare),
        }
    }

    /// The element arrays, emptied, for the next batch.
    pub(crate) fn into_spare(self) -> Spare {
        Spare::new(self.layout.elements)
    }

    /// The batch this was prepared from.
    pub fn data(&self) -> &'a seg_data::Batch {
        self.data
    }

    /// The catalog the batch's products are read from.
    pub fn catalog(&self) -> &'a Catalog {
        self.catalog
    }

    pub fn len(&self) -> usize {
        self.layout.rows
    }

    pub fn is_empty(&self) -> bool {
        self.layout.rows == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seg_data::{
        PAYLOAD_OFFSET, TAG_BOOL, TAG_DATE, TAG_DATETIME, TAG_DEC, TAG_INT, TAG_MISSING,
        TAG_OPTION, TAG_OPTIONS, TAG_STR,
    };

    /// Every field of a `repr(C)` struct the code generator reads: its offset constant and its
    /// size. The generated code loads each as one 64-bit word; the fields must tile the struct.
    fn tiles(fields: &[(i32, usize)], size: usize) {
        let mut next = 0;
        for &(offset, width) in fields {
            assert_eq!(width, 8, "every field is read as one 64-bit word");
            assert_eq!(offset as usize, next, "fields in order, without gaps");
            next += width;
        }
        assert_eq!(next, size, "no field is left out");
    }

    #[test]
    fn offsets_are_the_structs_own() {
        fn size<T>(_: impl Fn(&Frame) -> &T) -> usize {
            size_of::<T>()
        }
        tiles(
            &[
                (FRAME_CUSTOMER, size(|f| &f.customer)),
                (FRAME_CART, size(|f| &f.cart)),
                (FRAME_LOGGED_IN, size(|f| &f.logged_in)),
                (FRAME_ROOTS, size(|f| &f.roots)),
                (FRAME_ITEMS, size(|f| &f.items)),
                (FRAME_ORDER_ADDRESSES, size(|f| &f.order_addresses)),
                (FRAME_FOLDS, size(|f| &f.folds)),
                (FRAME_FOLDS_LEN, size(|f| &f.folds_len)),
                (FRAME_STRINGS, size(|f| &f.strings)),
                (FRAME_TIMES, size(|f| &f.times)),
                (FRAME_RESULTS, size(|f| &f.results)),
                (FRAME_ANNIVERSARY, size(|f| &f.anniversary)),
                (FRAME_ENV, size(|f| &f.env)),
            ],
            size_of::<Frame>(),
        );
        tiles(
            &[
                (ELEM_VALUES, 8),
                (ELEM_LEN, 8),
                (ELEM_PRODUCT, 8),
                (ELEM_PRODUCT_LEN, 8),
                (ELEM_ITEMS_START, 8),
                (ELEM_ITEMS_END, 8),
                (ELEM_BILLING, 8),
                (ELEM_SHIPPING, 8),
            ],
            ELEM_SIZE as usize,
        );
        tiles(&[(ROOT_OFFSETS, 8), (ROOT_ELEMS, 8)], ROOT_SIZE as usize);
        // Spot checks against the fields themselves.
        let frame = std::mem::MaybeUninit::<Frame>::uninit();
        let base = frame.as_ptr() as usize;
        // SAFETY: `addr_of!` takes field addresses without reading anything.
        let env = unsafe { std::ptr::addr_of!((*frame.as_ptr()).env) } as usize;
        assert_eq!(env - base, FRAME_ENV as usize);
        let elem = std::mem::MaybeUninit::<Elem>::uninit();
        // SAFETY: as above.
        let billing = unsafe { std::ptr::addr_of!((*elem.as_ptr()).billing) } as usize;
        assert_eq!(billing - elem.as_ptr() as usize, ELEM_BILLING as usize);
    }

    /// The tags and payload offset the code generator takes from seg-data, checked by reading
    /// real values (only initialised bytes: the tag byte and the payload).
    #[test]
    fn values_have_the_tags_and_payload_offset_seg_data_says() {
        fn tag(value: &Value) -> u8 {
            // SAFETY: byte 0 of a `repr(C, u8)` enum is its tag, always initialised.
            unsafe { (value as *const Value).cast::<u8>().read() }
        }
        /// The payload word of a value whose payload is at least `size_of::<T>()` bytes.
        fn payload<T: Copy>(value: &Value) -> T {
            // SAFETY: the caller asks only for the width of the variant's field, which starts
            // at the payload offset and is initialised.
            unsafe {
                (value as *const Value)
                    .cast::<u8>()
                    .add(PAYLOAD_OFFSET as usize)
                    .cast::<T>()
                    .read()
            }
        }
        assert_eq!(VALUE_SIZE, 24);
        assert_eq!(tag(&Value::Missing), TAG_MISSING);
        let b = Value::Bool(true);
        assert_eq!((tag(&b), payload::<u8>(&b)), (TAG_BOOL, 1));
        let i = Value::Int(-5);
        assert_eq!((tag(&i), payload::<i64>(&i)), (TAG_INT, -5));
        let d = Value::Dec(12_345);
        assert_eq!((tag(&d), payload::<i64>(&d)), (TAG_DEC, 12_345));
        let day = Value::Date(-3);
        assert_eq!((tag(&day), payload::<i32>(&day)), (TAG_DATE, -3));
        let t = Value::DateTime(i64::MIN + 1);
        assert_eq!((tag(&t), payload::<i64>(&t)), (TAG_DATETIME, i64::MIN + 1));
        let s = Value::Str(seg_data::Sym(77));
        assert_eq!((tag(&s), payload::<u32>(&s)), (TAG_STR, 77));
        let o = Value::Option(4);
        assert_eq!((tag(&o), payload::<u32>(&o)), (TAG_OPTION, 4));
        assert_eq!(
            tag(&Value::Options(vec![1].into_boxed_slice())),
            TAG_OPTIONS
        );
    }

    #[test]
    fn a_prepared_batch_points_into_the_batch_columns() {
        let tables = Tables {
            customer_width: 3,
            customer_slots: [0, 2].into(),
            cart_slots: [1].into(),
            ..Tables::default()
        };
        let mut data = seg_data::Batch::new(
            seg_data::Shape { customer: 3 },
            std::sync::Arc::new(seg_data::Interner::new()),
        );
        for i in 0..5 {
            data.push(Profile {
                customer: vec![Value::Int(i); 3].into_boxed_slice(),
                ..Profile::default()
            });
        }
        let catalog = Catalog::default();
        let prepared = Prepared::new(7, &data, &catalog, &tables, Spare::default());
        let layout = &prepared.layout;
        assert_eq!(layout.customer.len(), 3);
        assert_eq!(
            layout.customer[0],
            data.customer_column(0).unwrap().as_ptr()
        );
        assert!(
            layout.customer[1].is_null(),
            "a slot the code does not read"
        );
        assert_eq!(
            layout.customer[2],
            data.customer_column(2).unwrap().as_ptr()
        );
        assert_eq!(layout.cart[1], data.cart_column(1).unwrap().as_ptr());
        assert!(layout.missing.is_empty(), "every column read exists");
    }

    #[test]
    fn element_arrays_follow_the_batch_rows() {
        let tables = Tables {
            roots: [true; Collection::ROOT.len()],
            orders: true,
            ..Tables::default()
        };
        let record = |n: i64| Record {
            values: vec![Value::Int(n)].into_boxed_slice(),
            product: None,
        };
        let profiles = [
            Profile {
                addresses: vec![record(1), record(2)],
                default_shipping: Some(1),
                orders: vec![Order {
                    record: record(10),
                    items: vec![record(11), record(12)],
                    billing_address: Some(record(13)),
                    shipping_address: None,
                }],
                ..Profile::default()
            },
            Profile::default(),
            Profile {
                addresses: vec![record(3)],
                default_billing: Some(0),
                orders: vec![
                    Order {
                        record: record(20),
                        items: vec![record(21)],
                        ..Order::default()
                    },
                    Order {
                        record: record(30),
                        items: vec![record(31), record(32)],
                        shipping_address: Some(record(33)),
                        ..Order::default()
                    },
                ],
                ..Profile::default()
            },
        ];
        let mut data = seg_data::Batch::new(
            seg_data::Shape { customer: 0 },
            std::sync::Arc::new(seg_data::Interner::new()),
        );
        for p in &profiles {
            data.push(p.clone());
        }
        let catalog = Catalog::default();
        let batch = Layout::batch(&data, &catalog, &tables, Spare::default());
        // The same rows, one profile at a time.
        for (row, profile) in profiles.iter().enumerate() {
            let mut one = Layout::default();
            one.fill_one(profile, &catalog, &tables);
            for (index, collection) in Collection::ROOT.into_iter().enumerate() {
                let read = |layout: &Layout, row: usize| -> Vec<i64> {
                    let view = layout.roots[index];
                    // SAFETY: the views of a layout filled for every root collection, read for
                    // one of its rows; each element's values hold one `Int`.
                    unsafe {
                        let (start, end) = (*view.offsets.add(row), *view.offsets.add(row + 1));
                        (start..end)
                            .map(|i| match &*(*view.elems.add(i as usize)).values {
                                Value::Int(n) => *n,
                                _ => -1,
                            })
                            .collect()
                    }
                };
                assert_eq!(
                    read(&batch, row),
                    read(&one, 0),
                    "{collection:?} of row {row}"
                );
            }
        }
        let orders = &batch.elements.orders;
        assert_eq!(orders.len(), 3);
        let third = orders[2];
        assert_eq!((third.items_start, third.items_end), (3, 5));
        assert_eq!((third.billing, third.shipping), (0, 2));
        assert_eq!((orders[0].billing, orders[0].shipping), (1, 0));
    }
}
