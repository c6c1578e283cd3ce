//! The pages of the code registry as `seg explain` prints them and as `docs/diagnostics/` holds
//! them. The text is written once, as each code's doc comment in `codes.rs`; everything here only
//! arranges it, so the terminal, the docs folder and SARIF's rule help cannot drift apart.

use crate::codes::{self, Code};

/// The first line of every generated file: a reader who opens one learns where to edit instead.
const GENERATED: &str = "<!-- Generated from crates/seg-diag/src/codes.rs by `UPDATE_DOCS=1 cargo test -p seg-diag --test docs`; edit it there. -->";

/// A code's page without the generated-file marker: also SARIF's Markdown rule help.
pub(super) fn page_markdown(code: Code) -> String {
    let info = code.info();
    format!(
        "# {}: {}\n\nSeverity: {} · Name: `{}`\n\n{}\n",
        info.code,
        info.title(),
        info.severity,
        info.name,
        info.body()
    )
}

/// The page of a code as Markdown, exactly as `docs/diagnostics/CODE.md` holds it: a
/// `# CODE: title` heading, the severity and name, then the page.
pub fn code_page_markdown(code: Code) -> String {
    format!("{GENERATED}\n\n{}", page_markdown(code))
}

/// The text `seg explain CODE` prints: `CODE (severity): title`, a blank line, then the page.
pub fn explain_text(code: Code) -> String {
    let info = code.info();
    format!(
        "{} ({}): {}\n\n{}\n",
        info.code,
        info.severity,
        info.title(),
        info.body()
    )
}

/// `docs/diagnostics/README.md`: a table of every code, linking to its page.
pub fn docs_index_markdown() -> String {
    let mut out = format!(
        "{GENERATED}\n\n# Diagnostics\n\nEvery diagnostic Seg reports has a stable code, never reused. \
         `seg explain CODE` prints its page; errors make `seg check` exit 1, warnings do not.\n\n\
         | Code | Name | Severity | Title |\n|---|---|---|---|\n"
    );
    for code in codes::ALL {
        let info = code.info();
        out.push_str(&format!(
            "| [{0}]({0}.md) | `{1}` | {2} | {3} |\n",
            info.code,
            info.name,
            info.severity,
            info.title()
        ));
    }
    out
}

/// Every file of `docs/diagnostics/`, as (file name, content): a page per code and the index.
pub fn generated_docs() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = codes::ALL
        .iter()
        .map(|&code| (format!("{code}.md"), code_page_markdown(code)))
        .collect();
    files.push(("README.md".to_string(), docs_index_markdown()));
    files
}
