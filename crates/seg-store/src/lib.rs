//! The embedded store: what Adobe Commerce holds for customer segments — customers with their
//! addresses, carts, wishlists, viewed products and orders, the catalog, the websites — and
//! what segment runs produce — memberships, who joined and left, segment sizes — in one SQLite
//! file (rusqlite, SQLite compiled in, no server).
//!
//! The relational layout is in docs/store.md and [`layout`]; it is plain SQL, the layout future
//! SQL backends query. Values are stored in their exact typed form (the table is in docs/store.md):
//! reading a customer back gives the very `seg_data::Value`s it was imported with.
//!
//! - [`Store::create`], [`Store::open`], [`Store::open_or_create`]: a store is identified by its
//!   SQLite `application_id` ([`APPLICATION_ID`]) and refuses to open at another layout version
//!   ([`LAYOUT_VERSION`]); the schema it was written with is kept and checked (see
//!   [`Store::check_schema`]).
//! - Writing ([`mod@write`]): idempotent upserts of already-typed profiles, the catalog, websites.
//! - Reading ([`read`]): [`Reader::batches`] walks every table's ordered cursor in step, merged by
//!   customer id, and yields columnar `seg_data::Batch`es; [`Store::load_catalog`].
//! - Runs ([`runs`]): [`Store::begin_run`] stages a run's members and [`Run::finish`] replaces
//!   memberships in one transaction; report queries read them back.
//! - [`gen`]: a deterministic synthetic store.
//!
//! Nothing here reads the wall clock or prints; errors are [`StoreError`]s, never panics.

mod codec;
pub mod gen;
pub mod layout;
pub mod read;
pub mod runs;
pub mod write;

use std::fmt;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use seg_schema::Schema;

pub use codec::{format_date, format_datetime};
pub use layout::{attribute_column, create_script, APPLICATION_ID, LAYOUT_VERSION};
pub use read::{Batches, Reader};
pub use runs::{
    Combine, Finish, Run, RunInfo, RunRecord, RunSummary, SegmentInfo, SegmentSize, SegmentState,
    SizeHistory,
};
pub use write::ImportSummary;

use layout::{Layout, StoredSchema};

/// Everything that can go wrong with a store. `Display` is a complete sentence for the user.
#[derive(Debug)]
pub enum StoreError {
    /// The store file does not exist (it is never created by a command that only reads).
    Missing { path: PathBuf },
    /// The file exists where a new store was to be created.
    Exists { path: PathBuf },
    /// The file is not a Seg store: not SQLite, another application's database, or damaged.
    NotAStore { path: PathBuf, why: String },
    /// The store was written with another layout version.
    Version {
        path: PathBuf,
        found: i64,
        expected: i64,
    },
    /// The schema given disagrees with the one the store was written with.
    SchemaMismatch {
        path: PathBuf,
        differences: Vec<String>,
    },
    /// A schema this layout cannot store (attribute codes that differ only by case).
    Unsupported(String),
    /// A stored value that cannot be read back (the file was changed by hand, or damaged).
    Corrupt {
        table: String,
        key: String,
        column: String,
        message: String,
    },
    /// Input through the API that does not fit: an unknown segment, a value of the wrong type.
    Invalid(String),
    /// SQLite failed; `doing` says at what.
    Sql {
        doing: String,
        source: rusqlite::Error,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Missing { path } => write!(f, "{}: no such store", path.display()),
            StoreError::Exists { path } => write!(
                f,
                "{}: the file exists already; a new store needs a new file",
                path.display()
            ),
            StoreError::NotAStore { path, why } => {
                write!(f, "{} is not a Seg store: {why}", path.display())
            }
            StoreError::Version {
                path,
                found,
                expected,
            } => write!(
                f,
                "{} has store layout version {found}; this seg reads version {expected} only (re-import the data into a new store)",
                path.display()
            ),
            StoreError::SchemaMismatch { path, differences } => write!(
                f,
                "{} was written with another schema: {} (import into a new store with this schema, or use the schema the store was written with)",
                path.display(),
                differences.join("; ")
            ),
            StoreError::Unsupported(why) => write!(f, "the store cannot hold this schema: {why}"),
            StoreError::Corrupt {
                table,
                key,
                column,
                message,
            } => write!(
                f,
                "the store is damaged: {table} row {key}, column {column}: {message}"
            ),
            StoreError::Invalid(why) => f.write_str(why),
            StoreError::Sql { doing, source } => write!(f, "store error while {doing}: {source}"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Sql { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Adds what was being done to an SQLite error.
pub(crate) trait Doing<T> {
    fn doing(self, what: &str) -> Result<T>;
}

impl<T> Doing<T> for rusqlite::Result<T> {
    fn doing(self, what: &str) -> Result<T> {
        self.map_err(|source| StoreError::Sql {
            doing: what.to_string(),
            source,
        })
    }
}

/// How long a statement waits for another connection's write lock before failing.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// An open store: one SQLite connection and the schema the store was written with.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    stored: StoredSchema,
    /// Set on a store created for bulk loading: nothing to replace, no journal.
    bulk: bool,
    /// Website codes known to be in `websites` (so imports add each once).
    websites: std::collections::HashSet<String>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn is_not_a_database(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

impl Store {
    /// Creates a new, empty store for `schema` at `path` (which must not exist).
    pub fn create(path: &Path, schema: &Schema) -> Result<Store> {
        Store::create_with(path, schema, false)
    }

    /// Creates a store for loading in bulk (`seg gen`): no journal and no sync until
    /// [`Store::finish_bulk`], so a failure leaves a file that must be thrown away. Write it
    /// under a temporary name and rename it once finished.
    pub fn create_bulk(path: &Path, schema: &Schema) -> Result<Store> {
        Store::create_with(path, schema, true)
    }

    fn create_with(path: &Path, schema: &Schema, bulk: bool) -> Result<Store> {
        layout::check_columns(schema)?;
        if path.exists() {
            return Err(StoreError::Exists {
                path: path.to_path_buf(),
            });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .doing(&format!("creating {}", path.display()))?;
        let stored = StoredSchema::of(schema);
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            stored,
            bulk,
            websites: Default::default(),
        };
        store.initialise(schema)?;
        Ok(store)
    }

    fn initialise(&mut self, schema: &Schema) -> Result<()> {
        let conn = &mut self.conn;
        if self.bulk {
            conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
                .doing("setting up a bulk store")?;
        } else {
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                .doing("setting up the store")?;
        }
        conn.execute_batch("PRAGMA cache_size = -65536;")
            .doing("setting up the store")?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .doing("setting up the store")?;
        let tx = conn.transaction().doing("creating the tables")?;
        tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID};"))
            .doing("creating the tables")?;
        for statement in layout::create_statements(&Layout::new(schema)) {
            tx.execute(&statement, []).doing("creating the tables")?;
        }
        let mut meta = tx
            .prepare("INSERT INTO seg_meta (key, value) VALUES (?1, ?2)")
            .doing("creating the tables")?;
        for (key, value) in [
            ("layout_version", LAYOUT_VERSION.to_string()),
            ("schema", self.stored.to_json()),
            (
                "written_by",
                format!("seg-store {}", env!("CARGO_PKG_VERSION")),
            ),
        ] {
            meta.execute((key, value)).doing("creating the tables")?;
        }
        drop(meta);
        tx.commit().doing("creating the tables")
    }

    /// Ends bulk loading: the store gets its write-ahead log and its statistics, and is
    /// closed (reopen it with [`Store::open`] under its final name).
    pub fn finish_bulk(self) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA optimize;")
            .doing("finishing the store")?;
        self.conn
            .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .doing("finishing the store")?;
        self.conn.close().map_err(|(_, source)| StoreError::Sql {
            doing: "closing the store".into(),
            source,
        })
    }

    /// Opens an existing store (read and write). Refuses a missing file, a file that is not a
    /// Seg store, and a store of another layout version.
    pub fn open(path: &Path) -> Result<Store> {
        if !path.is_file() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| not_a_store(path, &e))?;
        let stored = identify(&conn, path)?;
        conn.busy_timeout(BUSY_TIMEOUT).doing("opening the store")?;
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;")
            .doing("opening the store")?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            stored,
            bulk: false,
            websites: Default::default(),
        })
    }

    /// Opens the store at `path`, creating it for `schema` when there is no file (or an empty
    /// one); an existing store must agree with `schema` ([`Store::check_schema`]).
    pub fn open_or_create(path: &Path, schema: &Schema) -> Result<Store> {
        let empty = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0);
        if empty {
            std::fs::remove_file(path).map_err(|e| StoreError::NotAStore {
                path: path.to_path_buf(),
                why: format!("an empty file that cannot be replaced: {e}"),
            })?;
        }
        if !path.exists() {
            return Store::create(path, schema);
        }
        let store = Store::open(path)?;
        store.check_schema(schema)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Checks that data stored by this store can be read and written with `schema`: the same
    /// attributes (by code) with the same types, and every option the store was written with
    /// still an option. Labels, segment flags, attribute order and new options may differ.
    pub fn check_schema(&self, schema: &Schema) -> Result<()> {
        let differences = self.stored.differences(schema);
        if differences.is_empty() {
            Ok(())
        } else {
            Err(StoreError::SchemaMismatch {
                path: self.path.clone(),
                differences,
            })
        }
    }

    /// The layout of `schema`, once it is known to fit the store.
    pub(crate) fn layout(&self, schema: &Schema) -> Result<Layout> {
        self.check_schema(schema)?;
        Ok(Layout::new(schema))
    }

    /// The number of customers (profiles, visitors included) stored.
    pub fn customer_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM customers", [], |row| {
                runs::count(row, 0)
            })
            .doing("counting customers")
    }

    /// The websites: code and name, by code.
    pub fn websites(&self) -> Result<Vec<(String, Option<String>)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT code, name FROM websites ORDER BY code")
            .doing("reading websites")?;
        let rows = stmt
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .doing("reading websites")?;
        rows.collect::<rusqlite::Result<_>>()
            .doing("reading websites")
    }
}

fn not_a_store(path: &Path, error: &rusqlite::Error) -> StoreError {
    StoreError::NotAStore {
        path: path.to_path_buf(),
        why: if is_not_a_database(error) {
            "it is not an SQLite database".into()
        } else {
            format!("it cannot be opened ({error})")
        },
    }
}

/// Checks that a connection holds a Seg store of this layout version; its stored schema.
fn identify(conn: &Connection, path: &Path) -> Result<StoredSchema> {
    let application_id: i64 = conn
        .query_row("PRAGMA application_id", [], |row| row.get(0))
        .map_err(|e| not_a_store(path, &e))?;
    let not_a_store = |why: String| StoreError::NotAStore {
        path: path.to_path_buf(),
        why,
    };
    if application_id != i64::from(APPLICATION_ID) {
        let tables: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_schema", [], |row| row.get(0))
            .map_err(|e| not_a_store_error(path, &e))?;
        return Err(not_a_store(if application_id == 0 && tables == 0 {
            "it is an empty SQLite database".into()
        } else if application_id == 0 {
            format!("it is an SQLite database of another program ({tables} tables, no Seg application id)")
        } else {
            format!(
                "it is an SQLite database of another program (application id {application_id:#x})"
            )
        }));
    }
    let meta = |key: &str| -> Result<Option<String>> {
        conn.query_row("SELECT value FROM seg_meta WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()
        .map_err(|e| not_a_store_error(path, &e))
    };
    let version = meta("layout_version")?
        .ok_or_else(|| not_a_store("its seg_meta table has no layout_version".into()))?;
    let found: i64 = version
        .trim()
        .parse()
        .map_err(|_| not_a_store(format!("its layout_version {version:?} is not a number")))?;
    if found != LAYOUT_VERSION {
        return Err(StoreError::Version {
            path: path.to_path_buf(),
            found,
            expected: LAYOUT_VERSION,
        });
    }
    let schema =
        meta("schema")?.ok_or_else(|| not_a_store("its seg_meta table has no schema".into()))?;
    StoredSchema::from_json(&schema)
        .map_err(|why| not_a_store(format!("its stored schema is unreadable: {why}")))
}

fn not_a_store_error(path: &Path, error: &rusqlite::Error) -> StoreError {
    StoreError::NotAStore {
        path: path.to_path_buf(),
        why: format!("it has no readable Seg metadata ({error})"),
    }
}
