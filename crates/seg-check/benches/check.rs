//! `seg check` on a generated corpus of 10,000 segments: parse + type-check, the work CI does
//! on every push. Run with `cargo bench -p seg-check --bench check`.

use seg_diag::FileId;

fn main() {
    divan::main();
}

const SCHEMA: &str = include_str!("../../../tests/check/schema.json");

/// Ten thousand segments cycling through the condition families, with distinct ids and a chain
/// of references, as a large store's repository would hold (split into files of 100).
fn corpus(segments: usize) -> Vec<String> {
    let templates = [
        "customer.group in [\"VIP\", \"Wholesale\"]\n    cart.subtotal >= 100.00",
        "any addresses {\n      city is \"Seoul\"\n      country_id is \"KR\"\n    }",
        "sum(orders.grand_total within last 365 days where {\n      status in [\"complete\", \"closed\"]\n    }) >= 500",
        "count(orders within last 90 days where { status is not \"canceled\" }) >= 3\n    customer.created_at more than 30 days ago",
        "any cart_items {\n      product.category_ids contains any of [\"3\", \"12\"]\n      qty >= 2\n    }",
        "customer.dob anniversary within next 7 days\n    customer.newsletter_subscribed is true",
        "not any {\n      customer.email ends with \"@example.com\"\n      customer.email is empty\n    }",
        "avg(orders.grand_total) between 50 and 150.5\n    no orders within last 60 days { }",
    ];
    let mut files = Vec::new();
    let mut text = String::new();
    for i in 0..segments {
        let body = templates[i % templates.len()];
        let reference = if i % 10 == 9 {
            format!("\n    in segment s{}", i - 1)
        } else {
            String::new()
        };
        text.push_str(&format!(
            "/// Generated segment {i}.\nsegment s{i} {{\n  name \"Segment {i}\"\n  applies_to registered\n  all {{\n    {body}{reference}\n  }}\n}}\n\n"
        ));
        if i % 100 == 99 {
            files.push(std::mem::take(&mut text));
        }
    }
    if !text.is_empty() {
        files.push(text);
    }
    files
}

#[divan::bench(sample_count = 10)]
fn check_10k_segments(bencher: divan::Bencher) {
    let files = corpus(10_000);
    let (schema, schema_diagnostics) = seg_schema::parse_schema(FileId(10_000), SCHEMA);
    assert!(schema_diagnostics.is_empty());
    bencher.bench_local(|| {
        let parsed: Vec<_> = files
            .iter()
            .enumerate()
            .map(|(i, text)| seg_syntax::parse(FileId(i as u32), text).0)
            .collect();
        let modules: Vec<_> = parsed
            .iter()
            .enumerate()
            .map(|(i, m)| (FileId(i as u32), m))
            .collect();
        let checked = seg_check::check(&modules, &schema);
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics.first());
        checked.program.segments.len()
    });
}

#[divan::bench(sample_count = 10)]
fn parse_only_10k_segments(bencher: divan::Bencher) {
    let files = corpus(10_000);
    bencher.bench_local(|| {
        files
            .iter()
            .enumerate()
            .map(|(i, text)| seg_syntax::parse(FileId(i as u32), text).0.segments.len())
            .sum::<usize>()
    });
}
