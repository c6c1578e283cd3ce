//! `seg check` on a generated corpus of 10,000 segments: parse + type-check, the work CI does
//! on every push. Run with `cargo bench -p seg-check --bench check`.

#[path = "common/corpus.rs"]
mod corpus;

use seg_diag::FileId;

fn main() {
    divan::main();
}

const SCHEMA: &str = include_str!("../../../tests/check/schema.json");

/// Ten thousand segments, split into files of 100 as a large store's repository would hold.
fn corpus(segments: usize) -> Vec<String> {
    let mut files = Vec::new();
    let mut text = String::new();
    for i in 0..segments {
        text.push_str(&corpus::segment(i));
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
