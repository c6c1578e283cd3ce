//! `docs/diagnostics/` is generated from the code registry and must match it: the page of a code
//! is written once, as its doc comment in `src/codes.rs`. Run with `UPDATE_DOCS=1` to rewrite
//! the files after changing a page.

use std::path::PathBuf;

use seg_diag::codes::ALL;
use seg_diag::render::code_page_markdown;
use seg_diag::Severity;

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics")
}

fn index() -> String {
    let mut out = String::from(
        "<!-- Generated from crates/seg-diag/src/codes.rs by `UPDATE_DOCS=1 cargo test -p seg-diag --test docs`; edit it there. -->\n\n# Diagnostics\n\nEvery diagnostic Seg reports has a stable code; `seg explain CODE` prints its page.\n\n| code | severity | name | what |\n|---|---|---|---|\n",
    );
    for code in ALL {
        let info = code.info();
        out.push_str(&format!(
            "| [{0}]({0}.md) | {1} | `{2}` | {3} |\n",
            info.code,
            info.severity.as_str(),
            info.name,
            info.title()
        ));
    }
    out
}

fn expected_files() -> Vec<(PathBuf, String)> {
    let dir = docs_dir();
    let mut files: Vec<(PathBuf, String)> = ALL
        .iter()
        .map(|c| {
            (
                dir.join(format!("{}.md", c.as_str())),
                code_page_markdown(*c),
            )
        })
        .collect();
    files.push((dir.join("README.md"), index()));
    files
}

#[test]
fn generated_pages_match_the_registry() {
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for (path, content) in expected_files() {
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &content).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    // No page may outlive its code.
    let known: Vec<PathBuf> = expected_files().into_iter().map(|(p, _)| p).collect();
    for entry in std::fs::read_dir(docs_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        if !known.contains(&entry.path()) {
            stale.push(format!("{} (no such code)", entry.path().display()));
        }
    }
    assert!(
        stale.is_empty(),
        "out of date (run with UPDATE_DOCS=1): {stale:#?}"
    );
}

#[test]
fn every_page_has_its_sections_and_an_example() {
    for code in ALL {
        let info = code.info();
        for section in ["## What it means", "## Why", "## Example", "```seg"] {
            assert!(
                info.explanation.contains(section),
                "{} lacks {section}",
                info.code
            );
        }
        let prefix = if info.severity == Severity::Error {
            'E'
        } else {
            'W'
        };
        assert!(
            info.code.starts_with(prefix),
            "{} has the wrong prefix for its severity",
            info.code
        );
    }
    let mut codes: Vec<&str> = ALL.iter().map(|c| c.as_str()).collect();
    let mut names: Vec<&str> = ALL.iter().map(|c| c.info().name).collect();
    codes.sort_unstable();
    names.sort_unstable();
    codes.dedup();
    names.dedup();
    assert_eq!(codes.len(), ALL.len(), "codes are unique");
    assert_eq!(names.len(), ALL.len(), "names are unique");
}

#[test]
fn explain_text_starts_with_code_and_title() {
    let text = seg_diag::render::explain_text(seg_diag::Code::E0202);
    assert!(
        text.starts_with("E0202 (error): Attribute not enabled"),
        "{text}"
    );
    assert!(text.contains("use_in_customer_segment"));
}
