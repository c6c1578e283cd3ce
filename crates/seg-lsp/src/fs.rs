//! The real disk for seg-ide's [`FileSystem`]: the server is the edge where IO happens.

use std::io;
use std::path::{Path, PathBuf};

use seg_ide::FileSystem;

pub(crate) struct StdFs;

impl FileSystem for StdFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        std::fs::read_dir(path)?
            .map(|entry| entry.map(|e| e.path()))
            .collect()
    }
}

/// What a file on disk looks like from outside (modification time and size), to notice that it
/// changed without reading it; `None` when it cannot be read.
pub(crate) type Stamp = Option<(Option<std::time::SystemTime>, u64)>;

pub(crate) fn stamp(path: &Path) -> Stamp {
    std::fs::metadata(path)
        .ok()
        .map(|m| (m.modified().ok(), m.len()))
}
