//! `docs/diagnostics/` is generated from the code registry and must match it: the page of a code
//! is written once, as its doc comment in `src/codes.rs`. Run with `UPDATE_DOCS=1` to rewrite
//! the files after changing a page; without it, this test fails on any difference.

use std::path::PathBuf;

use seg_diag::codes::ALL;
use seg_diag::render::{code_page_markdown, explain_text, generated_docs};
use seg_diag::{Code, Severity};

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics")
}

#[test]
fn generated_pages_match_the_registry() {
    let dir = docs_dir();
    let files = generated_docs();
    let update = std::env::var_os("UPDATE_DOCS").is_some_and(|v| v != "0");
    let mut stale = Vec::new();
    for (name, content) in &files {
        let path = dir.join(name);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
                std::fs::write(&path, content).unwrap();
            }
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            stale.push(name.clone());
        }
    }
    // A page may not outlive its code (codes are never reused, so a page without one is a
    // rename or deletion that missed the docs).
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !files.iter().any(|(known, _)| *known == name) {
            if update {
                std::fs::remove_file(entry.path()).unwrap();
            } else {
                stale.push(format!("{name} (no such code)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/diagnostics is out of date; run `UPDATE_DOCS=1 cargo test -p seg-diag --test docs`: {stale:#?}"
    );
}

#[test]
fn every_page_has_its_sections_in_order_and_a_seg_example() {
    for code in ALL {
        let info = code.info();
        let mut lines = info.explanation.lines();
        let title = lines.next().unwrap_or("");
        assert!(!title.trim().is_empty(), "{code} has no title");
        assert!(
            !title.trim().ends_with('.'),
            "{code}'s title is a heading, not a sentence"
        );
        assert_eq!(
            lines.next().map(str::trim),
            Some(""),
            "{code}: a blank line after the title"
        );

        let body = info.body();
        let mut at = 0;
        for heading in ["## What it means", "## Why", "## Example"] {
            let found = body[at..]
                .find(heading)
                .unwrap_or_else(|| panic!("{code} lacks `{heading}` (or has it out of order)"));
            at += found + heading.len();
        }
        for heading in ["What it means", "Why", "Example"] {
            let section = info.section(heading).unwrap();
            assert!(!section.is_empty(), "{code}: `## {heading}` is empty");
        }
        let example = info.section("Example").unwrap();
        assert!(
            example.contains("```seg\n"),
            "{code}'s example has no ```seg block"
        );
        assert!(
            example.contains("Fixed"),
            "{code}'s example does not show the fix"
        );
        assert_eq!(
            example.matches("```").count() % 2,
            0,
            "{code}'s example has an unclosed code block"
        );
    }
}

#[test]
fn codes_are_unique_and_prefixed_by_severity() {
    let mut codes: Vec<&str> = ALL.iter().map(|c| c.as_str()).collect();
    let mut names: Vec<&str> = ALL.iter().map(|c| c.info().name).collect();
    codes.sort_unstable();
    names.sort_unstable();
    codes.dedup();
    names.dedup();
    assert_eq!(codes.len(), ALL.len(), "codes are unique");
    assert_eq!(names.len(), ALL.len(), "names are unique");
    for code in ALL {
        let info = code.info();
        let prefix = match info.severity {
            Severity::Error => 'E',
            Severity::Warning => 'W',
        };
        assert!(
            info.code.starts_with(prefix)
                && info.code.len() == 5
                && info.code[1..].bytes().all(|b| b.is_ascii_digit()),
            "{} is not {prefix}NNNN",
            info.code
        );
        assert!(
            info.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}'s name `{}` is not kebab-case",
            info.code,
            info.name
        );
        assert_eq!(Code::parse(&info.code.to_lowercase()), Some(*code));
    }
    // Numbers are never reused, so the registry only grows: each code sorts after the previous
    // within its group (the hundreds), whatever its letter.
    let numbers: Vec<u32> = ALL
        .iter()
        .map(|c| c.as_str()[1..].parse().unwrap())
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
}

#[test]
fn page_and_explanation_carry_code_title_and_severity() {
    let page = code_page_markdown(Code::E0202);
    assert!(page.contains("\n# E0202: Attribute not enabled"), "{page}");
    assert!(page.contains("Severity: error"), "{page}");
    let text = explain_text(Code::E0202);
    assert!(
        text.starts_with("E0202 (error): Attribute not enabled"),
        "{text}"
    );
    assert!(text.contains("use_in_customer_segment"));
    assert!(explain_text(Code::W0602).starts_with("W0602 (warning): "));
}
