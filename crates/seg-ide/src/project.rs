//! Finding a file's project: the `seg.toml` in its folder or the nearest folder above (spec §7),
//! the schema and catalog it names, and the `.seg` files below it.
//!
//! The project file's format ([`ProjectFile`]) and path cleaning are shared with the CLI
//! (`seg-cli/src/project.rs`), which finds the project the same way but on paths relative to the
//! working directory, straight from the disk, and stops at a broken project file; the editor
//! works on absolute paths through [`FileSystem`] and keeps going with the problem reported.
//! The rules are the same: the first `seg.toml` going up wins, its paths are relative to its
//! folder, unknown keys are an error, and a folder's `.seg` files are taken recursively in
//! sorted order.

use std::path::{Component, Path, PathBuf};

use crate::fs::FileSystem;

/// The contents of a `seg.toml`: paths relative to the folder holding it.
#[derive(serde::Deserialize, Debug, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    pub schema: Option<PathBuf>,
    pub catalog: Option<PathBuf>,
}

impl ProjectFile {
    /// Reads the file's text; the error says what is wrong (TOML syntax, an unknown key …).
    pub fn parse(text: &str) -> Result<ProjectFile, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The schema and catalog paths joined to `folder` (the one holding the file), cleaned.
    pub fn resolve(self, folder: &Path) -> (Option<PathBuf>, Option<PathBuf>) {
        let resolve = |p: Option<PathBuf>| p.map(|p| clean(&folder.join(p)));
        (resolve(self.schema), resolve(self.catalog))
    }
}

/// A `seg.toml` found, its paths made absolute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// The `seg.toml` file.
    pub file: PathBuf,
    /// Its folder: every `.seg` file below it belongs to the project.
    pub root: PathBuf,
    pub schema: Option<PathBuf>,
    pub catalog: Option<PathBuf>,
    /// Why the project file could not be used (unreadable, not TOML, unknown keys), in the
    /// words `seg check` uses; the project then has no schema.
    pub error: Option<String>,
}

/// Looks for `seg.toml` in the folder of `start` (or `start` itself when it is a folder) and
/// every folder above it.
pub fn find_project(fs: &dyn FileSystem, start: &Path) -> Option<Project> {
    let start = if fs.is_dir(start) {
        start
    } else {
        start.parent()?
    };
    let mut folder = Some(start);
    while let Some(dir) = folder {
        let candidate = dir.join("seg.toml");
        if fs.is_file(&candidate) {
            return Some(load_project(fs, dir, candidate));
        }
        folder = dir.parent();
    }
    None
}

fn load_project(fs: &dyn FileSystem, dir: &Path, file: PathBuf) -> Project {
    let mut project = Project {
        file: file.clone(),
        root: dir.to_path_buf(),
        schema: None,
        catalog: None,
        error: None,
    };
    let text = match fs.read(&file).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => {
            project.error = Some(format!("cannot read {}: {e}", file.display()));
            return project;
        }
        Err(e) => {
            project.error = Some(format!("cannot read {}: {e}", file.display()));
            return project;
        }
    };
    match ProjectFile::parse(&text) {
        Ok(config) => (project.schema, project.catalog) = config.resolve(dir),
        Err(e) => {
            project.error = Some(format!(
                "{} is not a valid project file: {e}",
                file.display()
            ));
        }
    }
    project
}

/// Removes `.` components and `x/..` pairs without touching the filesystem.
pub fn clean(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

/// Every `.seg` file below `root`, in the order `seg check ROOT` reads them (sorted path by
/// path, folders entered where they sort). Unreadable folders are skipped.
pub fn seg_files(fs: &dyn FileSystem, root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(fs, root, &mut files, 0);
    files
}

/// Folders nest this deep at most, so that a symlink loop cannot make the walk endless.
const MAX_FOLDER_DEPTH: usize = 64;

fn walk(fs: &dyn FileSystem, dir: &Path, files: &mut Vec<PathBuf>, depth: usize) {
    if depth > MAX_FOLDER_DEPTH {
        return;
    }
    let Ok(mut paths) = fs.read_dir(dir) else {
        return;
    };
    paths.sort();
    for path in paths {
        if fs.is_dir(&path) {
            walk(fs, &path, files, depth + 1);
        } else if is_seg_file(&path) {
            files.push(path);
        }
    }
}

pub(crate) fn is_seg_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "seg")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemoryFs;

    #[test]
    fn the_nearest_seg_toml_wins_and_its_paths_are_relative_to_it() {
        let mut fs = MemoryFs::new();
        fs.insert("/w/seg.toml", "schema = \"outer.json\"");
        fs.insert(
            "/w/p/seg.toml",
            "schema = \"../shared/schema.json\"\ncatalog = \"./c.ndjson\"",
        );
        fs.insert("/w/p/segments/a.seg", "");
        let project = find_project(&fs, Path::new("/w/p/segments/a.seg")).unwrap();
        assert_eq!(project.file, PathBuf::from("/w/p/seg.toml"));
        assert_eq!(project.root, PathBuf::from("/w/p"));
        assert_eq!(project.schema, Some(PathBuf::from("/w/shared/schema.json")));
        assert_eq!(project.catalog, Some(PathBuf::from("/w/p/c.ndjson")));
        assert_eq!(project.error, None);
        assert!(find_project(&fs, Path::new("/elsewhere/x.seg")).is_none());
    }

    #[test]
    fn a_broken_project_file_says_why() {
        let mut fs = MemoryFs::new();
        fs.insert("/p/seg.toml", "schema = \"s.json\"\ncolour = 1\n");
        fs.insert("/p/a.seg", "");
        let project = find_project(&fs, Path::new("/p/a.seg")).unwrap();
        assert!(project.schema.is_none());
        let error = project.error.unwrap();
        assert!(error.contains("is not a valid project file"), "{error}");
    }

    #[test]
    fn files_come_in_the_order_seg_check_reads_them() {
        let mut fs = MemoryFs::new();
        for path in [
            "/p/b.seg",
            "/p/a/z.seg",
            "/p/a.seg",
            "/p/c.txt",
            "/p/a/b/y.seg",
        ] {
            fs.insert(path, "");
        }
        let files = seg_files(&fs, Path::new("/p"));
        let names: Vec<_> = files.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            names,
            ["/p/a/b/y.seg", "/p/a/z.seg", "/p/a.seg", "/p/b.seg"]
        );
    }
}
