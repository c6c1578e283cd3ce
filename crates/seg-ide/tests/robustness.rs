//! No question to the analysis panics, whatever the text and wherever the cursor: every feature
//! is asked at every offset of every `.seg` file of the repository (examples, check and parse
//! fixtures, broken ones included), and completion also on every prefix of the examples, which
//! is what the editor sees while someone types them.

use std::path::{Path, PathBuf};

use seg_diag::Span;
use seg_ide::{AnalysisHost, MemoryFs};

const SCHEMA: &str = include_str!("fixtures/schema.json");

fn seg_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            seg_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "seg") {
            out.push(path);
        }
    }
}

fn repository_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["examples", "tests/check", "tests/parse"] {
        seg_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 30, "found {} files", files.len());
    files
}

fn host_with(path: &Path, bytes: &[u8]) -> AnalysisHost {
    let mut fs = MemoryFs::new();
    fs.insert("/p/seg.toml", "schema = \"schema.json\"\n");
    fs.insert("/p/schema.json", SCHEMA);
    fs.insert(path, bytes);
    AnalysisHost::new(Box::new(fs))
}

#[test]
fn every_feature_at_every_offset_of_every_file() {
    let path = Path::new("/p/file.seg");
    for file in repository_files() {
        let bytes = std::fs::read(&file).unwrap();
        // Files that are not UTF-8 are read from disk (the E0001 fixture).
        let mut host = host_with(path, &bytes);
        let analysis = host.analysis(path);
        let text = analysis.source(path).unwrap().text.clone();
        analysis.check();
        analysis.highlights(path);
        analysis.document_symbols(path);
        analysis.workspace_symbols("a");
        analysis.format(path);
        for offset in 0..=text.len() + 2 {
            for trigger in [None, Some('.'), Some(' '), Some('"')] {
                analysis.completions(path, offset, trigger);
            }
            analysis.hover(path, offset);
            analysis.definition(path, offset);
            analysis.references(path, offset, true);
            let end = (offset + 3).min(text.len());
            if offset <= end {
                analysis.fixes(path, Span::new(offset, end));
            }
        }
    }
}

#[test]
fn completion_on_every_prefix_of_the_examples() {
    let path = Path::new("/p/typing.seg");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut files = Vec::new();
    seg_files(&root, &mut files);
    let mut host = host_with(
        Path::new("/p/other.seg"),
        b"segment other { cart.subtotal > 1 }",
    );
    let mut answered = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut end = 0;
        while end <= text.len() {
            if text.is_char_boundary(end) {
                let prefix = &text[..end];
                host.set_file(path, prefix);
                let analysis = host.analysis(path);
                answered += usize::from(!analysis.completions(path, end, None).is_empty());
                analysis.hover(path, end.saturating_sub(1));
            }
            end += 5;
        }
    }
    assert!(answered > 100, "only {answered} prefixes had completions");
}
