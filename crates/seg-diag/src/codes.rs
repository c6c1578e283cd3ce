//! The registry of diagnostic codes: one entry per code, never reused, never renumbered.
//!
//! Each entry's doc comment is the code's page: the first line is its title, the rest says what
//! it means, why Seg reports it and shows an example with the fix. `seg explain CODE` prints it
//! and `docs/diagnostics/CODE.md` is generated from it (a test keeps the two in step), so the
//! text lives here only.

use crate::Severity;

/// What the registry knows about one code.
#[derive(Debug)]
pub struct CodeInfo {
    /// `E0201`: `E` for errors, `W` for warnings.
    pub code: &'static str,
    /// A kebab-case name, stable like the code, used in SARIF rule ids' short descriptions.
    pub name: &'static str,
    pub severity: Severity,
    /// The doc comment: the title line, a blank line, then Markdown.
    pub explanation: &'static str,
}

impl CodeInfo {
    pub fn title(&self) -> &'static str {
        self.explanation.lines().next().unwrap_or("").trim()
    }

    /// The page below the title, as Markdown.
    pub fn body(&self) -> String {
        // `/// text` reaches the macro as ` text`: the one space after the slashes is not part of
        // the Markdown, and indented code lines must keep the rest of theirs.
        let lines: Vec<&str> = self
            .explanation
            .lines()
            .skip(1)
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect();
        lines.join("\n").trim().to_string()
    }

    /// The text of one `## heading` section of the page (without the heading), if it has one.
    pub fn section(&self, heading: &str) -> Option<String> {
        let body = self.body();
        let mut lines = body.lines();
        lines.find(|line| line.strip_prefix("## ").map(str::trim) == Some(heading))?;
        let text: Vec<&str> = lines.take_while(|line| !line.starts_with("## ")).collect();
        Some(text.join("\n").trim().to_string())
    }
}

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $code:ident $name:literal $severity:ident; )*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($code),* }

        /// Every code, in registry order.
        pub const ALL: &[Code] = &[$(Code::$code),*];

        impl Code {
            pub fn info(self) -> &'static CodeInfo {
                match self {
                    $(Code::$code => &CodeInfo {
                        code: stringify!($code),
                        name: $name,
                        severity: Severity::$severity,
                        explanation: concat!($($doc, "\n"),*),
                    },)*
                }
            }
        }
    };
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.info().code
    }

    /// Looks a code up by its text, case-insensitively (`e0201` works too).
    pub fn parse(text: &str) -> Option<Code> {
        ALL.iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

codes! {
    // ---- Source text and syntax -------------------------------------------------------------
    /// The file is not valid UTF-8
    ///
    /// ## What it means
    ///
    /// The file contains bytes that are not UTF-8. Seg reads `.seg` files as UTF-8 text only; the diagnostic points at the first bad byte and gives its offset. The file is not parsed.
    ///
    /// ## Why
    ///
    /// Segments are reviewed and diffed like code, and compare strings such as city names case-insensitively: that only works on text whose characters are known. A file saved as Latin-1 or Windows-1252 would silently compare `Köln` wrongly.
    ///
    /// ## Example
    ///
    /// ```seg
    /// // saved as Latin-1: the ö is the single byte 0xF6
    /// segment cologne { applies_to registered  any addresses { city is "Köln" } }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// // the same file saved as UTF-8
    /// segment cologne { applies_to registered  any addresses { city is "Köln" } }
    /// ```
    E0001 "invalid-utf8" Error;
    /// Syntax error
    ///
    /// ## What it means
    ///
    /// The text does not follow the grammar of Seg. The message says what was expected at the offending token (an operator, a value, `{`, a condition …). One syntax error is reported per segment; the other segments of the file are still parsed and checked.
    ///
    /// ## Why
    ///
    /// A segment that does not parse cannot be checked or evaluated; the earlier it is caught, the cheaper.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment vip {
    ///   applies_to registered
    ///   customer.group "VIP"
    /// }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment vip {
    ///   applies_to registered
    ///   customer.group is "VIP"
    /// }
    /// ```
    E0002 "syntax-error" Error;
    /// Conditions are nested too deeply
    ///
    /// ## What it means
    ///
    /// Braces, parentheses, list brackets and chains of `not` together nest deeper than 256 levels. The segment is rejected before parsing so that no stage of the compiler can overflow its stack.
    ///
    /// ## Why
    ///
    /// Real segments nest a handful of levels. Input nested thousands of levels deep is generated or hostile; rejecting it cleanly keeps `seg check` and the language server alive.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment deep { all { all { all { … 300 levels … } } } }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// // Split the logic into segments and combine them:
    /// segment part_a { all { cart.subtotal > 100 } }
    /// segment combined { all { in segment part_a  cart.items_count > 2 } }
    /// ```
    E0003 "nesting-too-deep" Error;
    /// Invalid escape sequence in a string
    ///
    /// ## What it means
    ///
    /// A backslash in a string starts an escape, and only `\"`, `\\`, `\n`, `\t` and `\u{…}` (1 to 6 hex digits naming a Unicode scalar value) exist.
    ///
    /// ## Why
    ///
    /// An unknown escape is almost always a Windows path or a regular expression pasted into a string; guessing what it meant would compare the wrong text.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment temp { any cart_items { sku is "C:\temp\x" } }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment temp { any cart_items { sku is "C:\\temp\\x" } }
    /// ```
    E0004 "invalid-escape" Error;
    /// The file holds no segment
    ///
    /// ## What it means
    ///
    /// The file is empty or holds only comments and whitespace.
    ///
    /// ## Why
    ///
    /// An empty `.seg` file in a segments folder is usually a mistake (a file saved before it was written, or a segment deleted but not its file). It is a warning, so CI still passes.
    ///
    /// ## Example
    ///
    /// ```seg
    /// // TODO: write the summer sale segment
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment summer_sale {
    ///   cart.subtotal >= 50
    /// }
    /// ```
    W0005 "empty-file" Warning;

    // ---- The attribute schema ---------------------------------------------------------------
    /// The attribute schema is not well-formed JSON of the expected shape
    ///
    /// ## What it means
    ///
    /// The schema file is not valid JSON (a trailing comma, a comment, a missing quote), or its shape is wrong: an unknown top-level key (only `customer`, `customer_address` and `product` exist), an unknown key in an attribute (the keys are `code`, `label`, `type`, `options` and the entity's flag), a value of the wrong JSON type (a flag that is not `true`/`false`, a code that is not a string), a missing `code` or `type`, or an unknown type name. The diagnostic points at the line and column in the schema file; Magento's own names (`attribute_code`, `frontend_input` …) get a "did you mean".
    ///
    /// ## Why
    ///
    /// Every check depends on the schema: it says which attributes a segment may read and of which type. A schema with errors is reported first, and the segments are then only parsed, since against a broken schema correct conditions would be reported as wrong.
    ///
    /// ## Example
    ///
    /// A trailing comma, and a misspelt type (reported once the JSON itself is valid):
    ///
    /// ```json
    /// {"customer": [{"code": "group", "type": "selec", "options": ["General", "VIP"],
    ///                "use_in_customer_segment": true},]}
    /// ```
    ///
    /// Fixed:
    ///
    /// ```json
    /// {"customer": [{"code": "group", "type": "select", "options": ["General", "VIP"],
    ///                "use_in_customer_segment": true}]}
    /// ```
    ///
    /// Now segments reading the attribute are checked against it:
    ///
    /// ```seg
    /// segment vip { applies_to registered  customer.group is "VIP" }
    /// ```
    E0101 "schema-malformed" Error;
    /// The attribute schema declares something inconsistent
    ///
    /// ## What it means
    ///
    /// The schema is well-formed JSON of the right shape but contradicts itself: an attribute code declared twice in one entity, an attribute code that is not an identifier, a select or multiselect without options, options on a type that has none, an option that is empty or listed twice, or a flag on an entity that does not have it (`use_in_customer_segment` exists on `customer` and `customer_address` attributes, `use_for_promo_rules` on `product` attributes, as in Magento).
    ///
    /// ## Why
    ///
    /// Each of these would make segments mean something other than the store intends: which of two `group` declarations is meant, which options a select may take, whether a product attribute is really enabled. They are fixed in the schema, where they are made; as with E0101, the segments are then only parsed.
    ///
    /// ## Example
    ///
    /// A repeated option, and the customer flag on a product attribute:
    ///
    /// ```json
    /// {"product": [{"code": "size", "type": "select", "options": ["S", "M", "S"],
    ///               "use_in_customer_segment": true}]}
    /// ```
    ///
    /// Fixed:
    ///
    /// ```json
    /// {"product": [{"code": "size", "type": "select", "options": ["S", "M", "L"],
    ///               "use_for_promo_rules": true}]}
    /// ```
    ///
    /// Now product conditions can use the attribute:
    ///
    /// ```seg
    /// segment small_sizes { any cart_items { product.size is "S" } }
    /// ```
    E0102 "schema-invalid" Error;

    // ---- Names ------------------------------------------------------------------------------
    /// Unknown attribute
    ///
    /// ## What it means
    ///
    /// `customer.<attr>`, an address attribute inside an address block, or `product.<attr>` names an attribute the schema does not declare. The help suggests the closest declared attribute.
    ///
    /// ## Why
    ///
    /// A misspelt attribute would otherwise read nothing, and the segment would silently never match.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment vip { applies_to registered  customer.gropu is "VIP" }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment vip { applies_to registered  customer.group is "VIP" }
    /// ```
    E0201 "unknown-attribute" Error;
    /// Attribute not enabled for customer segments or promo rules
    ///
    /// ## What it means
    ///
    /// The attribute exists in the schema, but its flag is off: customer and address attributes need `"use_in_customer_segment": true` (Magento's "Use in Customer Segment" = Yes), product attributes `"use_for_promo_rules": true` ("Use for Promo Rule Conditions" = Yes). The help names the schema entry and the flag to set; a second label points at the declaration.
    ///
    /// ## Why
    ///
    /// Magento only lets enabled attributes into segment conditions: they are the ones it indexes and keeps up to date for segments. A segment on a disabled attribute would not work in the store.
    ///
    /// ## Example
    ///
    /// ```seg
    /// // schema: {"code": "dob", "type": "date", "use_in_customer_segment": false}
    /// segment birthday { applies_to registered  customer.dob anniversary within next 7 days }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// // schema: {"code": "dob", "type": "date", "use_in_customer_segment": true}
    /// segment birthday { applies_to registered  customer.dob anniversary within next 7 days }
    /// ```
    E0202 "attribute-not-enabled" Error;
    /// Unknown field
    ///
    /// ## What it means
    ///
    /// A built-in field does not exist where it is used: a `cart.` field that is not one of `subtotal`, `grand_total`, `tax`, `shipping_amount`, `discount_amount`, `gift_card_amount`, `store_credit_amount`, `items_count`, `items_qty`; an element field outside its collection (`status` at the top of a segment); a field of the wrong element (`viewed_at` inside `orders`); a path going on after a value (`customer.group.code`); or `customer`/`cart` without a field.
    ///
    /// ## Why
    ///
    /// Each collection's elements have their own fields (§2.3). Reading a field that is not there would always be empty.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment completed { applies_to registered  status is "complete" }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment completed { applies_to registered  any orders { status is "complete" } }
    /// ```
    E0203 "unknown-field" Error;
    /// Unknown collection
    ///
    /// ## What it means
    ///
    /// A quantifier, block or aggregate names a collection that does not exist. The collections are `addresses`, `billing_address`, `shipping_address`, `cart_items`, `wishlist_items`, `viewed_products`, `orders`, `ordered_products` (also written `orders.items`), and inside an `orders` block `items`, `billing_address`, `shipping_address`.
    ///
    /// ## Why
    ///
    /// The condition cannot be evaluated without knowing which list it ranges over; the conditions inside its block are not checked further, to avoid errors that follow from this one.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment buyers { applies_to registered  any oders { status is "complete" } }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment buyers { applies_to registered  any orders { status is "complete" } }
    /// ```
    E0204 "unknown-collection" Error;
    /// Unknown segment
    ///
    /// ## What it means
    ///
    /// `in segment X` names a segment id that no file checked together with this one declares.
    ///
    /// ## Why
    ///
    /// Segment references are resolved across all files of a run; a typo would otherwise make the condition always false.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment loyal { applies_to registered  count(orders) >= 5 }
    /// segment loyal_big_cart { all { in segment loyl  cart.subtotal > 200 } }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment loyal { applies_to registered  count(orders) >= 5 }
    /// segment loyal_big_cart { all { in segment loyal  cart.subtotal > 200 } }
    /// ```
    E0205 "unknown-segment" Error;

    // ---- Types and values -------------------------------------------------------------------
    /// Operator not valid for the field's type
    ///
    /// ## What it means
    ///
    /// The operator does not apply to the type of the field (§2.2): `starts with` on a date, `>` on a multiselect, `contains` on a select, `is not` on a boolean … The help lists the operators the type takes.
    ///
    /// ## Why
    ///
    /// Each type has the operators that mean something for it; anything else has no defined result. For booleans, `is not true` is rejected because on a missing value it differs from `not … is true`; say which one you mean.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment nineties { applies_to registered  customer.dob starts with "199" }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment nineties { applies_to registered  customer.dob between 1990-01-01 and 1999-12-31 }
    /// ```
    E0301 "operator-type-mismatch" Error;
    /// Value of the wrong type
    ///
    /// ## What it means
    ///
    /// The value compared with a field is not of the field's type: a string for an integer, a decimal for an integer, a number for a string, a bare word where a string belongs (a forgotten quote), a single value where a list is needed (`in`, `contains any of`), or a list where one value is needed. Property values are checked too (`name` takes a string, `active` true or false).
    ///
    /// ## Why
    ///
    /// Comparisons between different types have no meaning; Seg never converts silently. Integer literals are accepted where a decimal is expected.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment vip { applies_to registered  customer.group is VIP }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment vip { applies_to registered  customer.group is "VIP" }
    /// ```
    E0302 "value-type-mismatch" Error;
    /// Unknown option of a select or multiselect attribute
    ///
    /// ## What it means
    ///
    /// A value compared with a select or multiselect attribute is not one of the options the schema declares for it (compared case-insensitively). The help suggests the closest option.
    ///
    /// ## Why
    ///
    /// Options are a closed list; a value outside it can never match.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment vip { applies_to registered  customer.group is "VIPP" }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment vip { applies_to registered  customer.group is "VIP" }
    /// ```
    E0303 "unknown-option" Error;
    /// Invalid date or datetime
    ///
    /// ## What it means
    ///
    /// A date literal names a day that does not exist (`2026-02-30`, month 13), or a datetime literal is malformed or lacks `Z` or an offset (`2026-01-01T09:00:00`).
    ///
    /// ## Why
    ///
    /// A datetime without a zone would mean a different instant depending on where the code runs; all instants in Seg are UTC.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment new_year { applies_to registered  customer.created_at after 2026-01-01T09:00:00 }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment new_year { applies_to registered  customer.created_at after 2026-01-01T09:00:00+09:00 }
    /// ```
    E0304 "invalid-date" Error;
    /// Invalid duration
    ///
    /// ## What it means
    ///
    /// A duration (`within last N units`, `more than N units ago`, `anniversary within next N days`) has an amount that is not a whole number from 0 to 1,000,000 (a fraction, a negative number, or more than a million), or a unit other than `day`/`days`, `hour`/`hours`, `week`/`weeks`. Anniversaries count calendar days, so they take days or weeks, not hours (`anniversary within next 0 days` is today).
    ///
    /// ## Why
    ///
    /// Durations are counted exactly (a day is 24 hours, a week 7 days); fractions and unknown units have no exact meaning, and a birthday is a day, not an hour of it. Amounts beyond a million units (over 2,700 years) are typos.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment birthday { applies_to registered  customer.dob anniversary within next 12 hours }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment birthday { applies_to registered  customer.dob anniversary within next 1 day }
    /// ```
    E0305 "invalid-duration" Error;
    /// Decimal with more than four fractional digits
    ///
    /// ## What it means
    ///
    /// A decimal literal has more than 4 digits after the point (trailing zeros do not count).
    ///
    /// ## Why
    ///
    /// Money in Magento is DECIMAL(20,4), and Seg computes with exact decimals of 4 places; a fifth digit could never be matched exactly.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment big_cart { cart.subtotal > 99.99999 }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment big_cart { cart.subtotal > 99.9999 }
    /// ```
    E0306 "decimal-precision" Error;
    /// Number out of range
    ///
    /// ## What it means
    ///
    /// An integer literal does not fit 64 bits (−9,223,372,036,854,775,808 to 9,223,372,036,854,775,807), or a decimal literal is outside −922,337,203,685,477.5808 to 922,337,203,685,477.5807. Decimals carry Magento's four fractional digits (DECIMAL(20,4)) and are held as 64-bit counts of ten-thousandths, which bounds them.
    ///
    /// ## Why
    ///
    /// Every backend compares numbers with the same integer instructions; a literal that does not fit could not be compared exactly.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment huge { cart.subtotal > 12345678901234567 }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment huge { cart.subtotal > 1000000 }
    /// ```
    E0307 "number-out-of-range" Error;
    /// Empty list
    ///
    /// ## What it means
    ///
    /// A list operand is empty: `in []`, `not in []`, `contains any of []`, `contains all of []`, or a multiselect `is []`.
    ///
    /// ## Why
    ///
    /// Such conditions are constant (always false or always true) and almost certainly a mistake; `is empty` says "no options".
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment no_interests { applies_to registered  customer.interests is [] }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment no_interests { applies_to registered  customer.interests is empty }
    /// ```
    E0308 "empty-list" Error;

    // ---- Collections, windows and aggregates ------------------------------------------------
    /// Time window on a collection without a time field
    ///
    /// ## What it means
    ///
    /// A window (`within last …`, `between … and …`, `after …`, `before …`) is put on a collection whose elements have no time field, in a collection condition or in an aggregate: `addresses` (and the single `billing_address`, `shipping_address`) have none.
    ///
    /// ## Why
    ///
    /// Windows filter elements by their time field (`added_at`, `viewed_at`, `created_at`); without one there is nothing to filter on.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment moved { applies_to registered  any addresses within last 30 days { city is "Seoul" } }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment moved { applies_to registered  any addresses { city is "Seoul" } }
    /// ```
    E0401 "window-without-time" Error;
    /// Aggregate over a non-numeric field
    ///
    /// ## What it means
    ///
    /// `sum`, `avg`, `min` or `max` is applied to a field that is not an integer or decimal (a string, a date, a select …).
    ///
    /// ## Why
    ///
    /// Only numbers add up and average. To count elements, use `count(…)`.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment statuses { applies_to registered  sum(orders.status) > 3 }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment statuses { applies_to registered  count(orders where { status is "complete" }) > 3 }
    /// ```
    E0402 "aggregate-not-numeric" Error;
    /// Aggregate of the wrong shape
    ///
    /// ## What it means
    ///
    /// `count` is given a field (it counts elements), `sum`/`avg`/`min`/`max` are given no field, or the aggregate runs over a single address instead of a list.
    ///
    /// ## Why
    ///
    /// `count(orders)` counts orders; `sum(orders.grand_total)` adds a field; mixing the two forms has no meaning.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment buyers { applies_to registered  count(orders.grand_total) > 3 }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment buyers { applies_to registered  count(orders) > 3 }
    /// ```
    E0403 "aggregate-shape" Error;
    /// Quantifier does not fit the collection
    ///
    /// ## What it means
    ///
    /// A quantifier (`any`, `all`, `no`) is put on a single address (`billing_address`, `shipping_address`), a list is given a block without a quantifier (`addresses { … }`), or a collection is used where a field belongs (`orders is empty`).
    ///
    /// ## Why
    ///
    /// A single address either exists and matches or not; a list needs to say whether any, all or none of its elements must match.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment kr { applies_to registered  addresses { country_id is "KR" } }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment kr { applies_to registered  any addresses { country_id is "KR" } }
    /// ```
    E0404 "quantifier-mismatch" Error;

    // ---- Segments ---------------------------------------------------------------------------
    /// Duplicate segment id
    ///
    /// ## What it means
    ///
    /// Two segments have the same id. Ids are unique across all files checked together; the second one is reported, with a label on the first.
    ///
    /// ## Why
    ///
    /// `in segment x`, reports and exports name segments by id; two with one id would be ambiguous.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment vip { cart.subtotal > 500 }
    /// segment vip { cart.grand_total > 500 }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment vip { cart.subtotal > 500 }
    /// segment vip_by_total { cart.grand_total > 500 }
    /// ```
    E0501 "duplicate-segment" Error;
    /// Cyclic segment reference
    ///
    /// ## What it means
    ///
    /// Segments refer to each other with `in segment` in a cycle (a → b → … → a, or a segment to itself). The diagnostic points at the reference that closes the cycle and lists it.
    ///
    /// ## Why
    ///
    /// Membership of a segment in a cycle would depend on itself and has no answer.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment a { in segment b }
    /// segment b { in segment a }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment base { cart.subtotal > 10 }
    /// segment a { in segment base }
    /// segment b { in segment base }
    /// ```
    E0502 "cyclic-reference" Error;
    /// Property given twice
    ///
    /// ## What it means
    ///
    /// A segment gives one of its properties (`name`, `description`, `applies_to`, `websites`, `active`) more than once.
    ///
    /// ## Why
    ///
    /// Only one value can hold; which one was meant is for the author to say.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment s { name "One"  name "Two"  cart.subtotal > 0 }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment s { name "One"  cart.subtotal > 0 }
    /// ```
    E0503 "duplicate-property" Error;
    /// Segment without exactly one root condition
    ///
    /// ## What it means
    ///
    /// A segment's body holds no condition, or more than one condition next to each other at the top.
    ///
    /// ## Why
    ///
    /// A segment is one condition, usually a combiner holding the others; two conditions side by side leave open whether both or either must hold.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment s {
    ///   cart.subtotal > 10
    ///   cart.items_count > 2
    /// }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment s {
    ///   all {
    ///     cart.subtotal > 10
    ///     cart.items_count > 2
    ///   }
    /// }
    /// ```
    E0504 "root-condition" Error;
    /// Invalid property value
    ///
    /// ## What it means
    ///
    /// `applies_to` is not `visitors`, `registered` or `everyone`, or `websites` lists no website.
    ///
    /// ## Why
    ///
    /// `websites []` would exclude every shopper; leave `websites` out to mean every website.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment s { applies_to visitor  cart.subtotal > 0 }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment s { applies_to visitors  cart.subtotal > 0 }
    /// ```
    E0505 "invalid-property" Error;

    // ---- Audience ---------------------------------------------------------------------------
    /// Logged-in-only condition in a segment for visitors
    ///
    /// ## What it means
    ///
    /// A segment with `applies_to visitors` reads data that only logged-in customers have: `customer.` attributes, `addresses`, `billing_address`, `shipping_address`, `orders`, `ordered_products` or `wishlist_items`.
    ///
    /// ## Why
    ///
    /// A visitor's customer fields, addresses, orders and wishlist are empty (§8), so the condition can never hold for anyone the segment applies to.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment guest_vip { applies_to visitors  customer.group is "VIP" }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment guest_big_cart { applies_to visitors  cart.subtotal >= 100 }
    /// ```
    E0601 "logged-in-only-for-visitors" Error;
    /// Logged-in-only condition in a segment for everyone
    ///
    /// ## What it means
    ///
    /// A segment that applies to everyone (the default) reads logged-in-only data. Reported once per such condition (not again for the fields inside a reported collection block).
    ///
    /// ## Why
    ///
    /// The condition is never true for visitors, which is often intended but easy to overlook; say `applies_to registered` if the segment is for customers only.
    ///
    /// ## Example
    ///
    /// ```seg
    /// segment vip { customer.group is "VIP" }
    /// ```
    ///
    /// Fixed:
    ///
    /// ```seg
    /// segment vip { applies_to registered  customer.group is "VIP" }
    /// ```
    W0602 "logged-in-only-for-everyone" Warning;
}
