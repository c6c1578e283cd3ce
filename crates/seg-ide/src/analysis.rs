//! One project at one moment: its files, its schema, and the diagnostics `seg check` would print
//! for them. Every editor feature is a question to an [`Analysis`]; the host builds a new one
//! after a change and keeps it until the next change that concerns the project.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use seg_diag::{Diagnostic, FileId, SourceFile};
use seg_schema::Schema;

use crate::file::{retarget, FileData};
use crate::project::Project;

/// The schema file of a project, parsed.
pub(crate) struct SchemaData {
    pub(crate) path: PathBuf,
    pub(crate) source: SourceFile,
    pub(crate) schema: Schema,
    /// Against [`SCHEMA_FILE`].
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// The schema's file id in every analysis; the project's `.seg` files follow it.
pub(crate) const SCHEMA_FILE: FileId = FileId(0);

impl SchemaData {
    pub(crate) fn new(path: &Path, text: String) -> SchemaData {
        let (mut schema, diagnostics) = seg_schema::parse_schema(SCHEMA_FILE, &text);
        schema.file = Some(SCHEMA_FILE);
        SchemaData {
            path: path.to_path_buf(),
            source: SourceFile::new(crate::file::display_path(path), text),
            schema,
            diagnostics,
        }
    }
}

/// What the check of a whole project produced.
#[derive(Debug, Default)]
pub struct CheckResult {
    /// Every diagnostic of the project, sorted as `seg check` sorts them.
    pub diagnostics: Vec<Diagnostic>,
    /// The checked program (meaningful where no error was reported).
    pub program: seg_check::hir::Program,
}

pub struct Analysis {
    pub(crate) project: Option<Project>,
    /// Why the project is only checked for syntax, if it is.
    pub(crate) problem: Option<String>,
    /// Sorted by path; the file at index `i` has id `FileId(i + 1)`.
    pub(crate) files: Vec<Arc<FileData>>,
    pub(crate) schema: Option<Arc<SchemaData>>,
    pub(crate) empty_schema: Schema,
    checked: OnceLock<CheckResult>,
}

impl Analysis {
    pub(crate) fn new(
        project: Option<Project>,
        problem: Option<String>,
        mut files: Vec<Arc<FileData>>,
        schema: Option<Arc<SchemaData>>,
    ) -> Analysis {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files.dedup_by(|a, b| a.path == b.path);
        Analysis {
            project,
            problem,
            files,
            schema,
            empty_schema: Schema::empty(),
            checked: OnceLock::new(),
        }
    }

    /// The `seg.toml` this analysis comes from; `None` for a file outside any project.
    pub fn project(&self) -> Option<&Project> {
        self.project.as_ref()
    }

    /// Why only syntax is checked (no `seg.toml`, no schema, an unreadable schema …), if so.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// The `.seg` files of the project, sorted.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|f| f.path.as_path())
    }

    /// The schema file, when the project has a readable one.
    pub fn schema_path(&self) -> Option<&Path> {
        self.schema.as_ref().map(|s| s.path.as_path())
    }

    /// The schema the project is checked against (empty when it has none).
    pub fn schema(&self) -> &Schema {
        self.schema
            .as_ref()
            .map_or(&self.empty_schema, |s| &s.schema)
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        if self.schema.as_ref().is_some_and(|s| s.path == path) {
            return Some(SCHEMA_FILE);
        }
        self.index_of(path).map(|i| FileId(i as u32 + 1))
    }

    pub fn path(&self, file: FileId) -> Option<&Path> {
        if file == SCHEMA_FILE {
            return self.schema_path();
        }
        let index = (file.0 as usize).checked_sub(1)?;
        self.files.get(index).map(|f| f.path.as_path())
    }

    /// The text and line table of a `.seg` file or of the schema, for position conversions.
    pub fn source(&self, path: &Path) -> Option<&SourceFile> {
        match self.schema.as_ref() {
            Some(s) if s.path == path => Some(&s.source),
            _ => self.file(path).map(|f| &f.source),
        }
    }

    /// The source of a file id, as diagnostics' labels name them.
    pub fn source_of(&self, file: FileId) -> Option<&SourceFile> {
        self.path(file).and_then(|p| self.source(p))
    }

    pub(crate) fn file(&self, path: &Path) -> Option<&Arc<FileData>> {
        self.index_of(path).map(|i| &self.files[i])
    }

    fn index_of(&self, path: &Path) -> Option<usize> {
        self.files
            .binary_search_by(|f| f.path.as_path().cmp(path))
            .ok()
    }

    /// The whole project checked as `seg check` checks it: the schema's diagnostics, each file's
    /// decoding and parse diagnostics, and, when the schema has no error, the checker's.
    /// Without a schema only syntax is checked.
    pub fn check(&self) -> &CheckResult {
        self.checked.get_or_init(|| self.compute_check())
    }

    fn compute_check(&self) -> CheckResult {
        let mut diagnostics = Vec::new();
        let schema_usable = match &self.schema {
            Some(schema) => {
                diagnostics.extend(schema.diagnostics.iter().cloned());
                !schema.diagnostics.iter().any(Diagnostic::is_error)
            }
            None => false,
        };
        let mut modules = Vec::with_capacity(self.files.len());
        for (i, file) in self.files.iter().enumerate() {
            let id = FileId(i as u32 + 1);
            if let Some(error) = &file.decode_error {
                diagnostics.push(retarget(error, id));
                continue;
            }
            if let Some((module, parse_diagnostics)) = file.parsed() {
                diagnostics.extend(parse_diagnostics.iter().map(|d| retarget(d, id)));
                modules.push((id, module));
            }
        }
        let mut program = seg_check::hir::Program::default();
        if let (true, Some(schema)) = (schema_usable, &self.schema) {
            // Against a broken schema every attribute would look unknown; its own errors say
            // enough (the same rule as `seg check`).
            let checked = seg_check::check(&modules, &schema.schema);
            diagnostics.extend(checked.diagnostics);
            program = checked.program;
        }
        seg_diag::sort(&mut diagnostics);
        CheckResult {
            diagnostics,
            program,
        }
    }

    /// The diagnostics whose primary label is in `path` (a `.seg` file or the schema), in order.
    pub fn diagnostics(&self, path: &Path) -> Vec<&Diagnostic> {
        let Some(id) = self.file_id(path) else {
            return Vec::new();
        };
        self.check()
            .diagnostics
            .iter()
            .filter(|d| d.primary.file == id)
            .collect()
    }
}
