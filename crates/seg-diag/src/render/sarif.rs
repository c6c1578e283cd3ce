//! `seg check --format sarif`: a SARIF 2.1.0 log, the format code-scanning services (GitHub code
//! scanning, Azure DevOps, IDE viewers) import.

use serde_json::{json, Value};

use super::docs::page_markdown;
use super::{label_place, message_with_help, place, Place};
use crate::codes::{self, Code};
use crate::{Diagnostic, Label, Severity, Sources};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A file path as a URI reference: forward slashes, every byte outside the unreserved set
/// percent-encoded. A `:` is encoded too, since in a relative reference it would read as a
/// scheme; paths with a drive letter or a leading `/` are absolute and become `file:` URIs.
fn artifact_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let (prefix, rest) = if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        (format!("file:///{}:", &path[..1]), &path[2..])
    } else if path.starts_with('/') {
        ("file://".to_string(), path.as_str())
    } else {
        (String::new(), path.as_str())
    };
    let mut uri = prefix;
    for &b in rest.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

fn region(place: &Place<'_>) -> Value {
    json!({
        "startLine": place.start.line,
        "startColumn": place.start.column,
        "endLine": place.end.line,
        "endColumn": place.end.column,
    })
}

fn location(sources: &Sources, label: &Label) -> Value {
    let place = label_place(sources, label);
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": artifact_uri(place.path) },
            "region": region(&place),
        }
    });
    if !label.message.is_empty() {
        location["message"] = json!({ "text": label.message });
    }
    location
}

/// A rule per registered code, in registry order, so that a result's `ruleIndex` is the code's
/// position in [`codes::ALL`].
fn rules() -> Vec<Value> {
    codes::ALL
        .iter()
        .map(|&code| {
            let info = code.info();
            json!({
                "id": info.code,
                "name": info.name,
                "shortDescription": { "text": info.title() },
                "fullDescription": {
                    "text": info.section("What it means").unwrap_or_else(|| info.title().to_string()),
                },
                "help": {
                    "text": super::explain_text(code),
                    "markdown": page_markdown(code),
                },
                "defaultConfiguration": { "level": level(info.severity) },
            })
        })
        .collect()
}

fn rule_index(code: Code) -> usize {
    codes::ALL
        .iter()
        .position(|&c| c == code)
        .expect("every code is in the registry")
}

fn result(sources: &Sources, d: &Diagnostic) -> Value {
    let mut result = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": rule_index(d.code),
        "level": level(d.severity),
        "message": { "text": message_with_help(d) },
        "locations": [location(sources, &d.primary)],
    });
    if !d.secondary.is_empty() {
        let related: Vec<Value> = d
            .secondary
            .iter()
            .enumerate()
            .map(|(id, label)| {
                let mut related = location(sources, label);
                related["id"] = json!(id);
                related
            })
            .collect();
        result["relatedLocations"] = json!(related);
    }
    if let Some(suggestion) = &d.suggestion {
        let target = place(sources, suggestion.file, suggestion.span);
        let description = if suggestion.replacement.is_empty() {
            "remove this".to_string()
        } else {
            format!("write `{}`", suggestion.replacement)
        };
        result["fixes"] = json!([{
            "description": { "text": description },
            "artifactChanges": [{
                "artifactLocation": { "uri": artifact_uri(target.path) },
                "replacements": [{
                    "deletedRegion": region(&target),
                    "insertedContent": { "text": suggestion.replacement },
                }],
            }],
        }]);
    }
    result
}

/// SARIF 2.1.0 with one run: a rule per registered code and a result per diagnostic. Columns are
/// declared as Unicode code points (the run's `columnKind`), matching the other formats.
pub fn sarif(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let results: Vec<Value> = diagnostics.iter().map(|d| result(sources, d)).collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "seg",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).expect("a SARIF log serialises")
}

#[cfg(test)]
mod tests {
    use super::artifact_uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(artifact_uri("segments/vip.seg"), "segments/vip.seg");
        assert_eq!(artifact_uri(r"segments\vip.seg"), "segments/vip.seg");
        assert_eq!(artifact_uri("my segs/a:b.seg"), "my%20segs/a%3Ab.seg");
        assert_eq!(artifact_uri("sé.seg"), "s%C3%A9.seg");
        assert_eq!(artifact_uri(r"C:\work\a.seg"), "file:///C:/work/a.seg");
        assert_eq!(artifact_uri("/work/a.seg"), "file:///work/a.seg");
    }
}
