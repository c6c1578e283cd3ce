//! The editor's latency on a large file: a 5,000-line `.seg` file of a few hundred segments.
//! `change_to_diagnostics` is a keystroke's cost (new text in, the project's diagnostics out;
//! target < 20 ms), `completion_*` a completion request (target < 5 ms); `parse_of_the_file` is
//! the parser's share of a keystroke.
//! Run with `cargo bench -p seg-ide --bench ide`.

use std::cell::Cell;
use std::path::Path;

use seg_ide::{AnalysisHost, MemoryFs};

fn main() {
    divan::main();
}

const SCHEMA: &str = include_str!("../tests/fixtures/schema.json");
const FILE: &str = "/project/segments/big.seg";
const LINES: usize = 5_000;

/// Segments cycling through the condition families (as in seg-check's bench), with references
/// between them, until the file has `LINES` lines.
fn big_file() -> String {
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
    let mut text = String::new();
    let mut i = 0;
    while text.lines().count() < LINES {
        let body = templates[i % templates.len()];
        let reference = if i % 10 == 9 {
            format!("\n    in segment s{}", i - 1)
        } else {
            String::new()
        };
        text.push_str(&format!(
            "/// Generated segment {i}.\nsegment s{i} {{\n  name \"Segment {i}\"\n  applies_to registered\n  all {{\n    {body}{reference}\n  }}\n}}\n\n"
        ));
        i += 1;
    }
    text
}

fn host() -> AnalysisHost {
    let mut fs = MemoryFs::new();
    fs.insert("/project/seg.toml", "schema = \"schema.json\"\n");
    fs.insert("/project/schema.json", SCHEMA);
    AnalysisHost::new(Box::new(fs))
}

/// The file, and the same file after one edit in its middle.
fn versions() -> [String; 2] {
    let text = big_file();
    let middle = text.len() / 2;
    let at = middle + text[middle..].find("cart.subtotal >= 100.00").unwrap();
    let mut edited = text.clone();
    edited.replace_range(
        at..at + "cart.subtotal >= 100.00".len(),
        "cart.subtotal >= 101.00",
    );
    [text, edited]
}

#[divan::bench(sample_count = 20)]
fn change_to_diagnostics(bencher: divan::Bencher) {
    let versions = versions();
    assert!(versions[0].lines().count() >= LINES);
    let path = Path::new(FILE);
    let mut host = host();
    host.set_file(path, &versions[0]);
    assert!(host.analysis(path).diagnostics(path).is_empty());
    let turn = Cell::new(0usize);
    bencher.bench_local(|| {
        let n = turn.get() + 1;
        turn.set(n);
        host.set_file(path, &versions[n % 2]);
        host.analysis(path).diagnostics(path).len()
    });
}

/// The cursor after `customer.` in the middle of the file, with the analysis up to date (the
/// server computes diagnostics on every change before it answers the completion request).
#[divan::bench(sample_count = 50)]
fn completion_after_customer_dot(bencher: divan::Bencher) {
    let text = big_file();
    let middle = text.len() / 2;
    let offset = middle + text[middle..].find("customer.").unwrap() + "customer.".len();
    let path = Path::new(FILE);
    let mut host = host();
    host.set_file(path, &text);
    let analysis = host.analysis(path);
    analysis.diagnostics(path);
    assert!(!analysis.completions(path, offset, Some('.')).is_empty());
    bencher.bench_local(|| analysis.completions(path, offset, Some('.')).len());
}

/// The same request right after the text changed, before anything else was computed: the
/// cost of lexing the new text plus the completion.
#[divan::bench(sample_count = 20)]
fn completion_right_after_a_change(bencher: divan::Bencher) {
    let versions = versions();
    let middle = versions[0].len() / 2;
    let offset = middle + versions[0][middle..].find("customer.").unwrap() + "customer.".len();
    let path = Path::new(FILE);
    let mut host = host();
    let turn = Cell::new(0usize);
    bencher.bench_local(|| {
        let n = turn.get() + 1;
        turn.set(n);
        host.set_file(path, &versions[n % 2]);
        host.analysis(path).completions(path, offset, None).len()
    });
}

/// Semantic tokens of the whole file (what the editor asks for after each change).
#[divan::bench(sample_count = 20)]
fn highlights_of_the_file(bencher: divan::Bencher) {
    let text = big_file();
    let path = Path::new(FILE);
    let mut host = host();
    host.set_file(path, &text);
    let analysis = host.analysis(path);
    bencher.bench_local(|| analysis.highlights(path).len());
}

/// The share of `change_to_diagnostics` that is the parser's (pest over the whole file).
#[divan::bench(sample_count = 20)]
fn parse_of_the_file(bencher: divan::Bencher) {
    let text = big_file();
    bencher.bench_local(|| {
        seg_syntax::parse(seg_diag::FileId(0), &text)
            .0
            .segments
            .len()
    });
}
