//! `seg lsp` driven over stdio JSON-RPC as an editor drives it: initialize, open a document of a
//! project (`seg.toml` + the examples' schema), edit it, ask for completion, hover, definition,
//! references, symbols, highlighting, formatting and quick fixes, then shut down and exit.
//! Answers are snapshotted (temporary paths replaced by `/PROJECT`); the diagnostics are also
//! compared with what `seg check --format json` prints for the same files.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use fixture::{short, Fixture};
use serde_json::{json, Value};

#[path = "../../seg-ide/tests/fixture/mod.rs"]
mod fixture;

const SCHEMA: &str = include_str!("../../../examples/schema.json");
const TIMEOUT: Duration = Duration::from_secs(60);

/// A scratch project: seg.toml, the examples' schema, and the given files.
fn project(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("seg-lsp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("segments")).unwrap();
    std::fs::write(dir.join("seg.toml"), "schema = \"schema.json\"\n").unwrap();
    std::fs::write(dir.join("schema.json"), SCHEMA).unwrap();
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The editor's side of the connection.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
    /// Notifications that arrived while a response was awaited.
    pending: VecDeque<Value>,
    next_id: i64,
    /// The last diagnostics published for each URI.
    latest: HashMap<String, Value>,
    /// Replaced by `/PROJECT` in snapshots.
    root: String,
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_seg"))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("seg lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            pending: VecDeque::new(),
            next_id: 0,
            latest: HashMap::new(),
            root: root.display().to_string(),
        }
    }

    fn send(&mut self, message: Value) {
        let text = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{text}", text.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn receive(&mut self) -> Value {
        let message = self
            .incoming
            .recv_timeout(TIMEOUT)
            .expect("the server answers in time");
        if message["method"] == "textDocument/publishDiagnostics" {
            let uri = message["params"]["uri"].as_str().unwrap_or("").to_string();
            self.latest
                .insert(uri, message["params"]["diagnostics"].clone());
        }
        message
    }

    /// Sends a request and returns its whole response (`result` or `error`). Requests from the
    /// server meanwhile (registrations) are answered with null.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message.get("method").is_some() {
                if let Some(request_id) = message.get("id") {
                    let reply = json!({"jsonrpc": "2.0", "id": request_id, "result": null});
                    self.send(reply);
                }
                self.pending.push_back(message);
                continue;
            }
            if message["id"] == json!(id) {
                return message;
            }
        }
    }

    /// The next notification with this method (earlier ones of other methods are kept).
    fn notification(&mut self, method: &str, matching: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self
            .pending
            .iter()
            .position(|m| m["method"] == method && matching(&m["params"]))
        {
            return self.pending.remove(i).unwrap()["params"].take();
        }
        loop {
            let message = self.receive();
            if message["method"] == method && matching(&message["params"]) {
                return message["params"].clone();
            }
            if message.get("method").is_some() {
                if let Some(request_id) = message.get("id") {
                    let reply = json!({"jsonrpc": "2.0", "id": request_id, "result": null});
                    self.send(reply);
                }
                self.pending.push_back(message);
            }
        }
    }

    fn diagnostics(&mut self, uri: &str) -> Value {
        self.notification("textDocument/publishDiagnostics", |p| p["uri"] == uri)
    }

    /// JSON with the project folder replaced, for snapshots.
    fn show(&self, value: &Value) -> String {
        serde_json::to_string_pretty(value)
            .unwrap()
            .replace(&self.root, "/PROJECT")
    }

    fn initialize(&mut self, root: &Path) -> Value {
        self.initialize_with(
            root,
            json!({
                "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                "textDocument": {"completion": {"completionItem": {"snippetSupport": false}}}
            }),
        )
    }

    fn initialize_with(&mut self, root: &Path, capabilities: Value) -> Value {
        let response = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{"uri": uri(root), "name": "project"}],
                "capabilities": capabilities
            }),
        );
        self.notify("initialized", json!({}));
        response
    }

    fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "seg", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(path), "version": version},
                "contentChanges": [{"text": text}]
            }),
        );
    }

    /// Edits as an editor does with incremental sync: `changes` are applied one after another,
    /// each a range (line, UTF-16 character) and its new text.
    fn edit(&mut self, path: &Path, version: i32, changes: &[RangeEdit]) {
        let changes: Vec<Value> = changes
            .iter()
            .map(|(start, end, text)| {
                json!({
                    "range": {
                        "start": {"line": start.0, "character": start.1},
                        "end": {"line": end.0, "character": end.1}
                    },
                    "text": text
                })
            })
            .collect();
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(path), "version": version},
                "contentChanges": changes
            }),
        );
    }

    /// Shuts down and exits; returns the exit code.
    fn finish(mut self) -> Option<i32> {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        assert!(response.get("error").is_none());
        self.notify("exit", Value::Null);
        self.wait()
    }

    fn wait(mut self) -> Option<i32> {
        drop(self.stdin);
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut stderr = String::new();
                if let Some(mut e) = self.child.stderr.take() {
                    let _ = e.read_to_string(&mut stderr);
                }
                assert!(
                    !stderr.contains("panicked"),
                    "the server panicked:\n{stderr}"
                );
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        panic!("the server did not exit");
    }
}

/// A change as an editor sends it: from (line, character) to (line, character), the new text.
type RangeEdit<'a> = ((u32, u32), (u32, u32), &'a str);

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The zero-based LSP position (UTF-16; the texts here are ASCII) of `needle`'s end, or of its
/// start plus `shift`.
fn position_after(text: &str, needle: &str) -> Value {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in the text"))
        + needle.len();
    position_at(text, offset)
}

/// The zero-based LSP position of a byte offset (characters in UTF-16 units).
fn position_at(text: &str, offset: usize) -> Value {
    let line = text[..offset].matches('\n').count();
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": text[start..offset].encode_utf16().count()})
}

fn snapshot(name: &str, text: String) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// Completion items in one line each: label, kind, detail, whether struck through.
fn items(response: &Value) -> String {
    let mut out = String::new();
    for item in response["result"].as_array().expect("a list of items") {
        let struck = if item["tags"] == json!([1]) {
            " [struck]"
        } else {
            ""
        };
        out.push_str(&format!(
            "{} (kind {}) {}{struck} ⇒ {}\n",
            item["label"].as_str().unwrap_or(""),
            item["kind"],
            item["detail"].as_str().unwrap_or(""),
            item["textEdit"]["newText"]
        ));
    }
    out
}

const LOYALTY: &str = r#"/// Big spenders of the last year.
segment vip_spenders {
  name "VIP spenders"
  description "At least 500.00 of completed orders"
  applies_to registered
  sum(orders.grand_total where { status is "complete" }) >= 500
}
"#;

const CLEAN: &str = r#"segment main {
  applies_to registered
  all {
    customer.group is "VIP"
    in segment vip_spenders
  }
}
"#;

const TYPO: &str = r#"segment main {
  applies_to registered
  all {
    customer.gropu is "VIP"
    in segment vip_spenders
  }
}
"#;

const TYPING: &str = r#"segment main {
  applies_to registered
  all {
    customer.group is ""
    in segment vip_spenders
    any addresses { country_id in ["KR", ] }
  }
}
"#;

const MESSY: &str = "segment main{applies_to registered\nall{customer.group==\"VIP\"   // VIPs\nin segment vip_spenders}}\n";

#[test]
fn a_session_as_an_editor_drives_it() {
    let root = project("session", &[("segments/loyalty.seg", LOYALTY)]);
    let main = root.join("segments/main.seg");
    let main_uri = uri(&main);
    let mut client = Client::start(&root);

    let init = client.initialize(&root);
    snapshot("lsp_initialize", client.show(&init["result"]));

    // Opening a clean file publishes its (empty) diagnostics.
    client.open(&main, CLEAN);
    let published = client.diagnostics(&main_uri);
    assert_eq!(published["diagnostics"], json!([]));
    assert_eq!(published["version"], json!(1));

    // A typo, typed as an editor sends it (ranges; `group` becomes `gropu`): E0201 with the
    // checker's message and help, at the misspelt name.
    client.edit(
        &main,
        2,
        &[((3, 15), (3, 18), ""), ((3, 15), (3, 15), "opu")],
    );
    let published = client.diagnostics(&main_uri);
    snapshot("lsp_diagnostics_after_typo", client.show(&published));
    assert_eq!(published["version"], json!(2));
    assert_eq!(published["diagnostics"][0]["code"], "E0201");

    // The quick fix replaces the name with the suggestion.
    let typo = position_after(TYPO, "customer.gr");
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": main_uri},
            "range": {"start": typo, "end": typo},
            "context": {"diagnostics": published["diagnostics"]}
        }),
    );
    snapshot("lsp_code_action", client.show(&actions["result"]));

    // Completion after `customer.`: every attribute, those not enabled struck through.
    let completion = client.request(
        "textDocument/completion",
        json!({
            "textDocument": {"uri": main_uri},
            "position": position_after(TYPO, "customer."),
            "context": {"triggerKind": 2, "triggerCharacter": "."}
        }),
    );
    let attributes = items(&completion);
    assert!(attributes.contains("group (kind 5) select · Group ⇒ \"group\""));
    assert!(attributes.contains("middlename (kind 5)"));
    assert!(attributes.contains("[struck]"));

    client.change(&main, 3, TYPING);
    client.diagnostics(&main_uri);
    let mut answers = String::new();
    for (what, position, trigger) in [
        (
            "after `customer.`",
            position_after(TYPING, "customer."),
            Some("."),
        ),
        (
            "after `customer.group `",
            position_after(TYPING, "customer.group "),
            Some(" "),
        ),
        (
            "inside `is \"\"`",
            position_after(TYPING, "is \""),
            Some("\""),
        ),
        (
            "after `in segment `",
            position_after(TYPING, "in segment "),
            Some(" "),
        ),
        (
            "inside `in [\"KR\", ]`",
            position_after(TYPING, "\"KR\", "),
            None,
        ),
        (
            "at the start of a condition, typing a space",
            position_after(TYPING, "  all {\n   "),
            Some(" "),
        ),
    ] {
        let context = match trigger {
            Some(c) => json!({"triggerKind": 2, "triggerCharacter": c}),
            None => json!({"triggerKind": 1}),
        };
        let response = client.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": main_uri}, "position": position, "context": context}),
        );
        let listed = items(&response);
        let shown: String = if what.starts_with("after `customer.`") {
            listed
                .lines()
                .take(3)
                .map(|l| format!("{l}\n"))
                .collect::<String>()
                + "…\n"
        } else {
            listed
        };
        answers.push_str(&format!("── {what}\n{shown}"));
    }
    snapshot("lsp_completion", answers);

    // Hover on an attribute and on a segment reference; definition and references.
    let mut answers = String::new();
    for needle in ["customer.gr", "in segment vip_sp", "is \""] {
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": main_uri}, "position": position_after(TYPING, needle)}),
        );
        answers.push_str(&format!(
            "── hover at {needle:?}\n{}\n",
            client.show(&hover["result"])
        ));
    }
    snapshot("lsp_hover", answers);

    let at_reference = position_after(TYPING, "in segment vip_sp");
    let definition = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": main_uri}, "position": at_reference}),
    );
    let references = client.request(
        "textDocument/references",
        json!({
            "textDocument": {"uri": main_uri},
            "position": at_reference,
            "context": {"includeDeclaration": true}
        }),
    );
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&root.join("segments/loyalty.seg"))}}),
    );
    let workspace = client.request("workspace/symbol", json!({"query": "vip"}));
    snapshot(
        "lsp_navigation",
        format!(
            "── definition\n{}\n── references\n{}\n── document symbols of loyalty.seg (not open)\n{}\n── workspace symbols for \"vip\"\n{}\n",
            client.show(&definition["result"]),
            client.show(&references["result"]),
            client.show(&symbols["result"]),
            client.show(&workspace["result"])
        ),
    );

    // Semantic tokens, decoded with the legend the server announced.
    let legend = &init["result"]["capabilities"]["semanticTokensProvider"]["legend"];
    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": main_uri}}),
    );
    let data: Vec<u64> = tokens["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    let lines: Vec<&str> = TYPING.lines().collect();
    let (mut line, mut start) = (0usize, 0usize);
    let mut decoded = String::new();
    for token in data.chunks(5) {
        if token[0] > 0 {
            start = 0;
        }
        line += token[0] as usize;
        start += token[1] as usize;
        let text = &lines[line][start..start + token[2] as usize];
        let kind = legend["tokenTypes"][token[3] as usize].as_str().unwrap();
        decoded.push_str(&format!(
            "{}:{} {text:?} {kind} {}\n",
            line + 1,
            start + 1,
            token[4]
        ));
    }
    snapshot("lsp_semantic_tokens", decoded);

    // Formatting: one edit with `seg fmt`'s text; nothing for a file that does not parse.
    client.change(&main, 4, MESSY);
    client.diagnostics(&main_uri);
    let formatting = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": main_uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = formatting["result"].as_array().expect("edits");
    assert_eq!(edits.len(), 1);
    snapshot(
        "lsp_formatting",
        edits[0]["newText"].as_str().unwrap().to_string(),
    );
    assert_eq!(
        edits[0]["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 3, "character": 0}})
    );
    client.change(&main, 5, "segment main {\n  all {\n");
    client.diagnostics(&main_uri);
    let formatting = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": main_uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(formatting["result"], Value::Null);

    assert_eq!(client.finish(), Some(0));
}

#[test]
fn diagnostics_are_those_of_seg_check() {
    let files = [
        ("segments/loyalty.seg", LOYALTY),
        (
            "segments/main.seg",
            "segment main {\n  all {\n    customer.gropu is \"VIP\"\n    customer.middlename is \"x\"\n    customer.group is \"vipp\"\n    in segment nowhere\n    any orders { status is 3 }\n  }\n}\nsegment vip_spenders { cart.subtotal > 1 }\n",
        ),
        ("segments/nested/broken.seg", "segment broken {\n  all {\n    cart.subtotal >=\n  }\n}\n"),
    ];
    let root = project("parity", &files);
    let check = Command::new(env!("CARGO_BIN_EXE_seg"))
        .args(["check", "--format", "json", "."])
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let expected: Vec<Value> = serde_json::from_slice(&check.stdout).unwrap();
    assert!(expected.len() >= 7, "{expected:#?}");

    let mut client = Client::start(&root);
    client.initialize(&root);
    for (path, text) in files {
        client.open(&root.join(path), text);
    }
    // Messages are handled in order: once this answer is in, every publication before it is.
    client.request("workspace/symbol", json!({"query": ""}));
    let mut got: Vec<(String, String, String, u64, u64)> = Vec::new();
    for (path, _) in files {
        let diagnostics = client.latest.get(&uri(&root.join(path))).cloned();
        for d in diagnostics.expect("published").as_array().unwrap() {
            got.push((
                path.to_string(),
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap() + 1,
                d["range"]["start"]["character"].as_u64().unwrap() + 1,
            ));
        }
    }
    let mut want: Vec<(String, String, String, u64, u64)> = expected
        .iter()
        .map(|d| {
            let message = match d["help"].as_str() {
                Some(help) => format!("{}\nhelp: {help}", d["message"].as_str().unwrap()),
                None => d["message"].as_str().unwrap().to_string(),
            };
            (
                d["file"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_string(),
                d["code"].as_str().unwrap().to_string(),
                message,
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(client.finish(), Some(0));
}

/// The repository's `tests/check` fixtures (one per diagnostic code), each in a project of its
/// own with the schema it names, all open in one session: what the server publishes is what
/// `seg check --format json` prints for the same project, file by file.
#[test]
fn every_check_fixture_gets_the_diagnostics_of_seg_check() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/check");
    let fixtures = fixtures.canonicalize().unwrap();
    let base = std::env::temp_dir().join(format!("seg-lsp-{}-fixtures", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(['E', 'W']))
                || p.extension().is_some_and(|e| e == "seg")
        })
        .collect();
    entries.sort();
    // The LSP carries text as JSON strings, so a file that is not UTF-8 cannot be opened.
    entries.retain(|p| !p.to_string_lossy().contains("E0001"));
    assert!(entries.len() > 25);

    // Each fixture's project: its files, and a seg.toml naming its schema by absolute path.
    let mut projects: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    for entry in &entries {
        let name = entry.file_stem().unwrap().to_string_lossy().to_string();
        let dir = base.join(&name);
        std::fs::create_dir_all(&dir).unwrap();
        let sources: Vec<PathBuf> = if entry.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(entry)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .collect();
            files.sort();
            files
        } else {
            vec![entry.clone()]
        };
        let mut schema = fixtures.join("schema.json");
        let mut copies = Vec::new();
        for source in sources {
            let text = std::fs::read_to_string(&source).unwrap();
            if let Some(line) = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("// schema:"))
            {
                schema = fixtures.join(line.trim());
            }
            let copy = dir.join(source.file_name().unwrap());
            std::fs::write(&copy, text).unwrap();
            copies.push(copy);
        }
        std::fs::write(
            dir.join("seg.toml"),
            format!("schema = {:?}\n", schema.display().to_string()),
        )
        .unwrap();
        projects.push((dir, copies));
    }

    let mut client = Client::start(&base);
    client.initialize(&base);
    for (_, files) in &projects {
        for file in files {
            client.open(file, &std::fs::read_to_string(file).unwrap());
        }
    }
    client.request("workspace/symbol", json!({"query": ""}));

    type Found = (String, String, String, u64, u64);
    let mut compared = 0;
    for (dir, files) in &projects {
        let check = Command::new(env!("CARGO_BIN_EXE_seg"))
            .args(["check", "--format", "json", "."])
            .current_dir(dir)
            .output()
            .unwrap();
        let expected: Vec<Value> = serde_json::from_slice(&check.stdout).unwrap_or_default();
        let mut want: Vec<Found> = expected
            .iter()
            .map(|d| {
                let file = d["file"].as_str().unwrap().trim_start_matches("./");
                let path = dir.join(file);
                // seg check counts columns in characters, the LSP in UTF-16 units.
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let line = text
                    .lines()
                    .nth(d["line"].as_u64().unwrap() as usize - 1)
                    .unwrap_or("");
                let chars = d["column"].as_u64().unwrap() as usize - 1;
                let column: usize = line.chars().take(chars).map(char::len_utf16).sum();
                let message = match d["help"].as_str() {
                    Some(help) => format!("{}\nhelp: {help}", d["message"].as_str().unwrap()),
                    None => d["message"].as_str().unwrap().to_string(),
                };
                let code = d["code"].as_str().unwrap().to_string();
                (
                    path.display().to_string(),
                    code,
                    message,
                    d["line"].as_u64().unwrap(),
                    column as u64 + 1,
                )
            })
            .collect();
        let schema = std::fs::read_to_string(dir.join("seg.toml")).unwrap();
        let schema = schema
            .trim()
            .trim_start_matches("schema = ")
            .trim_matches('"')
            .to_string();
        let mut got: Vec<Found> = Vec::new();
        for path in files
            .iter()
            .map(|f| f.display().to_string())
            .chain([schema])
        {
            let published = client
                .latest
                .get(&format!("file://{path}"))
                .cloned()
                .unwrap_or(json!([]));
            for d in published.as_array().unwrap() {
                got.push((
                    path.clone(),
                    d["code"].as_str().unwrap().to_string(),
                    d["message"].as_str().unwrap().to_string(),
                    d["range"]["start"]["line"].as_u64().unwrap() + 1,
                    d["range"]["start"]["character"].as_u64().unwrap() + 1,
                ));
            }
        }
        want.sort();
        got.sort();
        assert_eq!(got, want, "{}", dir.display());
        compared += want.len();
    }
    assert!(compared > 50, "{compared} diagnostics compared");
    assert_eq!(client.finish(), Some(0));
}

#[test]
fn a_schema_change_rechecks_the_open_files() {
    let text = "segment tiers {\n  applies_to registered\n  customer.tier is \"Gold\"\n}\n";
    let root = project("schema", &[]);
    let main = root.join("segments/tiers.seg");
    let schema = root.join("schema.json");
    let mut client = Client::start(&root);
    client.initialize(&root);
    client.open(&main, text);
    let published = client.diagnostics(&uri(&main));
    assert_eq!(published["diagnostics"][0]["code"], "E0201");

    // The schema gains the attribute on disk; the watcher reports it.
    let extended = SCHEMA.replacen(
        "\"customer\": [",
        "\"customer\": [\n    {\"code\": \"tier\", \"label\": \"Tier\", \"type\": \"select\", \"options\": [\"Gold\"], \"use_in_customer_segment\": true},",
        1,
    );
    std::fs::write(&schema, &extended).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&schema), "type": 2}]}),
    );
    let published = client.diagnostics(&uri(&main));
    assert_eq!(published["diagnostics"], json!([]));

    // Editing the schema in the editor: its own errors are published on it, and the segments
    // are then only parsed.
    client.open(&schema, &extended);
    assert_eq!(client.diagnostics(&uri(&schema))["diagnostics"], json!([]));
    client.change(&schema, 2, "{\"customer\": [}");
    let on_schema = client.diagnostics(&uri(&schema));
    assert_eq!(on_schema["diagnostics"][0]["code"], "E0101");
    assert_eq!(client.finish(), Some(0));
}

/// seg-ide's editor fixtures (`crates/seg-ide/tests/fixtures`, cursors marked `$0`) asked over
/// the protocol, each fixture in a project folder of its own: every completion, hover,
/// definition and references answer is seg-ide's answer at the same cursor (labels, markdown,
/// places), and the protocol's answers are snapshotted.
#[test]
fn the_editor_fixtures_answer_alike_over_the_protocol() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seg-ide/tests/fixtures");
    let schema = std::fs::read_to_string(fixtures.join("schema.json")).unwrap();
    for feature in ["completion", "hover", "definition", "references"] {
        let root =
            std::env::temp_dir().join(format!("seg-lsp-{}-editor-{feature}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let all = Fixture::all(&fixtures.join(feature));
        for (stem, fixture) in &all {
            let dir = root.join(stem);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("seg.toml"), "schema = \"schema.json\"\n").unwrap();
            std::fs::write(dir.join("schema.json"), &schema).unwrap();
            for (path, text) in &fixture.files[1..] {
                let on_disk = dir.join(short(path));
                std::fs::create_dir_all(on_disk.parent().unwrap()).unwrap();
                std::fs::write(on_disk, text).unwrap();
            }
        }
        let mut client = Client::start(&root);
        client.initialize(&root);
        let mut out = String::new();
        for (stem, fixture) in &all {
            let dir = root.join(stem);
            let on_disk = |path: &Path| dir.join(short(path));
            // The other side: seg-ide on the same fixture, in memory.
            let mut host = fixture.host(&schema);
            let analysis = host.analysis(fixture.main());
            let (main, text) = &fixture.files[0];
            client.open(&on_disk(main), text);
            client.diagnostics(&uri(&on_disk(main)));
            for (path, offset) in &fixture.cursors {
                out.push_str(&format!(
                    "── {stem} {}\n",
                    fixture.cursor_line(path, *offset)
                ));
                let at = json!({
                    "textDocument": {"uri": uri(&on_disk(path))},
                    "position": position_at(fixture.text(path), *offset),
                });
                let place = |path: &Path, span: seg_diag::Span| {
                    let text = fixture.text(path);
                    json!({
                        "uri": uri(&on_disk(path)),
                        "range": {
                            "start": position_at(text, span.start as usize),
                            "end": position_at(text, span.end as usize)
                        }
                    })
                };
                let answer = match feature {
                    "completion" => {
                        let response = client.request("textDocument/completion", at);
                        let labels: Vec<&str> = response["result"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|item| item["label"].as_str().unwrap())
                            .collect();
                        let expected: Vec<String> = analysis
                            .completions(path, *offset, None)
                            .into_iter()
                            .map(|item| item.label)
                            .collect();
                        assert_eq!(
                            labels,
                            expected,
                            "{stem}: {}",
                            fixture.cursor_line(path, *offset)
                        );
                        items(&response)
                    }
                    "hover" => {
                        let response = client.request("textDocument/hover", at);
                        let expected = analysis.hover(path, *offset).map(|h| h.markdown);
                        assert_eq!(
                            response["result"]["contents"]["value"].as_str(),
                            expected.as_deref(),
                            "{stem}: {}",
                            fixture.cursor_line(path, *offset)
                        );
                        format!("{}\n", client.show(&response["result"]))
                    }
                    _ => {
                        let (response, expected) = if feature == "definition" {
                            (
                                client.request("textDocument/definition", at),
                                analysis.definition(path, *offset),
                            )
                        } else {
                            let mut params = at;
                            params["context"] = json!({"includeDeclaration": true});
                            (
                                client.request("textDocument/references", params),
                                analysis.references(path, *offset, true),
                            )
                        };
                        let expected: Vec<Value> = expected
                            .iter()
                            .map(|t| place(&t.path, t.focus_span))
                            .collect();
                        let got = match &response["result"] {
                            Value::Null => Vec::new(),
                            list => list.as_array().unwrap().clone(),
                        };
                        assert_eq!(
                            got,
                            expected,
                            "{stem}: {}",
                            fixture.cursor_line(path, *offset)
                        );
                        format!("{}\n", client.show(&response["result"]))
                    }
                };
                out.push_str(&answer);
            }
        }
        snapshot(&format!("lsp_editor_fixtures_{feature}"), out);
        assert_eq!(client.finish(), Some(0));
    }
}

#[test]
fn without_file_watching_a_schema_saved_elsewhere_is_seen_at_the_next_edit() {
    let text = "segment tiers {\n  applies_to registered\n  customer.tier is \"Gold\"\n}\n";
    let root = project("schema-poll", &[]);
    let main = root.join("segments/tiers.seg");
    let mut client = Client::start(&root);
    // As Neovim 0.7 does: no `didChangeWatchedFiles`.
    client.initialize_with(&root, json!({}));
    client.open(&main, text);
    assert_eq!(
        client.diagnostics(&uri(&main))["diagnostics"][0]["code"],
        "E0201"
    );
    let extended = SCHEMA.replacen(
        "\"customer\": [",
        "\"customer\": [\n    {\"code\": \"tier\", \"label\": \"Tier\", \"type\": \"select\", \"options\": [\"Gold\"], \"use_in_customer_segment\": true},",
        1,
    );
    std::fs::write(root.join("schema.json"), &extended).unwrap();
    // The next keystroke in the segment file (a space typed at its end) re-checks.
    client.edit(&main, 2, &[((4, 0), (4, 0), " ")]);
    assert_eq!(client.diagnostics(&uri(&main))["diagnostics"], json!([]));
    // And a seg.toml pointing elsewhere is seen as well.
    std::fs::write(root.join("seg.toml"), "schema = \"missing.json\"\n").unwrap();
    client.edit(&main, 3, &[((4, 0), (4, 1), "")]);
    let message = client.notification("window/showMessage", |_| true);
    assert!(
        message["message"]
            .as_str()
            .unwrap()
            .contains("cannot read schema"),
        "{message}"
    );
    assert_eq!(client.finish(), Some(0));
}

#[test]
fn hostile_requests_get_errors_or_empty_answers() {
    let root = project("hostile", &[("segments/a.seg", CLEAN)]);
    let a = root.join("segments/a.seg");
    let mut client = Client::start(&root);
    client.initialize(&root);
    client.open(&a, CLEAN);
    client.diagnostics(&uri(&a));
    let mut answers = String::new();
    for (what, method, params) in [
        (
            "a position far past the end",
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&a)}, "position": {"line": 9999, "character": 9999}}),
        ),
        (
            "a character past the end of a line",
            "textDocument/completion",
            json!({"textDocument": {"uri": uri(&a)}, "position": {"line": 3, "character": 500}}),
        ),
        (
            "a file that does not exist",
            "textDocument/definition",
            json!({"textDocument": {"uri": "file:///nowhere/x.seg"}, "position": {"line": 0, "character": 0}}),
        ),
        (
            "a URI that is not a file",
            "textDocument/hover",
            json!({"textDocument": {"uri": "untitled:Untitled-1"}, "position": {"line": 0, "character": 0}}),
        ),
        (
            "formatting a non-file URI",
            "textDocument/formatting",
            json!({"textDocument": {"uri": "https://example.com/a.seg"}, "options": {"tabSize": 2, "insertSpaces": true}}),
        ),
        (
            "a reversed range",
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(&a)}, "range": {"start": {"line": 5, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
        ),
        (
            "parameters of the wrong shape",
            "textDocument/hover",
            json!({"position": "here"}),
        ),
        (
            "a method the server does not know",
            "textDocument/prepareCallHierarchy",
            json!({}),
        ),
    ] {
        let response = client.request(method, params);
        let answer = match (response.get("error"), &response["result"]) {
            (Some(error), _) => format!("error {}", error["code"]),
            (None, Value::Array(items)) => format!("{} items", items.len()),
            (None, result) => format!("result {result}"),
        };
        answers.push_str(&format!("{what}: {answer}\n"));
    }
    // Notifications about unknown or non-file documents change nothing and break nothing.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "untitled:1", "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": "file:///nowhere.seg"}}),
    );
    client.notify("textDocument/didOpen", json!({"nonsense": true}));
    let still = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&a)}}),
    );
    answers.push_str(&format!(
        "afterwards, document symbols: {}\n",
        still["result"].as_array().map_or(0, Vec::len)
    ));
    snapshot("lsp_hostile", answers);

    // After shutdown, requests are refused; exit then ends with 0.
    let response = client.request("shutdown", Value::Null);
    assert_eq!(response["result"], Value::Null);
    let refused = client.request("textDocument/hover", json!({}));
    assert_eq!(refused["error"]["code"], json!(-32600));
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), Some(0));
}

#[test]
fn exit_without_shutdown_exits_1() {
    let root = project("no-shutdown", &[]);
    let mut client = Client::start(&root);
    client.initialize(&root);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), Some(1));
}
