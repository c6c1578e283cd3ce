//! The editor's analysis of Seg projects, as plain data over byte offsets: diagnostics exactly
//! as `seg check` reports them, completion, hover, go to definition, references, symbols,
//! formatting, semantic highlighting and quick fixes. It knows nothing of the LSP protocol
//! (`seg-lsp` converts) and does no IO of its own (it reads through a [`FileSystem`]).
//!
//! The [`AnalysisHost`] holds the open documents and caches; for a file it hands out the
//! [`Analysis`] of its project (the `seg.toml` above it), which answers every question:
//!
//! ```
//! use std::path::Path;
//! use seg_ide::{AnalysisHost, MemoryFs};
//!
//! let mut fs = MemoryFs::new();
//! fs.insert("/p/seg.toml", "schema = \"schema.json\"");
//! fs.insert("/p/schema.json", r#"{"customer": [{"code": "group", "label": "Group",
//!     "type": "select", "options": ["VIP"], "use_in_customer_segment": true}]}"#);
//! let mut host = AnalysisHost::new(Box::new(fs));
//! let path = Path::new("/p/a.seg");
//! host.set_file(path, "segment a {\n  applies_to registered\n  customer.gropu is \"VIP\"\n}\n");
//! let analysis = host.analysis(path);
//! assert_eq!(analysis.diagnostics(path)[0].code.as_str(), "E0201");
//! let labels: Vec<_> = analysis.completions(path, 47, None).into_iter().map(|c| c.label).collect();
//! assert_eq!(labels, ["group"]);
//! ```
//!
//! Positions are byte offsets into the file's text and [`seg_diag::Span`]s; diagnostics are
//! [`seg_diag::Diagnostic`]s, the one model every renderer uses.

mod actions;
mod analysis;
mod completion;
mod file;
mod fs;
mod highlight;
mod host;
mod hover;
mod navigation;
mod project;
mod scan;

pub use actions::Fix;
pub use analysis::{Analysis, CheckResult};
pub use completion::{CompletionItem, CompletionKind};
pub use fs::{FileSystem, MemoryFs};
pub use highlight::{Highlight, HighlightKind};
pub use host::AnalysisHost;
pub use hover::Hover;
pub use navigation::{Symbol, Target};
pub use project::{clean, find_project, Project, ProjectFile};
