//! The Seg language server: the LSP protocol, and nothing else, over `seg-ide`.
//!
//! [`run_stdio`] serves one client on stdin/stdout (`seg lsp`). The transport is `lsp-server`
//! (synchronous, no async runtime: what rust-analyzer, gleam and nickel use) and the message
//! types are `lsp-types`. This crate converts positions (UTF-16) and URIs, keeps the open
//! documents, publishes diagnostics after every change, and turns seg-ide's plain answers into
//! protocol types; every answer itself comes from seg-ide.

mod convert;
mod fs;
mod server;

use lsp_server::Connection;
use lsp_types as lsp;
use seg_ide::AnalysisHost;

/// Serves one client over stdin and stdout until it says `exit`. Ok when the session ended
/// as the protocol asks (`shutdown`, then `exit`); an error to report, and exit 1, otherwise.
pub fn run_stdio() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let outcome = run(&connection);
    drop(connection);
    io_threads
        .join()
        .map_err(|e| format!("language server IO: {e}"))?;
    outcome
}

/// Serves one client over any connection (tests use `Connection::memory`).
pub fn run(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("initialization failed: {e}"))?;
    // Parameters a client gets wrong must not end the session: the defaults serve.
    let params: lsp::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": {"name": "seg-lsp", "version": env!("CARGO_PKG_VERSION")},
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("initialization failed: {e}"))?;
    let host = AnalysisHost::new(Box::new(fs::StdFs));
    server::Server::new(connection, host, &params).run()
}

/// What the server offers.
pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                // Edits as ranges: a keystroke sends a few bytes, not the whole file.
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![".".into(), " ".into(), "\"".into()]),
            resolve_provider: Some(false),
            ..Default::default()
        }),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        semantic_tokens_provider: Some(
            lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp::SemanticTokensOptions {
                    legend: convert::semantic_token_legend(),
                    full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    ..Default::default()
                },
            ),
        ),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}
