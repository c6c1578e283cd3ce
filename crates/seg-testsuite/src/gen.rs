//! Random well-typed segments and random profiles over `tests/check/schema.json`, as proptest
//! strategies: the inputs of differential tests between backends.
//!
//! Segments are generated as text (so the whole front end is exercised) from a grammar of
//! conditions that the checker accepts by construction; profiles as JSON that the loader
//! accepts, with every value sometimes missing, null or empty, and times clustered around the
//! evaluation instant so that window boundaries are hit.

use proptest::prelude::*;

/// The evaluation instant the generated data is centred on: 2026-11-28T12:00:00Z.
pub const AS_OF: &str = "2026-11-28T12:00:00Z";

fn pick<T: Clone + std::fmt::Debug + 'static>(items: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(items)
}

/// Datetimes near as-of, including the exact window boundaries of 1 and 30 days.
fn datetime() -> impl Strategy<Value = String> {
    prop_oneof![
        pick(&[
            "2026-11-28T12:00:00Z",
            "2026-11-27T12:00:00Z",
            "2026-11-27T12:00:00.000001Z",
            "2026-10-29T12:00:00Z",
            "2026-10-29T12:00:01Z",
            "2026-11-28T12:00:01Z",
            "2026-11-01T00:00:00Z",
            "2026-10-31T23:59:59Z",
            "2025-02-28T10:00:00+09:00",
        ])
        .prop_map(String::from),
        (0i64..400, 0i64..86_400).prop_map(|(days, seconds)| {
            let instant = 1_795_867_200 - days * 86_400 + seconds; // as-of minus `days`, plus a time of day
            let (y, m, d) = seg_check::values::civil_from_days(instant.div_euclid(86_400) as i32);
            let s = instant.rem_euclid(86_400);
            format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                s / 3600,
                s / 60 % 60,
                s % 60
            )
        }),
    ]
}

fn date() -> impl Strategy<Value = String> {
    prop_oneof![
        pick(&[
            "2026-11-28",
            "2026-11-18",
            "2026-11-19",
            "2000-02-29",
            "1990-12-01",
            "1985-11-28",
            "2026-12-05"
        ])
        .prop_map(String::from),
        (1950i32..2027, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
    ]
}

fn decimal() -> impl Strategy<Value = String> {
    prop_oneof![
        pick(&["0", "0.1", "0.2", "0.3", "99.99", "100", "100.00", "500", "-1.5", "310.5"])
            .prop_map(String::from),
        (-1000i64..100_000, 0u32..4).prop_map(|(n, places)| {
            let text = format!("{}", n as f64 / 10f64.powi(places as i32));
            // Keep at most four fractional digits, exactly as written.
            match text.split_once('.') {
                Some((i, f)) if f.len() > 4 => format!("{i}.{}", &f[..4]),
                _ => text,
            }
        }),
    ]
}

fn string_value() -> impl Strategy<Value = String> {
    pick(&[
        "Seoul",
        "SEOUL",
        "seoul",
        "Busan",
        "Straße",
        "STRASSE",
        "ärzte",
        "",
        "  ",
        "kim@example.com",
        "Park@Shop.KR",
    ])
    .prop_map(String::from)
}

/// A JSON value for a field, or nothing (the key left out), null or an empty form.
fn maybe(value: BoxedStrategy<String>) -> BoxedStrategy<Option<String>> {
    prop_oneof![
        4 => value.prop_map(Some),
        1 => Just(None),
        1 => Just(Some("null".to_string())),
    ]
    .boxed()
}

fn json_string(s: String) -> String {
    serde_json_string(&s)
}

fn serde_json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn object(fields: Vec<(&'static str, Option<String>)>) -> String {
    let parts: Vec<String> = fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("\"{k}\": {v}")))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

fn address() -> impl Strategy<Value = String> {
    (
        maybe(string_value().prop_map(json_string).boxed()),
        maybe(
            pick(&["\"KR\"", "\"kr\"", "\"US\"", "\"DE\""])
                .prop_map(String::from)
                .boxed(),
        ),
        maybe(
            pick(&["\"04524\"", "\"10115\"", "\"\""])
                .prop_map(String::from)
                .boxed(),
        ),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(city, country, postcode, billing, shipping)| {
            object(vec![
                ("city", city),
                ("country_id", country),
                ("postcode", postcode),
                ("default_billing", Some(billing.to_string())),
                ("default_shipping", Some(shipping.to_string())),
            ])
        })
}

fn sku() -> impl Strategy<Value = String> {
    pick(&["\"MB-01\"", "\"WS-03\"", "\"NOPE\""]).prop_map(String::from)
}

fn line(with_time: &'static str) -> impl Strategy<Value = String> {
    (
        sku(),
        maybe((0i64..5).prop_map(|n| n.to_string()).boxed()),
        maybe(decimal().prop_map(json_string).boxed()),
        maybe(datetime().prop_map(json_string).boxed()),
    )
        .prop_map(move |(sku, qty, price, time)| {
            object(vec![
                ("sku", Some(sku)),
                ("qty", qty),
                ("price", price),
                (with_time, time),
            ])
        })
}

fn order() -> impl Strategy<Value = String> {
    (
        maybe(
            pick(&[
                "\"complete\"",
                "\"Complete\"",
                "\"closed\"",
                "\"canceled\"",
                "\"pending\"",
            ])
            .prop_map(String::from)
            .boxed(),
        ),
        maybe(datetime().prop_map(json_string).boxed()),
        maybe(decimal().prop_map(json_string).boxed()),
        maybe((0i64..6).prop_map(|n| n.to_string()).boxed()),
        proptest::collection::vec(line("added_at"), 0..3),
        proptest::option::of(address()),
    )
        .prop_map(|(status, created, total, qty, items, billing)| {
            object(vec![
                ("status", status),
                ("created_at", created),
                ("grand_total", total),
                ("total_qty", qty),
                ("items", Some(format!("[{}]", items.join(", ")))),
                ("billing_address", billing),
            ])
        })
}

/// A random profile (JSON text) with the given id.
pub fn profile(id: usize) -> impl Strategy<Value = String> {
    let customer = (
        maybe(string_value().prop_map(json_string).boxed()),
        maybe(
            pick(&[
                "\"VIP\"",
                "\"vip\"",
                "\"General\"",
                "\"Wholesale\"",
                "\"Retailer\"",
            ])
            .prop_map(String::from)
            .boxed(),
        ),
        maybe(
            pick(&["\"Male\"", "\"Female\"", "\"Not Specified\""])
                .prop_map(String::from)
                .boxed(),
        ),
        maybe(date().prop_map(json_string).boxed()),
        maybe(datetime().prop_map(json_string).boxed()),
        maybe(any::<bool>().prop_map(|b| b.to_string()).boxed()),
        maybe(decimal().prop_map(json_string).boxed()),
        maybe((-5i64..2000).prop_map(|n| n.to_string()).boxed()),
        maybe(
            pick(&[
                "[]",
                "[\"Running\"]",
                "[\"Yoga\", \"Hiking\"]",
                "[\"Running\", \"Yoga\", \"Hiking\"]",
            ])
            .prop_map(String::from)
            .boxed(),
        ),
    )
        .prop_map(
            |(email, group, gender, dob, created, news, credit, points, interests)| {
                object(vec![
                    ("email", email),
                    ("group", group),
                    ("gender", gender),
                    ("dob", dob),
                    ("created_at", created),
                    ("newsletter_subscribed", news),
                    ("store_credit", credit),
                    ("reward_points", points),
                    ("interests", interests),
                ])
            },
        );
    let cart = (
        maybe(decimal().prop_map(json_string).boxed()),
        maybe(decimal().prop_map(json_string).boxed()),
        proptest::collection::vec(line("added_at"), 0..4),
    )
        .prop_map(|(subtotal, grand_total, items)| {
            object(vec![
                ("subtotal", subtotal),
                ("grand_total", grand_total),
                ("items", Some(format!("[{}]", items.join(", ")))),
            ])
        });
    (
        any::<bool>(),
        proptest::option::of(pick(&["\"base\"", "\"kr\""]).prop_map(String::from)),
        customer,
        proptest::collection::vec(address(), 0..3),
        proptest::option::of(cart),
        proptest::collection::vec(order(), 0..4),
        proptest::collection::vec(line("added_at"), 0..2),
        proptest::collection::vec(line("viewed_at"), 0..3),
    )
        .prop_map(
            move |(logged_in, website, customer, addresses, cart, orders, wishlist, viewed)| {
                object(vec![
                    ("id", Some(format!("\"p{id}\""))),
                    ("logged_in", Some(logged_in.to_string())),
                    ("website", website),
                    ("customer", Some(customer)),
                    ("addresses", Some(format!("[{}]", addresses.join(", ")))),
                    ("cart", cart),
                    ("orders", Some(format!("[{}]", orders.join(", ")))),
                    ("wishlist_items", Some(format!("[{}]", wishlist.join(", ")))),
                    ("viewed_products", Some(format!("[{}]", viewed.join(", ")))),
                ])
            },
        )
}

/// The catalog the generated profiles' SKUs refer to (`NOPE` is missing on purpose).
pub const CATALOG: &str = "{\"sku\": \"MB-01\", \"name\": \"Joust Duffle Bag\", \"price\": \"34.00\", \"category_ids\": [\"3\", \"12\"], \"color\": \"Red\"}\n{\"sku\": \"WS-03\", \"name\": \"Iris Workout Top\", \"price\": \"29.00\", \"category_ids\": [\"15\"]}\n";

/// A comparison on a top-level field, valid for its type.
fn top_comparison() -> BoxedStrategy<String> {
    prop_oneof![
        (
            pick(&[
                "is",
                "is not",
                "contains",
                "does not contain",
                "starts with",
                "ends with"
            ]),
            string_value()
        )
            .prop_map(|(op, v)| format!("customer.email {op} {}", serde_json_string(&v))),
        pick(&[
            "customer.email in [\"kim@example.com\", \"\"]",
            "customer.email not in [\"park@shop.kr\"]"
        ])
        .prop_map(String::from),
        (pick(&["is", "is not", ">", ">=", "<", "<="]), -5i64..2000)
            .prop_map(|(op, n)| format!("customer.reward_points {op} {n}")),
        (pick(&["is", "is not", ">", ">=", "<", "<="]), decimal())
            .prop_map(|(op, n)| format!("customer.store_credit {op} {n}")),
        (0i64..100, 0i64..100).prop_map(|(a, b)| format!(
            "cart.subtotal between {} and {}",
            a.min(b),
            a.max(b)
        )),
        pick(&[
            "customer.reward_points in [0, 100, 120]",
            "customer.reward_points not in [1]",
            "cart.items_count >= 1",
            "cart.items_qty > 2"
        ])
        .prop_map(String::from),
        pick(&[
            "customer.newsletter_subscribed is true",
            "customer.newsletter_subscribed is false",
            "logged_in is true"
        ])
        .prop_map(String::from),
        (
            pick(&["is", "before", "after", "on or before", "on or after"]),
            date()
        )
            .prop_map(|(op, d)| format!("customer.dob {op} {d}")),
        (
            pick(&["is", "before", "after", "on or before", "on or after"]),
            prop_oneof![date(), datetime()]
        )
            .prop_map(|(op, d)| format!("customer.created_at {op} {d}")),
        (
            pick(&["customer.dob", "customer.created_at"]),
            pick(&["within last", "more than"]),
            0i64..40,
            pick(&["days", "hours", "weeks"])
        )
            .prop_map(|(f, op, n, u)| if op == "more than" {
                format!("{f} more than {n} {u} ago")
            } else {
                format!("{f} within last {n} {u}")
            }),
        (0i64..30).prop_map(|n| format!("customer.dob anniversary within next {n} days")),
        (
            pick(&["is", "is not"]),
            pick(&["\"VIP\"", "\"General\"", "\"wholesale\""])
        )
            .prop_map(|(op, v)| format!("customer.group {op} {v}")),
        pick(&[
            "customer.group in [\"VIP\", \"Retailer\"]",
            "customer.group not in [\"General\"]"
        ])
        .prop_map(String::from),
        pick(&[
            "customer.interests is [\"Running\"]",
            "customer.interests contains \"Yoga\"",
            "customer.interests does not contain \"Hiking\"",
            "customer.interests contains any of [\"Running\", \"Hiking\"]",
            "customer.interests contains all of [\"Yoga\", \"Hiking\"]",
        ])
        .prop_map(String::from),
        (
            pick(&[
                "customer.email",
                "customer.group",
                "customer.dob",
                "customer.interests",
                "cart.subtotal",
                "customer.gender"
            ]),
            pick(&["is empty", "is not empty"])
        )
            .prop_map(|(f, op)| format!("{f} {op}")),
    ]
    .boxed()
}

fn window() -> BoxedStrategy<String> {
    prop_oneof![
        Just(String::new()),
        (0i64..40, pick(&["days", "hours", "weeks"]))
            .prop_map(|(n, u)| format!(" within last {n} {u}")),
        (date(), date()).prop_map(|(a, b)| format!(" between {a} and {b}")),
        prop_oneof![date(), datetime()].prop_map(|d| format!(" after {d}")),
        prop_oneof![date(), datetime()].prop_map(|d| format!(" before {d}")),
    ]
    .boxed()
}

fn element_condition(collection: &'static str) -> BoxedStrategy<String> {
    match collection {
        "addresses" | "billing_address" => prop_oneof![
            string_value().prop_map(|v| format!("city is {}", serde_json_string(&v))),
            Just("country_id in [\"KR\", \"US\"]".to_string()),
            Just("postcode starts with \"04\"".to_string()),
            Just("default_billing is true".to_string()),
            Just("city is empty".to_string()),
        ]
        .boxed(),
        "orders" => prop_oneof![
            pick(&["\"complete\"", "\"canceled\""]).prop_map(|s| format!("status is {s}")),
            decimal().prop_map(|d| format!("grand_total >= {d}")),
            Just("total_qty > 1".to_string()),
            Just("any items { qty >= 2 }".to_string()),
            Just("billing_address { country_id is \"KR\" }".to_string()),
            Just("created_at is empty".to_string()),
        ]
        .boxed(),
        // Fields every item collection has: its SKU and its catalog product.
        _ => prop_oneof![
            Just("product.price >= 30".to_string()),
            Just("product.category_ids contains \"12\"".to_string()),
            Just("product.color is \"Red\"".to_string()),
            Just("product.name is empty".to_string()),
            Just("sku is \"MB-01\"".to_string()),
        ]
        .boxed(),
    }
}

fn collection_condition() -> BoxedStrategy<String> {
    let timed = pick(&[
        "cart_items",
        "wishlist_items",
        "viewed_products",
        "orders",
        "ordered_products",
    ]);
    prop_oneof![
        (pick(&["any", "all", "no"]), timed, window()).prop_flat_map(|(q, c, w)| {
            let element = if c == "orders" { "orders" } else { "items" };
            proptest::collection::vec(element_condition(element), 0..3)
                .prop_map(move |body| format!("{q} {c}{w} {{ {} }}", body.join("  ")))
        }),
        (pick(&["any", "all", "no"])).prop_flat_map(|q| {
            proptest::collection::vec(element_condition("addresses"), 0..3)
                .prop_map(move |body| format!("{q} addresses {{ {} }}", body.join("  ")))
        }),
        proptest::collection::vec(element_condition("addresses"), 0..2)
            .prop_map(|body| format!("billing_address {{ {} }}", body.join("  "))),
        (
            pick(&[
                "count(orders",
                "count(cart_items",
                "sum(orders.grand_total",
                "avg(orders.grand_total",
                "min(orders.total_qty",
                "max(orders.total_qty",
                "avg(orders.total_qty",
                "max(ordered_products.qty",
                "min(ordered_products.qty",
                "count(ordered_products",
                "sum(orders.items.qty",
                "min(cart_items.price",
                "avg(cart_items.product.price"
            ]),
            window(),
            proptest::option::of(element_condition("orders")),
            pick(&[">=", "<", "is", "is not"]),
            // Small constants meet quantities and counts; large ones meet totals.
            prop_oneof![0i64..7, 0i64..400]
        )
            .prop_map(|(head, w, filter, op, n)| {
                // Filters read order fields only where the collection is orders.
                let filter = match filter {
                    Some(f) if head.contains("orders") && !head.contains("items") => {
                        format!(" where {{ {f} }}")
                    }
                    _ => String::new(),
                };
                format!("{head}{w}{filter}) {op} {n}")
            }),
        pick(&[
            "avg(orders.grand_total) is empty",
            "max(cart_items.price) is not empty"
        ])
        .prop_map(String::from),
    ]
    .boxed()
}

/// A random condition of bounded depth.
pub fn condition() -> BoxedStrategy<String> {
    let leaf = prop_oneof![3 => top_comparison(), 2 => collection_condition()];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            (
                pick(&["all", "any", "none"]),
                proptest::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(c, items)| format!("{c} {{ {} }}", items.join("  "))),
            inner.prop_map(|c| format!("not {c}")),
        ]
    })
    .boxed()
}

/// A random segment file: `count` segments, later ones sometimes referring to earlier ones.
pub fn segments(count: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (
            condition(),
            pick(&["registered", "registered", "everyone", "visitors"]),
            any::<bool>(),
            0usize..8,
        ),
        count,
    )
    .prop_map(|items| {
        let mut out = String::new();
        for (i, (cond, audience, active, reference)) in items.into_iter().enumerate() {
            // Visitor segments may only read visitor data; give them a cart condition instead.
            let cond = if audience == "visitors" {
                format!(
                    "any {{ cart.subtotal > 50  logged_in is false  {} }}",
                    if i > 0 && reference < i {
                        format!("in segment s{reference}")
                    } else {
                        String::new()
                    }
                )
            } else {
                cond
            };
            let cond = if audience != "visitors" && i > 0 && reference < i {
                format!("any {{ {cond}  in segment s{reference} }}")
            } else {
                cond
            };
            out.push_str(&format!(
                "segment s{i} {{\n  applies_to {audience}\n  active {}\n  {cond}\n}}\n",
                active || i % 3 != 0
            ));
        }
        out
    })
}
