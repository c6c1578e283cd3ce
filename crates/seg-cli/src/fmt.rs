//! `seg fmt [--check]`: rewrite files in the canonical layout of the printer in seg-syntax.

use std::path::PathBuf;

use seg_diag::{render, FileId, SourceFile, Sources};

use crate::project::{collect_seg_files, display_path};
use crate::{usage_failure, UsageError};

pub fn run(check: bool, paths: &[PathBuf]) -> u8 {
    match format_files(check, paths) {
        Ok(code) => code,
        Err(error) => usage_failure(error),
    }
}

fn format_files(check: bool, paths: &[PathBuf]) -> Result<u8, UsageError> {
    let files = collect_seg_files(paths)?;
    let mut changed = Vec::new();
    let mut broken = Sources::new();
    let mut problems = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path)
            .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?;
        let file = FileId(broken.len() as u32);
        let text = match seg_syntax::decode(file, &bytes) {
            Ok(text) => text,
            Err((text, diagnostic)) => {
                broken.add(SourceFile::new(display_path(path), text));
                problems.push(diagnostic);
                continue;
            }
        };
        let (module, diagnostics) = seg_syntax::parse(file, &text);
        // A file that does not parse is left alone: formatting it would drop what did not parse.
        if diagnostics.iter().any(|d| d.is_error()) {
            broken.add(SourceFile::new(display_path(path), text));
            problems.extend(diagnostics);
            continue;
        }
        let formatted = seg_syntax::printer::print_module(&module, &text);
        if formatted != text {
            changed.push(path.clone());
            if !check {
                std::fs::write(path, formatted)
                    .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))?;
            }
        }
    }
    if !problems.is_empty() {
        eprint!("{}", render::human(&problems, &broken, false));
        eprintln!(
            "error: {} file(s) not formatted because they do not parse",
            broken.len()
        );
        return Ok(1);
    }
    for path in &changed {
        if check {
            println!("would reformat {}", display_path(path));
        } else {
            println!("formatted {}", display_path(path));
        }
    }
    Ok(u8::from(check && !changed.is_empty()))
}
