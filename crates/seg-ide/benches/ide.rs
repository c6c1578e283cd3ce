//! The editor's latency on a large file: a 5,000-line `.seg` file of a few hundred segments.
//! `change_to_diagnostics` is a keystroke's cost (new text in, the project's diagnostics out;
//! target < 20 ms), `completion_*` a completion request (target < 5 ms); `parse_of_the_file` is
//! what a keystroke would cost the parser without the incremental parse (which re-parses only
//! the segment typed in).
//! Run with `cargo bench -p seg-ide --bench ide`.

#[path = "../../seg-check/benches/common/corpus.rs"]
mod corpus;

use std::cell::Cell;
use std::path::Path;

use seg_ide::{AnalysisHost, MemoryFs};

fn main() {
    divan::main();
}

const SCHEMA: &str = include_str!("../tests/fixtures/schema.json");
const FILE: &str = "/project/segments/big.seg";
const LINES: usize = 5_000;

/// Segments of every condition family, with references between them, `LINES` lines long.
fn big_file() -> String {
    corpus::file_of_lines(LINES)
}

fn host() -> AnalysisHost {
    let mut fs = MemoryFs::new();
    fs.insert("/project/seg.toml", "schema = \"schema.json\"\n");
    fs.insert("/project/schema.json", SCHEMA);
    AnalysisHost::new(Box::new(fs))
}

/// The file, and the same file after a keystroke in its middle (a digit typed: every segment
/// after it moves by one byte).
fn versions() -> [String; 2] {
    let text = big_file();
    let middle = text.len() / 2;
    let at = middle + text[middle..].find("cart.subtotal >= 100.00").unwrap();
    let mut edited = text.clone();
    edited.insert(at + "cart.subtotal >= 1".len(), '0');
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
