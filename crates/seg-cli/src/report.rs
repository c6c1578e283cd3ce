//! `seg report`: what Magento's admin shows about segments, from the command line.
//!
//! - the segments table: id, name, members, who joined and left at the last run, when it ran
//!   (`--format table|json`);
//! - `--combine union|intersection SEG…`: the customers of several segments combined
//!   (Magento's combined report), one id per line or a JSON document;
//! - `--chart FILE.svg`: segment sizes over the stored runs, drawn with `plotters`.

use std::io::Write;
use std::path::Path;

use seg_store::{Combine, SegmentState, Store};

use crate::store::store_error;
use crate::{usage_failure, UsageError};

/// How `seg report` prints.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// One JSON document for programs.
    Json,
}

/// How `--combine` combines segments.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CombineArg {
    /// Customers in any of the segments.
    Union,
    /// Customers in every one of the segments.
    Intersection,
}

pub struct Options<'a> {
    pub store: &'a Path,
    pub format: Format,
    pub combine: Option<CombineArg>,
    pub segments: &'a [String],
    pub chart: Option<&'a Path>,
}

pub fn run(options: Options) -> u8 {
    match report(options) {
        Ok(()) => 0,
        Err(error) => usage_failure(error),
    }
}

fn report(options: Options) -> Result<(), UsageError> {
    let store = Store::open(options.store).map_err(store_error)?;
    if let Some(path) = options.chart {
        chart(&store, path)?;
        eprintln!("wrote {}", path.display());
    }
    match (options.combine, options.segments) {
        (Some(combine), segments) if !segments.is_empty() => {
            combined(&store, combine, segments, options.format)
        }
        (Some(_), _) => Err(UsageError(
            "--combine needs the segments to combine: seg report --combine union SEG SEG…".into(),
        )),
        (None, [first, ..]) => Err(UsageError(format!(
            "segment ids ({first}, …) are for --combine union|intersection; \
             `seg export {first}` lists one segment's members"
        ))),
        (None, []) if options.chart.is_some() => Ok(()),
        (None, []) => match options.format {
            Format::Table => print_table(&store),
            Format::Json => print_json(&store),
        },
    }
}

/// An instant as people read it: RFC 3339 in UTC, to the second.
fn when(micros: Option<i64>) -> String {
    micros.map_or_else(
        || "never".to_string(),
        |m| seg_store::format_datetime(m - m.rem_euclid(1_000_000)),
    )
}

fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "-".to_string(), |n| n.to_string())
}

/// The segments table on stdout.
pub fn print_table(store: &Store) -> Result<(), UsageError> {
    let segments = store.segments().map_err(store_error)?;
    let header = ["segment", "name", "members", "joined", "left", "last run"];
    let rows: Vec<[String; 6]> = segments
        .iter()
        .map(|s| {
            [
                if s.active {
                    s.id.clone()
                } else {
                    format!("{} (not in the last run)", s.id)
                },
                s.name.clone().unwrap_or_default(),
                count(s.members),
                count(s.joined),
                count(s.left),
                when(s.finished_at),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let pad = width - cell.chars().count();
            // Numbers right-aligned, text left-aligned.
            if (2..5).contains(&i) {
                text.push_str(&" ".repeat(pad));
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            }
            text.push_str("  ");
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&header.map(String::from));
    for row in &rows {
        line(row);
    }
    if rows.is_empty() {
        out.push_str("(no segment has been run on this store: seg run --store STORE SEGMENTS)\n");
    }
    write_stdout(&out)
}

#[derive(serde::Serialize)]
struct SegmentJson<'a> {
    id: &'a str,
    name: Option<&'a str>,
    description: Option<&'a str>,
    active: bool,
    members: Option<u64>,
    joined: Option<u64>,
    left: Option<u64>,
    last_run: Option<i64>,
    as_of: Option<String>,
    finished_at: Option<String>,
}

fn print_json(store: &Store) -> Result<(), UsageError> {
    let segments = store.segments().map_err(store_error)?;
    let list: Vec<SegmentJson> = segments
        .iter()
        .map(|s: &SegmentState| SegmentJson {
            id: &s.id,
            name: s.name.as_deref(),
            description: s.description.as_deref(),
            active: s.active,
            members: s.members,
            joined: s.joined,
            left: s.left,
            last_run: s.last_run,
            as_of: s.as_of.map(seg_store::format_datetime),
            finished_at: s.finished_at.map(seg_store::format_datetime),
        })
        .collect();
    #[derive(serde::Serialize)]
    struct Report<'a> {
        segments: Vec<SegmentJson<'a>>,
    }
    let text = serde_json::to_string_pretty(&Report { segments: list })
        .map_err(|e| UsageError(format!("cannot encode the report: {e}")))?;
    write_stdout(&format!("{text}\n"))
}

fn combined(
    store: &Store,
    combine: CombineArg,
    segments: &[String],
    format: Format,
) -> Result<(), UsageError> {
    let ids: Vec<&str> = segments.iter().map(String::as_str).collect();
    let op = match combine {
        CombineArg::Union => Combine::Union,
        CombineArg::Intersection => Combine::Intersection,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let write_error = |e: std::io::Error| UsageError(format!("cannot write the report: {e}"));
    let mut members = 0u64;
    match format {
        Format::Table => {
            store.combined(op, &ids, None, usize::MAX, |id| {
                members += 1;
                writeln!(out, "{id}").map_err(write_error)
            })?;
        }
        Format::Json => {
            let mut customers = Vec::new();
            store.combined(op, &ids, None, usize::MAX, |id| {
                customers.push(id.to_string());
                Ok::<(), UsageError>(())
            })?;
            members = customers.len() as u64;
            let name = match combine {
                CombineArg::Union => "union",
                CombineArg::Intersection => "intersection",
            };
            let document = serde_json::json!({
                "combine": name,
                "segments": ids,
                "members": members,
                "customers": customers,
            });
            writeln!(out, "{document}").map_err(write_error)?;
        }
    }
    out.flush().map_err(write_error)?;
    eprintln!(
        "{members} customer(s) in the {} of {}",
        match combine {
            CombineArg::Union => "union",
            CombineArg::Intersection => "intersection",
        },
        ids.join(", ")
    );
    Ok(())
}

fn write_stdout(text: &str) -> Result<(), UsageError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| UsageError(format!("cannot write the report: {e}")))
}

/// Segment sizes over the stored runs, one line per segment, written to a temporary file and
/// renamed (a failed chart never leaves half a file).
fn chart(store: &Store, path: &Path) -> Result<(), UsageError> {
    use plotters::prelude::*;
    let history = store.size_history().map_err(store_error)?;
    let runs = store.runs().map_err(store_error)?;
    if runs.is_empty() {
        return Err(UsageError(
            "no run is stored yet: seg run --store STORE SEGMENTS first".into(),
        ));
    }
    let first = runs.first().map_or(0, |r| r.id);
    let last = runs.last().map_or(1, |r| r.id).max(first + 1);
    let top = history
        .iter()
        .flat_map(|(_, points)| points.iter().map(|&(_, size)| size))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 540)).into_drawing_area();
        let draw = |e: &dyn std::fmt::Display| UsageError(format!("cannot draw the chart: {e}"));
        root.fill(&WHITE).map_err(|e| draw(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Segment sizes by run", ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .right_y_label_area_size(0)
            .build_cartesian_2d(first..last, 0u64..top + top / 10 + 1)
            .map_err(|e| draw(&e))?;
        chart
            .configure_mesh()
            .x_desc("run")
            .y_desc("members")
            .x_labels((last - first + 1).min(12) as usize)
            .draw()
            .map_err(|e| draw(&e))?;
        for (index, (segment, points)) in history.iter().enumerate() {
            let color = Palette99::pick(index).to_rgba();
            chart
                .draw_series(LineSeries::new(
                    points.iter().map(|&(run, size)| (run, size)),
                    color.stroke_width(2),
                ))
                .map_err(|e| draw(&e))?
                .label(segment.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(|e| draw(&e))?;
        root.present().map_err(|e| draw(&e))?;
    }
    crate::export::write_atomically(path, |out| {
        out.write_all(svg.as_bytes())
            .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))
    })
}
