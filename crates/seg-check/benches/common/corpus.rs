//! The generated segments the benches measure on (seg-check's `check`, seg-ide's `ide`,
//! seg-lsp's `lsp`): segments cycling through the condition families, with distinct ids and,
//! every tenth, a reference to the one before, as a large store's repository would hold.
//! Included by path from each bench, so that they all measure the same text.

/// The bodies, one per condition family.
const TEMPLATES: [&str; 8] = [
    "customer.group in [\"VIP\", \"Wholesale\"]\n    cart.subtotal >= 100.00",
    "any addresses {\n      city is \"Seoul\"\n      country_id is \"KR\"\n    }",
    "sum(orders.grand_total within last 365 days where {\n      status in [\"complete\", \"closed\"]\n    }) >= 500",
    "count(orders within last 90 days where { status is not \"canceled\" }) >= 3\n    customer.created_at more than 30 days ago",
    "any cart_items {\n      product.category_ids contains any of [\"3\", \"12\"]\n      qty >= 2\n    }",
    "customer.dob anniversary within next 7 days\n    customer.newsletter_subscribed is true",
    "not any {\n      customer.email ends with \"@example.com\"\n      customer.email is empty\n    }",
    "avg(orders.grand_total) between 50 and 150.5\n    no orders within last 60 days { }",
];

/// Segment `s{i}`, with its doc comment and a blank line after it.
pub fn segment(i: usize) -> String {
    let body = TEMPLATES[i % TEMPLATES.len()];
    let reference = if i % 10 == 9 {
        format!("\n    in segment s{}", i - 1)
    } else {
        String::new()
    };
    format!(
        "/// Generated segment {i}.\nsegment s{i} {{\n  name \"Segment {i}\"\n  applies_to registered\n  all {{\n    {body}{reference}\n  }}\n}}\n\n"
    )
}

/// One file of whole segments, at least `lines` long.
#[allow(dead_code)] // not every bench uses both
pub fn file_of_lines(lines: usize) -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.lines().count() < lines {
        text.push_str(&segment(i));
        i += 1;
    }
    text
}
