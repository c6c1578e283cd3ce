//! The [`AnalysisHost`]: the editor's view of the files (open documents over the disk), the
//! projects they belong to, and the caches that make a keystroke cheap.
//!
//! What is cached, and what drops it:
//! - each file's [`FileData`] (text, tokens, parse, outline), until the file changes;
//! - each schema, until the schema file changes;
//! - the project of each folder, until a `seg.toml` changes;
//! - the `.seg` files of each project, until a `.seg` file appears or goes on disk;
//! - each project's [`Analysis`], until anything it reads changes.
//!
//! Open documents always win over the disk. Changes on disk are learnt through
//! [`AnalysisHost::disk_changed`] (the editor's file watcher, or a save).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use seg_syntax::Reuse;

use crate::analysis::{Analysis, SchemaData};
use crate::file::FileData;
use crate::fs::FileSystem;
use crate::project::{find_project, is_seg_file, seg_files, Project};

/// Which analysis a file belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum ProjectKey {
    /// The project of this `seg.toml`.
    Project(PathBuf),
    /// A file with no `seg.toml` above it: analysed alone, for syntax only.
    Detached(PathBuf),
}

pub struct AnalysisHost {
    fs: Box<dyn FileSystem>,
    /// Open documents: their text replaces the disk's.
    overlays: HashMap<PathBuf, Arc<str>>,
    files: HashMap<PathBuf, Arc<FileData>>,
    /// What the parse of a file's replaced version left, for its next version.
    reuses: HashMap<PathBuf, Reuse>,
    schemas: HashMap<PathBuf, Arc<SchemaData>>,
    /// The project found from each folder asked about (`None`: no `seg.toml` above).
    projects: HashMap<PathBuf, Option<Project>>,
    /// The `.seg` files on disk below each project root.
    listings: HashMap<PathBuf, Vec<PathBuf>>,
    analyses: HashMap<ProjectKey, Arc<Analysis>>,
}

impl AnalysisHost {
    pub fn new(fs: Box<dyn FileSystem>) -> AnalysisHost {
        AnalysisHost {
            fs,
            overlays: HashMap::new(),
            files: HashMap::new(),
            reuses: HashMap::new(),
            schemas: HashMap::new(),
            projects: HashMap::new(),
            listings: HashMap::new(),
            analyses: HashMap::new(),
        }
    }

    /// Sets the text of an open document (opened or changed). Returns whether it differs from
    /// what the analysis saw before.
    pub fn set_file(&mut self, path: &Path, text: &str) -> bool {
        if self.overlays.get(path).is_some_and(|t| **t == *text) {
            return false;
        }
        self.overlays.insert(path.to_path_buf(), Arc::from(text));
        self.forget(path);
        true
    }

    /// Closes a document: from now on the disk's version counts.
    pub fn close_file(&mut self, path: &Path) {
        if self.overlays.remove(path).is_some() {
            self.forget(path);
        }
    }

    /// Whether the document is open.
    pub fn is_open(&self, path: &Path) -> bool {
        self.overlays.contains_key(path)
    }

    /// A file changed, appeared or went away on disk (reported by the editor's file watcher or
    /// a save). An open document keeps its text, but the project's file list is renewed.
    pub fn disk_changed(&mut self, path: &Path) {
        if is_seg_file(path) {
            self.listings.retain(|root, _| !path.starts_with(root));
        }
        if !self.overlays.contains_key(path) {
            self.forget(path);
        } else {
            self.drop_analyses_reading(path);
        }
    }

    /// Drops every cache that depends on what `path` holds.
    fn forget(&mut self, path: &Path) {
        if let Some(old) = self.files.remove(path) {
            self.reuses.insert(path.to_path_buf(), old.take_reuse());
        }
        self.schemas.remove(path);
        if path.file_name().is_some_and(|n| n == "seg.toml") {
            self.projects.clear();
            self.listings.clear();
            self.analyses.clear();
            return;
        }
        self.drop_analyses_reading(path);
    }

    fn drop_analyses_reading(&mut self, path: &Path) {
        self.analyses.retain(|key, analysis| match key {
            ProjectKey::Detached(file) => file != path,
            ProjectKey::Project(_) => {
                let reads = analysis.project.as_ref().is_some_and(|p| {
                    path.starts_with(&p.root) || p.schema.as_deref() == Some(path)
                });
                !reads
            }
        });
    }

    /// The analysis of the project holding `path` (computed now if anything changed).
    pub fn analysis(&mut self, path: &Path) -> Arc<Analysis> {
        let project = self.project_of(path);
        let key = match &project {
            Some(p) => ProjectKey::Project(p.file.clone()),
            None => ProjectKey::Detached(path.to_path_buf()),
        };
        if let Some(analysis) = self.analyses.get(&key) {
            return analysis.clone();
        }
        let analysis = Arc::new(match project {
            Some(project) => self.build_project(project),
            None => self.build_detached(path),
        });
        self.analyses.insert(key, analysis.clone());
        analysis
    }

    /// The analyses of the projects of every open `.seg` document and every open schema, each
    /// once.
    pub fn open_analyses(&mut self) -> Vec<Arc<Analysis>> {
        let mut paths: Vec<PathBuf> = self.overlays.keys().cloned().collect();
        paths.sort();
        paths.retain(|p| {
            is_seg_file(p)
                || self
                    .project_of(p)
                    .is_some_and(|project| project.schema.as_deref() == Some(p.as_path()))
        });
        let mut out: Vec<Arc<Analysis>> = Vec::new();
        for path in paths {
            let analysis = self.analysis(&path);
            if !out.iter().any(|a| Arc::ptr_eq(a, &analysis)) {
                out.push(analysis);
            }
        }
        out
    }

    /// The project of a file (from its folder upwards), cached per folder.
    pub fn project_of(&mut self, path: &Path) -> Option<Project> {
        let folder = path.parent()?.to_path_buf();
        if let Some(found) = self.projects.get(&folder) {
            return found.clone();
        }
        let found = find_project(self.fs.as_ref(), path);
        self.projects.insert(folder, found.clone());
        found
    }

    fn build_project(&mut self, project: Project) -> Analysis {
        let root = project.root.clone();
        let mut paths = match self.listings.get(&root) {
            Some(listing) => listing.clone(),
            None => {
                let listing = seg_files(self.fs.as_ref(), &root);
                self.listings.insert(root.clone(), listing.clone());
                listing
            }
        };
        // Open documents not saved yet belong to the project too.
        paths.extend(
            self.overlays
                .keys()
                .filter(|p| is_seg_file(p) && p.starts_with(&root))
                .cloned(),
        );
        paths.sort();
        paths.dedup();
        let files: Vec<Arc<FileData>> = paths.iter().filter_map(|p| self.file_data(p)).collect();

        let mut problem = project.error.clone();
        let mut schema = None;
        match (&project.error, &project.schema) {
            (Some(_), _) => {}
            (None, None) => {
                problem = Some(format!(
                    "{} names no schema: add `schema = \"schema.json\"`; until then only syntax is checked",
                    project.file.display()
                ));
            }
            (None, Some(path)) => match self.schema_data(path) {
                Ok(data) => schema = Some(data),
                Err(error) => {
                    problem = Some(format!(
                        "cannot read schema {}: {error}; until then only syntax is checked",
                        path.display()
                    ))
                }
            },
        }
        Analysis::new(Some(project), problem, files, schema)
    }

    fn build_detached(&mut self, path: &Path) -> Analysis {
        let files: Vec<Arc<FileData>> = self.file_data(path).into_iter().collect();
        let problem = Some(format!(
            "no seg.toml in {} or a folder above it: only syntax is checked",
            path.parent().unwrap_or(path).display()
        ));
        Analysis::new(None, problem, files, None)
    }

    fn file_data(&mut self, path: &Path) -> Option<Arc<FileData>> {
        if let Some(data) = self.files.get(path) {
            return Some(data.clone());
        }
        let previous = self.reuses.remove(path).unwrap_or_default();
        let data = match self.overlays.get(path) {
            Some(text) => FileData::from_text(path, text.to_string(), previous),
            None => FileData::from_bytes(path, &self.fs.read(path).ok()?, previous),
        };
        let data = Arc::new(data);
        self.files.insert(path.to_path_buf(), data.clone());
        Some(data)
    }

    fn schema_data(&mut self, path: &Path) -> Result<Arc<SchemaData>, String> {
        if let Some(data) = self.schemas.get(path) {
            return Ok(data.clone());
        }
        let text = match self.overlays.get(path) {
            Some(text) => text.to_string(),
            None => {
                let bytes = self.fs.read(path).map_err(|e| e.to_string())?;
                String::from_utf8(bytes).map_err(|e| e.to_string())?
            }
        };
        let data = Arc::new(SchemaData::new(path, text));
        self.schemas.insert(path.to_path_buf(), data.clone());
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::RwLock;

    use super::*;
    use crate::fs::MemoryFs;

    /// A disk the test can change while the host holds it.
    #[derive(Clone, Default)]
    struct SharedFs(Arc<RwLock<MemoryFs>>);

    impl SharedFs {
        fn insert(&self, path: &str, text: &str) {
            self.0.write().unwrap().insert(path, text);
        }
    }

    impl FileSystem for SharedFs {
        fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
            self.0.read().unwrap().read(path)
        }
        fn is_file(&self, path: &Path) -> bool {
            self.0.read().unwrap().is_file(path)
        }
        fn is_dir(&self, path: &Path) -> bool {
            self.0.read().unwrap().is_dir(path)
        }
        fn read_dir(&self, path: &Path) -> std::io::Result<Vec<PathBuf>> {
            self.0.read().unwrap().read_dir(path)
        }
    }

    const SCHEMA: &str = r#"{"customer": [{"code": "group", "label": "Group", "type": "select",
        "options": ["General", "VIP"], "use_in_customer_segment": true}]}"#;

    fn codes(analysis: &Analysis, path: &str) -> Vec<&'static str> {
        analysis
            .diagnostics(Path::new(path))
            .iter()
            .map(|d| d.code.as_str())
            .collect()
    }

    fn project() -> (SharedFs, AnalysisHost) {
        let fs = SharedFs::default();
        fs.insert("/p/seg.toml", "schema = \"schema.json\"\n");
        fs.insert("/p/schema.json", SCHEMA);
        fs.insert("/p/a.seg", "segment a {\n  in segment b\n}\n");
        let host = AnalysisHost::new(Box::new(fs.clone()));
        (fs, host)
    }

    #[test]
    fn a_file_outside_any_project_is_checked_for_syntax_only() {
        let mut host = AnalysisHost::new(Box::new(MemoryFs::new()));
        let path = Path::new("/lonely/x.seg");
        host.set_file(path, "segment x {\n  customer.anything is 1\n  all {\n");
        let analysis = host.analysis(path);
        assert!(analysis.project().is_none());
        assert!(analysis
            .problem()
            .unwrap()
            .contains("no seg.toml in /lonely"));
        assert_eq!(codes(&analysis, "/lonely/x.seg"), ["E0002"]);
    }

    #[test]
    fn a_project_without_a_readable_schema_says_why() {
        let fs = SharedFs::default();
        fs.insert("/p/seg.toml", "catalog = \"c.ndjson\"\n");
        fs.insert("/p/a.seg", "segment a { customer.nothing is 1 }");
        let mut host = AnalysisHost::new(Box::new(fs.clone()));
        let analysis = host.analysis(Path::new("/p/a.seg"));
        assert!(analysis.problem().unwrap().contains("names no schema"));
        assert!(codes(&analysis, "/p/a.seg").is_empty());

        fs.insert("/p/seg.toml", "schema = \"missing.json\"\n");
        host.disk_changed(Path::new("/p/seg.toml"));
        let analysis = host.analysis(Path::new("/p/a.seg"));
        assert!(analysis
            .problem()
            .unwrap()
            .contains("cannot read schema /p/missing.json"));
    }

    #[test]
    fn schema_problems_go_to_the_schema_and_stop_the_check() {
        let (fs, mut host) = project();
        fs.insert("/p/schema.json", "{\"customer\": [}");
        let analysis = host.analysis(Path::new("/p/a.seg"));
        assert_eq!(codes(&analysis, "/p/schema.json"), ["E0101"]);
        // Segments are then only parsed: the unknown reference is not reported.
        assert!(codes(&analysis, "/p/a.seg").is_empty());
    }

    #[test]
    fn an_edited_schema_rechecks_the_project() {
        let (_fs, mut host) = project();
        let a = Path::new("/p/a.seg");
        host.set_file(a, "segment a {\n  customer.tier is \"Gold\"\n}\n");
        assert_eq!(codes(&host.analysis(a), "/p/a.seg"), ["E0201"]);
        let schema = SCHEMA
            .replace("\"group\"", "\"tier\"")
            .replace("\"VIP\"", "\"Gold\"");
        host.set_file(Path::new("/p/schema.json"), &schema);
        assert_eq!(codes(&host.analysis(a), "/p/a.seg"), ["W0602"]);
    }

    #[test]
    fn files_on_disk_and_unsaved_documents_form_the_project() {
        let (fs, mut host) = project();
        let a = Path::new("/p/a.seg");
        assert_eq!(codes(&host.analysis(a), "/p/a.seg"), ["E0205"]);
        // A new document not saved yet defines `b`.
        host.set_file(Path::new("/p/sub/b.seg"), "segment b { cart.subtotal > 1 }");
        assert!(codes(&host.analysis(a), "/p/a.seg").is_empty());
        host.close_file(Path::new("/p/sub/b.seg"));
        assert_eq!(codes(&host.analysis(a), "/p/a.seg"), ["E0205"]);
        // Saved to disk, it is found once the watcher reports it.
        fs.insert("/p/sub/b.seg", "segment b { cart.subtotal > 1 }");
        host.disk_changed(Path::new("/p/sub/b.seg"));
        let analysis = host.analysis(a);
        assert!(codes(&analysis, "/p/a.seg").is_empty());
        assert_eq!(analysis.files().count(), 2);
    }

    #[test]
    fn analyses_are_kept_until_something_they_read_changes() {
        let (fs, mut host) = project();
        fs.insert("/q/seg.toml", "schema = \"../p/schema.json\"\n");
        fs.insert("/q/x.seg", "segment x { cart.subtotal > 1 }");
        let a = Path::new("/p/a.seg");
        let x = Path::new("/q/x.seg");
        let (first_p, first_q) = (host.analysis(a), host.analysis(x));
        assert!(Arc::ptr_eq(&first_p, &host.analysis(a)));
        host.set_file(a, "segment a { cart.subtotal > 2 }");
        assert!(!Arc::ptr_eq(&first_p, &host.analysis(a)));
        assert!(Arc::ptr_eq(&first_q, &host.analysis(x)));
        // The same text again changes nothing.
        let second_p = host.analysis(a);
        assert!(!host.set_file(a, "segment a { cart.subtotal > 2 }"));
        assert!(Arc::ptr_eq(&second_p, &host.analysis(a)));
        // Both projects read the shared schema.
        host.set_file(Path::new("/p/schema.json"), "{}");
        assert!(!Arc::ptr_eq(&first_q, &host.analysis(x)));
        assert_eq!(host.open_analyses().len(), 1);
        // An open schema alone brings its project's analysis (to publish its diagnostics).
        host.close_file(a);
        assert_eq!(host.open_analyses().len(), 1);
        host.close_file(Path::new("/p/schema.json"));
        assert!(host.open_analyses().is_empty());
    }
}
