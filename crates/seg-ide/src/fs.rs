//! The disk as the analysis sees it. seg-ide does no IO of its own: it reads files, looks for
//! `seg.toml` and lists folders through [`FileSystem`], which the language server implements
//! with `std::fs` and tests and benchmarks implement in memory ([`MemoryFs`]).

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Read-only access to files and folders. Paths are absolute.
pub trait FileSystem: Send + Sync {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    fn is_file(&self, path: &Path) -> bool;
    fn is_dir(&self, path: &Path) -> bool;
    /// The entries of a folder (files and folders), in any order.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>>;
}

/// Files held in memory; a folder exists when some file lies below it.
#[derive(Clone, Debug, Default)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemoryFs {
    pub fn new() -> MemoryFs {
        MemoryFs::default()
    }

    pub fn insert(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), contents.into());
    }

    pub fn remove(&mut self, path: &Path) {
        self.files.remove(path);
    }
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.files
            .keys()
            .any(|file| file != path && file.starts_with(path))
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let mut entries: Vec<PathBuf> = Vec::new();
        for file in self.files.keys() {
            let Ok(rest) = file.strip_prefix(path) else {
                continue;
            };
            if let Some(first) = rest.components().next() {
                let entry = path.join(first);
                if entries.last() != Some(&entry) {
                    entries.push(entry);
                }
            }
        }
        entries.dedup();
        if entries.is_empty() && !self.is_dir(path) {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no such folder"));
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_exist_through_their_files() {
        let mut fs = MemoryFs::new();
        fs.insert("/p/seg.toml", "schema = \"s.json\"");
        fs.insert("/p/a/x.seg", "");
        fs.insert("/p/a/y.seg", "");
        assert!(fs.is_dir(Path::new("/p")));
        assert!(fs.is_dir(Path::new("/p/a")));
        assert!(!fs.is_dir(Path::new("/p/a/x.seg")));
        let mut entries = fs.read_dir(Path::new("/p")).unwrap();
        entries.sort();
        assert_eq!(
            entries,
            vec![PathBuf::from("/p/a"), PathBuf::from("/p/seg.toml")]
        );
        assert!(fs.read_dir(Path::new("/q")).is_err());
    }
}
