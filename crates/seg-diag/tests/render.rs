//! The renderers on hand-built diagnostics: exact positions in JSON (1-based, columns in
//! characters), GitHub's escaping, SARIF's required fields, and no panic on awkward sources.

use seg_diag::render::{github, human, json, sarif};
use seg_diag::{Code, Diagnostic, Label, SourceFile, Sources, Span};

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

#[test]
fn json_has_the_fields_of_the_spec_with_character_columns() {
    // "ö" is two bytes: the column after it counts one character.
    let text = "segment ö {\r\n  customer.gropu is \"VIP\"\r\n}\r\n";
    let start = text.find("gropu").unwrap();
    let (sources, diags) = one(text, Span::new(start, start + 5));
    let value: serde_json::Value = serde_json::from_str(&json(&diags, &sources)).unwrap();
    let d = &value[0];
    assert_eq!(d["code"], "E0201");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "dir/a.seg");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 12);
    assert_eq!(d["end_line"], 2);
    assert_eq!(d["end_column"], 17);
    assert_eq!(d["message"], "unknown customer attribute `gropu`");
    assert_eq!(d["help"], "did you mean `group`?");
    let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 9);
}

#[test]
fn github_escapes_data_and_properties() {
    let mut sources = Sources::new();
    let file = sources.add(SourceFile::new("a,b:c.seg", "x"));
    let d = Diagnostic::new(
        Code::E0002,
        "100% wrong\nsecond line",
        Label::new(file, Span::new(0, 1), "here"),
    );
    let out = github(&[d], &sources);
    assert_eq!(out, "::error file=a%2Cb%3Ac.seg,line=1,col=1,endLine=1,endColumn=2,title=E0002::E0002 100%25 wrong%0Asecond line\n");
}

#[test]
fn warnings_are_github_warnings() {
    let mut sources = Sources::new();
    let file = sources.add(SourceFile::new(
        "a.seg",
        "segment s { customer.group is \"VIP\" }",
    ));
    let d = Diagnostic::new(
        Code::W0602,
        "logged-in only",
        Label::new(file, Span::new(12, 26), "here"),
    );
    assert!(github(&[d], &sources).starts_with("::warning file=a.seg,line=1,col=13"));
}

#[test]
fn sarif_is_2_1_0_with_rules_and_locations() {
    let (sources, diags) = one("segment s { customer.gropu is 1 }", Span::new(21, 26));
    let log: serde_json::Value = serde_json::from_str(&sarif(&diags, &sources)).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "seg");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), seg_diag::codes::ALL.len());
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "E0201");
    assert_eq!(
        rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "E0201"
    );
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    assert_eq!(region["startColumn"], 22);
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "dir/a.seg"
    );
}

#[test]
fn human_names_code_place_and_help() {
    let (sources, diags) = one("segment s {\n  customer.gropu is 1\n}\n", Span::new(23, 28));
    let out = human(&diags, &sources, false);
    assert!(out.contains("E0201"), "{out}");
    assert!(out.contains("unknown customer attribute `gropu`"), "{out}");
    assert!(out.contains("dir/a.seg:2:12"), "{out}");
    assert!(out.contains("did you mean `group`?"), "{out}");
    assert!(out.contains("seg explain E0201"), "{out}");
}

#[test]
fn awkward_spans_and_sources_do_not_panic() {
    for (text, span) in [
        ("", Span::new(0, 0)),
        ("abc", Span::new(3, 3)),
        ("abc", Span::new(2, 99)),
        ("a\0b", Span::new(1, 2)),
        ("ö", Span::new(1, 2)),
        ("x\r\n", Span::new(1, 3)),
    ] {
        let (sources, diags) = one(text, span);
        let _ = human(&diags, &sources, true);
        let _ = json(&diags, &sources);
        let _ = github(&diags, &sources);
        let _ = sarif(&diags, &sources);
    }
}
