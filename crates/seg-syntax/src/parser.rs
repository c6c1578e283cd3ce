//! Text → [`Module`]: the pest grammar (`grammar/seg.pest`) and the builder from its parse tree
//! to the spanned AST.
//!
//! Before pest runs, the logos token stream is used three ways: comments are collected for the
//! AST, absurd nesting is rejected (E0003) so that no recursive pass can overflow the stack, and
//! the file is split at top-level `segment` keywords so that one broken segment still lets every
//! other segment parse and be checked.

use std::collections::HashMap;

use pest::iterators::Pair;
use pest::Parser as _;
use seg_diag::{Code, Diagnostic, FileId, Label, Span};

use crate::ast::*;
use crate::lexer::{first_significant_token, tokenize, Token, TokenKind};

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/seg.pest"]
struct SegParser;

/// The deepest nesting accepted: braces, parentheses, brackets and chains of `not` together.
/// Real segments nest a handful of levels; this bounds the recursion of every later pass.
pub const MAX_DEPTH: usize = 256;

/// Parses one file. Never fails and never panics: problems come back as diagnostics, and every
/// segment that parsed is in the module.
pub fn parse(file: FileId, text: &str) -> (Module, Vec<Diagnostic>) {
    let (module, diagnostics, _) = parse_chunks(file, text, None, false);
    (module, diagnostics)
}

/// What one parse of a file leaves for the next parse of the same file: each segment that
/// parsed, by the text it was parsed from. An editor re-parses on every keystroke; with this,
/// only the segments whose text changed go through pest again (the others are moved to where
/// their text now stands), and the result is exactly what [`parse`] returns.
#[derive(Debug, Default)]
pub struct Reuse {
    file: Option<FileId>,
    chunks: HashMap<Box<str>, ParsedChunk>,
    /// How many segments the parse that left this took from the one before.
    reused: usize,
}

impl Reuse {
    /// How many segments the parse that returned this took from the previous parse instead of
    /// parsing them again.
    pub fn reused(&self) -> usize {
        self.reused
    }
}

/// A segment that parsed, with the diagnostics its building reported, as built at `start`.
#[derive(Debug)]
struct ParsedChunk {
    start: usize,
    segment: Segment,
    diagnostics: Vec<Diagnostic>,
}

/// [`parse`] reusing what an earlier parse of the same file left (none at first); returns what
/// this parse leaves for the next.
pub fn reparse(file: FileId, text: &str, previous: Reuse) -> (Module, Vec<Diagnostic>, Reuse) {
    let previous = Some(previous).filter(|reuse| reuse.file == Some(file));
    parse_chunks(file, text, previous, true)
}

fn parse_chunks(
    file: FileId,
    text: &str,
    mut previous: Option<Reuse>,
    keep: bool,
) -> (Module, Vec<Diagnostic>, Reuse) {
    let tokens = tokenize(text);
    let mut diagnostics = Vec::new();
    let comments = tokens
        .iter()
        .filter(|t| t.kind.is_comment())
        .map(|t| Comment {
            kind: if t.kind == TokenKind::DocComment {
                CommentKind::Doc
            } else {
                CommentKind::Line
            },
            span: t.span,
        })
        .collect();
    let significant: Vec<Token> = tokens
        .iter()
        .copied()
        .filter(|t| !t.kind.is_comment())
        .collect();

    let mut reuse = Reuse {
        file: Some(file),
        chunks: HashMap::new(),
        reused: 0,
    };
    let mut segments = Vec::new();
    for chunk in split_segments(&significant, text.len()) {
        if let Some(token) = too_deep(&significant[chunk.tokens.clone()]) {
            diagnostics.push(
                Diagnostic::new(
                    Code::E0003,
                    format!("conditions nest deeper than {MAX_DEPTH} levels"),
                    Label::new(file, token.span, "this is too deep"),
                )
                .with_help("split the condition into segments and combine them with `in segment`"),
            );
            continue;
        }
        let source = &text[chunk.start..chunk.end];
        let earlier = previous.as_mut().and_then(|p| p.chunks.remove(source));
        let parsed = match earlier {
            Some(earlier) => {
                reuse.reused += 1;
                Some(earlier.moved_to(chunk.start))
            }
            None => parse_chunk(file, text, chunk.start, source, &mut diagnostics),
        };
        let Some(parsed) = parsed else { continue };
        let mut segment = if keep {
            diagnostics.extend(parsed.diagnostics.iter().cloned());
            let segment = parsed.segment.clone();
            reuse.chunks.insert(source.into(), parsed);
            segment
        } else {
            diagnostics.extend(parsed.diagnostics);
            parsed.segment
        };
        segment.doc = doc_comment(text, &tokens, segment.span.start as usize);
        segments.push(segment);
    }
    if segments.is_empty() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic::new(
            Code::W0005,
            "this file holds no segment",
            Label::new(file, Span::new(0, 0), "expected `segment <id> { … }`"),
        ));
    }
    (Module { segments, comments }, diagnostics, reuse)
}

/// Parses the chunk `source`, which starts at `start` in `text`. A syntax error goes straight to
/// `diagnostics` (its wording depends on the text after the chunk, so it is never reused).
fn parse_chunk(
    file: FileId,
    text: &str,
    start: usize,
    source: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ParsedChunk> {
    let parsed = stacker::maybe_grow(256 * 1024, 16 * 1024 * 1024, || {
        SegParser::parse(Rule::segment_chunk, source)
    });
    match parsed {
        Ok(mut pairs) => {
            let chunk_pair = pairs.next().expect("segment_chunk always yields one pair");
            let segment_pair = chunk_pair
                .into_inner()
                .next()
                .expect("segment_chunk holds a segment");
            let mut built = Vec::new();
            let mut builder = Builder {
                file,
                base: start,
                diagnostics: &mut built,
            };
            let segment = builder.segment(segment_pair);
            Some(ParsedChunk {
                start,
                segment,
                diagnostics: built,
            })
        }
        Err(error) => {
            diagnostics.push(syntax_error(file, text, start, &error));
            None
        }
    }
}

impl ParsedChunk {
    /// The same chunk as if parsed at `start`.
    fn moved_to(mut self, start: usize) -> ParsedChunk {
        let delta = start as isize - self.start as isize;
        if delta != 0 {
            self.segment
                .spans_mut(&mut |span| *span = span.shifted(delta));
            for diagnostic in &mut self.diagnostics {
                for (_, span) in diagnostic.places_mut() {
                    *span = span.shifted(delta);
                }
            }
        }
        self.start = start;
        self
    }
}

/// A byte range of the text holding one top-level segment (plus the comments after it).
struct Chunk {
    start: usize,
    end: usize,
    tokens: std::ops::Range<usize>,
}

/// Splits at every `segment` keyword at brace depth 0, and at every `segment <id> {` that does
/// not follow `in`, so that a segment missing its closing brace does not swallow the next one.
fn split_segments(tokens: &[Token], text_len: usize) -> Vec<Chunk> {
    let mut starts = Vec::new();
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            TokenKind::LBrace | TokenKind::LParen | TokenKind::LBracket => depth += 1,
            // A closing brace with nothing open is stray: it gets a chunk (and an error) of its
            // own instead of sinking the segment it follows.
            TokenKind::RBrace if depth == 0 && i > 0 => starts.push(i),
            TokenKind::RBrace | TokenKind::RParen | TokenKind::RBracket => {
                depth = depth.saturating_sub(1)
            }
            TokenKind::KwSegment => {
                // `in segment x` names a segment, and so does the id in `segment segment {`.
                let after_in =
                    i > 0 && matches!(tokens[i - 1].kind, TokenKind::KwIn | TokenKind::KwSegment);
                let looks_like_header = !after_in
                    && tokens
                        .get(i + 1)
                        .is_some_and(|t| t.kind.is_contextual_word() || t.kind == TokenKind::Ident)
                    && tokens
                        .get(i + 2)
                        .is_some_and(|t| t.kind == TokenKind::LBrace);
                if depth == 0 && !after_in || looks_like_header {
                    starts.push(i);
                    depth = 0;
                }
            }
            _ => {}
        }
    }
    // Text before the first segment that is not a comment is a chunk of its own: pest then says
    // what it expected there.
    if tokens.first().is_some_and(|_| starts.first() != Some(&0)) {
        starts.insert(0, 0);
    }
    let mut chunks = Vec::with_capacity(starts.len());
    for (n, &first) in starts.iter().enumerate() {
        let last = starts.get(n + 1).copied().unwrap_or(tokens.len());
        let start = tokens[first].span.start as usize;
        let end = match starts.get(n + 1) {
            Some(&next) => tokens[next].span.start as usize,
            None => text_len,
        };
        chunks.push(Chunk {
            start,
            end,
            tokens: first..last,
        });
    }
    chunks
}

/// The first token at which nesting exceeds [`MAX_DEPTH`], if any.
fn too_deep(tokens: &[Token]) -> Option<Token> {
    let mut depth = 0usize;
    let mut nots = 0usize;
    for token in tokens {
        match token.kind {
            TokenKind::LBrace | TokenKind::LParen | TokenKind::LBracket => depth += 1,
            TokenKind::RBrace | TokenKind::RParen | TokenKind::RBracket => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
        nots = if token.kind == TokenKind::KwNot {
            nots + 1
        } else {
            0
        };
        if depth + nots > MAX_DEPTH {
            return Some(*token);
        }
    }
    None
}

/// The `///` lines directly above the segment keyword at `start`.
fn doc_comment(text: &str, tokens: &[Token], start: usize) -> Option<String> {
    let index = tokens
        .binary_search_by_key(&start, |t| t.span.start as usize)
        .ok()?;
    let mut lines = Vec::new();
    for token in tokens[..index].iter().rev() {
        if token.kind != TokenKind::DocComment {
            break;
        }
        let line = &text[token.span.range()][3..];
        lines.push(
            line.strip_prefix(' ')
                .unwrap_or(line)
                .trim_end()
                .to_string(),
        );
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}

fn syntax_error(
    file: FileId,
    text: &str,
    base: usize,
    error: &pest::error::Error<Rule>,
) -> Diagnostic {
    let offset = base
        + match error.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
    let offset = offset.min(text.len());
    let found = first_significant_token(&text[offset..]);
    let (span, found_text) = match found {
        // An unterminated string lexes as an error token from its quote to the end of its line.
        Some(t)
            if t.span.start == 0
                && t.kind == TokenKind::Error
                && text[offset..].starts_with('"') =>
        {
            (
                Span::new(offset, offset + 1),
                "an unterminated string".to_string(),
            )
        }
        Some(t) if t.span.start == 0 => {
            let s = Span::new(offset + t.span.start as usize, offset + t.span.end as usize);
            let shown = describe_found(&text[s.range()]);
            (s, shown)
        }
        _ => (Span::new(offset, offset), "end of file".to_string()),
    };
    if found_text == "an unterminated string" {
        return Diagnostic::new(
            Code::E0002,
            "this string is never closed",
            Label::new(file, span, "string starts here"),
        )
        .with_help("add the closing `\"`; a `\"` inside a string is written `\\\"`");
    }
    let expected = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => describe_expected(positives),
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    Diagnostic::new(
        Code::E0002,
        format!("expected {expected}, found {found_text}"),
        Label::new(file, span, format!("expected {expected}")),
    )
}

fn describe_found(text: &str) -> String {
    match text.chars().next() {
        Some('\0') => "a NUL byte".to_string(),
        _ => {
            // Only control characters are escaped: a quote shows as itself (`"VIP"`).
            let shown: String = text
                .chars()
                .take(40)
                .map(|c| {
                    if c.is_control() {
                        c.escape_debug().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            format!("`{shown}`")
        }
    }
}

/// Turns pest's list of expected rules into words a marketer can act on.
fn describe_expected(positives: &[Rule]) -> String {
    let is_operator = |r: &Rule| {
        matches!(
            r,
            Rule::op_is
                | Rule::op_is_not
                | Rule::op_is_empty
                | Rule::op_is_not_empty
                | Rule::op_in
                | Rule::op_not_in
                | Rule::op_contains
                | Rule::op_not_contains
                | Rule::op_contains_any
                | Rule::op_contains_all
                | Rule::op_starts_with
                | Rule::op_ends_with
                | Rule::op_between
                | Rule::op_before
                | Rule::op_after
                | Rule::op_on_or_before
                | Rule::op_on_or_after
                | Rule::op_within_last
                | Rule::op_more_than_ago
                | Rule::op_anniversary
                | Rule::op_gt
                | Rule::op_ge
                | Rule::op_lt
                | Rule::op_le
                | Rule::kw_is
                | Rule::kw_contains
                | Rule::kw_does
                | Rule::kw_starts
                | Rule::kw_ends
                | Rule::kw_on
                | Rule::kw_more
                | Rule::kw_anniversary
                | Rule::sym_eq
                | Rule::sym_ne
                | Rule::sym_ge
                | Rule::sym_le
                | Rule::sym_gt
                | Rule::sym_lt
        )
    };
    let is_condition_start = |r: &Rule| {
        matches!(
            r,
            Rule::combiner
                | Rule::not_condition
                | Rule::segment_ref
                | Rule::quantified
                | Rule::single_block
                | Rule::aggregate
                | Rule::comparison
        )
    };
    let is_value = |r: &Rule| {
        matches!(
            r,
            Rule::list
                | Rule::datetime
                | Rule::date
                | Rule::number
                | Rule::string
                | Rule::boolean
                | Rule::word
                | Rule::lbracket
        )
    };
    let mut words: Vec<String> = Vec::new();
    let mut push = |w: String| {
        if !words.contains(&w) {
            words.push(w);
        }
    };
    for rule in positives {
        if is_operator(rule) {
            push("an operator (`is`, `in`, `contains`, `>=`, `within last`, …)".into());
        } else if is_condition_start(rule)
            || matches!(
                rule,
                Rule::kw_all
                    | Rule::kw_any
                    | Rule::kw_none
                    | Rule::kw_not
                    | Rule::kw_count
                    | Rule::kw_sum
                    | Rule::kw_avg
                    | Rule::kw_min
                    | Rule::kw_max
                    | Rule::kw_no
            )
        {
            push("a condition".into());
        } else if matches!(
            rule,
            Rule::property | Rule::prop_applies_to | Rule::prop_other
        ) {
            push("a property".into());
        } else if is_value(rule) {
            push("a value".into());
        } else {
            push(rule_name(*rule));
        }
    }
    // An operator is what is missing whenever one would fit; the other alternatives at that
    // point (a path going on with `.`, a block, a window) only blur the message.
    let operator = words.iter().find(|w| w.starts_with("an operator")).cloned();
    if let Some(operator) = operator {
        return operator;
    }
    let window_words = ["`between`", "`before`", "`after`", "`within`"];
    if window_words.iter().all(|w| words.iter().any(|x| x == w)) {
        words.retain(|w| !window_words.contains(&w.as_str()));
        words.push("a time window".into());
    }
    if words.len() > 1 {
        words.retain(|w| w != "`.`");
    }
    match words.len() {
        0 => "something else".to_string(),
        1 => words.remove(0),
        _ => {
            let last = words.pop().unwrap_or_default();
            format!("{} or {}", words.join(", "), last)
        }
    }
}

fn rule_name(rule: Rule) -> String {
    let name = format!("{rule:?}");
    if let Some(keyword) = name.strip_prefix("kw_") {
        return format!("`{keyword}`");
    }
    match rule {
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        Rule::comma => "`,`",
        Rule::dot => "`.`",
        Rule::ident | Rule::path => "a name",
        Rule::duration => "a duration (`30 days`)",
        Rule::window_within | Rule::window_between | Rule::window_after | Rule::window_before => {
            "a time window"
        }
        Rule::filter => "`where { … }`",
        Rule::block => "`{`",
        Rule::segment => "`segment`",
        Rule::EOI => "end of file",
        Rule::string => "a string",
        Rule::number => "a number",
        _ => return name.replace('_', " "),
    }
    .to_string()
}

/// Builds AST nodes from pest pairs of one chunk, shifting spans by the chunk's offset.
struct Builder<'d> {
    file: FileId,
    base: usize,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl Builder<'_> {
    /// The pair's span from its first token to its last: pest counts the whitespace and
    /// comments a failed optional part skipped over into the rule, diagnostics must not.
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        let end = pair
            .clone()
            .into_inner()
            .flatten()
            .last()
            .map_or(s.end(), |last| last.as_span().end());
        Span::new(self.base + s.start(), self.base + end)
    }

    fn ident(&self, pair: Pair<Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn segment(&mut self, pair: Pair<Rule>) -> Segment {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        inner.next(); // kw_segment
        let id = self.ident(inner.next().expect("segment has an id"));
        let mut items = Vec::new();
        for item in inner {
            match item.as_rule() {
                Rule::lbrace | Rule::rbrace => {}
                Rule::property => items.push(BodyItem::Property(self.property(item))),
                _ => items.push(BodyItem::Condition(self.condition(item))),
            }
        }
        Segment {
            span,
            doc: None,
            id,
            items,
        }
    }

    fn property(&mut self, pair: Pair<Rule>) -> Property {
        let span = self.span(&pair);
        let inner = pair
            .into_inner()
            .next()
            .expect("property has one alternative");
        let mut parts = inner.into_inner();
        let key_pair = parts.next().expect("property has a key");
        let key = match key_pair.as_rule() {
            Rule::kw_name => PropertyKey::Name,
            Rule::kw_description => PropertyKey::Description,
            Rule::kw_applies_to => PropertyKey::AppliesTo,
            Rule::kw_websites => PropertyKey::Websites,
            _ => PropertyKey::Active,
        };
        let key_span = self.span(&key_pair);
        let value_pair = parts.next().expect("property has a value");
        let value = if value_pair.as_rule() == Rule::ident {
            Literal {
                kind: LiteralKind::Word(value_pair.as_str().to_string()),
                span: self.span(&value_pair),
            }
        } else {
            self.literal(value_pair)
        };
        Property {
            key,
            key_span,
            value,
            span,
        }
    }

    fn condition(&mut self, pair: Pair<Rule>) -> Condition {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.condition_inner(pair))
    }

    fn condition_inner(&mut self, pair: Pair<Rule>) -> Condition {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        match rule {
            Rule::combiner => {
                let kw = inner.next().expect("combiner keyword");
                let kind = match kw.as_rule() {
                    Rule::kw_all => CombinerKind::All,
                    Rule::kw_any => CombinerKind::Any,
                    _ => CombinerKind::None,
                };
                let keyword = self.span(&kw);
                let block = self.block(inner.next().expect("combiner block"));
                Condition::Combiner {
                    kind,
                    keyword,
                    block,
                    span,
                }
            }
            Rule::not_condition => {
                let keyword = self.span(&inner.next().expect("not keyword"));
                let inner = Box::new(self.condition(inner.next().expect("negated condition")));
                Condition::Not {
                    keyword,
                    inner,
                    span,
                }
            }
            Rule::segment_ref => {
                let first = self.span(&inner.next().expect("in"));
                let second = self.span(&inner.next().expect("segment"));
                let target = self.ident(inner.next().expect("segment id"));
                Condition::SegmentRef {
                    keyword: first.cover(second),
                    target,
                    span,
                }
            }
            Rule::quantified => {
                let kw = inner.next().expect("quantifier");
                let quantifier = match kw.as_rule() {
                    Rule::kw_any => Quantifier::Any,
                    Rule::kw_all => Quantifier::All,
                    _ => Quantifier::No,
                };
                let keyword = self.span(&kw);
                let collection = self.path(inner.next().expect("collection path"));
                let mut window = None;
                let mut block = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::block => block = Some(self.block(part)),
                        _ => window = Some(self.window(part)),
                    }
                }
                let block = block.expect("quantified has a block");
                Condition::Quantified {
                    quantifier,
                    keyword,
                    collection,
                    window,
                    block,
                    span,
                }
            }
            Rule::single_block => {
                let collection = self.path(inner.next().expect("collection path"));
                let block = self.block(inner.next().expect("block"));
                Condition::Single {
                    collection,
                    block,
                    span,
                }
            }
            Rule::aggregate => {
                let kw = inner.next().expect("aggregate function");
                let function = match kw.as_rule() {
                    Rule::kw_count => AggregateFn::Count,
                    Rule::kw_sum => AggregateFn::Sum,
                    Rule::kw_avg => AggregateFn::Avg,
                    Rule::kw_min => AggregateFn::Min,
                    _ => AggregateFn::Max,
                };
                let keyword = self.span(&kw);
                let mut path = None;
                let mut window = None;
                let mut filter = None;
                let mut operation = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::lparen | Rule::rparen => {}
                        Rule::path => path = Some(self.path(part)),
                        Rule::filter => {
                            let mut f = part.into_inner();
                            let keyword = self.span(&f.next().expect("where"));
                            let block = self.block(f.next().expect("filter block"));
                            filter = Some(Filter { keyword, block });
                        }
                        Rule::window_within
                        | Rule::window_between
                        | Rule::window_after
                        | Rule::window_before => window = Some(self.window(part)),
                        _ => operation = Some(self.operation(part)),
                    }
                }
                Condition::Aggregate {
                    function,
                    keyword,
                    path: path.expect("aggregate path"),
                    window,
                    filter,
                    operation: operation.expect("aggregate operation"),
                    span,
                }
            }
            Rule::comparison => {
                let path = self.path(inner.next().expect("comparison path"));
                let operation = self.operation(inner.next().expect("comparison operation"));
                Condition::Comparison {
                    path,
                    operation,
                    span,
                }
            }
            other => unreachable!("grammar produced {other:?} where a condition belongs"),
        }
    }

    fn block(&mut self, pair: Pair<Rule>) -> Block {
        let span = self.span(&pair);
        let conditions = pair
            .into_inner()
            .filter(|p| !matches!(p.as_rule(), Rule::lbrace | Rule::rbrace))
            .map(|p| self.condition(p))
            .collect();
        Block { conditions, span }
    }

    fn path(&self, pair: Pair<Rule>) -> Path {
        let span = self.span(&pair);
        let segments = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::ident)
            .map(|p| self.ident(p))
            .collect();
        Path { segments, span }
    }

    fn window(&mut self, pair: Pair<Rule>) -> Window {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let keyword = self.span(&inner.next().expect("window keyword"));
        let kind = match rule {
            Rule::window_within => {
                inner.next(); // kw_last
                WindowKind::WithinLast(self.duration(inner.next().expect("duration")))
            }
            Rule::window_between => {
                let from = self.literal(inner.next().expect("from"));
                inner.next(); // kw_and
                let to = self.literal(inner.next().expect("to"));
                WindowKind::Between(from, to)
            }
            Rule::window_after => WindowKind::After(self.literal(inner.next().expect("instant"))),
            _ => WindowKind::Before(self.literal(inner.next().expect("instant"))),
        };
        Window {
            kind,
            keyword,
            span,
        }
    }

    fn duration(&mut self, pair: Pair<Rule>) -> Duration {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let amount = self.literal(inner.next().expect("amount"));
        let unit = self.ident(inner.next().expect("unit"));
        Duration { amount, unit, span }
    }

    fn operation(&mut self, pair: Pair<Rule>) -> Operation {
        let span = self.span(&pair);
        let operator = match pair.as_rule() {
            Rule::op_is => Operator::Is,
            Rule::op_is_not => Operator::IsNot,
            Rule::op_is_empty => Operator::IsEmpty,
            Rule::op_is_not_empty => Operator::IsNotEmpty,
            Rule::op_contains => Operator::Contains,
            Rule::op_not_contains => Operator::DoesNotContain,
            Rule::op_contains_any => Operator::ContainsAnyOf,
            Rule::op_contains_all => Operator::ContainsAllOf,
            Rule::op_starts_with => Operator::StartsWith,
            Rule::op_ends_with => Operator::EndsWith,
            Rule::op_in => Operator::In,
            Rule::op_not_in => Operator::NotIn,
            Rule::op_gt => Operator::Gt,
            Rule::op_ge => Operator::Ge,
            Rule::op_lt => Operator::Lt,
            Rule::op_le => Operator::Le,
            Rule::op_between => Operator::Between,
            Rule::op_before => Operator::Before,
            Rule::op_after => Operator::After,
            Rule::op_on_or_before => Operator::OnOrBefore,
            Rule::op_on_or_after => Operator::OnOrAfter,
            Rule::op_within_last => Operator::WithinLast,
            Rule::op_more_than_ago => Operator::MoreThanAgo,
            Rule::op_anniversary => Operator::AnniversaryWithinNext,
            other => unreachable!("grammar produced {other:?} where an operator belongs"),
        };
        let mut operator_span: Option<Span> = None;
        let mut values = Vec::new();
        let mut duration = None;
        for part in pair.into_inner() {
            let rule = part.as_rule();
            let is_operator_token = format!("{rule:?}").starts_with("kw_")
                && !matches!(rule, Rule::kw_and | Rule::kw_ago)
                || matches!(
                    rule,
                    Rule::sym_eq
                        | Rule::sym_ne
                        | Rule::sym_ge
                        | Rule::sym_le
                        | Rule::sym_gt
                        | Rule::sym_lt
                );
            if is_operator_token {
                let s = self.span(&part);
                operator_span = Some(operator_span.map_or(s, |o| o.cover(s)));
            } else if matches!(rule, Rule::kw_and | Rule::kw_ago) {
            } else if rule == Rule::duration {
                duration = Some(self.duration(part));
            } else {
                values.push(self.literal(part));
            }
        }
        let operands = match (duration, values.len()) {
            (Some(d), _) => Operands::Duration(d),
            (None, 0) => Operands::None,
            (None, 1) => Operands::One(values.remove(0)),
            (None, _) => {
                let second = values.remove(1);
                Operands::Two(values.remove(0), second)
            }
        };
        Operation {
            operator,
            operator_span: operator_span.unwrap_or(span),
            operands,
            span,
        }
    }

    fn literal(&mut self, pair: Pair<Rule>) -> Literal {
        let span = self.span(&pair);
        let text = pair.as_str();
        let kind = match pair.as_rule() {
            Rule::string => LiteralKind::String(self.unescape(text, span)),
            Rule::number => LiteralKind::Number(text.to_string()),
            Rule::boolean => LiteralKind::Bool(text == "true"),
            Rule::date => LiteralKind::Date(text.to_string()),
            Rule::datetime => LiteralKind::DateTime(text.to_string()),
            Rule::word => LiteralKind::Word(text.to_string()),
            Rule::list => LiteralKind::List(
                pair.into_inner()
                    .filter(|p| {
                        !matches!(p.as_rule(), Rule::lbracket | Rule::rbracket | Rule::comma)
                    })
                    .map(|p| self.literal(p))
                    .collect(),
            ),
            other => unreachable!("grammar produced {other:?} where a value belongs"),
        };
        Literal { kind, span }
    }

    /// Decodes `\" \\ \n \t \u{…}`; anything else is reported (E0004) and kept as written.
    fn unescape(&mut self, quoted: &str, span: Span) -> String {
        let body = &quoted[1..quoted.len() - 1];
        let body_start = span.start as usize + 1;
        let mut out = String::with_capacity(body.len());
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            // A line break inside a string is `\n` whether the file was saved with CRLF or LF.
            if c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n') {
                continue;
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, escaped)) = chars.next() else {
                break;
            };
            let decoded = match escaped {
                '"' => Some('"'),
                '\\' => Some('\\'),
                'n' => Some('\n'),
                't' => Some('\t'),
                'u' => self.unicode_escape(body, i, &mut chars),
                _ => None,
            };
            match decoded {
                Some(ch) => out.push(ch),
                None => {
                    let end = chars.peek().map_or(body.len(), |&(j, _)| j);
                    let escape_span = Span::new(body_start + i, body_start + end);
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::E0004,
                            format!("invalid escape `{}` in a string", &body[i..end]),
                            Label::new(self.file, escape_span, "not a valid escape"),
                        )
                        .with_help(
                            "valid escapes are \\\" \\\\ \\n \\t and \\u{…} with 1 to 6 hex digits",
                        ),
                    );
                    out.push_str(&body[i..end]);
                }
            }
        }
        out
    }

    /// Reads the `{…}` of a `\u` escape; None (reported by the caller) when malformed.
    fn unicode_escape(
        &mut self,
        body: &str,
        _start: usize,
        chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    ) -> Option<char> {
        if chars.peek().map(|&(_, c)| c) != Some('{') {
            return None;
        }
        chars.next();
        let digits_start = chars.peek().map_or(body.len(), |&(j, _)| j);
        let mut digits_end = digits_start;
        while let Some(&(j, c)) = chars.peek() {
            if c == '}' {
                chars.next();
                let hex = &body[digits_start..digits_end];
                if hex.is_empty() || hex.len() > 6 {
                    return None;
                }
                return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
            }
            if !c.is_ascii_hexdigit() {
                return None;
            }
            digits_end = j + c.len_utf8();
            chars.next();
        }
        None
    }
}

/// The leaves of pest's parse tree for a whole file, as `(rule name, span)`: the tokens the
/// grammar sees. Used by the test that checks the logos lexer against the grammar.
pub fn grammar_tokens(text: &str) -> Result<Vec<(String, Span)>, String> {
    let pairs = stacker::maybe_grow(256 * 1024, 16 * 1024 * 1024, || {
        SegParser::parse(Rule::file, text)
    })
    .map_err(|e| e.to_string())?;
    let mut leaves = Vec::new();
    let mut stack: Vec<Pair<Rule>> = pairs.collect();
    stack.reverse();
    while let Some(pair) = stack.pop() {
        let children: Vec<Pair<Rule>> = pair.clone().into_inner().collect();
        if children.is_empty() {
            if pair.as_rule() != Rule::EOI {
                let s = pair.as_span();
                leaves.push((
                    format!("{:?}", pair.as_rule()),
                    Span::new(s.start(), s.end()),
                ));
            }
        } else {
            stack.extend(children.into_iter().rev());
        }
    }
    Ok(leaves)
}
