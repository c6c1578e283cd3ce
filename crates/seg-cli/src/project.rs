//! Finding and loading what a command works on: the `.seg` files named on the command line
//! (folders searched recursively), the `seg.toml` project file and the schema it names. The
//! project file's format is seg-ide's [`ProjectFile`], so the editor reads it the same way.

use std::path::{Path, PathBuf};

use seg_diag::{Diagnostic, FileId, SourceFile, Sources};
use seg_ide::{clean, ProjectFile};
use seg_schema::Schema;
use seg_syntax::ast::Module;

use crate::UsageError;

/// A `seg.toml` found, with its paths made relative to the working directory.
#[derive(Debug)]
pub struct Project {
    pub file: PathBuf,
    pub schema: Option<PathBuf>,
    pub catalog: Option<PathBuf>,
}

/// Looks for `seg.toml` in the folder of `start` and every folder above it.
pub fn find_project(start: &Path) -> Result<Option<Project>, UsageError> {
    let start = if start.is_dir() {
        start.to_path_buf()
    } else {
        start.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let start = if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start
    };
    let absolute = std::path::absolute(&start).unwrap_or(start.clone());
    let mut folder = Some(absolute.as_path());
    // Walk the relative form alongside, so the paths we print stay as short as the user's.
    let mut relative = Some(start);
    while let Some(dir) = folder {
        let candidate = dir.join("seg.toml");
        if candidate.is_file() {
            let shown_dir = relative.clone().unwrap_or_else(|| dir.to_path_buf());
            let shown = shown_dir.join("seg.toml");
            let text = std::fs::read_to_string(&candidate)
                .map_err(|e| UsageError(format!("cannot read {}: {e}", shown.display())))?;
            let config = ProjectFile::parse(&text).map_err(|e| {
                UsageError(format!(
                    "{} is not a valid project file: {e}",
                    shown.display()
                ))
            })?;
            let (schema, catalog) = config.resolve(&shown_dir);
            return Ok(Some(Project {
                file: clean(&shown),
                schema,
                catalog,
            }));
        }
        folder = dir.parent();
        relative = relative.map(|r| {
            if r.as_os_str().is_empty() || r == Path::new(".") {
                PathBuf::from("..")
            } else {
                r.join("..")
            }
        });
    }
    Ok(None)
}

/// Every `.seg` file named or found under the given paths, sorted within each folder so that
/// runs are reproducible.
pub fn collect_seg_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, UsageError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            walk(path, &mut files)?;
            if files.len() == before {
                return Err(UsageError(format!("no .seg files in {}", path.display())));
            }
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(UsageError(format!(
                "{}: no such file or folder",
                path.display()
            )));
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), UsageError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| UsageError(format!("cannot read folder {}: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "seg") {
            files.push(path);
        }
    }
    Ok(())
}

/// Source files read and parsed; each module pairs with its file id.
#[derive(Default)]
pub struct Parsed {
    pub modules: Vec<(FileId, Module)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and parses every file. An undecodable file is reported (E0001) and not parsed.
pub fn read_and_parse(files: &[PathBuf], sources: &mut Sources) -> Result<Parsed, UsageError> {
    let mut parsed = Parsed::default();
    for path in files {
        let bytes = std::fs::read(path)
            .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?;
        let shown = display_path(path);
        // The id the file will get, needed by the diagnostics made while decoding and parsing.
        let file = FileId(sources.len() as u32);
        match seg_syntax::decode(file, &bytes) {
            Ok(text) => {
                let (module, diagnostics) = seg_syntax::parse(file, &text);
                sources.add(SourceFile::new(shown, text));
                parsed.modules.push((file, module));
                parsed.diagnostics.extend(diagnostics);
            }
            Err((text, diagnostic)) => {
                sources.add(SourceFile::new(shown, text));
                parsed.diagnostics.push(diagnostic);
            }
        }
    }
    Ok(parsed)
}

/// Loads the schema; a malformed one comes back with its diagnostics, not as a failure.
pub fn load_schema(
    path: &Path,
    sources: &mut Sources,
) -> Result<(Schema, Vec<Diagnostic>), UsageError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("cannot read schema {}: {e}", path.display())))?;
    let file = sources.add(SourceFile::new(display_path(path), text.clone()));
    let (mut schema, diagnostics) = seg_schema::parse_schema(file, &text);
    schema.file = Some(file);
    Ok((schema, diagnostics))
}

/// Paths as printed in diagnostics: forward slashes, as CI annotations and SARIF want.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The schema file: `--schema`, else the project's; an error says how to name one, `folder`
/// being where a seg.toml was looked for.
pub fn schema_path(
    schema: Option<&Path>,
    project: Option<&Project>,
    folder: &Path,
) -> Result<PathBuf, UsageError> {
    match (schema, project) {
        (Some(path), _) => Ok(path.to_path_buf()),
        (None, Some(Project {
            schema: Some(schema),
            ..
        })) => Ok(schema.clone()),
        (None, Some(Project {
            file, schema: None, ..
        })) => Err(UsageError(format!(
            "{} names no schema: add `schema = \"schema.json\"` or pass --schema FILE",
            file.display()
        ))),
        (None, None) => Err(UsageError(format!(
            "no attribute schema: pass --schema FILE, or put a seg.toml with `schema = \"schema.json\"` in {} or a folder above it",
            display_path(folder)
        ))),
    }
}
