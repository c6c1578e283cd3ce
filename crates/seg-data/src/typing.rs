//! The typing rules every reader shares, whatever the source (JSON text, an SQL column):
//! how an option's text finds its index, how a set of options is held, how text becomes a
//! string value, and the facts derived rather than read ([`Derived`]: the cart's counts, order
//! lines' status and time, the default addresses). `load` (JSON) and the store's reader
//! (SQLite) both go through these, so a value means the same wherever it was read from.

use std::collections::HashMap;

use seg_check::model::{ElementKind, CART_FIELDS};

use crate::intern::Interner;
use crate::layout::{builtin_slot, Record, Value};

/// A select attribute's options, found by exact text first and then by Unicode lower-case fold
/// (§8: options compare case-insensitively; an exact match wins when two options fold alike).
#[derive(Clone, Debug, Default)]
pub struct Options {
    list: Vec<String>,
    exact: HashMap<String, u32>,
    folded: HashMap<String, u32>,
}

impl Options {
    pub fn new(list: &[String]) -> Options {
        let mut options = Options {
            list: list.to_vec(),
            ..Options::default()
        };
        for (index, option) in list.iter().enumerate() {
            let index = index as u32;
            options.exact.entry(option.clone()).or_insert(index);
            options.folded.entry(option.to_lowercase()).or_insert(index);
        }
        options
    }

    /// The index of an option's text.
    pub fn find(&self, text: &str) -> Option<u32> {
        self.exact
            .get(text)
            .or_else(|| self.folded.get(&text.to_lowercase()))
            .copied()
    }

    /// The text of an option, as the schema spells it.
    pub fn text(&self, index: u32) -> Option<&str> {
        self.list.get(index as usize).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The options for an error message, the first few of a long list.
    pub fn listing(&self) -> String {
        const SHOWN: usize = 12;
        let mut shown = self
            .list
            .iter()
            .take(SHOWN)
            .map(|o| format!("{o:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        if self.list.len() > SHOWN {
            shown.push_str(&format!(", … ({} in all)", self.list.len()));
        }
        shown
    }
}

/// A multiselect's value: the indices sorted and distinct; no option at all is empty.
pub fn option_set(mut indices: Vec<u32>) -> Value {
    indices.sort_unstable();
    indices.dedup();
    if indices.is_empty() {
        Value::Missing
    } else {
        Value::Options(indices.into_boxed_slice())
    }
}

/// A string value: the empty string is empty (§8), any other text (whitespace included) a
/// value.
pub fn text(interner: &mut Interner, text: &str) -> Value {
    if text.is_empty() {
        Value::Missing
    } else {
        Value::Str(interner.intern(text))
    }
}

/// The fields an order line takes from its order (§8): never read from the line itself.
pub const FROM_ORDER: [&str; 2] = ["status", "created_at"];
/// The cart fields derived from its lines (§8): never read from the cart itself.
pub const DERIVED_CART: [&str; 2] = ["items_count", "items_qty"];

/// The facts §8 derives from what a profile holds, with the slots they live in.
#[derive(Clone, Copy, Debug)]
pub struct Derived {
    default_billing: usize,
    default_shipping: usize,
    cart_items_count: usize,
    cart_items_qty: usize,
    cart_item_qty: usize,
    order_status: usize,
    order_created_at: usize,
    line_status: usize,
    line_created_at: usize,
}

/// A cart whose lines' quantities add up past 64 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuantityOverflow;

impl Default for Derived {
    fn default() -> Derived {
        Derived::new()
    }
}

impl Derived {
    pub fn new() -> Derived {
        let slot = |kind, name| builtin_slot(kind, name).expect("the model has this field");
        let cart_slot = |name| {
            CART_FIELDS
                .iter()
                .position(|(n, _)| *n == name)
                .expect("the model has this cart field")
        };
        Derived {
            default_billing: slot(ElementKind::Address, "default_billing"),
            default_shipping: slot(ElementKind::Address, "default_shipping"),
            cart_items_count: cart_slot("items_count"),
            cart_items_qty: cart_slot("items_qty"),
            cart_item_qty: slot(ElementKind::CartItem, "qty"),
            order_status: slot(ElementKind::Order, "status"),
            order_created_at: slot(ElementKind::Order, "created_at"),
            line_status: slot(ElementKind::OrderLine, "status"),
            line_created_at: slot(ElementKind::OrderLine, "created_at"),
        }
    }

    /// Appends an address to a profile's; the first flagged `default_billing`
    /// (`default_shipping`) is the default one.
    pub fn push_address(
        &self,
        addresses: &mut Vec<Record>,
        default_billing: &mut Option<usize>,
        default_shipping: &mut Option<usize>,
        address: Record,
    ) {
        let flagged = |slot: usize| matches!(address.get(slot), Value::Bool(true));
        if default_billing.is_none() && flagged(self.default_billing) {
            *default_billing = Some(addresses.len());
        }
        if default_shipping.is_none() && flagged(self.default_shipping) {
            *default_shipping = Some(addresses.len());
        }
        addresses.push(address);
    }

    /// The cart's `items_count` (its lines) and `items_qty` (their quantities; a line without
    /// one counts 0), whatever the cart record said.
    pub fn cart_counts(
        &self,
        cart: &mut [Value],
        lines: &[Record],
    ) -> Result<(), QuantityOverflow> {
        let mut quantity: i64 = 0;
        for line in lines {
            if let Value::Int(qty) = line.get(self.cart_item_qty) {
                quantity = quantity.checked_add(*qty).ok_or(QuantityOverflow)?;
            }
        }
        if let Some(count) = cart.get_mut(self.cart_items_count) {
            *count = Value::Int(lines.len() as i64);
        }
        if let Some(qty) = cart.get_mut(self.cart_items_qty) {
            *qty = Value::Int(quantity);
        }
        Ok(())
    }

    /// An order line takes its order's `status` and `created_at` (§8), whatever it said.
    pub fn line_from_order(&self, line: &mut [Value], order: &Record) {
        if let Some(status) = line.get_mut(self.line_status) {
            *status = order.get(self.order_status).clone();
        }
        if let Some(created_at) = line.get_mut(self.line_created_at) {
            *created_at = order.get(self.order_created_at).clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_text_wins_then_the_fold() {
        let options = Options::new(&["VIP".into(), "vip".into(), "Général".into()]);
        assert_eq!(options.find("VIP"), Some(0));
        assert_eq!(options.find("vip"), Some(1));
        assert_eq!(options.find("Vip"), Some(0));
        assert_eq!(options.find("GÉNÉRAL"), Some(2));
        assert_eq!(options.find("General"), None);
        assert_eq!(options.text(2), Some("Général"));
        assert_eq!(option_set(vec![2, 0, 2]), Value::Options(vec![0, 2].into()));
        assert_eq!(option_set(Vec::new()), Value::Missing);
    }
}
