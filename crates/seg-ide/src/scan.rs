//! A forgiving walk over the token stream that knows the grammar's shape well enough to say what
//! each word is (a property, an attribute, an operator, a segment reference …) and what may come
//! next at any point, even in text that does not parse, which is what the editor sees while
//! someone types.
//!
//! It is a small state machine over the logos tokens: a stack of frames (the file, a segment
//! body, a condition block, an aggregate's parentheses, a value list) each with the state of
//! the construct being read in it. Names are resolved as the checker resolves them (the same
//! built-in model from `seg_check::model` and the same schema lookups), so hover and completion
//! agree with the diagnostics. Where the text goes off the grammar, the walk starts a new
//! condition at the next token, as a reader would; a `segment <id> {` header always starts
//! afresh, as in the parser's split into segments.
//!
//! Completion stops the walk at the cursor and asks [`Scan::expect`]; hover and highlighting
//! walk to the end and read [`Scan::role`] of a token.

use seg_check::model::{self, Collection, ElementKind};
use seg_diag::Span;
use seg_schema::{AttrType, Entity, Schema};
use seg_syntax::ast::{AggregateFn, Operator, PropertyKey};
use seg_syntax::lexer::{Token, TokenKind};

use crate::file::{is_header, is_word};

/// The three prefixes that read a record: `customer.`, `cart.`, `product.`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Namespace {
    Customer,
    Cart,
    Product,
}

/// A field a path resolved to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldRef {
    /// Index into `schema.attributes(entity)`.
    Attribute(Entity, usize),
    /// Index into [`model::CART_FIELDS`].
    Cart(usize),
    /// Index into the element's `builtin_fields()`.
    Element(ElementKind, usize),
    LoggedIn,
    /// The value of an aggregate, compared after its `)`.
    Aggregate(AttrType),
}

impl FieldRef {
    pub(crate) fn ty(self, schema: &Schema) -> Option<AttrType> {
        Some(match self {
            FieldRef::Attribute(entity, i) => schema.attributes(entity).get(i)?.ty,
            FieldRef::Cart(i) => model::CART_FIELDS.get(i)?.1,
            FieldRef::Element(element, i) => element.builtin_fields().get(i)?.1,
            FieldRef::LoggedIn => AttrType::Boolean,
            FieldRef::Aggregate(ty) => ty,
        })
    }

    pub(crate) fn options(self, schema: &Schema) -> &[String] {
        match self {
            FieldRef::Attribute(entity, i) => schema
                .attributes(entity)
                .get(i)
                .map_or(&[], |a| a.options.as_slice()),
            _ => &[],
        }
    }
}

/// What a token is, as far as the walk could tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// Punctuation, or a token nothing more is known of.
    Other,
    Comment {
        doc: bool,
    },
    Keyword,
    Property(PropertyKey),
    /// The id in `segment <id> {`.
    SegmentDef,
    /// The id in `in segment <id>`.
    SegmentRef,
    Function(AggregateFn),
    /// A word or symbol of an operator; `span` covers all of the operator's words.
    Operator {
        operator: Operator,
        span: Span,
    },
    Namespace(Namespace),
    Collection(Collection),
    Field(FieldRef),
    /// A name in a path that resolves to nothing (the checker reports it).
    Unknown,
    /// A literal, or a bare word where a value belongs.
    Value,
    /// `visitors`, `registered`, `everyone` after `applies_to`.
    Audience,
    /// `days`, `hours`, `weeks` in a duration.
    Unit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PathKind {
    /// A comparison's field, or a single address (`billing_address { … }`).
    Condition,
    /// The collection after `any`, `all` or `no`.
    Quantified,
    /// The collection and field inside an aggregate's parentheses.
    Aggregate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WindowStage {
    /// After `within`.
    Last,
    /// After `within last`.
    Amount,
    /// After `within last N`.
    Unit,
    /// After `between`.
    BetweenFirst,
    BetweenAnd,
    BetweenSecond,
    /// After `after` or `before`.
    Point,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OperandStage {
    /// One value or a list.
    One,
    /// `between` A …
    First,
    /// `between A` and …
    And,
    /// `between A and` B
    Second,
    /// The N of a duration.
    Amount,
    /// The unit of a duration.
    Unit,
    /// The `ago` after `more than N days`.
    Ago,
}

/// What may come at the point where the walk stopped.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expect {
    Nothing,
    /// Between segments: `segment`.
    SegmentKeyword,
    /// A condition; in a segment body also the properties not given yet.
    Condition {
        scope: Option<Collection>,
        properties: Option<Vec<PropertyKey>>,
    },
    PropertyValue(PropertyKey),
    /// After `in` at the start of a condition: `segment`.
    SegmentAfterIn,
    /// After `in segment`: an id other than the current segment's.
    SegmentId {
        current: Option<String>,
    },
    /// After `any`/`all`/`no`, or `count(`: a collection.
    Collection {
        scope: Option<Collection>,
    },
    /// After a `.`: a member of the path so far.
    Member {
        path: Vec<String>,
        kind: PathKind,
        scope: Option<Collection>,
    },
    /// After a collection: a time window, `{` or (in an aggregate) `where`.
    AfterCollection {
        collection: Option<Collection>,
        windowed: bool,
        in_paren: bool,
    },
    Window(WindowStage),
    /// After a field: an operator (or the rest of one, `words` being typed already).
    Operator {
        field: Option<FieldRef>,
        words: Vec<String>,
    },
    Operand {
        field: Option<FieldRef>,
        operator: Operator,
        stage: OperandStage,
    },
    /// Inside `[ … ]`: another value.
    ListItem {
        field: Option<FieldRef>,
        listed: Vec<String>,
    },
}

#[derive(Clone, Debug)]
enum State {
    File,
    SegmentId,
    SegmentBrace,
    Start,
    PropValue(PropertyKey),
    In,
    InSegment,
    /// After `any`, `all`, `no` or `none`.
    Quantifier,
    /// Token indices (into all tokens) of the names read so far.
    Path {
        names: Vec<usize>,
        after_dot: bool,
        kind: PathKind,
    },
    AggFn(AggregateFn),
    ParenStart,
    Collection {
        collection: Option<Collection>,
        windowed: bool,
        in_paren: bool,
    },
    Window {
        collection: Option<Collection>,
        stage: WindowStage,
        in_paren: bool,
    },
    Where {
        collection: Option<Collection>,
    },
    AfterWhere,
    Operator {
        field: Option<FieldRef>,
        words: Vec<usize>,
    },
    Operand {
        field: Option<FieldRef>,
        operator: Operator,
        stage: OperandStage,
    },
    ListItem,
    ListSep,
}

#[derive(Clone, Debug)]
enum FrameKind {
    File,
    Body {
        /// Token index of the segment's id.
        id: Option<usize>,
        given: Vec<PropertyKey>,
    },
    Block,
    Paren {
        function: Option<AggregateFn>,
        collection: Option<Collection>,
        field: Option<FieldRef>,
    },
    List {
        field: Option<FieldRef>,
        listed: Vec<String>,
    },
}

#[derive(Clone, Debug)]
struct Frame {
    kind: FrameKind,
    /// The collection whose element is in scope.
    scope: Option<Collection>,
    state: State,
}

enum Step {
    Done,
    Again,
}

/// The operators' spellings, word by word (§2.2); `==` and `!=` are `is` and `is not`.
pub(crate) const SPELLINGS: &[(&[&str], Operator)] = &[
    (&["is", "not", "empty"], Operator::IsNotEmpty),
    (&["is", "empty"], Operator::IsEmpty),
    (&["is", "not"], Operator::IsNot),
    (&["is"], Operator::Is),
    (&["=="], Operator::Is),
    (&["!="], Operator::IsNot),
    (&["contains", "any", "of"], Operator::ContainsAnyOf),
    (&["contains", "all", "of"], Operator::ContainsAllOf),
    (&["contains"], Operator::Contains),
    (&["does", "not", "contain"], Operator::DoesNotContain),
    (&["starts", "with"], Operator::StartsWith),
    (&["ends", "with"], Operator::EndsWith),
    (&["not", "in"], Operator::NotIn),
    (&["in"], Operator::In),
    (&["between"], Operator::Between),
    (&["on", "or", "before"], Operator::OnOrBefore),
    (&["on", "or", "after"], Operator::OnOrAfter),
    (&["before"], Operator::Before),
    (&["after"], Operator::After),
    (&["within", "last"], Operator::WithinLast),
    (&["more", "than"], Operator::MoreThanAgo),
    (
        &["anniversary", "within", "next"],
        Operator::AnniversaryWithinNext,
    ),
    (&[">="], Operator::Ge),
    (&["<="], Operator::Le),
    (&[">"], Operator::Gt),
    (&["<"], Operator::Lt),
];

fn is_prefix(words: &[&str], spelling: &[&str]) -> bool {
    words.len() <= spelling.len() && spelling[..words.len()] == *words
}

/// The comparison symbols (`==`, `!=`, `>=`, `<=`, `>`, `<`).
pub(crate) fn is_symbol(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::EqEq
            | TokenKind::NotEq
            | TokenKind::Ge
            | TokenKind::Le
            | TokenKind::Gt
            | TokenKind::Lt
    )
}

fn is_value(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::String
            | TokenKind::Number
            | TokenKind::Date
            | TokenKind::DateTime
            | TokenKind::True
            | TokenKind::False
    )
}

fn property_key(word: &str) -> Option<PropertyKey> {
    PropertyKey::ALL.into_iter().find(|k| k.as_str() == word)
}

pub(crate) fn aggregate_fn(word: &str) -> Option<AggregateFn> {
    [
        AggregateFn::Count,
        AggregateFn::Sum,
        AggregateFn::Avg,
        AggregateFn::Min,
        AggregateFn::Max,
    ]
    .into_iter()
    .find(|f| f.as_str() == word)
}

/// The collection a path starts with in `scope`, and how many names it used (`orders.items`
/// is the order lines of every order, two names), as the checker resolves it.
pub(crate) fn collection_prefix(
    names: &[&str],
    scope: Option<Collection>,
) -> Option<(Collection, usize)> {
    let first = names.first()?;
    let mut collection = scope
        .and_then(|c| c.child(first))
        .or_else(|| Collection::root(first))?;
    let mut used = 1;
    if collection == Collection::Orders && names.get(1) == Some(&"items") {
        collection = Collection::OrderedProducts;
        used = 2;
    }
    Some((collection, used))
}

/// Resolves a field path in `scope` the way the checker does; returns each name's role and the
/// field, if the whole path names one.
pub(crate) fn resolve_field(
    schema: &Schema,
    names: &[&str],
    scope: Option<Collection>,
) -> (Vec<Role>, Option<FieldRef>) {
    let mut roles = vec![Role::Unknown; names.len()];
    let Some(&first) = names.first() else {
        return (roles, None);
    };
    let element = scope.map(Collection::element);
    let attribute = |entity: Entity, name: Option<&&str>| {
        name.and_then(|n| schema.attributes(entity).iter().position(|a| a.code == *n))
            .map(|i| FieldRef::Attribute(entity, i))
    };
    let (field, used) = match first {
        "customer" => {
            roles[0] = Role::Namespace(Namespace::Customer);
            (attribute(Entity::Customer, names.get(1)), 2)
        }
        "cart" => {
            roles[0] = Role::Namespace(Namespace::Cart);
            let field = names.get(1).and_then(|n| {
                model::CART_FIELDS
                    .iter()
                    .position(|(f, _)| f == n)
                    .map(FieldRef::Cart)
            });
            (field, 2)
        }
        "logged_in" => (Some(FieldRef::LoggedIn), 1),
        "product" if element.is_some_and(ElementKind::has_product) => {
            roles[0] = Role::Namespace(Namespace::Product);
            (attribute(Entity::Product, names.get(1)), 2)
        }
        name => {
            let builtin = element.and_then(|e| {
                e.builtin_fields()
                    .iter()
                    .position(|(f, _)| *f == name)
                    .map(|i| FieldRef::Element(e, i))
            });
            let field = builtin.or_else(|| {
                element
                    .and_then(ElementKind::attribute_entity)
                    .and_then(|entity| attribute(entity, Some(&name)))
            });
            if field.is_none() {
                if let Some((collection, _)) = collection_prefix(&[name], scope) {
                    roles[0] = Role::Collection(collection);
                }
            }
            (field, 1)
        }
    };
    let field = match field {
        Some(f) if names.len() == used => {
            roles[used - 1] = Role::Field(f);
            Some(f)
        }
        Some(f) => {
            roles[used - 1] = Role::Field(f);
            None
        }
        None => None,
    };
    (roles, field)
}

/// The result of a walk.
pub(crate) struct Scan<'a> {
    text: &'a str,
    /// All tokens of the file.
    tokens: &'a [Token],
    schema: &'a Schema,
    /// The significant tokens walked, and their indices in `tokens`.
    significant: Vec<Token>,
    index: Vec<usize>,
    /// The first token index walked; `roles[i - first]` is token `i`'s role.
    first: usize,
    roles: Vec<Role>,
    stack: Vec<Frame>,
}

impl<'a> Scan<'a> {
    /// Walks `tokens[range]` (which should start at a segment header or at the file's start).
    pub(crate) fn run(
        text: &'a str,
        tokens: &'a [Token],
        schema: &'a Schema,
        range: std::ops::Range<usize>,
    ) -> Scan<'a> {
        let range = range.start.min(tokens.len())..range.end.min(tokens.len());
        let mut scan = Scan {
            text,
            tokens,
            schema,
            significant: Vec::with_capacity(range.len()),
            index: Vec::with_capacity(range.len()),
            first: range.start,
            roles: vec![Role::Other; range.len()],
            stack: vec![Frame {
                kind: FrameKind::File,
                scope: None,
                state: State::File,
            }],
        };
        for i in range {
            let token = tokens[i];
            if token.kind.is_comment() {
                scan.roles[i - scan.first] = Role::Comment {
                    doc: token.kind == TokenKind::DocComment,
                };
            } else {
                scan.significant.push(token);
                scan.index.push(i);
            }
        }
        for n in 0..scan.significant.len() {
            scan.feed(n);
        }
        scan
    }

    /// The role of token `i` (an index into all tokens).
    pub(crate) fn role(&self, i: usize) -> Role {
        i.checked_sub(self.first)
            .and_then(|j| self.roles.get(j))
            .copied()
            .unwrap_or(Role::Other)
    }

    fn set_role(&mut self, n: usize, role: Role) {
        let j = self.index[n] - self.first;
        self.roles[j] = role;
    }

    fn text_of(&self, i: usize) -> &'a str {
        &self.text[self.tokens[i].span.range()]
    }

    fn word(&self, n: usize) -> Option<&'a str> {
        let token = self.significant[n];
        is_word(token.kind).then(|| &self.text[token.span.range()])
    }

    /// Whether a line break separates token `n` from the one before it. A path never goes on
    /// across one in practice, while a half-typed `customer.` above a condition is common: the
    /// walk then ends the path at the dot, so the next line reads as the condition it is.
    fn line_break_before(&self, n: usize) -> bool {
        let Some(previous) = n.checked_sub(1).map(|p| self.significant[p]) else {
            return false;
        };
        let start = self.significant[n].span.start as usize;
        self.text
            .get(previous.span.end as usize..start)
            .is_some_and(|gap| gap.contains('\n'))
    }

    fn top(&mut self) -> &mut Frame {
        // The file frame is never popped.
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    fn set_state(&mut self, state: State) {
        self.top().state = state;
    }

    fn scope(&self) -> Option<Collection> {
        self.stack.last().and_then(|f| f.scope)
    }

    fn push(&mut self, kind: FrameKind, scope: Option<Collection>, state: State) {
        self.stack.push(Frame { kind, scope, state });
    }

    fn feed(&mut self, n: usize) {
        let depth = usize::from(self.stack.len() > 1);
        if is_header(&self.significant, n, depth) {
            self.stack.truncate(1);
            self.set_state(State::File);
        }
        let kind = self.significant[n].kind;
        let closed = match kind {
            TokenKind::RBrace => self.close_brace(),
            TokenKind::RParen => self.close_paren(),
            TokenKind::RBracket => self.close_bracket(),
            _ => false,
        };
        if closed {
            return;
        }
        for _ in 0..8 {
            if let Step::Done = self.step(n) {
                return;
            }
        }
    }

    fn close_brace(&mut self) -> bool {
        let Some(pos) = self
            .stack
            .iter()
            .rposition(|f| matches!(f.kind, FrameKind::Block | FrameKind::Body { .. }))
        else {
            return false;
        };
        self.stack.truncate(pos);
        true
    }

    fn close_paren(&mut self) -> bool {
        let mut pos = None;
        for (i, frame) in self.stack.iter().enumerate().rev() {
            match frame.kind {
                FrameKind::Paren { .. } => {
                    pos = Some(i);
                    break;
                }
                FrameKind::List { .. } => {}
                _ => break,
            }
        }
        let Some(pos) = pos else {
            return false;
        };
        let FrameKind::Paren {
            function,
            collection: _,
            field,
        } = self.stack[pos].kind
        else {
            return false;
        };
        self.stack.truncate(pos);
        if let Some(function) = function {
            let ty = match function {
                AggregateFn::Count => Some(AttrType::Integer),
                AggregateFn::Avg => Some(AttrType::Decimal),
                _ => field
                    .and_then(|f| f.ty(self.schema))
                    .filter(|t| t.is_numeric()),
            };
            self.set_state(State::Operator {
                field: ty.map(FieldRef::Aggregate),
                words: Vec::new(),
            });
        }
        true
    }

    fn close_bracket(&mut self) -> bool {
        if matches!(
            self.stack.last().map(|f| &f.kind),
            Some(FrameKind::List { .. })
        ) {
            self.stack.pop();
            return true;
        }
        false
    }

    /// An opening bracket where none was expected still opens a frame, so that its closing
    /// bracket does not close the construct around it.
    fn open_stray(&mut self, kind: TokenKind) {
        let scope = self.scope();
        match kind {
            TokenKind::LBrace => self.push(FrameKind::Block, scope, State::Start),
            TokenKind::LParen => self.push(
                FrameKind::Paren {
                    function: None,
                    collection: None,
                    field: None,
                },
                scope,
                State::AfterWhere,
            ),
            TokenKind::LBracket => self.push(
                FrameKind::List {
                    field: None,
                    listed: Vec::new(),
                },
                scope,
                State::ListItem,
            ),
            _ => {}
        }
    }

    fn stray(&mut self, n: usize) {
        let kind = self.significant[n].kind;
        let role = if is_value(kind) {
            Role::Value
        } else if kind.is_contextual_word() {
            Role::Keyword
        } else {
            Role::Other
        };
        self.set_role(n, role);
        self.open_stray(kind);
    }

    fn step(&mut self, n: usize) -> Step {
        let token = self.significant[n];
        let kind = token.kind;
        let word = self.word(n);
        let in_body = matches!(
            self.stack.last().map(|f| &f.kind),
            Some(FrameKind::Body { .. })
        );
        let state = std::mem::replace(&mut self.top().state, State::Start);
        match state {
            State::File => {
                if kind == TokenKind::KwSegment {
                    self.set_role(n, Role::Keyword);
                    self.set_state(State::SegmentId);
                } else {
                    self.set_state(State::File);
                    self.stray(n);
                }
            }
            State::SegmentId => {
                if word.is_some() {
                    self.set_role(n, Role::SegmentDef);
                    self.set_state(State::SegmentBrace);
                } else if kind == TokenKind::LBrace {
                    self.open_body(None);
                } else {
                    self.set_state(State::File);
                    return Step::Again;
                }
            }
            State::SegmentBrace => {
                if kind == TokenKind::LBrace {
                    let id = self.index[n - 1];
                    self.open_body(Some(id));
                } else {
                    self.set_state(State::File);
                    return Step::Again;
                }
            }
            State::Start => self.start(n, in_body),
            State::PropValue(key) => {
                self.set_state(State::Start);
                match kind {
                    TokenKind::LBracket => {
                        self.push(
                            FrameKind::List {
                                field: None,
                                listed: Vec::new(),
                            },
                            self.scope(),
                            State::ListItem,
                        );
                    }
                    _ if key == PropertyKey::AppliesTo && word.is_some() => {
                        let audience = kind == TokenKind::Audience;
                        self.set_role(
                            n,
                            if audience {
                                Role::Audience
                            } else {
                                Role::Value
                            },
                        );
                    }
                    _ if is_value(kind) || word.is_some() => self.set_role(n, Role::Value),
                    _ => return Step::Again,
                }
            }
            State::In => {
                if word == Some("segment") {
                    self.set_role(n, Role::Keyword);
                    self.set_state(State::InSegment);
                } else {
                    return Step::Again;
                }
            }
            State::InSegment => {
                if word.is_some() {
                    self.set_role(n, Role::SegmentRef);
                } else {
                    return Step::Again;
                }
            }
            State::Quantifier => {
                if word.is_some() && self.line_break_before(n) {
                    return Step::Again;
                }
                if kind == TokenKind::LBrace {
                    let scope = self.scope();
                    self.push(FrameKind::Block, scope, State::Start);
                } else if word.is_some() {
                    self.set_state(State::Path {
                        names: vec![self.index[n]],
                        after_dot: false,
                        kind: PathKind::Quantified,
                    });
                } else {
                    return Step::Again;
                }
            }
            State::Path {
                mut names,
                after_dot,
                kind: path_kind,
            } => {
                if kind == TokenKind::Dot && !after_dot {
                    self.set_state(State::Path {
                        names,
                        after_dot: true,
                        kind: path_kind,
                    });
                } else if word.is_some() && after_dot && !self.line_break_before(n) {
                    names.push(self.index[n]);
                    self.set_state(State::Path {
                        names,
                        after_dot: false,
                        kind: path_kind,
                    });
                } else {
                    self.end_path(&names, path_kind, Some(kind));
                    return Step::Again;
                }
            }
            State::AggFn(function) => {
                if kind == TokenKind::LParen {
                    let scope = self.scope();
                    self.push(
                        FrameKind::Paren {
                            function: Some(function),
                            collection: None,
                            field: None,
                        },
                        scope,
                        State::ParenStart,
                    );
                } else {
                    return Step::Again;
                }
            }
            State::ParenStart => {
                if word.is_some() {
                    self.set_state(State::Path {
                        names: vec![self.index[n]],
                        after_dot: false,
                        kind: PathKind::Aggregate,
                    });
                } else {
                    self.set_state(State::AfterWhere);
                    self.stray(n);
                }
            }
            State::Collection {
                collection,
                windowed,
                in_paren,
            } => {
                let stage = match word {
                    Some("within") => Some(WindowStage::Last),
                    Some("between") => Some(WindowStage::BetweenFirst),
                    Some("after") | Some("before") => Some(WindowStage::Point),
                    _ => None,
                };
                match stage {
                    Some(stage) if !windowed => {
                        self.set_role(n, Role::Keyword);
                        self.set_state(State::Window {
                            collection,
                            stage,
                            in_paren,
                        });
                    }
                    _ if kind == TokenKind::LBrace && !in_paren => {
                        self.push(FrameKind::Block, collection, State::Start);
                    }
                    _ if word == Some("where") && in_paren => {
                        self.set_role(n, Role::Keyword);
                        self.set_state(State::Where { collection });
                    }
                    _ if in_paren => {
                        self.set_state(State::AfterWhere);
                        self.stray(n);
                    }
                    _ => return Step::Again,
                }
            }
            State::Window {
                collection,
                stage,
                in_paren,
            } => {
                let back = State::Collection {
                    collection,
                    windowed: true,
                    in_paren,
                };
                let next = |stage| State::Window {
                    collection,
                    stage,
                    in_paren,
                };
                let value = is_value(kind);
                match stage {
                    WindowStage::Last if word == Some("last") => {
                        self.set_role(n, Role::Keyword);
                        self.set_state(next(WindowStage::Amount));
                    }
                    WindowStage::Amount if kind == TokenKind::Number => {
                        self.set_role(n, Role::Value);
                        self.set_state(next(WindowStage::Unit));
                    }
                    WindowStage::Unit if word.is_some() => {
                        self.set_role(n, Role::Unit);
                        self.set_state(back);
                    }
                    WindowStage::BetweenFirst if value => {
                        self.set_role(n, Role::Value);
                        self.set_state(next(WindowStage::BetweenAnd));
                    }
                    WindowStage::BetweenAnd if word == Some("and") => {
                        self.set_role(n, Role::Keyword);
                        self.set_state(next(WindowStage::BetweenSecond));
                    }
                    WindowStage::BetweenSecond | WindowStage::Point if value => {
                        self.set_role(n, Role::Value);
                        self.set_state(back);
                    }
                    _ => {
                        self.set_state(back);
                        return Step::Again;
                    }
                }
            }
            State::Where { collection } => {
                if kind == TokenKind::LBrace {
                    self.set_state(State::AfterWhere);
                    self.push(FrameKind::Block, collection, State::Start);
                } else {
                    self.set_state(State::Collection {
                        collection,
                        windowed: true,
                        in_paren: true,
                    });
                    return Step::Again;
                }
            }
            State::AfterWhere => {
                self.set_state(State::AfterWhere);
                self.stray(n);
            }
            // A condition ends at its line in practice: a word on the next line after a
            // half-typed operator or value starts the next condition, not this one's value.
            State::Operator { field, words } if word.is_some() && self.line_break_before(n) => {
                if !words.is_empty() {
                    self.finish_operator(field, &words);
                }
                self.set_state(State::Start);
                return Step::Again;
            }
            State::Operand { .. } if word.is_some() && self.line_break_before(n) => {
                return Step::Again;
            }
            State::Operator { field, mut words } => {
                let text = &self.text[token.span.range()];
                if word.is_some() || is_symbol(kind) {
                    let mut candidate: Vec<&str> = words.iter().map(|&i| self.text_of(i)).collect();
                    candidate.push(text);
                    if SPELLINGS.iter().any(|(s, _)| is_prefix(&candidate, s)) {
                        words.push(self.index[n]);
                        let complete = SPELLINGS.iter().any(|(s, _)| *s == candidate.as_slice());
                        let longer = SPELLINGS
                            .iter()
                            .any(|(s, _)| s.len() > candidate.len() && is_prefix(&candidate, s));
                        if complete && !longer {
                            self.finish_operator(field, &words);
                        } else {
                            self.set_state(State::Operator { field, words });
                        }
                        return Step::Done;
                    }
                }
                if words.is_empty() {
                    return Step::Again;
                }
                self.finish_operator(field, &words);
                return Step::Again;
            }
            State::Operand {
                field,
                operator,
                stage,
            } => {
                let value = is_value(kind) || word.is_some();
                let next = |stage| State::Operand {
                    field,
                    operator,
                    stage,
                };
                match stage {
                    OperandStage::One if kind == TokenKind::LBracket => {
                        let scope = self.scope();
                        self.push(
                            FrameKind::List {
                                field,
                                listed: Vec::new(),
                            },
                            scope,
                            State::ListItem,
                        );
                    }
                    OperandStage::One | OperandStage::Second if value => {
                        self.set_role(n, Role::Value);
                    }
                    OperandStage::First if value => {
                        self.set_role(n, Role::Value);
                        self.set_state(next(OperandStage::And));
                    }
                    OperandStage::And if word == Some("and") => {
                        self.set_role(n, Role::Keyword);
                        self.set_state(next(OperandStage::Second));
                    }
                    OperandStage::Amount if kind == TokenKind::Number => {
                        self.set_role(n, Role::Value);
                        self.set_state(next(OperandStage::Unit));
                    }
                    OperandStage::Unit if word.is_some() => {
                        self.set_role(n, Role::Unit);
                        if operator == Operator::MoreThanAgo {
                            self.set_state(next(OperandStage::Ago));
                        }
                    }
                    OperandStage::Ago if word == Some("ago") => {
                        self.set_role(n, Role::Keyword);
                    }
                    _ => return Step::Again,
                }
            }
            State::ListItem | State::ListSep => {
                let item = matches!(state, State::ListItem);
                if kind == TokenKind::Comma {
                    self.set_state(State::ListItem);
                } else if is_value(kind) || word.is_some() {
                    // After a missing comma the value is still an item.
                    self.set_role(n, Role::Value);
                    let value = &self.text[token.span.range()];
                    let value = if kind == TokenKind::String {
                        crate::file::unquote(value)
                    } else {
                        value.to_string()
                    };
                    if let Some(Frame {
                        kind: FrameKind::List { listed, .. },
                        ..
                    }) = self.stack.last_mut()
                    {
                        listed.push(value);
                    }
                    self.set_state(State::ListSep);
                } else {
                    self.set_state(if item {
                        State::ListItem
                    } else {
                        State::ListSep
                    });
                    self.stray(n);
                }
            }
        }
        Step::Done
    }

    fn open_body(&mut self, id: Option<usize>) {
        self.set_state(State::File);
        self.push(
            FrameKind::Body {
                id,
                given: Vec::new(),
            },
            None,
            State::Start,
        );
    }

    fn start(&mut self, n: usize, in_body: bool) {
        let kind = self.significant[n].kind;
        let Some(word) = self.word(n) else {
            self.set_state(State::Start);
            self.stray(n);
            return;
        };
        if in_body {
            if let Some(key) = property_key(word) {
                self.set_role(n, Role::Property(key));
                if let Some(Frame {
                    kind: FrameKind::Body { given, .. },
                    ..
                }) = self.stack.last_mut()
                {
                    given.push(key);
                }
                self.set_state(State::PropValue(key));
                return;
            }
        }
        let next_is_paren = self
            .significant
            .get(n + 1)
            .is_some_and(|t| t.kind == TokenKind::LParen);
        let state = match word {
            "all" | "any" | "no" | "none" if kind != TokenKind::Ident => {
                self.set_role(n, Role::Keyword);
                State::Quantifier
            }
            "not" => {
                self.set_role(n, Role::Keyword);
                State::Start
            }
            "in" => {
                self.set_role(n, Role::Keyword);
                State::In
            }
            _ => match aggregate_fn(word) {
                Some(function) if next_is_paren => {
                    self.set_role(n, Role::Function(function));
                    State::AggFn(function)
                }
                _ => State::Path {
                    names: vec![self.index[n]],
                    after_dot: false,
                    kind: PathKind::Condition,
                },
            },
        };
        self.set_state(state);
    }

    /// Resolves a finished path, gives its names their roles and moves on to what follows it.
    /// `next` is the token after the path (`None` at the cursor).
    fn end_path(&mut self, names: &[usize], kind: PathKind, next: Option<TokenKind>) {
        let texts: Vec<&str> = names.iter().map(|&i| self.text_of(i)).collect();
        let scope = self.scope();
        let mut roles = vec![Role::Unknown; names.len()];
        let state = match kind {
            PathKind::Condition => {
                let (field_roles, field) = resolve_field(self.schema, &texts, scope);
                let collection = collection_prefix(&texts, scope);
                let is_block = next == Some(TokenKind::LBrace);
                match collection {
                    Some((collection, used))
                        if field.is_none() && (is_block || used == texts.len()) =>
                    {
                        for role in roles.iter_mut().take(used) {
                            *role = Role::Collection(collection);
                        }
                        State::Collection {
                            collection: (used == texts.len()).then_some(collection),
                            windowed: true,
                            in_paren: false,
                        }
                    }
                    _ => {
                        roles = field_roles;
                        State::Operator {
                            field,
                            words: Vec::new(),
                        }
                    }
                }
            }
            PathKind::Quantified => {
                let collection = collection_prefix(&texts, scope);
                if let Some((c, used)) = collection {
                    for role in roles.iter_mut().take(used) {
                        *role = Role::Collection(c);
                    }
                }
                State::Collection {
                    collection: collection
                        .filter(|(_, used)| *used == texts.len())
                        .map(|(c, _)| c),
                    windowed: false,
                    in_paren: false,
                }
            }
            PathKind::Aggregate => {
                let prefix = collection_prefix(&texts, scope);
                let mut field = None;
                if let Some((c, used)) = prefix {
                    for role in roles.iter_mut().take(used) {
                        *role = Role::Collection(c);
                    }
                    if texts.len() > used {
                        let (rest, f) = resolve_field(self.schema, &texts[used..], Some(c));
                        roles[used..].copy_from_slice(&rest);
                        field = f;
                    }
                }
                let collection = prefix.map(|(c, _)| c);
                if let Some(Frame {
                    kind:
                        FrameKind::Paren {
                            collection: c,
                            field: f,
                            ..
                        },
                    ..
                }) = self.stack.last_mut()
                {
                    *c = collection;
                    *f = field;
                }
                State::Collection {
                    collection,
                    windowed: false,
                    in_paren: true,
                }
            }
        };
        for (&i, role) in names.iter().zip(roles) {
            self.roles[i - self.first] = role;
        }
        self.set_state(state);
    }

    fn finish_operator(&mut self, field: Option<FieldRef>, words: &[usize]) {
        let texts: Vec<&str> = words.iter().map(|&i| self.text_of(i)).collect();
        let operator = SPELLINGS
            .iter()
            .find(|(s, _)| *s == texts.as_slice())
            .or_else(|| {
                SPELLINGS
                    .iter()
                    .filter(|(s, _)| is_prefix(&texts, s))
                    .min_by_key(|(s, _)| s.len())
            })
            .map(|(_, op)| *op);
        let Some(operator) = operator else {
            self.set_state(State::Start);
            return;
        };
        let span = words
            .iter()
            .map(|&i| self.tokens[i].span)
            .reduce(Span::cover)
            .unwrap_or_default();
        for &i in words {
            self.roles[i - self.first] = Role::Operator { operator, span };
        }
        let stage = match operator {
            Operator::IsEmpty | Operator::IsNotEmpty => {
                self.set_state(State::Start);
                return;
            }
            Operator::Between => OperandStage::First,
            Operator::WithinLast | Operator::MoreThanAgo | Operator::AnniversaryWithinNext => {
                OperandStage::Amount
            }
            _ => OperandStage::One,
        };
        self.set_state(State::Operand {
            field,
            operator,
            stage,
        });
    }

    /// What may come after the last token walked.
    pub(crate) fn expect(&mut self) -> Expect {
        // A path right before the cursor is complete: settle it as if something followed.
        if let Some(Frame {
            state:
                State::Path {
                    names,
                    after_dot: false,
                    kind,
                },
            ..
        }) = self.stack.last().cloned()
        {
            self.end_path(&names, kind, None);
        }
        let frame = self.stack.last().cloned().expect("the file frame stays");
        let scope = frame.scope;
        match frame.state {
            State::File => Expect::SegmentKeyword,
            State::SegmentId | State::SegmentBrace | State::AfterWhere => Expect::Nothing,
            State::Start => Expect::Condition {
                scope,
                properties: match &frame.kind {
                    FrameKind::Body { given, .. } => Some(given.clone()),
                    _ => None,
                },
            },
            State::PropValue(key) => Expect::PropertyValue(key),
            State::In => Expect::SegmentAfterIn,
            State::InSegment => Expect::SegmentId {
                current: self.current_segment(),
            },
            State::Quantifier | State::ParenStart => Expect::Collection { scope },
            State::Path { names, kind, .. } => Expect::Member {
                path: names.iter().map(|&i| self.text_of(i).to_string()).collect(),
                kind,
                scope,
            },
            State::AggFn(_) => Expect::Nothing,
            State::Collection {
                collection,
                windowed,
                in_paren,
            } => Expect::AfterCollection {
                collection,
                windowed,
                in_paren,
            },
            State::Window { stage, .. } => Expect::Window(stage),
            State::Where { .. } => Expect::Nothing,
            State::Operator { field, words } => Expect::Operator {
                field,
                words: words.iter().map(|&i| self.text_of(i).to_string()).collect(),
            },
            State::Operand {
                field,
                operator,
                stage,
            } => Expect::Operand {
                field,
                operator,
                stage,
            },
            State::ListItem => match frame.kind {
                FrameKind::List { field, listed } => Expect::ListItem { field, listed },
                _ => Expect::Nothing,
            },
            State::ListSep => Expect::Nothing,
        }
    }

    /// The id of the segment whose body the walk is in.
    fn current_segment(&self) -> Option<String> {
        self.stack.iter().find_map(|f| match f.kind {
            FrameKind::Body { id: Some(i), .. } => Some(self.text_of(i).to_string()),
            _ => None,
        })
    }
}
