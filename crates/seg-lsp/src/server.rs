//! The server's state and its message loop: open documents, what was last published, and the
//! dispatch of each request and notification to seg-ide.
//!
//! One thread, one message at a time: an analysis of a few thousand lines takes milliseconds,
//! so there is nothing to cancel or to run in the background. Each message is handled inside
//! `catch_unwind`, so that a bug answers one request with an error instead of ending the session.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use seg_ide::{Analysis, AnalysisHost};
use serde_json::Value;

use crate::convert;

/// An open document, as the client named it.
struct Document {
    uri: lsp::Uri,
    version: i32,
    /// The current text, to apply the client's changes to (ranges, as the server asks for).
    text: String,
}

pub(crate) struct Server<'c> {
    connection: &'c Connection,
    host: AnalysisHost,
    documents: HashMap<PathBuf, Document>,
    /// The diagnostics last published for each URI (a missing entry means none).
    published: HashMap<lsp::Uri, Vec<lsp::Diagnostic>>,
    /// Project problems already shown, so that each is shown once.
    shown: HashSet<String>,
    /// The workspace folders, for workspace symbols.
    roots: Vec<PathBuf>,
    watch_files: bool,
    /// Without the client's file watching: the project files and schemas of the open documents,
    /// as last seen on disk (see [`Server::poll_disk`]).
    stamps: HashMap<PathBuf, crate::fs::Stamp>,
    shutdown_requested: bool,
}

/// A request that cannot be answered.
struct Failure {
    code: ErrorCode,
    message: String,
}

impl Failure {
    fn invalid_params(message: impl Into<String>) -> Failure {
        Failure {
            code: ErrorCode::InvalidParams,
            message: message.into(),
        }
    }
}

type Answer = Result<Value, Failure>;

impl<'c> Server<'c> {
    pub(crate) fn new(
        connection: &'c Connection,
        host: AnalysisHost,
        params: &lsp::InitializeParams,
    ) -> Server<'c> {
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| convert::path_of(&f.uri))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            roots.extend(params.root_uri.as_ref().and_then(convert::path_of));
        }
        let watch_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        Server {
            connection,
            host,
            documents: HashMap::new(),
            published: HashMap::new(),
            shown: HashSet::new(),
            roots,
            watch_files,
            stamps: HashMap::new(),
            shutdown_requested: false,
        }
    }

    /// Handles messages until `exit`. Ok after a `shutdown`, an error otherwise (the exit code
    /// the protocol asks for: 0 after shutdown, 1 without).
    pub(crate) fn run(mut self) -> Result<(), String> {
        while let Ok(message) = self.connection.receiver.recv() {
            match message {
                Message::Request(request) => self.on_request(request),
                Message::Notification(notification) => {
                    if notification.method == lsp::notification::Exit::METHOD {
                        return if self.shutdown_requested {
                            Ok(())
                        } else {
                            Err("exit before shutdown".to_string())
                        };
                    }
                    let outcome =
                        catch_unwind(AssertUnwindSafe(|| self.on_notification(notification)));
                    if outcome.is_err() {
                        self.log("an internal error interrupted a notification");
                    }
                }
                Message::Response(_) => {}
            }
        }
        Err("the client closed the connection without `exit`".to_string())
    }

    fn send(&self, message: impl Into<Message>) {
        // The connection only fails when the client is gone; the loop then ends by itself.
        let _ = self.connection.sender.send(message.into());
    }

    fn notify<N: lsp::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn log(&self, message: &str) {
        self.notify::<lsp::notification::LogMessage>(lsp::LogMessageParams {
            typ: lsp::MessageType::WARNING,
            message: message.to_string(),
        });
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        if self.shutdown_requested {
            self.reply(
                id,
                Err(Failure {
                    code: ErrorCode::InvalidRequest,
                    message: "the server is shutting down".to_string(),
                }),
            );
            return;
        }
        if request.method == lsp::request::Shutdown::METHOD {
            self.shutdown_requested = true;
            self.reply(id, Ok(Value::Null));
            return;
        }
        let answer = catch_unwind(AssertUnwindSafe(|| self.answer(request))).unwrap_or_else(|_| {
            Err(Failure {
                code: ErrorCode::InternalError,
                message: "internal error".to_string(),
            })
        });
        self.reply(id, answer);
    }

    fn reply(&self, id: RequestId, answer: Answer) {
        let response = match answer {
            Ok(value) => Response {
                id,
                response_result: Ok(value),
            },
            Err(failure) => Response::new_err(id, failure.code as i32, failure.message),
        };
        self.send(response);
    }

    fn answer(&mut self, request: Request) -> Answer {
        use lsp::request::*;
        match request.method.as_str() {
            Completion::METHOD => self.completion(params(request)?),
            HoverRequest::METHOD => self.hover(params(request)?),
            GotoDefinition::METHOD => self.definition(params(request)?),
            References::METHOD => self.references(params(request)?),
            DocumentSymbolRequest::METHOD => self.document_symbols(params(request)?),
            WorkspaceSymbolRequest::METHOD => self.workspace_symbols(params(request)?),
            Formatting::METHOD => self.formatting(params(request)?),
            SemanticTokensFullRequest::METHOD => self.semantic_tokens(params(request)?),
            CodeActionRequest::METHOD => self.code_actions(params(request)?),
            _ => Err(Failure {
                code: ErrorCode::MethodNotFound,
                message: format!("unknown request {}", request.method),
            }),
        }
    }

    fn on_notification(&mut self, notification: Notification) {
        use lsp::notification::*;
        match notification.method.as_str() {
            Initialized::METHOD => self.register_watchers(),
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = params::<lsp::DidOpenTextDocumentParams>(notification) {
                    self.did_open(p);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = params::<lsp::DidChangeTextDocumentParams>(notification) {
                    self.did_change(p);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = params::<lsp::DidCloseTextDocumentParams>(notification) {
                    self.did_close(p);
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(p) = params::<lsp::DidSaveTextDocumentParams>(notification) {
                    if let Some(path) = convert::path_of(&p.text_document.uri) {
                        self.host.disk_changed(&path);
                        self.publish(None);
                    }
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = params::<lsp::DidChangeWatchedFilesParams>(notification) {
                    for change in &p.changes {
                        if let Some(path) = convert::path_of(&change.uri) {
                            self.host.disk_changed(&path);
                        }
                    }
                    self.publish(None);
                }
            }
            _ => {}
        }
    }

    /// Asks the client to report changes to segments, schemas and project files on disk.
    fn register_watchers(&self) {
        if !self.watch_files {
            return;
        }
        let watchers = ["**/*.seg", "**/seg.toml", "**/*.json"]
            .into_iter()
            .map(|glob| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "seg-watched-files".to_string(),
                method: lsp::notification::DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.send(Request::new(
            RequestId::from("seg-register-watchers".to_string()),
            lsp::request::RegisterCapability::METHOD.to_string(),
            params,
        ));
    }

    // ---- Documents ---------------------------------------------------------------------------

    fn did_open(&mut self, p: lsp::DidOpenTextDocumentParams) {
        let Some(path) = convert::path_of(&p.text_document.uri) else {
            return;
        };
        self.host.set_file(&path, &p.text_document.text);
        self.documents.insert(
            path.clone(),
            Document {
                uri: p.text_document.uri,
                version: p.text_document.version,
                text: p.text_document.text,
            },
        );
        self.publish(Some(&path));
    }

    fn did_change(&mut self, p: lsp::DidChangeTextDocumentParams) {
        let Some(path) = convert::path_of(&p.text_document.uri) else {
            return;
        };
        let Some(document) = self.documents.get_mut(&path) else {
            return;
        };
        for change in p.content_changes {
            convert::apply_change(&mut document.text, change);
        }
        document.version = p.text_document.version;
        let text = document.text.clone();
        self.host.set_file(&path, &text);
        self.publish(Some(&path));
    }

    fn did_close(&mut self, p: lsp::DidCloseTextDocumentParams) {
        let Some(path) = convert::path_of(&p.text_document.uri) else {
            return;
        };
        if let Some(document) = self.documents.remove(&path) {
            self.host.close_file(&path);
            if self.published.remove(&document.uri).is_some() {
                self.send_diagnostics(document.uri, Vec::new(), None);
            }
            self.publish(None);
        }
    }

    // ---- Diagnostics -------------------------------------------------------------------------

    /// The URI to use for a path: the client's own for an open document.
    fn uri_for(&self, path: &Path) -> Option<lsp::Uri> {
        match self.documents.get(path) {
            Some(document) => Some(document.uri.clone()),
            None => convert::uri_of(path),
        }
    }

    /// Publishes the diagnostics of every open document (a change in one file can change those
    /// of another, through `in segment` or the schema) and of the schemas of their projects.
    /// Unchanged diagnostics are not sent again, except for `changed`, the document just edited.
    fn publish(&mut self, changed: Option<&Path>) {
        self.poll_disk();
        let analyses = self.host.open_analyses();
        for analysis in &analyses {
            if let Some(problem) = analysis.problem() {
                if self.shown.insert(problem.to_string()) {
                    self.notify::<lsp::notification::ShowMessage>(lsp::ShowMessageParams {
                        typ: lsp::MessageType::WARNING,
                        message: format!("seg: {problem}"),
                    });
                }
            }
            let mut targets: Vec<(PathBuf, Option<i32>)> = analysis
                .files()
                .filter_map(|p| {
                    self.documents
                        .get(p)
                        .map(|d| (p.to_path_buf(), Some(d.version)))
                })
                .collect();
            if let Some(schema) = analysis.schema_path() {
                targets.push((schema.to_path_buf(), None));
            }
            for (path, version) in targets {
                let Some(uri) = self.uri_for(&path) else {
                    continue;
                };
                let diagnostics = self.diagnostics_of(analysis, &path);
                let unchanged = self
                    .published
                    .get(&uri)
                    .map_or(diagnostics.is_empty(), |d| *d == diagnostics);
                if unchanged && changed != Some(path.as_path()) {
                    continue;
                }
                self.send_diagnostics(uri, diagnostics, version);
            }
        }
    }

    /// For a client that does not report changes on disk (no `didChangeWatchedFiles`, as in
    /// Neovim before 0.9): looks at the project files and schemas of the open documents before
    /// each publish, and drops what was derived from any that changed since it was last seen.
    /// A schema saved in another editor is then picked up at the next keystroke or save.
    fn poll_disk(&mut self) {
        if self.watch_files {
            return;
        }
        let mut paths = Vec::new();
        for analysis in self.host.open_analyses() {
            if let Some(project) = analysis.project() {
                paths.push(project.file.clone());
                paths.extend(project.schema.clone());
            }
        }
        for path in paths {
            let now = crate::fs::stamp(&path);
            let before = self.stamps.insert(path.clone(), now);
            if before.is_some_and(|before| before != now) {
                self.host.disk_changed(&path);
            }
        }
    }

    fn diagnostics_of(&self, analysis: &Arc<Analysis>, path: &Path) -> Vec<lsp::Diagnostic> {
        let uri_for = |p: &Path| self.uri_for(p);
        analysis
            .diagnostics(path)
            .into_iter()
            .filter_map(|d| convert::diagnostic(analysis, d, &uri_for))
            .collect()
    }

    fn send_diagnostics(
        &mut self,
        uri: lsp::Uri,
        diagnostics: Vec<lsp::Diagnostic>,
        version: Option<i32>,
    ) {
        self.published.insert(uri.clone(), diagnostics.clone());
        self.notify::<lsp::notification::PublishDiagnostics>(lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        });
    }

    // ---- Requests ----------------------------------------------------------------------------

    /// The analysis and the path of a document a request names; `None` for a URI that is not a
    /// local file, or a file that neither is open nor exists.
    fn document(&mut self, uri: &lsp::Uri) -> Option<(Arc<Analysis>, PathBuf)> {
        let path = convert::path_of(uri)?;
        let analysis = self.host.analysis(&path);
        analysis.source(&path)?;
        Some((analysis, path))
    }

    /// The analysis, the path and the byte offset of the position a request names.
    fn at(
        &mut self,
        at: &lsp::TextDocumentPositionParams,
    ) -> Option<(Arc<Analysis>, PathBuf, usize)> {
        let (analysis, path) = self.document(&at.text_document.uri)?;
        let offset = convert::offset(analysis.source(&path)?, at.position);
        Some((analysis, path, offset))
    }

    fn completion(&mut self, p: lsp::CompletionParams) -> Answer {
        let none = || json(lsp::CompletionResponse::Array(Vec::new()));
        let Some((analysis, path, offset)) = self.at(&p.text_document_position) else {
            return none();
        };
        let Some(file) = analysis.source(&path) else {
            return none();
        };
        let trigger = p
            .context
            .filter(|c| c.trigger_kind == lsp::CompletionTriggerKind::TRIGGER_CHARACTER)
            .and_then(|c| c.trigger_character)
            .and_then(|c| c.chars().next());
        let items = analysis
            .completions(&path, offset, trigger)
            .into_iter()
            .enumerate()
            .map(|(i, item)| convert::completion_item(file, item, i))
            .collect();
        json(lsp::CompletionResponse::Array(items))
    }

    fn hover(&mut self, p: lsp::HoverParams) -> Answer {
        let Some((analysis, path, offset)) = self.at(&p.text_document_position_params) else {
            return Ok(Value::Null);
        };
        match analysis.hover(&path, offset) {
            Some(hover) => json(lsp::Hover {
                contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: hover.markdown,
                }),
                range: analysis
                    .source(&path)
                    .map(|file| convert::range(file, hover.span)),
            }),
            None => Ok(Value::Null),
        }
    }

    fn locations(&self, analysis: &Analysis, targets: Vec<seg_ide::Target>) -> Vec<lsp::Location> {
        targets
            .into_iter()
            .filter_map(|t| {
                let file = analysis.source(&t.path)?;
                Some(lsp::Location::new(
                    self.uri_for(&t.path)?,
                    convert::range(file, t.focus_span),
                ))
            })
            .collect()
    }

    fn definition(&mut self, p: lsp::GotoDefinitionParams) -> Answer {
        let Some((analysis, path, offset)) = self.at(&p.text_document_position_params) else {
            return Ok(Value::Null);
        };
        let targets = analysis.definition(&path, offset);
        if targets.is_empty() {
            return Ok(Value::Null);
        }
        json(lsp::GotoDefinitionResponse::Array(
            self.locations(&analysis, targets),
        ))
    }

    fn references(&mut self, p: lsp::ReferenceParams) -> Answer {
        let Some((analysis, path, offset)) = self.at(&p.text_document_position) else {
            return json(Vec::<lsp::Location>::new());
        };
        let targets = analysis.references(&path, offset, p.context.include_declaration);
        json(self.locations(&analysis, targets))
    }

    fn document_symbols(&mut self, p: lsp::DocumentSymbolParams) -> Answer {
        let Some((analysis, path)) = self.document(&p.text_document.uri) else {
            return json(lsp::DocumentSymbolResponse::Nested(Vec::new()));
        };
        let Some(file) = analysis.source(&path) else {
            return json(lsp::DocumentSymbolResponse::Nested(Vec::new()));
        };
        #[allow(deprecated)]
        let symbols = analysis
            .document_symbols(&path)
            .into_iter()
            .map(|s| lsp::DocumentSymbol {
                name: s.id,
                detail: s.title,
                kind: lsp::SymbolKind::CLASS,
                tags: None,
                deprecated: None,
                range: convert::range(file, s.full_span),
                selection_range: convert::range(file, s.focus_span),
                children: None,
            })
            .collect();
        json(lsp::DocumentSymbolResponse::Nested(symbols))
    }

    fn workspace_symbols(&mut self, p: lsp::WorkspaceSymbolParams) -> Answer {
        let mut analyses = self.host.open_analyses();
        for root in self.roots.clone() {
            let inside = root.join("seg.toml");
            if self.host.project_of(&inside).is_some() {
                let analysis = self.host.analysis(&inside);
                if !analyses.iter().any(|a| Arc::ptr_eq(a, &analysis)) {
                    analyses.push(analysis);
                }
            }
        }
        let mut out = Vec::new();
        for analysis in &analyses {
            for symbol in analysis.workspace_symbols(&p.query) {
                let (Some(file), Some(uri)) =
                    (analysis.source(&symbol.path), self.uri_for(&symbol.path))
                else {
                    continue;
                };
                #[allow(deprecated)]
                out.push(lsp::SymbolInformation {
                    name: symbol.id,
                    kind: lsp::SymbolKind::CLASS,
                    tags: None,
                    deprecated: None,
                    location: lsp::Location::new(uri, convert::range(file, symbol.focus_span)),
                    container_name: symbol.title,
                });
            }
        }
        json(lsp::WorkspaceSymbolResponse::Flat(out))
    }

    fn formatting(&mut self, p: lsp::DocumentFormattingParams) -> Answer {
        let Some((analysis, path)) = self.document(&p.text_document.uri) else {
            return Ok(Value::Null);
        };
        let Some(file) = analysis.source(&path) else {
            return Ok(Value::Null);
        };
        // A file that does not parse is left alone (null: nothing to do), as `seg fmt` does.
        let Some(formatted) = analysis.format(&path) else {
            return Ok(Value::Null);
        };
        if formatted == file.text {
            return json(Vec::<lsp::TextEdit>::new());
        }
        let whole = convert::range(file, seg_diag::Span::new(0, file.text.len()));
        json(vec![lsp::TextEdit::new(whole, formatted)])
    }

    fn semantic_tokens(&mut self, p: lsp::SemanticTokensParams) -> Answer {
        let Some((analysis, path)) = self.document(&p.text_document.uri) else {
            return Ok(Value::Null);
        };
        let Some(file) = analysis.source(&path) else {
            return Ok(Value::Null);
        };
        let data = convert::semantic_tokens(file, &analysis.highlights(&path));
        json(lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens {
            result_id: None,
            data,
        }))
    }

    fn code_actions(&mut self, p: lsp::CodeActionParams) -> Answer {
        let wants_fixes = p.context.only.as_ref().is_none_or(|kinds| {
            kinds.iter().any(|k| {
                lsp::CodeActionKind::QUICKFIX
                    .as_str()
                    .starts_with(k.as_str())
            })
        });
        let Some((analysis, path)) = self.document(&p.text_document.uri).filter(|_| wants_fixes)
        else {
            return json(Vec::<lsp::CodeActionOrCommand>::new());
        };
        let (Some(file), Some(uri)) = (analysis.source(&path), self.uri_for(&path)) else {
            return json(Vec::<lsp::CodeActionOrCommand>::new());
        };
        let uri_for = |p: &Path| self.uri_for(p);
        let span = convert::span(file, p.range);
        let actions: Vec<lsp::CodeActionOrCommand> = analysis
            .fixes(&path, span)
            .into_iter()
            .map(|fix| {
                let edit = lsp::TextEdit::new(convert::range(file, fix.span), fix.replacement);
                // `Uri` hashes and compares by its text; the cell clippy sees inside it only
                // caches what parsing found.
                #[allow(clippy::mutable_key_type)]
                let changes = HashMap::from([(uri.clone(), vec![edit])]);
                lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: fix.title,
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: convert::diagnostic(&analysis, &fix.diagnostic, &uri_for)
                        .map(|d| vec![d]),
                    edit: Some(lsp::WorkspaceEdit {
                        changes: Some(changes),
                        ..Default::default()
                    }),
                    is_preferred: Some(true),
                    ..Default::default()
                })
            })
            .collect();
        json(actions)
    }
}

fn params<P: serde::de::DeserializeOwned>(message: impl Into<Message>) -> Result<P, Failure> {
    let value = match message.into() {
        Message::Request(r) => r.params,
        Message::Notification(n) => n.params,
        Message::Response(_) => Value::Null,
    };
    serde_json::from_value(value)
        .map_err(|e| Failure::invalid_params(format!("invalid params: {e}")))
}

fn json(value: impl serde::Serialize) -> Answer {
    serde_json::to_value(value).map_err(|e| Failure {
        code: ErrorCode::InternalError,
        message: e.to_string(),
    })
}
