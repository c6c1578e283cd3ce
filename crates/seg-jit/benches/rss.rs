//! Memory across compile/free cycles: compiles the five-condition segment 100,000 times,
//! dropping each `JitProgram` (which frees its code), and prints the resident set size every
//! 10,000 cycles. Flat figures mean compiled code is returned. Run with
//! `cargo bench -p seg-jit --bench rss` (Linux: reads /proc/self/statm).

use seg_diag::FileId;
use seg_jit::{JitProgram, Tier};

const SCHEMA: &str = include_str!("../../../tests/check/schema.json");
const FIVE: &str = include_str!("five.seg");

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is taken as the number of cycles.
    let cycles: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let schema = seg_schema::parse_schema(FileId(1), SCHEMA).0;
    let (module, _) = seg_syntax::parse(FileId(0), FIVE);
    let checked = seg_check::check(&[(FileId(0), &module)], &schema);
    let program = seg_ir::lower(&checked.program, &schema);
    for tier in [Tier::Fast, Tier::Optimized] {
        // Warm up allocator pools and the target's one-time setup.
        for _ in 0..1_000 {
            drop(JitProgram::compile_with(&program, tier).unwrap());
        }
        let start = std::time::Instant::now();
        let first = rss_kib();
        println!("{tier:?}: {cycles} compile/free cycles");
        println!("{:>8} cycles  RSS {:>7} KiB", 0, first);
        for i in 1..=cycles {
            drop(JitProgram::compile_with(&program, tier).unwrap());
            if i % (cycles / 10).max(1) == 0 {
                println!("{i:>8} cycles  RSS {:>7} KiB", rss_kib());
            }
        }
        let last = rss_kib();
        println!(
            "{tier:?}: RSS {first} KiB -> {last} KiB ({:+} KiB), {:.1} µs per compile/free",
            last as i64 - first as i64,
            start.elapsed().as_secs_f64() * 1e6 / cycles as f64
        );
    }
}
