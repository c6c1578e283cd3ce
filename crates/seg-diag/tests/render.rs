//! The renderers on hand-built diagnostics: exact positions (1-based, columns in characters) in
//! every format and the same ones in the terminal header, GitHub's escaping, SARIF's required
//! fields, and no panic on awkward sources or spans. The terminal pictures are insta snapshots.

use seg_diag::render::{exit_code, github, human, json, sarif};
use seg_diag::{Code, Diagnostic, FileId, Label, SourceFile, Sources, Span};
use serde_json::Value;

fn one(text: &str, span: Span) -> (Sources, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    let file = sources.add(SourceFile::new("dir/a.seg", text));
    let d = Diagnostic::new(
        Code::E0201,
        "unknown customer attribute `gropu`",
        Label::new(file, span, "not in the schema"),
    )
    .with_help("did you mean `group`?");
    (sources, vec![d])
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// (line, column, end_line, end_column).
type Position = (u64, u64, u64, u64);

/// The position of the first JSON record.
fn json_position(sources: &Sources, diags: &[Diagnostic]) -> Position {
    let records = parse(&json(diags, sources));
    let d = &records[0];
    let n = |key: &str| d[key].as_u64().unwrap();
    (n("line"), n("column"), n("end_line"), n("end_column"))
}

#[test]
fn json_has_exactly_the_fields_of_the_spec() {
    // "ö" is two bytes, and lines end in CRLF: columns count characters, lines count `\n`.
    let text = "segment ö {\r\n  customer.gropu is \"VIP\"\r\n}\r\n";
    let start = text.find("gropu").unwrap();
    let (sources, diags) = one(text, Span::new(start, start + 5));
    let text = json(&diags, &sources);
    let records = parse(&text);
    assert_eq!(records.as_array().unwrap().len(), 1);
    let d = &records[0];
    let keys = [
        "code",
        "severity",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "help",
    ];
    assert_eq!(d.as_object().unwrap().len(), keys.len());
    // The keys come in the order §7 lists them (a parsed Value would sort them).
    let at: Vec<usize> = keys
        .iter()
        .map(|k| {
            text.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("no {k}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert_eq!(d["code"], "E0201");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "dir/a.seg");
    assert_eq!(json_position(&sources, &diags), (2, 12, 2, 17));
    assert_eq!(d["message"], "unknown customer attribute `gropu`");
    assert_eq!(d["help"], "did you mean `group`?");
}

#[test]
fn json_help_is_null_when_absent_and_an_empty_run_is_an_empty_array() {
    let mut sources = Sources::new();
    let file = sources.add(SourceFile::new("a.seg", ""));
    let d = Diagnostic::new(
        Code::W0005,
        "no segment",
        Label::new(file, Span::new(0, 0), ""),
    );
    let records = parse(&json(&[d], &sources));
    assert_eq!(records[0]["help"], Value::Null);
    assert_eq!(records[0]["severity"], "warning");
    assert_eq!(parse(&json(&[], &sources)), serde_json::json!([]));
}

/// Awkward texts and spans: every format reports the same, exact position, and the terminal
/// header names it too.
#[test]
fn awkward_sources_get_exact_positions_everywhere() {
    type Case = (&'static str, &'static str, Span, Position);
    let cases: &[Case] = &[
        ("empty file", "", Span::new(0, 0), (1, 1, 1, 1)),
        ("empty span at EOF", "abc", Span::new(3, 3), (1, 4, 1, 4)),
        (
            "EOF after a final newline",
            "abc\n",
            Span::new(4, 4),
            (2, 1, 2, 1),
        ),
        ("span past the end", "abc", Span::new(2, 99), (1, 3, 1, 4)),
        (
            "span wholly past the end",
            "abc",
            Span::new(50, 60),
            (1, 4, 1, 4),
        ),
        ("NUL byte", "a\0b", Span::new(1, 2), (1, 2, 1, 3)),
        ("inside a character", "xö", Span::new(2, 3), (1, 2, 1, 3)),
        (
            "multi-byte before",
            "ö\u{1F600}ab",
            Span::new(6, 7),
            (1, 3, 1, 4),
        ),
        ("over a CRLF", "x\r\ny", Span::new(1, 3), (1, 2, 2, 1)),
        ("between CR and LF", "x\r\ny", Span::new(2, 2), (1, 2, 1, 2)),
        ("after a CRLF", "x\r\nyz", Span::new(4, 5), (2, 2, 2, 3)),
        ("lone CR", "a\rb\nc", Span::new(4, 5), (2, 1, 2, 2)),
        (
            "line separator",
            "a\u{2028}b\nc",
            Span::new(6, 7),
            (2, 1, 2, 2),
        ),
        ("tab", "\tx", Span::new(1, 2), (1, 2, 1, 3)),
        (
            "reversed",
            "abcdef",
            Span { start: 4, end: 2 },
            (1, 5, 1, 5),
        ),
        ("multi-line", "ab\ncd\nef", Span::new(1, 7), (1, 2, 3, 2)),
    ];
    for &(what, text, span, expected) in cases {
        let (sources, diags) = one(text, span);
        assert_eq!(json_position(&sources, &diags), expected, "json: {what}");

        let (line, column, end_line, end_column) = expected;
        let gh = github(&diags, &sources);
        if line == end_line {
            let place =
                format!("line={line},col={column},endLine={end_line},endColumn={end_column},");
            assert!(gh.contains(&place), "github: {what}: {gh}");
        } else {
            let place = format!("line={line},endLine={end_line},title=");
            assert!(gh.contains(&place), "github: {what}: {gh}");
        }

        let log = parse(&sarif(&diags, &sources));
        let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        let sarif_position = (
            region["startLine"].as_u64().unwrap(),
            region["startColumn"].as_u64().unwrap(),
            region["endLine"].as_u64().unwrap(),
            region["endColumn"].as_u64().unwrap(),
        );
        assert_eq!(sarif_position, expected, "sarif: {what}");

        for color in [false, true] {
            let out = human(&diags, &sources, color);
            let header = format!("dir/a.seg:{line}:{column} ");
            assert!(
                out.contains(&header),
                "human: {what}: wants {header}\n{out}"
            );
            assert!(out.contains("error[E0201]"), "human: {what}\n{out}");
        }
    }
}

#[test]
fn human_names_code_message_place_and_help_without_colour_codes() {
    let (sources, diags) = one("segment s {\n  customer.gropu is 1\n}\n", Span::new(23, 28));
    let out = human(&diags, &sources, false);
    assert!(
        out.starts_with("error[E0201]: unknown customer attribute `gropu`\n"),
        "{out}"
    );
    assert!(out.contains("dir/a.seg:2:12"), "{out}");
    assert!(out.contains("not in the schema"), "{out}");
    assert!(out.contains("Help: did you mean `group`?"), "{out}");
    assert!(out.contains("seg explain E0201"), "{out}");
    assert!(!out.contains('\u{1b}'), "{out}");
    assert!(human(&diags, &sources, true).contains('\u{1b}'));
}

#[test]
fn human_never_passes_control_characters_to_the_terminal() {
    let text = "segment s {\u{1b}[2J\0 x }";
    let (sources, diags) = one(text, Span::new(12, 15));
    let out = human(&diags, &sources, false);
    assert!(!out.contains('\u{1b}') && !out.contains('\0'), "{out:?}");
}

/// A duplicate id: the secondary label in another file, after non-ASCII text, is headed by its
/// own position; a secondary label earlier in the primary's file shares its section.
fn duplicate_ids() -> (Sources, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    let first = sources.add(SourceFile::new(
        "segs/a_first.seg",
        "// Größte Kunden — 큰 고객\nsegment big { cart.subtotal >= 500 }\n",
    ));
    let second = sources.add(SourceFile::new(
        "segs/b_second.seg",
        "segment other { cart.subtotal > 1 }\n\nsegment other { cart.subtotal > 2 }\nsegment big { cart.grand_total >= 500 }\n",
    ));
    let text = &sources.get(second).text;
    let again = text.rfind("other").unwrap();
    let big = text.find("big").unwrap();
    let first_big = sources.get(first).text.find("big").unwrap();
    let diags = vec![
        Diagnostic::new(
            Code::E0501,
            "segment id `other` is already used",
            Label::new(second, Span::new(again, again + 5), "duplicate id"),
        )
        .with_secondary(Label::new(second, Span::new(8, 13), "first used here"))
        .with_help("segment ids are unique across all files checked together; rename one"),
        Diagnostic::new(
            Code::E0501,
            "segment id `big` is already used",
            Label::new(second, Span::new(big, big + 3), "duplicate id"),
        )
        .with_secondary(Label::new(first, Span::new(first_big, first_big + 3), "first used here"))
        .with_help("segment ids are unique across all files checked together; rename one"),
        Diagnostic::new(
            Code::W0602,
            "`customer.group` only exists for logged-in customers: this condition is never true for visitors",
            Label::new(first, Span::new(0, 2), "logged-in-only"),
        ),
    ];
    (sources, diags)
}

#[test]
fn human_heads_each_file_section_with_its_own_position() {
    let (sources, diags) = duplicate_ids();
    let out = human(&diags, &sources, false);
    // One section for b_second.seg in the first report, not one per label.
    let first_report = out.split("error[E0501]").nth(1).unwrap();
    assert_eq!(first_report.matches("b_second.seg:").count(), 1, "{out}");
    // The other file's section is headed at `big` on line 2, column 9, after the Korean text.
    assert!(out.contains("segs/a_first.seg:2:9 "), "{out}");
    insta::assert_snapshot!("human_duplicate_ids", out);
}

#[test]
fn human_awkward_sources_snapshot() {
    let mut out = String::new();
    for (text, span) in [
        ("", Span::new(0, 0)),
        ("segment s { cart.subtotal > 1 }\n", Span::new(32, 32)),
        (
            "segment s {\r\n  cart.subtotal > \0\r\n}\r\n",
            Span::new(31, 32),
        ),
        (
            "segment s {\n  all {\n    cart.subtotal > 1\n  }\n",
            Span::new(12, 46),
        ),
    ] {
        let (sources, diags) = one(text, span);
        out.push_str(&human(&diags, &sources, false));
    }
    insta::assert_snapshot!("human_awkward_sources", out);
}

#[test]
fn json_and_github_snapshots() {
    let (sources, diags) = duplicate_ids();
    insta::assert_snapshot!("json_duplicate_ids", json(&diags, &sources));
    insta::assert_snapshot!("github_duplicate_ids", github(&diags, &sources));
}

#[test]
fn github_escapes_data_and_properties_and_appends_help() {
    let mut sources = Sources::new();
    let file = sources.add(SourceFile::new("a,b:c.seg", "x"));
    let d = Diagnostic::new(
        Code::E0002,
        "100% wrong\r\nsecond line",
        Label::new(file, Span::new(0, 1), "here"),
    )
    .with_help("write `a: b, c`");
    assert_eq!(
        github(&[d], &sources),
        "::error file=a%2Cb%3Ac.seg,line=1,col=1,endLine=1,endColumn=2,title=E0002::E0002 100%25 wrong%0D%0Asecond line%0Ahelp: write `a: b, c`\n"
    );
}

#[test]
fn github_warnings_and_multi_line_spans() {
    let mut sources = Sources::new();
    let file = sources.add(SourceFile::new(
        "a.seg",
        "segment s {\n  customer.group is \"VIP\"\n}\n",
    ));
    let warning = Diagnostic::new(
        Code::W0602,
        "logged-in only",
        Label::new(file, Span::new(14, 37), "here"),
    );
    let multi_line = Diagnostic::new(
        Code::E0504,
        "no root condition",
        Label::new(file, Span::new(0, 39), "here"),
    );
    assert_eq!(
        github(&[warning, multi_line], &sources),
        "::warning file=a.seg,line=2,col=3,endLine=2,endColumn=26,title=W0602::W0602 logged-in only\n\
         ::error file=a.seg,line=1,endLine=3,title=E0504::E0504 no root condition\n"
    );
}

#[test]
fn sarif_is_2_1_0_with_rules_results_and_locations() {
    let (sources, mut diags) = duplicate_ids();
    let span = diags[1].primary.span;
    diags[1] = diags[1].clone().with_suggestion(span, "big_2");
    let log = parse(&sarif(&diags, &sources));
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "seg");
    assert!(driver.get("informationUri").is_none());

    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), seg_diag::codes::ALL.len());
    for (rule, code) in rules.iter().zip(seg_diag::codes::ALL) {
        let info = code.info();
        assert_eq!(rule["id"], info.code);
        assert_eq!(rule["name"], info.name);
        assert_eq!(rule["shortDescription"]["text"], info.title());
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("```seg"));
        assert!(rule["help"]["text"]
            .as_str()
            .unwrap()
            .starts_with(info.code));
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert_eq!(level, info.severity.as_str());
    }

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let first = &results[0];
    assert_eq!(first["ruleId"], "E0501");
    assert_eq!(
        rules[first["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "E0501"
    );
    assert_eq!(first["level"], "error");
    assert_eq!(
        first["message"]["text"],
        "segment id `other` is already used\nhelp: segment ids are unique across all files checked together; rename one"
    );
    let location = &first["locations"][0];
    assert_eq!(
        location["physicalLocation"]["artifactLocation"]["uri"],
        "segs/b_second.seg"
    );
    assert_eq!(location["message"]["text"], "duplicate id");
    let region = &location["physicalLocation"]["region"];
    assert_eq!(
        (
            &region["startLine"],
            &region["startColumn"],
            &region["endLine"],
            &region["endColumn"]
        ),
        (
            &Value::from(3),
            &Value::from(9),
            &Value::from(3),
            &Value::from(14)
        )
    );
    let related = &first["relatedLocations"][0];
    assert_eq!(related["id"], 0);
    assert_eq!(related["message"]["text"], "first used here");
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 1);

    // Non-ASCII before the span: columns are code points, as the run declares.
    let second = &results[1];
    let related = &second["relatedLocations"][0]["physicalLocation"];
    assert_eq!(related["artifactLocation"]["uri"], "segs/a_first.seg");
    assert_eq!(related["region"]["startLine"], 2);
    assert_eq!(related["region"]["startColumn"], 9);
    let replacement = &second["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "big_2");
    assert_eq!(replacement["deletedRegion"]["startLine"], 4);

    let warning = &results[2];
    assert_eq!(warning["level"], "warning");
    assert!(warning.get("relatedLocations").is_none());
    assert!(warning.get("fixes").is_none());
}

#[test]
fn unknown_file_ids_do_not_panic() {
    let sources = Sources::new();
    let d = Diagnostic::new(
        Code::E0002,
        "lost",
        Label::new(FileId(3), Span::new(5, 9), "here"),
    )
    .with_secondary(Label::new(FileId(4), Span::new(0, 1), "there"));
    let records = parse(&json(std::slice::from_ref(&d), &sources));
    assert_eq!(records[0]["file"], "<unknown>");
    assert_eq!(records[0]["line"], 1);
    assert!(github(std::slice::from_ref(&d), &sources).contains("file=<unknown>"));
    parse(&sarif(std::slice::from_ref(&d), &sources));
    assert!(human(&[d], &sources, false).contains("error[E0002]: lost"));
}

#[test]
fn exit_code_is_one_only_with_errors() {
    let (sources, diags) = duplicate_ids();
    let _ = sources;
    assert_eq!(exit_code(&diags), 1);
    assert_eq!(exit_code(&diags[2..]), 0, "warnings alone pass");
    assert_eq!(exit_code(&[]), 0);
}

/// Every span of a few awkward texts, with a secondary label at every other span: no renderer
/// may panic, and the JSON stays parseable.
#[test]
fn no_span_over_awkward_texts_panics() {
    let texts = [
        "",
        "\n",
        "ab\r\ncd\r\n",
        "a\0b\n\u{1b}c",
        "ö\u{1F600}\r\u{2028}x\u{85}",
        "\t\n\n\t}",
    ];
    for text in texts {
        let limit = text.len() as u32 + 2;
        for start in 0..=limit {
            for end in start..=limit {
                let mut sources = Sources::new();
                let file = sources.add(SourceFile::new("t.seg", text));
                let other = sources.add(SourceFile::new("u.seg", text));
                let d =
                    Diagnostic::new(Code::E0002, "m", Label::new(file, Span { start, end }, "p"))
                        .with_secondary(Label::new(
                            file,
                            Span {
                                start: end,
                                end: limit - start,
                            },
                            "s",
                        ))
                        .with_secondary(Label::new(other, Span { start, end }, ""))
                        .with_help("h\nh");
                let diags = [d];
                let records = parse(&json(&diags, &sources));
                let header = format!("t.seg:{}:{} ", records[0]["line"], records[0]["column"]);
                let out = human(&diags, &sources, false);
                assert!(
                    out.contains(&header),
                    "{text:?} {start}..{end}: wants {header}\n{out}"
                );
                let _ = github(&diags, &sources);
                parse(&sarif(&diags, &sources));
            }
        }
    }
}
