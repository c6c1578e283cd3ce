//! The `seg` binary as CI and scripts use it (§7): exit codes, output formats on the right
//! stream, `seg.toml` discovery, `seg explain`, and bad input that must never panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn seg(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seg"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("seg runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch project folder with a schema, a seg.toml and the given segment files.
fn project(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("seg-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("segments/nested")).unwrap();
    std::fs::write(
        dir.join("schema.json"),
        r#"{"customer": [
            {"code": "group", "label": "Group", "type": "select", "options": ["General", "VIP"], "use_in_customer_segment": true},
            {"code": "dob", "label": "Date of Birth", "type": "date", "use_in_customer_segment": false}
        ],
        "customer_address": [
            {"code": "city", "label": "City", "type": "string", "use_in_customer_segment": true}
        ]}"#,
    )
    .unwrap();
    std::fs::write(dir.join("seg.toml"), "schema = \"schema.json\"\n").unwrap();
    for (path, content) in files {
        std::fs::write(dir.join(path), content).unwrap();
    }
    dir
}

const CLEAN: &str = "segment vip {\n  applies_to registered\n  customer.group is \"VIP\"\n}\n";
const BROKEN: &str = "segment bad {\n  applies_to registered\n  customer.gropu is \"VIP\"\n}\n";
const WARNING: &str = "segment warn {\n  customer.group is \"VIP\"\n}\n";

#[test]
fn clean_files_exit_0_and_say_so() {
    let dir = project("clean", &[("segments/a.seg", CLEAN)]);
    let out = seg(&["check", "segments"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("checked 1 segment in 1 file: no problems"));
}

#[test]
fn errors_exit_1_with_a_rendered_report() {
    let dir = project(
        "errors",
        &[("segments/a.seg", CLEAN), ("segments/nested/b.seg", BROKEN)],
    );
    let out = seg(&["check", "segments"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("E0201"), "{err}");
    assert!(err.contains("segments/nested/b.seg"), "{err}");
    assert!(err.contains("did you mean `group`?"), "{err}");
}

#[test]
fn warnings_alone_exit_0() {
    let dir = project("warnings", &[("segments/a.seg", WARNING)]);
    let out = seg(&["check", "segments"], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("W0602"));
}

#[test]
fn json_format_is_an_array_on_stdout() {
    let dir = project("json", &[("segments/b.seg", BROKEN)]);
    let out = seg(&["check", "--format", "json", "segments/b.seg"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.trim_start().starts_with('['), "{stdout}");
    for key in [
        "\"code\"",
        "\"severity\"",
        "\"file\"",
        "\"line\"",
        "\"column\"",
        "\"end_line\"",
        "\"end_column\"",
        "\"message\"",
        "\"help\"",
    ] {
        assert!(stdout.contains(key), "{key} missing in {stdout}");
    }
    assert!(
        stdout.contains("\"line\":3") || stdout.contains("\"line\": 3"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\"column\":12") || stdout.contains("\"column\": 12"),
        "{stdout}"
    );
}

#[test]
fn github_format_annotates_lines() {
    let dir = project("github", &[("segments/b.seg", BROKEN)]);
    let out = seg(&["check", "--format", "github", "segments"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("::error file=segments/b.seg,line=3,col=12"),
        "{stdout}"
    );
}

#[test]
fn sarif_format_is_sarif_2_1_0() {
    let dir = project("sarif", &[("segments/b.seg", BROKEN)]);
    let out = seg(&["check", "--format", "sarif", "segments"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("\"version\":\"2.1.0\"") || stdout.contains("\"version\": \"2.1.0\""),
        "{stdout}"
    );
    assert!(stdout.contains("E0201"));
}

#[test]
fn schema_flag_overrides_seg_toml_and_missing_schema_is_usage_error() {
    let dir = project("schema-flag", &[("segments/a.seg", CLEAN)]);
    std::fs::remove_file(dir.join("seg.toml")).unwrap();
    let out = seg(&["check", "segments"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no attribute schema"));
    let out = seg(&["check", "--schema", "schema.json", "segments"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn seg_toml_is_found_from_a_nested_folder() {
    let dir = project("nested", &[("segments/nested/a.seg", CLEAN)]);
    let out = seg(&["check", "a.seg"], &dir.join("segments/nested"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn broken_seg_toml_and_missing_paths_are_usage_errors() {
    let dir = project("usage", &[("segments/a.seg", CLEAN)]);
    let out = seg(&["check", "nowhere"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nowhere"));
    std::fs::write(dir.join("seg.toml"), "schema = [1\n").unwrap();
    let out = seg(&["check", "segments"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("seg.toml"));
    let out = seg(&["check"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let out = seg(&["check", "--format", "xml", "segments"], &dir);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn malformed_schema_is_reported_with_its_line() {
    let dir = project("bad-schema", &[("segments/a.seg", CLEAN)]);
    std::fs::write(
        dir.join("schema.json"),
        "{\n  \"customer\": [\n    {\"code\": \"group\", \"type\": \"selec\"}\n  ]\n}\n",
    )
    .unwrap();
    let out = seg(&["check", "segments"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("schema.json:3"), "{err}");
}

#[test]
fn explain_prints_pages_and_rejects_unknown_codes() {
    let dir = std::env::temp_dir();
    let out = seg(&["explain", "E0202"], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("use_in_customer_segment"));
    let out = seg(&["explain", "e0202"], &dir);
    assert_eq!(out.status.code(), Some(0));
    let out = seg(&["explain", "E9999"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let out = seg(&["explain"], &dir);
    assert!(text(&out.stdout).contains("W0602"));
}

#[test]
fn hostile_files_get_diagnostics_not_panics() {
    let deep = format!(
        "segment deep {{ {} cart.subtotal > 1 {} }}",
        "not ".repeat(100_000),
        ""
    );
    let nested = format!(
        "segment nested {{ {} cart.subtotal > 1 {} }}",
        "all { ".repeat(100_000),
        "} ".repeat(100_000)
    );
    let dir = project(
        "hostile",
        &[
            ("segments/deep.seg", &deep),
            ("segments/nested.seg", &nested),
            ("segments/empty.seg", ""),
        ],
    );
    std::fs::write(dir.join("segments/nul.seg"), b"segment n {\0}").unwrap();
    std::fs::write(
        dir.join("segments/latin1.seg"),
        b"segment l { any addresses { city is \"K\xf6ln\" } }",
    )
    .unwrap();
    let out = seg(&["check", "--format", "json", "segments"], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for code in ["E0001", "E0002", "E0003", "W0005"] {
        assert!(stdout.contains(code), "{code} missing: {stdout}");
    }
    assert!(!text(&out.stderr).contains("panicked"));
}

const EVAL_SEGMENTS: &str = r#"segment vip { applies_to registered  customer.group is "VIP" }
segment big_cart { cart.subtotal >= 100 }
segment off { active false  cart.subtotal >= 0 }
"#;

#[test]
fn eval_writes_one_line_per_profile_in_input_order() {
    let dir = project("eval", &[("segments/a.seg", EVAL_SEGMENTS)]);
    std::fs::write(
        dir.join("profiles.ndjson"),
        concat!(
            "{\"id\": \"c2\", \"logged_in\": true, \"customer\": {\"group\": \"vip\"}, \"cart\": {\"subtotal\": \"120.00\"}}\n",
            "{\"id\": \"bad\", \"cart\": {\"subtotal\": \"lots\"}}\n",
            "{\"id\": \"c1\", \"cart\": {\"subtotal\": 99.99}}\n",
        ),
    )
    .unwrap();
    let out = seg(
        &[
            "eval",
            "--as-of",
            "2026-11-28T12:00:00Z",
            "--profiles",
            "profiles.ndjson",
            "segments",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert_eq!(lines[0], r#"{"id":"c2","segments":["big_cart","vip"]}"#);
    assert!(
        lines[1].starts_with(r#"{"error":"#) || lines[1].contains(r#""id":"bad""#),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("cart.subtotal"), "{}", lines[1]);
    assert_eq!(lines[2], r#"{"id":"c1","segments":[]}"#);
    assert!(text(&out.stderr).contains("cart.subtotal"));
}

#[test]
fn eval_reads_stdin_and_explains_as_json() {
    let dir = project("eval-explain", &[("segments/a.seg", EVAL_SEGMENTS)]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_seg"))
        .args([
            "eval",
            "--as-of",
            "2026-11-28T12:00:00Z",
            "--explain",
            "--explain-format",
            "json",
            "--profiles",
            "-",
            "segments",
        ])
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"id\": \"c1\", \"cart\": {\"subtotal\": \"87.50\"}}")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("cart.subtotal = 87.50, needs >= 100.00"),
        "{stdout}"
    );
    assert!(stdout.contains("\"explain\""), "{stdout}");
}

#[test]
fn eval_refuses_segments_with_errors_and_bad_as_of() {
    let dir = project("eval-errors", &[("segments/b.seg", BROKEN)]);
    std::fs::write(dir.join("p.json"), "{\"id\": \"x\"}").unwrap();
    let out = seg(&["eval", "--profiles", "p.json", "segments"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("E0201"));
    let dir = project("eval-as-of", &[("segments/a.seg", CLEAN)]);
    std::fs::write(dir.join("p.json"), "{\"id\": \"x\"}").unwrap();
    let out = seg(
        &[
            "eval",
            "--as-of",
            "yesterday",
            "--profiles",
            "p.json",
            "segments",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--as-of"));
}

#[test]
fn explain_text_shows_the_deciding_elements_and_values() {
    let segments = "segment seoul { applies_to registered  any addresses { city is \"Seoul\" } }\n";
    let dir = project("explain-text", &[("segments/a.seg", segments)]);
    std::fs::write(
        dir.join("p.json"),
        "{\"id\": \"c\", \"logged_in\": true, \"addresses\": [{\"city\": \"Busan\"}, {\"city\": \"SEOUL\"}]}",
    )
    .unwrap();
    let out = seg(
        &[
            "eval",
            "--as-of",
            "2026-11-28T12:00:00Z",
            "--explain",
            "--explain-format",
            "text",
            "--profiles",
            "p.json",
            "segments",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let expected = "{\"id\":\"c\",\"segments\":[\"seoul\"]}
segment seoul: applies_to registered (logged in) fits → true
  any addresses [1 of 2 element(s) in the window matched] → true
    element #0 → false
      all → false
        city = \"Busan\", needs is \"seoul\" → false
    element #1 → true
      all → true
        city = \"SEOUL\", needs is \"seoul\" → true
";
    assert_eq!(stdout, expected);
}

#[test]
fn fmt_check_reports_files_that_would_change() {
    let dir = project(
        "fmt",
        &[(
            "segments/a.seg",
            "segment   vip {applies_to registered customer.group == \"VIP\"}\n",
        )],
    );
    let out = seg(&["fmt", "--check", "segments"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("would reformat segments/a.seg"));
    let out = seg(&["fmt", "segments"], &dir);
    assert_eq!(out.status.code(), Some(0));
    let formatted = std::fs::read_to_string(dir.join("segments/a.seg")).unwrap();
    assert_eq!(
        formatted,
        "segment vip {\n  applies_to registered\n  customer.group is \"VIP\"\n}\n"
    );
    let out = seg(&["fmt", "--check", "segments"], &dir);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_jit_engine_answers_like_the_interpreter_on_the_examples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let run = |engine: &str| {
        let out = seg(
            &[
                "eval",
                "--engine",
                engine,
                "--as-of",
                "2026-11-28T12:00:00Z",
                "--profiles",
                "examples/profiles.ndjson",
                "examples/segments",
            ],
            &root,
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let interp = run("interp");
    assert_eq!(interp.lines().count(), 7);
    assert_eq!(run("jit"), interp);
}

/// Many more profiles than one streamed chunk holds (4,096), with bad records and a line that
/// is not UTF-8 among them: chunks are evaluated on several threads and printed in input order
/// (every line answers its own record), and the default engine (JIT, optimised tier) writes
/// exactly what the interpreter writes.
#[test]
fn batches_across_chunk_boundaries_answer_like_the_interpreter() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let examples = std::fs::read_to_string(root.join("examples/profiles.ndjson")).unwrap();
    let lines: Vec<&str> = examples.lines().filter(|l| !l.trim().is_empty()).collect();
    let dir = std::env::temp_dir().join(format!("seg-cli-batches-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut input = Vec::new();
    for i in 0..20_000 {
        if i % 4_999 == 17 {
            input.extend_from_slice(
                format!("{{\"id\": \"broken-{i}\", \"cart\": {{\"subtotal\": \"abc\"}}}}\n")
                    .as_bytes(),
            );
        } else if i == 12_345 {
            input.extend_from_slice(b"{\"id\": \"\xff\"}\n");
        } else {
            let line = lines[i % lines.len()];
            let id = line.split('"').nth(3).unwrap();
            input.extend_from_slice(line.replacen(id, &format!("c-{i}"), 1).as_bytes());
            input.push(b'\n');
        }
    }
    let profiles = dir.join("profiles.ndjson");
    std::fs::write(&profiles, input).unwrap();
    let run = |engine: Option<&str>| {
        let mut args = vec!["eval", "--as-of", "2026-11-28T12:00:00Z"];
        if let Some(engine) = engine {
            args.extend(["--engine", engine]);
        }
        let profiles = profiles.to_str().unwrap();
        args.extend(["--profiles", profiles, "examples/segments"]);
        let out = seg(&args, &root);
        assert_eq!(
            out.status.code(),
            Some(1),
            "bad records make the exit code 1"
        );
        text(&out.stdout)
    };
    let interp = run(Some("interp"));
    assert_eq!(interp.lines().count(), 20_000);
    for (i, line) in interp.lines().enumerate() {
        let answer: serde_json::Value = serde_json::from_str(line).unwrap();
        let expected = match i {
            _ if i % 4_999 == 17 => format!("broken-{i}"),
            12_345 => {
                assert_eq!(
                    answer["error"],
                    "line 12346: the record is not UTF-8 (bad byte at column 9)"
                );
                continue;
            }
            _ => format!("c-{i}"),
        };
        assert_eq!(answer["id"], expected.as_str(), "line {}", i + 1);
    }
    assert_eq!(
        interp.lines().filter(|l| l.contains("\"error\"")).count(),
        5
    );
    assert_eq!(run(None), interp);
    std::fs::remove_dir_all(&dir).ok();
}

/// A bad catalog line (here a SKU seen before, and a malformed line) is a warning naming its
/// line; the first product stays and every profile is still evaluated.
#[test]
fn a_bad_catalog_line_is_a_warning_and_the_run_goes_on() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::temp_dir().join(format!("seg-cli-catalog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut catalog = std::fs::read_to_string(root.join("examples/catalog.ndjson")).unwrap();
    let first = catalog.lines().next().unwrap().to_string();
    catalog.push_str(&first.replace("\"price\"", "\"ignored_price\""));
    catalog.push_str("\n{not json\n");
    let catalog_path = dir.join("catalog.ndjson");
    std::fs::write(&catalog_path, catalog).unwrap();
    let args = |catalog: &str| {
        vec![
            "eval".to_string(),
            "--as-of".into(),
            "2026-11-28T12:00:00Z".into(),
            "--catalog".into(),
            catalog.to_string(),
            "--profiles".into(),
            "examples/profiles.ndjson".into(),
            "examples/segments".into(),
        ]
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        seg(&args, &root)
    };
    let damaged = run(args(catalog_path.to_str().unwrap()));
    assert_eq!(damaged.status.code(), Some(0), "{}", text(&damaged.stderr));
    let stderr = text(&damaged.stderr);
    assert_eq!(stderr.matches("warning: ").count(), 2, "{stderr}");
    assert!(
        stderr.contains("is already the product of line 1"),
        "{stderr}"
    );
    assert!(stderr.contains("malformed JSON"), "{stderr}");
    // The first product stayed: the answers are those of the intact catalog.
    let intact = run(args("examples/catalog.ndjson"));
    assert_eq!(text(&damaged.stdout), text(&intact.stdout));
    std::fs::remove_dir_all(&dir).ok();
}
