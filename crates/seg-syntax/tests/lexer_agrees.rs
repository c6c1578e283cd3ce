//! The logos lexer agrees with the pest grammar on every `.seg` file of the project.
//!
//! Editors highlight with the logos tokens, and the parser's pre-pass uses them to find comments,
//! measure nesting and split files into segments; the grammar decides what the file means. If
//! the two disagreed on where a token starts or ends, the editor would colour one thing and the
//! compiler read another, and the pre-pass could split a file in the wrong place. So, on every
//! file under `tests/` and `examples/` (found anew on each run: a new fixture is a new case) that
//! the grammar accepts, the significant logos tokens must have exactly the spans of the pest
//! parse tree's leaves, in the same order, with compatible kinds. Also, `lexer::KEYWORDS` must be
//! exactly the `kw_*` rules of `grammar/seg.pest`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use seg_diag::FileId;
use seg_syntax::lexer::{tokenize, TokenKind, KEYWORDS};
use seg_syntax::parser::grammar_tokens;

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `*.seg` file under `dir`, recursively, sorted.
fn seg_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            seg_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "seg") {
            out.push(path);
        }
    }
}

/// The logos kind of a keyword written alone.
fn keyword_kind(keyword: &str) -> TokenKind {
    let tokens = tokenize(keyword);
    assert_eq!(tokens.len(), 1, "`{keyword}` is not one token");
    tokens[0].kind
}

/// Whether a pest leaf rule and a logos token kind name the same kind of token.
fn compatible(rule: &str, kind: TokenKind) -> bool {
    use TokenKind::*;
    if let Some(keyword) = rule.strip_prefix("kw_") {
        return kind.is_keyword() && kind == keyword_kind(keyword);
    }
    match rule {
        // Keywords are contextual, so a name may be any word the lexer knows, `true` included
        // (`customer.true`); as a value `true` is a `boolean` leaf instead.
        "ident" | "word" => {
            kind == Ident || kind.is_contextual_word() || matches!(kind, True | False)
        }
        "string" => kind == String,
        "number" => kind == Number,
        "date" => kind == Date,
        "datetime" => kind == DateTime,
        "boolean" => matches!(kind, True | False),
        "lbrace" => kind == LBrace,
        "rbrace" => kind == RBrace,
        "lparen" => kind == LParen,
        "rparen" => kind == RParen,
        "lbracket" => kind == LBracket,
        "rbracket" => kind == RBracket,
        "comma" => kind == Comma,
        "dot" => kind == Dot,
        "sym_eq" => kind == EqEq,
        "sym_ne" => kind == NotEq,
        "sym_ge" => kind == Ge,
        "sym_le" => kind == Le,
        "sym_gt" => kind == Gt,
        "sym_lt" => kind == Lt,
        other => panic!(
            "the grammar has a leaf rule `{other}` this test does not know; add it to `compatible`"
        ),
    }
}

/// Compares the two token streams of `text`; Err describes the first mismatch.
fn agree(text: &str) -> Result<usize, String> {
    let leaves = grammar_tokens(text).map_err(|e| format!("the grammar rejects the text: {e}"))?;
    let tokens: Vec<_> = tokenize(text)
        .into_iter()
        .filter(|t| !t.kind.is_comment())
        .collect();
    let source = seg_diag::SourceFile::new("", text);
    for (i, (rule, span)) in leaves.iter().enumerate() {
        let Some(token) = tokens.get(i) else {
            return Err(format!(
                "the grammar has a leaf `{rule}` at offset {} that the lexer lacks",
                span.start
            ));
        };
        if token.span != *span || !compatible(rule, token.kind) {
            let at = source.line_col(span.start.min(token.span.start));
            return Err(format!(
                "at offset {} (line {}, column {}): grammar leaf `{rule}` {span} {:?}, logos token {:?} {} {:?}",
                span.start.min(token.span.start),
                at.line,
                at.column,
                &text[span.range()],
                token.kind,
                token.span,
                &text[token.span.range()],
            ));
        }
    }
    if let Some(extra) = tokens.get(leaves.len()) {
        return Err(format!(
            "the lexer has a token {:?} {:?} at offset {} after the grammar's last leaf",
            extra.kind,
            &text[extra.span.range()],
            extra.span.start
        ));
    }
    Ok(leaves.len())
}

#[test]
fn lexer_agrees_with_the_grammar_on_every_file() {
    let root = project_root();
    let mut files = Vec::new();
    seg_files(&root.join("tests"), &mut files);
    seg_files(&root.join("examples"), &mut files);
    files.sort();
    assert!(!files.is_empty(), "no .seg files under {}", root.display());
    let mut compared = 0;
    for path in &files {
        let bytes =
            std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let Ok(text) = seg_syntax::decode(FileId(0), &bytes) else {
            continue;
        };
        if grammar_tokens(&text).is_err() {
            continue;
        }
        // The same text with CRLF line ends and a byte order mark must agree too.
        let crlf = format!(
            "\u{FEFF}{}",
            text.replace("\r\n", "\n").replace('\n', "\r\n")
        );
        for (variant, text) in [("", text.as_str()), (" (CRLF + BOM)", crlf.as_str())] {
            if let Err(mismatch) = agree(text) {
                panic!(
                    "{}{variant}: the lexer and the grammar disagree {mismatch}",
                    path.display()
                );
            }
        }
        compared += 1;
    }
    assert!(
        compared >= 10,
        "only {compared} of {} files parsed; is the grammar broken?",
        files.len()
    );
}

#[test]
fn lexer_agrees_on_tricky_text() {
    // Spots where a lexer and a PEG grammar typically part ways: adjacent symbols, negative
    // numbers after operators, dates next to numbers, keywords as names, `true` as a name.
    for text in [
        "segment s { x>=-3 y<=2 z>1 w<-1.5 a==b c!=d }",
        "segment s { x in [2026-01-01,2026-01-01T10:00Z,-1,1.5,\"a\",true,word,] }",
        "segment s { customer.true is true customer.segment is segment }",
        "segment s { all{any{none{}}} not not in segment in }",
        "segment s { sum(orders.grand_total within last 30 days where{status is\"x\"})>=1 }",
        "segment s{name\"n\"applies_to everyone websites[]active false}",
        "segment s { x is \"multi\nline \\\" string\" }",
        "segment s { x between 1 and 2 y anniversary within next 3 weeks z more than 1 hour ago }",
        "segment s { x is 2026-01-31T09:30:00.123+09:00 }",
    ] {
        if let Err(mismatch) = agree(text) {
            panic!("{text:?}: the lexer and the grammar disagree {mismatch}");
        }
    }
}

#[test]
fn mismatched_kinds_are_caught() {
    // The comparison itself must be able to fail: a keyword is not a string, a name not a `{`.
    assert!(!compatible("kw_is", TokenKind::Ident));
    assert!(!compatible("kw_is", TokenKind::KwIn));
    assert!(!compatible("string", TokenKind::Ident));
    assert!(!compatible("ident", TokenKind::LBrace));
    assert!(!compatible("boolean", TokenKind::Ident));
    assert!(compatible("ident", TokenKind::KwName) && compatible("word", TokenKind::Unit));
}

/// The keyword rules of `grammar/seg.pest`: `kw_name = @{ "literal" ~ !ident_char }`.
fn grammar_keywords() -> Vec<(String, String)> {
    let path = project_root().join("grammar/seg.pest");
    let grammar = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut keywords = Vec::new();
    for line in grammar.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("kw_") else {
            continue;
        };
        let Some((name, definition)) = rest.split_once('=') else {
            continue;
        };
        let literal = definition
            .split('"')
            .nth(1)
            .unwrap_or_else(|| panic!("no literal in `{line}`"));
        keywords.push((name.trim().to_string(), literal.to_string()));
    }
    keywords
}

#[test]
fn keywords_match_the_grammar() {
    let grammar = grammar_keywords();
    assert!(
        grammar.len() >= 30,
        "found only {} kw_ rules; did the grammar's layout change?",
        grammar.len()
    );
    for (name, literal) in &grammar {
        assert_eq!(
            name, literal,
            "rule kw_{name} matches \"{literal}\": the rule name should be the keyword"
        );
    }
    let from_grammar: BTreeSet<&str> = grammar.iter().map(|(_, l)| l.as_str()).collect();
    let from_lexer: BTreeSet<&str> = KEYWORDS.iter().copied().collect();
    assert_eq!(
        from_lexer.len(),
        KEYWORDS.len(),
        "lexer::KEYWORDS has duplicates"
    );
    assert_eq!(
        from_lexer, from_grammar,
        "lexer::KEYWORDS (left) and the kw_* rules of grammar/seg.pest (right) differ"
    );
    for keyword in KEYWORDS {
        assert!(
            keyword_kind(keyword).is_keyword(),
            "the lexer has no keyword token for `{keyword}`"
        );
    }
}
