//! The language server as an editor meets it, over the protocol (an in-memory connection,
//! the server on its own thread, as `seg lsp` runs): on a 5,000-line `.seg` file,
//! `keystroke_to_diagnostics` is the time from a `didChange` (one character typed or deleted,
//! as a range) to the `publishDiagnostics` it causes (target < 20 ms), and `completion` a
//! completion request answered (target < 5 ms); `round_trip_of_an_empty_hover` is the
//! transport's share of both (two thread hand-offs).
//! Run with `cargo bench -p seg-lsp --bench lsp`.

#[path = "../../seg-check/benches/common/corpus.rs"]
mod corpus;

use std::cell::Cell;
use std::path::PathBuf;
use std::thread::JoinHandle;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

fn main() {
    divan::main();
}

const SCHEMA: &str = include_str!("../../seg-ide/tests/fixtures/schema.json");
const LINES: usize = 5_000;

/// A client with the server running on a thread, and the project it opened.
struct Session {
    client: Connection,
    server: Option<JoinHandle<()>>,
    root: PathBuf,
    uri: String,
    next_id: i32,
}

impl Session {
    /// Writes a project (seg.toml, schema, the big file) to a temporary folder, starts the
    /// server, initializes it and opens the file.
    fn start(name: &str, text: &str) -> Session {
        let root =
            std::env::temp_dir().join(format!("seg-lsp-bench-{name}-{}", std::process::id()));
        std::fs::create_dir_all(root.join("segments")).unwrap();
        std::fs::write(root.join("seg.toml"), "schema = \"schema.json\"\n").unwrap();
        std::fs::write(root.join("schema.json"), SCHEMA).unwrap();
        let file = root.join("segments/big.seg");
        std::fs::write(&file, text).unwrap();
        let (server, client) = Connection::memory();
        let thread = std::thread::spawn(move || seg_lsp::run(&server).unwrap());
        let mut session = Session {
            client,
            server: Some(thread),
            uri: format!("file://{}", file.display()),
            root,
            next_id: 0,
        };
        session.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        session.notify("initialized", json!({}));
        session.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": session.uri, "languageId": "seg", "version": 1, "text": text}}),
        );
        assert_eq!(session.published(), 0, "the generated file has no problem");
        session
    }

    fn notify(&self, method: &str, params: Value) {
        let notification = Notification::new(method.to_string(), params);
        self.client.sender.send(notification.into()).unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Request::new(id.clone(), method.to_string(), params);
        self.client.sender.send(request.into()).unwrap();
        loop {
            if let Message::Response(response) = self.client.receiver.recv().unwrap() {
                if response.id == id {
                    return response.response_result.expect("an answer");
                }
            }
        }
    }

    /// Waits for the diagnostics of the file; returns how many there are.
    fn published(&self) -> usize {
        loop {
            if let Message::Notification(n) = self.client.receiver.recv().unwrap() {
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == self.uri {
                    return n.params["diagnostics"].as_array().map_or(0, Vec::len);
                }
            }
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        if let Some(thread) = self.server.take() {
            let _ = thread.join();
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Line and character (the file is ASCII) just after the first `needle` in the second half of
/// the file.
fn position_after(text: &str, needle: &str) -> (usize, usize) {
    let middle = text.len() / 2;
    let offset = middle + text[middle..].find(needle).unwrap() + needle.len();
    let line = text[..offset].matches('\n').count();
    let column = offset - text[..offset].rfind('\n').map_or(0, |n| n + 1);
    (line, column)
}

#[divan::bench(sample_count = 30)]
fn keystroke_to_diagnostics(bencher: divan::Bencher) {
    let text = corpus::file_of_lines(LINES);
    let session = Session::start("keystroke", &text);
    // A digit typed into `cart.subtotal >= 100.00` and deleted again, in turn: every segment
    // after it moves by a byte each time.
    let (line, column) = position_after(&text, "cart.subtotal >= 1");
    let at = json!({"line": line, "character": column});
    let next = json!({"line": line, "character": column + 1});
    let version = Cell::new(1);
    bencher.bench_local(|| {
        let v = version.get() + 1;
        version.set(v);
        let change = if v % 2 == 0 {
            json!({"range": {"start": at, "end": at}, "text": "0"})
        } else {
            json!({"range": {"start": at, "end": next}, "text": ""})
        };
        session.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": session.uri, "version": v}, "contentChanges": [change]}),
        );
        session.published()
    });
}

#[divan::bench(sample_count = 50)]
fn completion_after_customer_dot(bencher: divan::Bencher) {
    let text = corpus::file_of_lines(LINES);
    let mut session = Session::start("completion", &text);
    let (line, column) = position_after(&text, "customer.");
    let params = json!({
        "textDocument": {"uri": session.uri},
        "position": {"line": line, "character": column},
        "context": {"triggerKind": 2, "triggerCharacter": "."}
    });
    let items = session.request("textDocument/completion", params.clone());
    assert!(items.as_array().is_some_and(|items| !items.is_empty()));
    bencher.bench_local(|| {
        session
            .request("textDocument/completion", params.clone())
            .as_array()
            .map_or(0, Vec::len)
    });
}

/// The floor under every request: a hover on an empty line (nothing to answer), i.e. the
/// round trip between the client's thread and the server's.
#[divan::bench(sample_count = 50)]
fn round_trip_of_an_empty_hover(bencher: divan::Bencher) {
    let text = corpus::file_of_lines(LINES);
    let mut session = Session::start("hover", &text);
    let (line, _) = position_after(&text, "\n\n");
    let params = json!({
        "textDocument": {"uri": session.uri},
        "position": {"line": line, "character": 0},
    });
    assert_eq!(
        session.request("textDocument/hover", params.clone()),
        Value::Null
    );
    bencher.bench_local(|| {
        session
            .request("textDocument/hover", params.clone())
            .is_null()
    });
}
