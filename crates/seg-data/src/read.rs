//! Streaming profiles: records split from any byte stream without holding the input, loaded a
//! chunk at a time into a [`Batch`].
//!
//! Reading has two stages so that they can run on different threads: [`Records`] cuts the input
//! into raw records with the line each starts on (cheap: it only looks for line ends), and
//! [`ProfileLoader::load_chunk`] parses and types a chunk of them into a batch (the costly
//! part, done in parallel by the caller when it wants).
//!
//! The rules are the ones `load::load_profiles` applies to a whole text (§5, §7):
//! - NDJSON: every non-blank line is a record; a malformed line is an error for that line only.
//!   A line that is not UTF-8 is an error for that line too (its column named), never for the
//!   input.
//! - One JSON value over many lines (a pretty-printed profile): when the first non-blank line is
//!   not a JSON value by itself, the rest of the input is read and split exactly as
//!   `load_profiles` splits a text (one record when it is one value, else a record per line).
//!   Such input holds one profile, so holding it costs nothing.
//! - A leading byte-order mark is not data.

use std::collections::VecDeque;
use std::io::{self, BufRead};
use std::sync::Arc;

use seg_schema::Schema;

use crate::batch::{Batch, Shape};
use crate::intern::Interner;
use crate::layout::Catalog;
use crate::load::{self, DataError};

/// One record's text and the 1-based line it starts on; `Err` when its bytes are not UTF-8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRecord {
    pub line: usize,
    pub text: Result<String, String>,
}

/// Splits a byte stream into [`RawRecord`]s (see the module docs).
pub struct Records<R> {
    input: R,
    /// Lines read so far.
    line: usize,
    /// Records split already, waiting to be handed out (the many-line case).
    pending: VecDeque<RawRecord>,
    started: bool,
    buffer: Vec<u8>,
}

const JSON_WHITESPACE: &[u8] = b" \t\n\r";

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| JSON_WHITESPACE.contains(b))
}

fn decode(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the record is not UTF-8 (bad byte at column {})",
            e.utf8_error().valid_up_to() + 1
        )
    })
}

impl<R: BufRead> Records<R> {
    pub fn new(input: R) -> Records<R> {
        Records {
            input,
            line: 0,
            pending: VecDeque::new(),
            started: false,
            buffer: Vec::new(),
        }
    }

    /// The next line's bytes without its line end, or `None` at the end of input.
    fn next_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        self.buffer.clear();
        if self.input.read_until(b'\n', &mut self.buffer)? == 0 {
            return Ok(None);
        }
        self.line += 1;
        let mut bytes = std::mem::take(&mut self.buffer);
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        }
        if self.line == 1 {
            if let Some(rest) = bytes.strip_prefix("\u{feff}".as_bytes()) {
                bytes = rest.to_vec();
            }
        }
        Ok(Some(bytes))
    }

    /// The first record decides the mode: a line that is a JSON value starts NDJSON; anything
    /// else makes the whole input one text, split as `load_profiles` splits it.
    fn start(&mut self) -> io::Result<Option<RawRecord>> {
        self.started = true;
        loop {
            let Some(bytes) = self.next_line()? else {
                return Ok(None);
            };
            if is_blank(&bytes) {
                continue;
            }
            let line = self.line;
            if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok() {
                return Ok(Some(RawRecord {
                    line,
                    text: decode(bytes),
                }));
            }
            // Many lines: read the rest and split it as a whole text. The lines before this
            // one were blank and are counted back in.
            let mut rest = bytes;
            rest.push(b'\n');
            self.input.read_to_end(&mut rest)?;
            match String::from_utf8(rest) {
                Ok(text) => {
                    let skipped = "\n".repeat(line - 1);
                    let records = load::split_texts(&format!("{skipped}{text}"));
                    self.pending
                        .extend(records.into_iter().map(|(line, text)| RawRecord {
                            line,
                            text: Ok(text),
                        }));
                }
                // Not one JSON value (which would be UTF-8): a record per non-blank line.
                Err(e) => {
                    let bytes = e.into_bytes();
                    for (index, part) in bytes.split(|&b| b == b'\n').enumerate() {
                        let part = part.strip_suffix(b"\r").unwrap_or(part);
                        if !is_blank(part) {
                            self.pending.push_back(RawRecord {
                                line: line + index,
                                text: decode(part.to_vec()),
                            });
                        }
                    }
                }
            }
            return Ok(self.pending.pop_front());
        }
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = io::Result<RawRecord>;

    fn next(&mut self) -> Option<io::Result<RawRecord>> {
        if !self.started {
            return self.start().transpose();
        }
        if let Some(record) = self.pending.pop_front() {
            return Some(Ok(record));
        }
        loop {
            match self.next_line() {
                Err(e) => return Some(Err(e)),
                Ok(None) => return None,
                Ok(Some(bytes)) if is_blank(&bytes) => continue,
                Ok(Some(bytes)) => {
                    return Some(Ok(RawRecord {
                        line: self.line,
                        text: decode(bytes),
                    }))
                }
            }
        }
    }
}

/// Reads at most `rows` records (fewer at the end of input; empty when it is over).
pub fn chunk<R: BufRead>(records: &mut Records<R>, rows: usize) -> io::Result<Vec<RawRecord>> {
    let mut chunk = Vec::with_capacity(rows.min(1 << 16));
    for record in records.by_ref() {
        chunk.push(record?);
        if chunk.len() == rows {
            break;
        }
    }
    Ok(chunk)
}

/// What loading a chunk gives: the batch of the records that loaded and, per record in input
/// order, its row in the batch or its error.
pub struct Loaded {
    pub batch: Batch,
    pub records: Vec<Result<usize, DataError>>,
}

/// Loads records into batches; prepared once per schema and catalog (shared by threads).
pub struct ProfileLoader<'s> {
    schema: &'s Schema,
    catalog: &'s Catalog,
    base: Arc<Interner>,
    shape: Shape,
}

impl<'s> ProfileLoader<'s> {
    /// `base` is the interner the catalog was loaded with; every batch is layered over it.
    pub fn new(schema: &'s Schema, catalog: &'s Catalog, base: Arc<Interner>) -> ProfileLoader<'s> {
        let shape = Shape {
            customer: schema.attributes(seg_schema::Entity::Customer).len(),
        };
        ProfileLoader {
            schema,
            catalog,
            base,
            shape,
        }
    }

    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// An empty batch of this loader's shape and base.
    pub fn batch(&self) -> Batch {
        Batch::new(self.shape, self.base.clone())
    }

    /// Parses and types every record of a chunk into a new batch.
    pub fn load_chunk(&self, chunk: Vec<RawRecord>) -> Loaded {
        self.load_chunk_into(chunk, self.batch())
    }

    /// [`ProfileLoader::load_chunk`] into a batch of this loader's that is emptied first (its
    /// columns keep their memory: reusing batches saves most of a chunk's allocations).
    pub fn load_chunk_into(&self, chunk: Vec<RawRecord>, mut batch: Batch) -> Loaded {
        batch.clear();
        let reader = load::ProfileReader::new(self.schema, self.catalog);
        let records = chunk
            .into_iter()
            .map(|record| {
                let text = record.text.map_err(|message| DataError {
                    line: record.line,
                    id: None,
                    field: String::new(),
                    message,
                })?;
                let profile = reader.load_text(&text, record.line, batch.interner_mut())?;
                Ok(batch.push(profile))
            })
            .collect();
        Loaded { batch, records }
    }
}
