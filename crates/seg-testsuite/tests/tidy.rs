//! Tidy checks over the source tree, in the spirit of rust-analyzer's `tidy.rs`: every Rust file
//! of every crate says what it is for in a `//!` doc, and ARCHITECTURE.md names every crate.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path
                .file_name()
                .is_some_and(|n| n == "target" || n == "snapshots")
            {
                continue;
            }
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let root = seg_testsuite::repo_root();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    assert!(files.len() > 20);
    let missing: Vec<String> = files
        .iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|p| p.strip_prefix(&root).unwrap_or(p).display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a //! doc: {missing:#?}");
}

#[test]
fn architecture_names_every_crate() {
    let root = seg_testsuite::repo_root();
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    for entry in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            architecture.contains(&format!("crates/{name}")),
            "ARCHITECTURE.md does not mention crates/{name}"
        );
    }
}

#[test]
fn every_diagnostic_code_has_a_fixture() {
    let root = seg_testsuite::repo_root();
    let names: Vec<String> = std::fs::read_dir(root.join("tests/check"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for code in seg_diag::codes::ALL {
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(&format!("{}_", code.as_str()))),
            "no fixture under tests/check/ for {code}: add tests/check/{code}_<what>.seg"
        );
    }
}
