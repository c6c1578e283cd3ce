//! Segment runs and memberships: how `seg run` records who is in which segment, who joined and
//! who left, and the queries reports read.
//!
//! A run is staged and then applied at once. [`Store::begin_run`] opens a connection of the run's
//! own (so batches can be read from the store while members are written) and a staging table
//! in SQLite's per-connection `temp` schema; [`Run::add_members`] fills it, batch by batch.
//! [`Run::finish`] computes, per segment of the run and in SQL, `joined = new − old` and
//! `left = old − new`, records them in `changes`, applies them to `memberships` (those who stay
//! keep their `joined_at`), writes `segment_sizes` and the `runs` row — all in one
//! transaction. A run that never finishes (an error, a crash, SIGKILL) leaves nothing behind:
//! the staging table dies with its connection, the write-ahead log drops an uncommitted
//! transaction, and the previous memberships stay as they were.
//!
//! The segments of a run are the ones it evaluated; their `segments` rows are marked active and
//! every other segment inactive. A segment left out of a run keeps its memberships as of the
//! last run that evaluated it. `joined_at` is the as-of instant of the run in which the
//! customer joined (evaluation time, not wall-clock time).

use std::collections::HashSet;

use rusqlite::{params_from_iter, Connection, OpenFlags, OptionalExtension};
use seg_schema::Entity;

use crate::codec::export;
use crate::{Doing, Result, Store, StoreError};

/// A segment a run evaluates.
#[derive(Clone, Copy, Debug)]
pub struct SegmentInfo<'a> {
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
}

/// What a run is: when it started (wall-clock µs, read by the caller), the evaluation instant
/// (µs), the engine's name, the segments it evaluates.
#[derive(Clone, Copy, Debug)]
pub struct RunInfo<'a> {
    pub started_at: i64,
    pub as_of: i64,
    pub engine: &'a str,
    pub segments: &'a [SegmentInfo<'a>],
}

/// How a run ended: when (wall-clock µs) and how many customers it evaluated.
#[derive(Clone, Copy, Debug)]
pub struct Finish {
    pub finished_at: i64,
    pub customers: u64,
}

/// One segment's outcome in a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentSize {
    pub segment_id: String,
    pub members: u64,
    pub joined: u64,
    pub left: u64,
}

/// What [`Run::finish`] recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSummary {
    pub run_id: i64,
    /// In segment id order.
    pub segments: Vec<SegmentSize>,
}

/// A row of `runs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRecord {
    pub id: i64,
    pub started_at: i64,
    pub finished_at: i64,
    pub as_of: i64,
    pub engine: String,
    pub segment_count: u64,
    pub customer_count: u64,
}

/// A segment and its last run: sizes and times are `None` for a segment never run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentState {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Evaluated by the latest run.
    pub active: bool,
    pub last_run: Option<i64>,
    pub as_of: Option<i64>,
    pub finished_at: Option<i64>,
    pub members: Option<u64>,
    pub joined: Option<u64>,
    pub left: Option<u64>,
}

/// One segment's size at each run that evaluated it: `(segment id, [(run id, members)])`.
pub type SizeHistory = (String, Vec<(i64, u64)>);

/// How [`Store::combined_members`] combines segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combine {
    /// Members of any of the segments.
    Union,
    /// Members of every one of the segments.
    Intersection,
}

/// A run being staged; see the module docs.
pub struct Run {
    conn: Connection,
    started_at: i64,
    as_of: i64,
    engine: String,
    segments: Vec<(String, Option<String>, Option<String>)>,
    ids: HashSet<String>,
    /// Whether the staging transaction is open.
    staging: bool,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("as_of", &self.as_of)
            .field("segments", &self.segments.len())
            .finish()
    }
}

impl Store {
    /// Starts a run of `info.segments` (distinct ids). Nothing is visible in the store until
    /// [`Run::finish`].
    pub fn begin_run(&self, info: &RunInfo<'_>) -> Result<Run> {
        let mut ids = HashSet::new();
        for segment in info.segments {
            if !ids.insert(segment.id.to_string()) {
                return Err(StoreError::Invalid(format!(
                    "segment {:?} is given twice to one run",
                    segment.id
                )));
            }
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .doing("opening the store for a run")?;
        conn.busy_timeout(crate::BUSY_TIMEOUT)
            .doing("opening the store for a run")?;
        // A staging table left by a run of this connection cannot exist (temp tables die with
        // their connection); dropping first keeps that true whatever happens to SQLite.
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL;
             PRAGMA cache_size = -65536;
             DROP TABLE IF EXISTS temp.staged_members;
             DROP TABLE IF EXISTS temp.run_segments;
             CREATE TEMP TABLE staged_members (
               segment_id TEXT NOT NULL,
               customer_id TEXT NOT NULL,
               PRIMARY KEY (segment_id, customer_id)
             ) WITHOUT ROWID;
             CREATE TEMP TABLE run_segments (id TEXT PRIMARY KEY) WITHOUT ROWID;",
        )
        .doing("starting a run")?;
        {
            let mut stmt = conn
                .prepare("INSERT INTO temp.run_segments (id) VALUES (?1)")
                .doing("starting a run")?;
            for segment in info.segments {
                stmt.execute([segment.id]).doing("starting a run")?;
            }
        }
        Ok(Run {
            conn,
            started_at: info.started_at,
            as_of: info.as_of,
            engine: info.engine.to_string(),
            segments: info
                .segments
                .iter()
                .map(|s| {
                    (
                        s.id.to_string(),
                        s.name.map(str::to_string),
                        s.description.map(str::to_string),
                    )
                })
                .collect(),
            ids,
            staging: false,
        })
    }
}

impl Run {
    /// Adds members of one of the run's segments (call it per batch; a customer added twice
    /// counts once).
    pub fn add_members<S: AsRef<str>>(
        &mut self,
        segment_id: &str,
        customer_ids: &[S],
    ) -> Result<()> {
        if !self.ids.contains(segment_id) {
            return Err(StoreError::Invalid(format!(
                "segment {segment_id:?} is not one of the run's segments"
            )));
        }
        if !self.staging {
            self.conn.execute_batch("BEGIN").doing("staging members")?;
            self.staging = true;
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO temp.staged_members (segment_id, customer_id) VALUES (?1, ?2)",
            )
            .doing("staging members")?;
        for id in customer_ids {
            stmt.execute((segment_id, id.as_ref()))
                .doing("staging members")?;
        }
        Ok(())
    }

    /// Applies the run in one transaction (see the module docs) and records it.
    pub fn finish(self, finish: Finish) -> Result<RunSummary> {
        self.apply(finish, || Ok(()))
    }

    /// [`Run::finish`] with `before_commit` called inside the transaction, just before it
    /// commits (tests use it to kill the process there).
    #[doc(hidden)]
    pub fn finish_with_hook(
        self,
        finish: Finish,
        before_commit: impl FnOnce() -> Result<()>,
    ) -> Result<RunSummary> {
        self.apply(finish, before_commit)
    }

    fn apply(
        mut self,
        finish: Finish,
        before_commit: impl FnOnce() -> Result<()>,
    ) -> Result<RunSummary> {
        if self.staging {
            self.conn.execute_batch("COMMIT").doing("staging members")?;
            self.staging = false;
        }
        let as_of = self.as_of;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .doing("finishing the run")?;
        let doing = "finishing the run";
        tx.execute(
            "INSERT INTO runs (started_at, finished_at, as_of, engine, segment_count, customer_count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (
                self.started_at,
                finish.finished_at,
                as_of,
                &self.engine,
                self.segments.len() as i64,
                finish.customers as i64,
            ),
        )
        .doing(doing)?;
        let run_id = tx.last_insert_rowid();
        tx.execute("UPDATE segments SET active = 0 WHERE active = 1", [])
            .doing(doing)?;
        {
            let mut stmt = tx
                .prepare(
                    "INSERT INTO segments (id, name, description, active) VALUES (?1, ?2, ?3, 1)
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name,
                       description = excluded.description, active = 1",
                )
                .doing(doing)?;
            for (id, name, description) in &self.segments {
                stmt.execute((id, name, description)).doing(doing)?;
            }
        }
        tx.execute(
            "INSERT INTO changes (run_id, segment_id, customer_id, kind)
             SELECT ?1, s.segment_id, s.customer_id, 'joined' FROM temp.staged_members s
             WHERE NOT EXISTS (SELECT 1 FROM memberships m
                               WHERE m.segment_id = s.segment_id AND m.customer_id = s.customer_id)",
            [run_id],
        )
        .doing(doing)?;
        tx.execute(
            "INSERT INTO changes (run_id, segment_id, customer_id, kind)
             SELECT ?1, m.segment_id, m.customer_id, 'left' FROM memberships m
             WHERE m.segment_id IN (SELECT id FROM temp.run_segments)
               AND NOT EXISTS (SELECT 1 FROM temp.staged_members s
                               WHERE s.segment_id = m.segment_id AND s.customer_id = m.customer_id)",
            [run_id],
        )
        .doing(doing)?;
        tx.execute(
            "DELETE FROM memberships WHERE (segment_id, customer_id) IN
               (SELECT segment_id, customer_id FROM changes WHERE run_id = ?1 AND kind = 'left')",
            [run_id],
        )
        .doing(doing)?;
        tx.execute(
            "INSERT INTO memberships (segment_id, customer_id, joined_at)
             SELECT segment_id, customer_id, ?2 FROM changes WHERE run_id = ?1 AND kind = 'joined'",
            (run_id, as_of),
        )
        .doing(doing)?;
        tx.execute(
            "INSERT INTO segment_sizes (run_id, segment_id, members, joiners, leavers)
             SELECT ?1, r.id,
               (SELECT COUNT(*) FROM memberships m WHERE m.segment_id = r.id),
               (SELECT COUNT(*) FROM changes c WHERE c.run_id = ?1 AND c.segment_id = r.id AND c.kind = 'joined'),
               (SELECT COUNT(*) FROM changes c WHERE c.run_id = ?1 AND c.segment_id = r.id AND c.kind = 'left')
             FROM temp.run_segments r",
            [run_id],
        )
        .doing(doing)?;
        let segments = {
            let mut stmt = tx
                .prepare(
                    "SELECT segment_id, members, joiners, leavers FROM segment_sizes
                     WHERE run_id = ?1 ORDER BY segment_id",
                )
                .doing(doing)?;
            let rows = stmt
                .query_map([run_id], |row| {
                    Ok(SegmentSize {
                        segment_id: row.get(0)?,
                        members: count(row, 1)?,
                        joined: count(row, 2)?,
                        left: count(row, 3)?,
                    })
                })
                .doing(doing)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().doing(doing)?
        };
        before_commit()?;
        tx.commit().doing(doing)?;
        Ok(RunSummary { run_id, segments })
    }
}

// ---------------------------------------------------------------------------------------------
// Reports

impl Store {
    /// Every finished run, oldest first.
    pub fn runs(&self) -> Result<Vec<RunRecord>> {
        let doing = "reading runs";
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, started_at, finished_at, as_of, engine, segment_count, customer_count
                 FROM runs ORDER BY id",
            )
            .doing(doing)?;
        let rows = stmt
            .query_map([], |row| {
                Ok(RunRecord {
                    id: row.get(0)?,
                    started_at: row.get(1)?,
                    finished_at: row.get(2)?,
                    as_of: row.get(3)?,
                    engine: row.get(4)?,
                    segment_count: count(row, 5)?,
                    customer_count: count(row, 6)?,
                })
            })
            .doing(doing)?;
        rows.collect::<rusqlite::Result<_>>().doing(doing)
    }

    /// Every segment's size at each run that evaluated it: `(segment id, [(run id, members)])`,
    /// segments by id, runs oldest first (what `seg report --chart` draws).
    pub fn size_history(&self) -> Result<Vec<SizeHistory>> {
        let doing = "reading segment sizes";
        let mut stmt = self
            .conn
            .prepare(
                "SELECT segment_id, run_id, members FROM segment_sizes
                 ORDER BY segment_id, run_id",
            )
            .doing(doing)?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    count(row, 2)?,
                ))
            })
            .doing(doing)?;
        let mut history: Vec<SizeHistory> = Vec::new();
        for row in rows {
            let (segment, run, members) = row.doing(doing)?;
            match history.last_mut() {
                Some((last, points)) if *last == segment => points.push((run, members)),
                _ => history.push((segment, vec![(run, members)])),
            }
        }
        Ok(history)
    }

    /// Every segment ever run, by id, with its last run's sizes and times.
    pub fn segments(&self) -> Result<Vec<SegmentState>> {
        let doing = "reading segments";
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.id, s.name, s.description, s.active, z.run_id, r.as_of, r.finished_at,
                        z.members, z.joiners, z.leavers
                 FROM segments s
                 LEFT JOIN segment_sizes z ON z.segment_id = s.id AND z.run_id =
                   (SELECT MAX(run_id) FROM segment_sizes WHERE segment_id = s.id)
                 LEFT JOIN runs r ON r.id = z.run_id
                 ORDER BY s.id",
            )
            .doing(doing)?;
        let rows = stmt
            .query_map([], |row| {
                Ok(SegmentState {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    description: row.get(2)?,
                    active: row.get(3)?,
                    last_run: row.get(4)?,
                    as_of: row.get(5)?,
                    finished_at: row.get(6)?,
                    members: maybe_count(row, 7)?,
                    joined: maybe_count(row, 8)?,
                    left: maybe_count(row, 9)?,
                })
            })
            .doing(doing)?;
        rows.collect::<rusqlite::Result<_>>().doing(doing)
    }

    fn known_segments(&self, ids: &[&str]) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM segments WHERE id = ?1")
            .doing("reading segments")?;
        for id in ids {
            if stmt
                .query_row([id], |_| Ok(()))
                .optional()
                .doing("reading segments")?
                .is_none()
            {
                return Err(StoreError::Invalid(format!(
                    "no segment {id:?} in the store (it has never been run)"
                )));
            }
        }
        Ok(())
    }

    /// A page of a segment's members in customer-id order: at most `limit` ids after `after`
    /// (from the start when `None`). Pass the last id of a page to get the next.
    pub fn members(
        &self,
        segment_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>> {
        let mut page = Vec::new();
        self.for_each_member(segment_id, after, limit, |id| {
            page.push(id.to_string());
            Ok::<(), StoreError>(())
        })?;
        Ok(page)
    }

    /// Streams a segment's members in customer-id order to `f` (at most `limit`, after `after`).
    pub fn for_each_member<E: From<StoreError>>(
        &self,
        segment_id: &str,
        after: Option<&str>,
        limit: usize,
        f: impl FnMut(&str) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.combined(Combine::Union, &[segment_id], after, limit, f)
    }

    /// A page of the members of several segments combined, in customer-id order.
    pub fn combined_members(
        &self,
        op: Combine,
        segment_ids: &[&str],
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>> {
        let mut page = Vec::new();
        self.combined(op, segment_ids, after, limit, |id| {
            page.push(id.to_string());
            Ok::<(), StoreError>(())
        })?;
        Ok(page)
    }

    /// Streams the members of several segments combined to `f`, in customer-id order.
    pub fn combined<E: From<StoreError>>(
        &self,
        op: Combine,
        segment_ids: &[&str],
        after: Option<&str>,
        limit: usize,
        mut f: impl FnMut(&str) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let doing = "reading members";
        self.known_segments(segment_ids)?;
        let mut distinct: Vec<&str> = segment_ids.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.is_empty() {
            return Ok(());
        }
        let marks: Vec<String> = (0..distinct.len()).map(|i| format!("?{}", i + 3)).collect();
        let sql = if distinct.len() == 1 {
            "SELECT customer_id FROM memberships WHERE segment_id = ?3 AND customer_id > ?1
             ORDER BY customer_id LIMIT ?2"
                .to_string()
        } else {
            let having = match op {
                Combine::Union => String::new(),
                Combine::Intersection => format!(" HAVING COUNT(*) = {}", distinct.len()),
            };
            format!(
                "SELECT customer_id FROM memberships WHERE segment_id IN ({}) AND customer_id > ?1
                 GROUP BY customer_id{having} ORDER BY customer_id LIMIT ?2",
                marks.join(", ")
            )
        };
        let mut stmt = self.conn.prepare_cached(&sql).doing(doing)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let params: Vec<rusqlite::types::Value> = [
            rusqlite::types::Value::Text(after.unwrap_or("").to_string()),
            rusqlite::types::Value::Integer(limit),
        ]
        .into_iter()
        .chain(
            distinct
                .iter()
                .map(|s| rusqlite::types::Value::Text(s.to_string())),
        )
        .collect();
        let mut rows = stmt.query(params_from_iter(params)).doing(doing)?;
        while let Some(row) = rows.next().doing(doing)? {
            let id = row.get_ref(0).doing(doing)?;
            let id = id.as_str().map_err(|_| StoreError::Corrupt {
                table: "memberships".into(),
                key: "?".into(),
                column: "customer_id".into(),
                message: "not text".into(),
            })?;
            f(id)?;
        }
        Ok(())
    }

    /// The changes of one segment in one run: `(customer id, joined)` (`false` for left), in
    /// customer-id order.
    pub fn changes(&self, run_id: i64, segment_id: &str) -> Result<Vec<(String, bool)>> {
        let doing = "reading changes";
        let mut stmt = self
            .conn
            .prepare(
                "SELECT customer_id, kind = 'joined' FROM changes
                 WHERE run_id = ?1 AND segment_id = ?2 ORDER BY customer_id",
            )
            .doing(doing)?;
        let rows = stmt
            .query_map((run_id, segment_id), |row| Ok((row.get(0)?, row.get(1)?)))
            .doing(doing)?;
        rows.collect::<rusqlite::Result<_>>().doing(doing)
    }

    /// The SQL expressions and types of export columns: `id`, `logged_in`, `website` or a
    /// customer attribute code of the store's schema.
    fn export_columns(&self, columns: &[&str]) -> Result<Vec<(String, seg_schema::AttrType)>> {
        use seg_schema::AttrType;
        let attributes = self.stored.attributes(Entity::Customer);
        columns
            .iter()
            .map(|&name| match name {
                "id" | "website" => Ok((format!("c.{name}"), AttrType::String)),
                "logged_in" => Ok(("c.logged_in".to_string(), AttrType::Boolean)),
                code => match attributes.iter().find(|a| a.code == code) {
                    Some(a) => Ok((format!("c.{}", crate::attribute_column(&a.code)), a.ty)),
                    None => {
                        let known: Vec<&str> = ["id", "logged_in", "website"]
                            .into_iter()
                            .chain(attributes.iter().map(|a| a.code.as_str()))
                            .collect();
                        Err(StoreError::Invalid(format!(
                            "no customer column {code:?} (columns: {})",
                            known.join(", ")
                        )))
                    }
                },
            })
            .collect()
    }

    /// Customer columns for export (see [`Store::export_members`] for names and value forms),
    /// one row per id in the order given; `None` for an id the store does not have.
    pub fn customer_columns(
        &self,
        ids: &[&str],
        columns: &[&str],
    ) -> Result<Vec<Option<Vec<serde_json::Value>>>> {
        let doing = "reading customers";
        let exprs = self.export_columns(columns)?;
        let select: Vec<&str> = exprs.iter().map(|(e, _)| e.as_str()).collect();
        let select = if select.is_empty() {
            "1".to_string()
        } else {
            select.join(", ")
        };
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {select} FROM customers c WHERE c.id = ?1"))
            .doing(doing)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let mut rows = stmt.query([id]).doing(doing)?;
            let values = match rows.next().doing(doing)? {
                Some(row) => Some(export_row(row, 0, &exprs, id)?),
                None => None,
            };
            out.push(values);
        }
        Ok(out)
    }

    /// Streams a segment's members with customer columns to `f`, in customer-id order (one
    /// ordered join of `memberships` and `customers`). Columns are `id`, `logged_in`, `website`
    /// or customer attribute codes; values are JSON: strings, numbers (decimals exact),
    /// booleans, dates `YYYY-MM-DD`, datetimes RFC 3339 UTC, options by text, multiselects as
    /// arrays, `null` for empty.
    pub fn export_members<E: From<StoreError>>(
        &self,
        segment_id: &str,
        columns: &[&str],
        mut f: impl FnMut(&str, Vec<serde_json::Value>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let doing = "exporting members";
        self.known_segments(&[segment_id])?;
        let exprs = self.export_columns(columns)?;
        let select: String = exprs.iter().map(|(e, _)| format!(", {e}")).collect();
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT m.customer_id{select} FROM memberships m
                 JOIN customers c ON c.id = m.customer_id
                 WHERE m.segment_id = ?1 ORDER BY m.customer_id"
            ))
            .doing(doing)?;
        let mut rows = stmt.query([segment_id]).doing(doing)?;
        while let Some(row) = rows.next().doing(doing)? {
            let id: String = row.get(0).doing(doing)?;
            let values = export_row(row, 1, &exprs, &id)?;
            f(&id, values)?;
        }
        Ok(())
    }
}

/// A count column (SQLite integers are signed; a negative count reads as 0).
pub(crate) fn count(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<u64> {
    row.get::<_, i64>(index).map(|n| n.max(0) as u64)
}

fn maybe_count(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Option<u64>> {
    row.get::<_, Option<i64>>(index)
        .map(|n| n.map(|n| n.max(0) as u64))
}

fn export_row(
    row: &rusqlite::Row<'_>,
    first: usize,
    exprs: &[(String, seg_schema::AttrType)],
    id: &str,
) -> Result<Vec<serde_json::Value>> {
    exprs
        .iter()
        .enumerate()
        .map(|(i, (expr, ty))| {
            let stored = row.get_ref(first + i).doing("reading customers")?;
            export(stored, *ty).map_err(|message| StoreError::Corrupt {
                table: "customers".into(),
                key: format!("{id:?}"),
                column: expr.trim_start_matches("c.").to_string(),
                message,
            })
        })
        .collect()
}
