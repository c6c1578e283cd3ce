//! A synthetic store: realistic, Magento-like shoppers over any attribute schema, the same for
//! the same seed on every machine.
//!
//! Each profile is drawn from its own ChaCha8 stream (the seed, stream = the shopper's index),
//! so a profile does not depend on the ones before it, on chunking or on threads. Time is
//! relative to an anchor day passed in (never the wall clock): customers signed up over the six
//! years before it, orders fall between sign-up and the anchor, carts and views are recent.
//!
//! What the shoppers look like:
//! - about one in six is a visitor (a cart and views only); the rest are registered customers
//!   from a dozen locales — US, UK, Canada, Australia, Korea (Hangul and romanised), Germany
//!   (German and Turkish families), Turkey, France, the Netherlands, Japan — on four websites,
//!   with names, cities, streets, postcodes and phone numbers as they are written there;
//! - customer groups mostly General, some Retailer, Wholesale and VIP (Wholesale buys in bulk,
//!   VIP buys more often);
//! - orders: most customers have 0–3, one in twenty 10–40 and one in a hundred 41–300 (the
//!   long tail of heavy buyers); statuses by age (new orders pending or processing, old ones
//!   complete, closed or canceled); lines priced from the catalog, with tax, shipping and
//!   discounts adding up; billing and shipping addresses from the address book;
//! - carts for a third of customers and half of visitors (some empty), wishlists for one in
//!   six, recently viewed products for most, SKUs from the catalog with popular products
//!   favoured and now and then a SKU the catalog no longer has.
//!
//! Attributes the generator knows by code (Adobe Commerce's: `email`, `firstname`, `dob`,
//! `group`, `city`, `country_id`, …) get such values when their type fits; every other
//! attribute gets values of its type, empty now and then.

mod pools;

use std::sync::mpsc::sync_channel;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use seg_check::model::{ElementKind, CART_FIELDS};
use seg_check::values::MICROS_PER_DAY;
use seg_data::{Catalog, Interner, Order, Product, ProductId, Profile, Record, Value};
use seg_schema::{AttrType, Entity, Schema};

use crate::codec::Options as OptionList;
use crate::{ImportSummary, Result, Store};

pub use pools::WEBSITES;
use pools::{Locale, ADJECTIVES, LOCALES, NOUNS, STATUSES_NEW, STATUSES_OLD, STATUSES_RECENT};

const SECOND: i64 = 1_000_000;
const DAY: i64 = MICROS_PER_DAY;
/// Money is generated in cents: one cent in decimal units (ten-thousandths).
const CENT: i64 = 100;

/// How much to generate, from what, relative to when.
#[derive(Clone, Copy, Debug)]
pub struct GenOptions {
    pub customers: u64,
    pub seed: u64,
    /// The anchor day (days since 1970-01-01): the generated store's "today".
    pub anchor: i32,
}

/// What an attribute's values are drawn as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Email,
    FirstName,
    LastName,
    MiddleName,
    Prefix,
    Dob,
    Gender,
    Group,
    CreatedAt,
    CreatedIn,
    Taxvat,
    Newsletter,
    StoreCredit,
    RewardPoints,
    Company,
    Street,
    City,
    Region,
    Postcode,
    Country,
    Telephone,
    VatId,
    // Products.
    Sku,
    Name,
    Price,
    SpecialPrice,
    Generic,
}

fn kind_of(code: &str, ty: AttrType) -> Kind {
    use AttrType as T;
    let text = matches!(ty, T::String | T::Select);
    match (code, ty) {
        ("email", T::String) => Kind::Email,
        ("firstname", _) if text => Kind::FirstName,
        ("lastname", _) if text => Kind::LastName,
        ("middlename", _) if text => Kind::MiddleName,
        ("prefix", _) if text => Kind::Prefix,
        ("dob", T::Date) => Kind::Dob,
        ("gender", T::Select) => Kind::Gender,
        ("group" | "group_id", T::Select) => Kind::Group,
        ("created_at", T::Datetime) => Kind::CreatedAt,
        ("created_in", _) if text => Kind::CreatedIn,
        ("taxvat", T::String) => Kind::Taxvat,
        ("newsletter_subscribed" | "is_subscribed", T::Boolean) => Kind::Newsletter,
        ("store_credit", T::Decimal) => Kind::StoreCredit,
        ("reward_points", T::Integer) => Kind::RewardPoints,
        ("company", _) if text => Kind::Company,
        ("street", _) if text => Kind::Street,
        ("city", _) if text => Kind::City,
        ("region", _) if text => Kind::Region,
        ("postcode", _) if text => Kind::Postcode,
        ("country_id" | "country", _) if text => Kind::Country,
        ("telephone", _) if text => Kind::Telephone,
        ("vat_id", T::String) => Kind::VatId,
        ("sku", T::String) => Kind::Sku,
        ("name", T::String) => Kind::Name,
        ("price", T::Decimal) => Kind::Price,
        ("special_price", T::Decimal) => Kind::SpecialPrice,
        _ => Kind::Generic,
    }
}

/// An attribute prepared for drawing values.
struct Attr {
    kind: Kind,
    ty: AttrType,
    options: OptionList,
    count: u32,
    /// Per option, its weight (groups and genders by name).
    weights: Vec<u32>,
}

impl Attr {
    fn new(code: &str, ty: AttrType, options: &[String]) -> Attr {
        let kind = kind_of(code, ty);
        let weights = options
            .iter()
            .enumerate()
            .map(|(i, o)| match (kind, o.to_lowercase().as_str()) {
                (Kind::Group, "general") => 780,
                (Kind::Group, "retailer") => 80,
                (Kind::Group, "wholesale") => 60,
                (Kind::Group, "vip") => 50,
                (Kind::Group, _) => 30,
                (Kind::Gender, "male") | (Kind::Gender, "female") => 46,
                (Kind::Gender, _) => 8,
                _ => 100 / (i as u32 + 1) + 5,
            })
            .collect();
        Attr {
            kind,
            ty,
            options: OptionList::new(options),
            count: options.len() as u32,
            weights,
        }
    }
}

/// Customer groups that change how a customer buys.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Plain,
    Wholesale,
    Vip,
}

/// The customer being drawn.
struct Person {
    index: u64,
    locale: &'static Locale,
    first: &'static str,
    last: &'static str,
    created_at: i64,
    group: Group,
    group_option: Option<u32>,
    store_id: i64,
}

/// An address being drawn.
struct Place {
    city: &'static str,
    region: &'static str,
    street: String,
    postcode: String,
    phone: String,
    company: Option<String>,
    country: &'static str,
}

/// A product shoppers can pick: SKU and price in decimal units.
struct Item {
    sku: String,
    price: i64,
}

/// Draws profiles; see the module docs. Shared by reference across threads.
pub struct Generator {
    seed: u64,
    /// Midnight UTC of the anchor day, in µs.
    anchor: i64,
    locales: Vec<&'static Locale>,
    weights: Vec<u32>,
    customer: Vec<Attr>,
    /// The schema's address attributes (after the two flag slots).
    address: Vec<Attr>,
    items: Vec<Item>,
    group_slot: Option<usize>,
    order_fields: Vec<&'static str>,
    line_fields: Vec<&'static str>,
    cart_item_fields: Vec<&'static str>,
    wishlist_fields: Vec<&'static str>,
    viewed_fields: Vec<&'static str>,
}

fn names(kind: ElementKind) -> Vec<&'static str> {
    kind.builtin_fields().iter().map(|(n, _)| *n).collect()
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn pick_str(rng: &mut ChaCha8Rng, words: &[&'static str]) -> &'static str {
    words[rng.random_range(0..words.len())]
}

fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    if total == 0 {
        return 0;
    }
    let mut r = rng.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if r < w {
            return i;
        }
        r -= w;
    }
    weights.len() - 1
}

/// Replaces `9` with a digit, `A` with a capital letter and `#` with a digit.
fn pattern(rng: &mut ChaCha8Rng, pattern: &str) -> String {
    pattern
        .chars()
        .map(|c| match c {
            '9' | '#' => char::from(b'0' + rng.random_range(0..10u8)),
            'A' => char::from(b'A' + rng.random_range(0..26u8)),
            c => c,
        })
        .collect()
}

/// Lower-case ASCII for e-mail addresses: accents dropped, umlauts spelled out, scripts
/// without a Latin spelling left out.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let s = match c {
            'a'..='z' | '0'..='9' => {
                out.push(c);
                continue;
            }
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'à' | 'á' | 'â' | 'ã' | 'å' => "a",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'ı' => "i",
            'ò' | 'ó' | 'ô' | 'õ' => "o",
            'ù' | 'ú' | 'û' => "u",
            'ç' => "c",
            'ş' => "s",
            'ğ' => "g",
            'ñ' => "n",
            _ => "",
        };
        out.push_str(s);
    }
    out
}

fn cents(units: i64) -> i64 {
    (units + CENT / 2).div_euclid(CENT) * CENT
}

/// Money between `low` and `high` whole units of currency, in cents.
fn money(rng: &mut ChaCha8Rng, low: i64, high: i64) -> i64 {
    rng.random_range(low * 100..=high * 100) * CENT
}

impl Generator {
    /// A generator for `schema` whose shoppers pick SKUs from `catalog` (its `price`, or
    /// `special_price`, decimal attributes price the lines when the schema has them).
    pub fn new(schema: &Schema, catalog: &Catalog, seed: u64, anchor: i32) -> Generator {
        let prepare = |entity| -> Vec<Attr> {
            schema
                .attributes(entity)
                .iter()
                .map(|a| Attr::new(&a.code, a.ty, &a.options))
                .collect()
        };
        let customer = prepare(Entity::Customer);
        let address = prepare(Entity::CustomerAddress);
        // Locales whose country the schema cannot hold are left out.
        let countries = address
            .iter()
            .find(|a| a.kind == Kind::Country && a.ty == AttrType::Select);
        let locales: Vec<&'static Locale> = LOCALES
            .iter()
            .filter(|l| countries.is_none_or(|c| c.options.find(l.country).is_some()))
            .collect();
        let locales = if locales.is_empty() {
            LOCALES.iter().collect()
        } else {
            locales
        };
        let products = schema.attributes(Entity::Product);
        let slot = |code: &str| {
            products
                .iter()
                .position(|a| a.code == code && a.ty == AttrType::Decimal)
        };
        let (price, special) = (slot("price"), slot("special_price"));
        let items = catalog
            .products
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let units = |slot: Option<usize>| match slot.and_then(|s| p.values.get(s)) {
                    Some(Value::Dec(units)) if *units > 0 => Some(*units),
                    _ => None,
                };
                let price = units(special)
                    .or(units(price))
                    .unwrap_or(((i as i64 * 7919) % 190 + 10) * 10_000);
                Item {
                    sku: p.sku.clone(),
                    price,
                }
            })
            .collect();
        Generator {
            seed,
            anchor: i64::from(anchor) * DAY,
            weights: locales.iter().map(|l| l.weight).collect(),
            locales,
            group_slot: customer.iter().position(|a| a.kind == Kind::Group),
            customer,
            address,
            items,
            order_fields: names(ElementKind::Order),
            line_fields: names(ElementKind::OrderLine),
            cart_item_fields: names(ElementKind::CartItem),
            wishlist_fields: names(ElementKind::WishlistItem),
            viewed_fields: names(ElementKind::ViewedProduct),
        }
    }

    fn rng(&self, index: u64) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(index);
        rng
    }

    /// The profile of shopper `index` (0-based), its strings interned in `interner`. Ids are
    /// `c-` (customers) or `v-` (visitors) and the index in eight digits, so they sort in
    /// index order.
    pub fn profile(&self, index: u64, interner: &mut Interner) -> Profile {
        let mut rng = self.rng(index);
        let visitor = rng.random_bool(0.16);
        let locale = self.locales[weighted(&mut rng, &self.weights)];
        let website = if visitor && rng.random_bool(0.05) {
            None
        } else if rng.random_bool(0.03) {
            Some("base")
        } else {
            Some(locale.website)
        };
        let store_id = WEBSITES
            .iter()
            .find(|w| Some(w.0) == website)
            .map_or(1, |w| w.2);
        let prefix = if visitor { "v" } else { "c" };
        let mut profile = Profile {
            id: format!("{prefix}-{index:08}"),
            logged_in: !visitor,
            website: website.map(str::to_string),
            customer: vec![Value::Missing; self.customer.len()].into_boxed_slice(),
            ..Profile::default()
        };
        // Sign-up: up to six years before the anchor, recent years denser.
        let age = (rng.random::<f64>().powf(1.4) * 6.0 * 365.0 * DAY as f64) as i64;
        let created_at = (self.anchor - DAY - age) / SECOND * SECOND;
        let group_option = self.group_slot.map(|slot| {
            let attr = &self.customer[slot];
            weighted(&mut rng, &attr.weights) as u32
        });
        let group = match group_option
            .and_then(|o| {
                self.group_slot
                    .and_then(|s| self.customer[s].options.text(o))
            })
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("wholesale") => Group::Wholesale,
            Some("vip") => Group::Vip,
            _ => Group::Plain,
        };
        let person = Person {
            index,
            locale,
            first: pick_str(&mut rng, locale.first_names),
            last: pick_str(&mut rng, locale.last_names),
            created_at,
            group,
            group_option,
            store_id,
        };
        self.cart(&mut rng, &mut profile, visitor, interner);
        self.views(&mut rng, &mut profile, visitor, interner);
        if visitor {
            return profile;
        }
        let customer: Vec<Value> = self
            .customer
            .iter()
            .map(|attr| self.customer_value(&mut rng, attr, &person, interner))
            .collect();
        profile.customer = customer.into_boxed_slice();
        self.addresses(&mut rng, &mut profile, &person, interner);
        self.wishlist(&mut rng, &mut profile, interner);
        self.orders(&mut rng, &mut profile, &person, interner);
        profile
    }

    /// The profiles of shoppers `range`, in order, their strings interned in `interner`.
    pub fn profiles<'a>(
        &'a self,
        range: std::ops::Range<u64>,
        interner: &'a mut Interner,
    ) -> impl Iterator<Item = Profile> + 'a {
        range.map(move |index| self.profile(index, interner))
    }

    /// A value of any type, for attributes the generator does not know.
    fn generic(&self, rng: &mut ChaCha8Rng, attr: &Attr, interner: &mut Interner) -> Value {
        if rng.random_bool(0.35) {
            return Value::Missing;
        }
        match attr.ty {
            AttrType::String => {
                let text = format!("{} {}", pick(rng, ADJECTIVES), rng.random_range(1..1000));
                Value::Str(interner.intern(&text))
            }
            AttrType::Integer => Value::Int(rng.random_range(0..10_000)),
            AttrType::Decimal => Value::Dec(money(rng, 0, 1000)),
            AttrType::Boolean => Value::Bool(rng.random_bool(0.5)),
            AttrType::Date => {
                Value::Date(((self.anchor / DAY) - rng.random_range(0..20 * 365)) as i32)
            }
            AttrType::Datetime => {
                Value::DateTime(self.anchor - rng.random_range(0..5 * 365 * 86_400) * SECOND)
            }
            AttrType::Select if attr.count > 0 => {
                Value::Option(weighted(rng, &attr.weights) as u32)
            }
            AttrType::Multiselect if attr.count > 0 => {
                let n = rng.random_range(1..=attr.count.min(3));
                let mut set: Vec<u32> = (0..n).map(|_| rng.random_range(0..attr.count)).collect();
                set.sort_unstable();
                set.dedup();
                Value::Options(set.into_boxed_slice())
            }
            AttrType::Select | AttrType::Multiselect => Value::Missing,
        }
    }

    /// A text for a string or select attribute: the string, or the option of that text (a
    /// drawn option when the schema has no such option).
    fn text(
        &self,
        rng: &mut ChaCha8Rng,
        attr: &Attr,
        text: Option<&str>,
        interner: &mut Interner,
    ) -> Value {
        match (attr.ty, text) {
            (_, None) | (_, Some("")) => Value::Missing,
            (AttrType::String, Some(text)) => Value::Str(interner.intern(text)),
            (AttrType::Select, Some(text)) => match attr.options.find(text) {
                Some(option) => Value::Option(option),
                None => self.generic(rng, attr, interner),
            },
            _ => self.generic(rng, attr, interner),
        }
    }

    fn customer_value(
        &self,
        rng: &mut ChaCha8Rng,
        attr: &Attr,
        person: &Person,
        interner: &mut Interner,
    ) -> Value {
        let locale = person.locale;
        match attr.kind {
            Kind::Email => {
                let local = [slug(person.first), slug(person.last)]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(".");
                let local = if local.is_empty() {
                    "customer".into()
                } else {
                    local
                };
                let email = format!("{local}{}@{}", person.index, pick(rng, locale.domains));
                Value::Str(interner.intern(&email))
            }
            Kind::FirstName => self.text(rng, attr, Some(person.first), interner),
            Kind::LastName => self.text(rng, attr, Some(person.last), interner),
            Kind::MiddleName => {
                let initial = rng
                    .random_bool(0.08)
                    .then(|| format!("{}.", pick(rng, &["A", "J", "M", "K"])));
                self.text(rng, attr, initial.as_deref(), interner)
            }
            Kind::Prefix => {
                let prefix = rng.random_bool(0.1).then(|| match locale.country {
                    "DE" => *pick(rng, &["Herr", "Frau", "Dr."]),
                    "FR" => *pick(rng, &["M.", "Mme"]),
                    _ => *pick(rng, &["Mr.", "Ms.", "Mrs.", "Dr."]),
                });
                self.text(rng, attr, prefix, interner)
            }
            Kind::Dob => {
                if rng.random_bool(0.25) {
                    return Value::Missing;
                }
                // Aged 18 to 75 at the anchor.
                let age_days = rng.random_range(18 * 365..75 * 365);
                Value::Date((self.anchor / DAY - age_days) as i32)
            }
            Kind::Gender => {
                if rng.random_bool(0.3) || attr.count == 0 {
                    Value::Missing
                } else {
                    Value::Option(weighted(rng, &attr.weights) as u32)
                }
            }
            Kind::Group => person.group_option.map_or(Value::Missing, Value::Option),
            Kind::CreatedAt => Value::DateTime(person.created_at),
            Kind::CreatedIn => self.text(rng, attr, Some(locale.store_view), interner),
            Kind::Taxvat => {
                let vat = rng
                    .random_bool(0.03)
                    .then(|| format!("{}{}", locale.country, pattern(rng, "999999999")));
                self.text(rng, attr, vat.as_deref(), interner)
            }
            Kind::Newsletter => match rng.random_range(0..100) {
                0..45 => Value::Bool(true),
                45..80 => Value::Bool(false),
                _ => Value::Missing,
            },
            Kind::StoreCredit => match rng.random_range(0..100) {
                0..60 => Value::Missing,
                60..82 => Value::Dec(0),
                82..97 => Value::Dec(money(rng, 5, 100)),
                _ => Value::Dec(money(rng, 100, 1000)),
            },
            Kind::RewardPoints => {
                if rng.random_bool(0.3) {
                    Value::Missing
                } else {
                    let r: f64 = rng.random();
                    Value::Int((r.powi(3) * 20_000.0) as i64)
                }
            }
            _ => self.generic(rng, attr, interner),
        }
    }

    fn place(&self, rng: &mut ChaCha8Rng, person: &Person) -> Place {
        let locale = person.locale;
        let (city, region) = *pick(rng, locale.cities);
        let name = pick(rng, locale.streets);
        let number = rng.random_range(1..200);
        let street = if locale.number_first {
            format!("{number} {name}")
        } else {
            format!("{name} {number}")
        };
        Place {
            city,
            region,
            street,
            postcode: pattern(rng, locale.postcode),
            phone: pattern(rng, locale.phone),
            company: rng
                .random_bool(0.12)
                .then(|| locale.company.replace("{}", person.last)),
            country: locale.country,
        }
    }

    /// An address record: the flags, then the schema's address attributes.
    fn address(
        &self,
        rng: &mut ChaCha8Rng,
        place: &Place,
        person: &Person,
        flags: [bool; 2],
        interner: &mut Interner,
    ) -> Record {
        let mut values = Vec::with_capacity(2 + self.address.len());
        for flag in flags {
            values.push(if flag {
                Value::Bool(true)
            } else {
                Value::Missing
            });
        }
        for attr in &self.address {
            let text = match attr.kind {
                Kind::FirstName => Some(person.first.to_string()),
                Kind::LastName => Some(person.last.to_string()),
                Kind::Company => place.company.clone(),
                Kind::Street => Some(place.street.clone()),
                Kind::City => Some(place.city.to_string()),
                Kind::Region => rng.random_bool(0.85).then(|| place.region.to_string()),
                Kind::Postcode => Some(place.postcode.clone()),
                Kind::Country => Some(place.country.to_string()),
                Kind::Telephone => rng.random_bool(0.9).then(|| place.phone.clone()),
                Kind::VatId => place
                    .company
                    .as_ref()
                    .filter(|_| rng.random_bool(0.5))
                    .map(|_| format!("{}{}", place.country, pattern(rng, "999999999"))),
                _ => {
                    values.push(self.generic(rng, attr, interner));
                    continue;
                }
            };
            values.push(self.text(rng, attr, text.as_deref(), interner));
        }
        Record {
            values: values.into_boxed_slice(),
            product: None,
        }
    }

    fn addresses(
        &self,
        rng: &mut ChaCha8Rng,
        profile: &mut Profile,
        person: &Person,
        interner: &mut Interner,
    ) {
        let count = match rng.random_range(0..100) {
            0..12 => 0,
            12..75 => 1,
            75..93 => 2,
            _ => rng.random_range(3..=4),
        };
        let shipping_second = count > 1 && rng.random_bool(0.3);
        let unflagged = count > 0 && rng.random_bool(0.05);
        for i in 0..count {
            let place = self.place(rng, person);
            let billing = i == 0 && !unflagged;
            let shipping = !unflagged && if shipping_second { i == 1 } else { i == 0 };
            let record = self.address(rng, &place, person, [billing, shipping], interner);
            profile.addresses.push(record);
        }
        // As the loader derives them: the first address flagged so.
        let flagged = |record: &Record, slot: usize| matches!(record.get(slot), Value::Bool(true));
        profile.default_billing = profile.addresses.iter().position(|r| flagged(r, 0));
        profile.default_shipping = profile.addresses.iter().position(|r| flagged(r, 1));
    }

    /// A product pick, popular products first; now and then a SKU the catalog does not have.
    /// The SKU, its price and its product (items are in catalog order).
    fn item(&self, rng: &mut ChaCha8Rng) -> (String, i64, Option<ProductId>) {
        if self.items.is_empty() || rng.random_bool(0.01) {
            let sku = format!("DISCONTINUED-{:03}", rng.random_range(0..200));
            return (sku, money(rng, 5, 150), None);
        }
        let r: f64 = rng.random();
        let index = (((r * r) * self.items.len() as f64) as usize).min(self.items.len() - 1);
        let item = &self.items[index];
        (item.sku.clone(), item.price, Some(ProductId(index as u32)))
    }

    /// A record of built-in fields by name; fields not named are empty.
    fn record(
        fields: &[&'static str],
        mut value: impl FnMut(&str) -> Value,
        product: Option<ProductId>,
    ) -> Record {
        Record {
            values: fields.iter().map(|f| value(f)).collect(),
            product,
        }
    }

    fn cart(
        &self,
        rng: &mut ChaCha8Rng,
        profile: &mut Profile,
        visitor: bool,
        interner: &mut Interner,
    ) {
        let mut cart = vec![Value::Missing; CART_FIELDS.len()];
        let has_cart = rng.random_bool(if visitor { 0.55 } else { 0.35 });
        let mut lines = 0;
        let mut quantity = 0;
        if has_cart {
            let empty = rng.random_bool(0.15);
            let count = if empty { 0 } else { 1 + geometric(rng, 0.4, 5) };
            let mut subtotal = 0;
            for _ in 0..count {
                let (sku, price, product) = self.item(rng);
                let qty = rng.random_range(1..=3i64);
                let age = (rng.random::<f64>().powi(2) * 30.0 * 86_400.0) as i64;
                let added_at = self.anchor - age * SECOND;
                subtotal += price * qty;
                quantity += qty;
                let sku = interner.intern(&sku);
                profile.cart_items.push(Self::record(
                    &self.cart_item_fields,
                    |f| match f {
                        "sku" => Value::Str(sku),
                        "qty" => Value::Int(qty),
                        "price" => Value::Dec(price),
                        "row_total" => Value::Dec(price * qty),
                        "added_at" => Value::DateTime(added_at),
                        _ => Value::Missing,
                    },
                    product,
                ));
            }
            lines = count;
            let tax = cents(subtotal * 1000 / 10_000);
            let shipping = if subtotal >= 100 * 10_000 || count == 0 {
                0
            } else {
                5 * 10_000
            };
            let discount = if rng.random_bool(0.1) {
                cents(subtotal / 10)
            } else {
                0
            };
            let gift = if rng.random_bool(0.03) {
                25 * 10_000
            } else {
                0
            };
            let credit = if rng.random_bool(0.03) {
                money(rng, 5, 50)
            } else {
                0
            };
            let grand = (subtotal + tax + shipping - discount - gift - credit).max(0);
            for (slot, (name, _)) in CART_FIELDS.iter().enumerate() {
                cart[slot] = match *name {
                    "subtotal" => Value::Dec(subtotal),
                    "grand_total" => Value::Dec(grand),
                    "tax" => Value::Dec(tax),
                    "shipping_amount" => Value::Dec(shipping),
                    "discount_amount" => Value::Dec(discount),
                    "gift_card_amount" if gift > 0 => Value::Dec(gift),
                    "store_credit_amount" if credit > 0 => Value::Dec(credit),
                    _ => Value::Missing,
                };
            }
        }
        // Derived from the lines, as the loader derives them.
        for (slot, (name, _)) in CART_FIELDS.iter().enumerate() {
            match *name {
                "items_count" => cart[slot] = Value::Int(lines as i64),
                "items_qty" => cart[slot] = Value::Int(quantity),
                _ => {}
            }
        }
        profile.cart = cart.into_boxed_slice();
    }

    fn views(
        &self,
        rng: &mut ChaCha8Rng,
        profile: &mut Profile,
        visitor: bool,
        interner: &mut Interner,
    ) {
        let (count, window) = if visitor {
            (rng.random_range(1..=8), 3)
        } else if rng.random_bool(0.55) {
            (1 + geometric(rng, 0.75, 39), 90)
        } else {
            (0, 0)
        };
        for _ in 0..count {
            let (sku, _, product) = self.item(rng);
            let viewed_at = self.anchor - rng.random_range(0..window * 86_400) * SECOND;
            let sku = interner.intern(&sku);
            profile.viewed_products.push(Self::record(
                &self.viewed_fields,
                |f| match f {
                    "sku" => Value::Str(sku),
                    "viewed_at" => Value::DateTime(viewed_at),
                    _ => Value::Missing,
                },
                product,
            ));
        }
    }

    fn wishlist(&self, rng: &mut ChaCha8Rng, profile: &mut Profile, interner: &mut Interner) {
        if !rng.random_bool(0.18) {
            return;
        }
        for _ in 0..rng.random_range(1..=6) {
            let (sku, _, product) = self.item(rng);
            let added_at = self.anchor - rng.random_range(0..365 * 86_400) * SECOND;
            let sku = interner.intern(&sku);
            profile.wishlist_items.push(Self::record(
                &self.wishlist_fields,
                |f| match f {
                    "sku" => Value::Str(sku),
                    "qty" => Value::Int(1),
                    "added_at" => Value::DateTime(added_at),
                    _ => Value::Missing,
                },
                product,
            ));
        }
    }

    fn orders(
        &self,
        rng: &mut ChaCha8Rng,
        profile: &mut Profile,
        person: &Person,
        interner: &mut Interner,
    ) {
        let mut count: u64 = match rng.random_range(0..1000) {
            0..380 => 0,
            380..600 => 1,
            600..730 => 2,
            730..820 => 3,
            820..940 => rng.random_range(4..=9),
            940..990 => rng.random_range(10..=40),
            _ => rng.random_range(41..=300),
        };
        if person.group == Group::Vip {
            count += rng.random_range(2..=10);
        }
        let span = (self.anchor - person.created_at).max(SECOND);
        let mut times: Vec<i64> = (0..count)
            .map(|_| (person.created_at + rng.random_range(0..span)) / SECOND * SECOND)
            .collect();
        times.sort_unstable();
        let tax_rate = person.locale.tax_basis_points;
        for (k, created_at) in times.into_iter().enumerate() {
            let age_days = (self.anchor - created_at) / DAY;
            let statuses = match age_days {
                0..3 => STATUSES_NEW,
                3..15 => STATUSES_RECENT,
                _ => STATUSES_OLD,
            };
            let weights: Vec<u32> = statuses.iter().map(|s| s.1).collect();
            let status = interner.intern(statuses[weighted(rng, &weights)].0);
            let lines = 1 + geometric(rng, 0.45, 7);
            let mut items = Vec::with_capacity(lines);
            let (mut subtotal, mut total_qty) = (0i64, 0i64);
            for _ in 0..lines {
                let (sku, price, product) = self.item(rng);
                let qty = if person.group == Group::Wholesale {
                    rng.random_range(5..=60)
                } else {
                    match rng.random_range(0..100) {
                        0..72 => 1,
                        72..90 => 2,
                        _ => rng.random_range(3..=5),
                    }
                };
                subtotal += price * qty;
                total_qty += qty;
                let sku = interner.intern(&sku);
                items.push(Self::record(
                    &self.line_fields,
                    |f| match f {
                        "sku" => Value::Str(sku),
                        "qty" => Value::Int(qty),
                        "price" => Value::Dec(price),
                        "row_total" => Value::Dec(price * qty),
                        "status" => Value::Str(status),
                        "created_at" => Value::DateTime(created_at),
                        _ => Value::Missing,
                    },
                    product,
                ));
            }
            let discount = if rng.random_bool(0.2) {
                cents(subtotal * rng.random_range(5..=25) / 100)
            } else {
                0
            };
            let tax = cents((subtotal - discount) * tax_rate / 10_000);
            let shipping = if subtotal >= 100 * 10_000 {
                0
            } else if person.locale.website == "base" {
                5 * 10_000
            } else {
                9_9900
            };
            let grand_total = subtotal - discount + tax + shipping;
            let order_id = interner.intern(&format!("{:010}", person.index * 1000 + k as u64));
            let record = Self::record(
                &self.order_fields,
                |f| match f {
                    "id" => Value::Str(order_id),
                    "status" => Value::Str(status),
                    "created_at" => Value::DateTime(created_at),
                    "grand_total" => Value::Dec(grand_total),
                    "subtotal" => Value::Dec(subtotal),
                    "tax" => Value::Dec(tax),
                    "shipping_amount" => Value::Dec(shipping),
                    "discount_amount" => Value::Dec(discount),
                    "total_qty" => Value::Int(total_qty),
                    "store_id" => Value::Int(person.store_id),
                    _ => Value::Missing,
                },
                None,
            );
            // Order addresses are copies of the address book's defaults, without the flags.
            let copy = |index: Option<usize>| {
                index.and_then(|i| profile.addresses.get(i)).map(|a| {
                    let mut values = a.values.to_vec();
                    values[0] = Value::Missing;
                    values[1] = Value::Missing;
                    Record {
                        values: values.into_boxed_slice(),
                        product: None,
                    }
                })
            };
            let billing_address = if rng.random_bool(0.92) {
                copy(profile.default_billing)
            } else {
                None
            };
            let shipping_address = if rng.random_bool(0.85) {
                copy(profile.default_shipping)
            } else {
                None
            };
            profile.orders.push(Order {
                record,
                items,
                billing_address,
                shipping_address,
            });
        }
    }

    /// A synthetic catalog of `count` products for `schema` (`GEN-00001`, …), for a store
    /// generated without one; strings interned in `interner`.
    pub fn catalog(
        schema: &Schema,
        count: usize,
        seed: u64,
        anchor: i32,
        interner: &mut Interner,
    ) -> Catalog {
        let attributes: Vec<Attr> = schema
            .attributes(Entity::Product)
            .iter()
            .map(|a| Attr::new(&a.code, a.ty, &a.options))
            .collect();
        let generator = Generator::new(schema, &Catalog::default(), seed, anchor);
        let mut catalog = Catalog::default();
        for k in 0..count {
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_CA7A_1065);
            rng.set_stream(k as u64);
            let sku = format!("GEN-{:05}", k + 1);
            let price = money(&mut rng, 5, 250);
            let values = attributes
                .iter()
                .map(|attr| match attr.kind {
                    Kind::Sku => Value::Str(interner.intern(&sku)),
                    Kind::Name => {
                        let name =
                            format!("{} {}", pick(&mut rng, ADJECTIVES), pick(&mut rng, NOUNS));
                        Value::Str(interner.intern(&name))
                    }
                    Kind::Price => Value::Dec(price),
                    Kind::SpecialPrice if rng.random_bool(0.15) => {
                        Value::Dec(cents(price * 8 / 10))
                    }
                    Kind::SpecialPrice => Value::Missing,
                    _ => generator.generic(&mut rng, attr, interner),
                })
                .collect();
            catalog
                .by_sku
                .insert(sku.clone(), ProductId(catalog.products.len() as u32));
            catalog.products.push(Product { sku, values });
        }
        catalog
    }
}

/// A count that goes on with probability `p` each step, at most `max`.
fn geometric(rng: &mut ChaCha8Rng, p: f64, max: usize) -> usize {
    let mut n = 0;
    while n < max && rng.random_bool(p) {
        n += 1;
    }
    n
}

/// Profiles per chunk handed from the generating thread to the writing one (one transaction
/// each).
const CHUNK: u64 = 5000;

/// Writes a synthetic store: the websites, `catalog` (loaded with `catalog_interner`) and
/// `options.customers` shoppers, generated on one thread while this one writes, in chunks of
/// one transaction. `progress` is told the number of shoppers written so far.
pub fn write(
    store: &mut Store,
    schema: &Schema,
    catalog: &Catalog,
    catalog_interner: &Interner,
    options: GenOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportSummary> {
    let websites: Vec<(&str, Option<&str>)> = WEBSITES.iter().map(|w| (w.0, Some(w.1))).collect();
    store.import_websites(&websites)?;
    store.import_catalog(schema, catalog, catalog_interner)?;
    let generator = Generator::new(schema, catalog, options.seed, options.anchor);
    let mut summary = ImportSummary::default();
    std::thread::scope(|scope| {
        let (send, receive) = sync_channel::<(Interner, Vec<Profile>)>(2);
        let generator = &generator;
        scope.spawn(move || {
            let mut start = 0;
            while start < options.customers {
                let end = (start + CHUNK).min(options.customers);
                let mut interner = Interner::new();
                let profiles = (start..end)
                    .map(|i| generator.profile(i, &mut interner))
                    .collect();
                if send.send((interner, profiles)).is_err() {
                    return; // The writer stopped on an error.
                }
                start = end;
            }
        });
        for (interner, profiles) in receive {
            summary +=
                store.import_rows(schema, &interner, profiles.iter().map(seg_data::Row::from))?;
            progress(summary.imported + summary.replaced);
        }
        Ok(summary)
    })
}
