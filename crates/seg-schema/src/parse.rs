//! Reading the schema's JSON text into a [`Schema`], reporting every problem at its byte span.
//!
//! The walk goes top-level object → entity lists → attribute objects → their keys, and never
//! stops at the first problem: each one becomes a diagnostic and the walk moves on to the next
//! key or attribute. What it keeps:
//!
//! - An attribute is kept when its `code` and `type` are readable and its code is not a repeat
//!   within its entity; otherwise it is skipped, as the checker could not use it anyway.
//! - Any other problem drops only the offending piece (an unknown key, a bad option, a flag that
//!   is not a boolean or does not exist on the entity), so the rest of the attribute still
//!   resolves in segments instead of cascading into "unknown attribute" errors there.
//! - `null` for an optional key means the key is absent; for `code` and `type` it is an error.

use std::collections::HashMap;

use jsonc_parser::ast::{Array, Object, ObjectProp, ObjectPropName, Value};
use jsonc_parser::common::{Range, Ranged};
use jsonc_parser::errors::{ParseError, ParseErrorKind};
use jsonc_parser::{CollectOptions, ParseOptions};
use seg_diag::{Code, Diagnostic, FileId, Label, Span};

use crate::model::{AttrType, Attribute, Entity, Schema};
use crate::suggest::{did_you_mean, magento_key, magento_type};

/// Reads a schema from JSON text. Pure: no IO, no printing, no panics on any input.
///
/// Returns every attribute that could be read, and a diagnostic (E0101 for malformed JSON or a
/// wrong shape, E0102 for an inconsistent declaration) for each problem, in text order. The
/// returned schema's `file` is `Some(file)`.
pub fn parse_schema(file: FileId, text: &str) -> (Schema, Vec<Diagnostic>) {
    let mut schema = Schema {
        file: Some(file),
        ..Schema::empty()
    };
    let mut loader = Loader {
        file,
        diagnostics: Vec::new(),
    };

    // A byte-order mark is not JSON, but Windows editors write one. Replacing its three bytes by
    // three spaces keeps every offset equal to the offset in the caller's text.
    let blanked;
    let json = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            blanked = format!("   {rest}");
            blanked.as_str()
        }
        None => text,
    };

    match jsonc_parser::parse_to_ast(json, &CollectOptions::default(), &strict_json()) {
        Err(error) => loader.syntax_error(json, &error),
        Ok(parsed) => match parsed.value {
            None => loader.push(
                Diagnostic::new(
                    Code::E0101,
                    "the schema file is empty",
                    Label::new(file, Span::new(0, json.len()), "no JSON value here"),
                )
                .with_help(r#"a schema is one JSON object: {"customer": [...], "customer_address": [...], "product": [...]}"#),
            ),
            Some(root) => {
                loader.control_characters(json);
                loader.root(&root, &mut schema);
            }
        },
    }
    // Attributes are checked key by key and options last, so sort to give text order.
    seg_diag::sort(&mut loader.diagnostics);
    (schema, loader.diagnostics)
}

/// Plain JSON (RFC 8259): `jsonc-parser` accepts comments, trailing commas, single quotes and
/// more by default, which would let a schema pass here and fail in every other JSON tool.
fn strict_json() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

fn span(range: Range) -> Span {
    Span::new(range.start, range.end.max(range.start))
}

/// The span of an object's opening brace: where "this attribute lacks a key" is shown, since the
/// whole object may cover many lines.
fn opening_brace(object: &Object) -> Span {
    Span::new(object.range.start, object.range.start + 1)
}

/// "a string", "a list", … for messages that say what was found instead.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::StringLit(_) => "a string",
        Value::NumberLit(_) => "a number",
        Value::BooleanLit(_) => "a boolean",
        Value::Object(_) => "an object",
        Value::Array(_) => "a list",
        Value::NullKeyword(_) => "null",
    }
}

fn key_text<'t>(name: &'t ObjectPropName) -> &'t str {
    match name {
        ObjectPropName::String(literal) => literal.value.as_ref(),
        ObjectPropName::Word(word) => word.value,
    }
}

/// A JSON string literal holding `text`, for suggestions that replace a whole literal.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The span of a number's leading zero when a syntax error at `error_at` comes from one: a `0`
/// that starts a number and is directly followed by a digit.
fn leading_zero(json: &str, error_at: usize) -> Option<Span> {
    let bytes = json.as_bytes();
    let digits_follow = bytes.get(error_at).is_some_and(u8::is_ascii_digit);
    let zero = error_at.checked_sub(1)?;
    let starts_number =
        zero == 0 || !matches!(bytes[zero - 1], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+');
    (digits_follow && bytes[zero] == b'0' && starts_number).then(|| Span::new(zero, zero + 1))
}

/// Whether `code` can be written after `customer.` in a segment: the grammar's `ident` rule.
fn is_identifier(code: &str) -> bool {
    let mut chars = code.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A key of an object, once duplicates have been reported.
struct Key<'p, 'a> {
    name: &'p str,
    span: Span,
    prop: &'p ObjectProp<'a>,
}

/// What became of a required key.
enum Required<T> {
    Missing,
    /// Present but unusable; the problem has been reported.
    Invalid,
    Valid(T),
}

struct Loader {
    file: FileId,
    diagnostics: Vec<Diagnostic>,
}

impl Loader {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn malformed(
        &self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(Code::E0101, message, Label::new(self.file, span, label))
    }

    fn inconsistent(
        &self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(Code::E0102, message, Label::new(self.file, span, label))
    }

    fn syntax_error(&mut self, json: &str, error: &ParseError) {
        let range = error.range();
        let (mut start, mut end) = (range.start.min(json.len()), range.end.min(json.len()));
        end = end.max(start);
        while !json.is_char_boundary(start) {
            start -= 1;
        }
        while !json.is_char_boundary(end) {
            end += 1;
        }
        let kind = error.kind();
        if let Some(zero) = leading_zero(json, start) {
            // The parser reads `01` as the number 0 followed by a stray 1, and so complains about
            // a missing comma; the real mistake is the zero.
            self.push(
                self.malformed(
                    zero,
                    "the schema is not valid JSON: a number cannot start with `0`",
                    "leading zero",
                )
                .with_help("remove the leading zero, or write the value as a string"),
            );
            return;
        }
        if matches!(
            kind,
            ParseErrorKind::UnterminatedArray | ParseErrorKind::UnterminatedObject
        ) {
            // The parser's range covers the whole unclosed list or object, often the whole file;
            // its opening bracket is the one place worth pointing at.
            end = start + 1;
        } else if start == end {
            // An empty span renders as nothing in some frontends; widen it to the character it
            // sits on when there is one (at the end of the text there is none).
            if let Some(c) = json[start..].chars().next() {
                end = start + c.len_utf8();
            }
        }
        let at = Span::new(start, end);
        let (what, label, help) = describe_syntax_error(kind);
        let mut diagnostic =
            self.malformed(at, format!("the schema is not valid JSON: {what}"), label);
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        if matches!(kind, ParseErrorKind::TrailingCommasNotAllowed) && &json[start..end] == "," {
            diagnostic = diagnostic.with_suggestion(at, "");
        }
        self.push(diagnostic);
    }

    /// Raw control characters inside strings: the one thing plain JSON forbids that
    /// `jsonc-parser` lets through. The text is known to be valid JSON without comments here, so
    /// tracking quotes and backslashes is enough to know whether a byte is inside a string.
    fn control_characters(&mut self, json: &str) {
        let (mut in_string, mut escaped) = (false, false);
        for (offset, byte) in json.bytes().enumerate() {
            if !in_string {
                in_string = byte == b'"';
            } else if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            } else if byte < 0x20 {
                let escape = match byte {
                    b'\n' => "\\n".to_string(),
                    b'\t' => "\\t".to_string(),
                    b'\r' => "\\r".to_string(),
                    _ => format!("\\u{byte:04x}"),
                };
                let here = Span::new(offset, offset + 1);
                self.push(
                    self.malformed(here, format!("the schema is not valid JSON: control character U+{byte:04X} inside a string"), "raw control character")
                        .with_help(format!("JSON strings cannot hold raw line breaks, tabs or other control characters; write `{escape}`"))
                        .with_suggestion(here, escape),
                );
            }
        }
    }

    /// The keys of `object` in order, reporting each repeat and keeping only the first
    /// occurrence: JSON parsers disagree on which of two equal keys wins, so neither silently.
    fn unique_keys<'p, 'a>(&mut self, object: &'p Object<'a>) -> Vec<Key<'p, 'a>> {
        let mut first: HashMap<&'p str, Span> = HashMap::new();
        let mut keys = Vec::with_capacity(object.properties.len());
        for prop in &object.properties {
            let name = key_text(&prop.name);
            let key_span = span(prop.name.range());
            if let Some(&earlier) = first.get(name) {
                self.push(
                    self.malformed(
                        key_span,
                        format!("`{name}` is given twice in one object"),
                        "given again here",
                    )
                    .with_secondary(Label::new(self.file, earlier, "first given here"))
                    .with_help("keys of a JSON object must be unique; remove one of them"),
                );
                continue;
            }
            first.insert(name, key_span);
            keys.push(Key {
                name,
                span: key_span,
                prop,
            });
        }
        keys
    }

    fn root(&mut self, root: &Value, schema: &mut Schema) {
        let Value::Object(object) = root else {
            self.push(
                self.malformed(
                    span(root.range()),
                    format!("the schema must be a JSON object, found {}", describe(root)),
                    "not an object",
                )
                .with_help(
                    r#"write {"customer": [...], "customer_address": [...], "product": [...]}"#,
                ),
            );
            return;
        };
        for key in self.unique_keys(object) {
            match Entity::parse(key.name) {
                Some(entity) => self.entity(entity, &key.prop.value, schema),
                None => {
                    let entities = Entity::ALL.map(Entity::as_str);
                    let diagnostic = self.malformed(
                        key.span,
                        format!("unknown key `{}` in the schema", key.name),
                        "unknown key",
                    );
                    self.push(match did_you_mean(key.name, entities) {
                        Some(name) => diagnostic
                            .with_help(format!("did you mean `{name}`?"))
                            .with_suggestion(key.span, quoted(name)),
                        None => diagnostic.with_help(
                            "the schema's keys are `customer`, `customer_address` and `product`",
                        ),
                    });
                }
            }
        }
    }

    fn entity(&mut self, entity: Entity, value: &Value, schema: &mut Schema) {
        let elements = match value {
            Value::Array(array) => &array.elements,
            Value::NullKeyword(_) => return,
            other => {
                self.push(
                    self.malformed(
                        span(other.range()),
                        format!(
                            "`{entity}` must be a list of attributes, found {}",
                            describe(other)
                        ),
                        "not a list",
                    )
                    .with_help(format!(
                        r#"write "{entity}": [{{"code": "...", "type": "...", "{}": true}}]"#,
                        entity.flag_name()
                    )),
                );
                return;
            }
        };
        let mut declared: HashMap<String, Span> = HashMap::new();
        for element in elements {
            let Value::Object(object) = element else {
                self.push(
                    self.malformed(
                        span(element.range()),
                        format!("an attribute is a JSON object, found {}", describe(element)),
                        "not an attribute",
                    )
                    .with_help(format!(
                        r#"write {{"code": "...", "type": "...", "{}": true}}"#,
                        entity.flag_name()
                    )),
                );
                continue;
            };
            let Some(attribute) = self.attribute(entity, object) else {
                continue;
            };
            if let Some(&first) = declared.get(&attribute.code) {
                self.push(
                    self.inconsistent(
                        attribute.code_span,
                        format!("attribute `{}` is declared twice in `{entity}`", attribute.code),
                        "declared again here",
                    )
                    .with_secondary(Label::new(self.file, first, "first declared here"))
                    .with_help("attribute codes are unique within an entity; remove or rename one of the two"),
                );
                continue;
            }
            declared.insert(attribute.code.clone(), attribute.code_span);
            schema.attributes_mut(entity).push(attribute);
        }
    }

    fn attribute(&mut self, entity: Entity, object: &Object) -> Option<Attribute> {
        let mut code = Required::Missing;
        let mut ty = Required::Missing;
        let mut label = None;
        let mut options = None;
        let mut use_in_customer_segment = false;
        let mut use_for_promo_rules = false;
        for key in self.unique_keys(object) {
            let value = &key.prop.value;
            match key.name {
                "code" => code = self.code(value),
                "type" => ty = self.attr_type(value),
                "label" => label = self.label(value),
                "options" => options = Some(key),
                "use_in_customer_segment" | "use_for_promo_rules" => {
                    let Some(set) = self.flag(entity, &key) else {
                        continue;
                    };
                    if key.name == "use_in_customer_segment" {
                        use_in_customer_segment = set;
                    } else {
                        use_for_promo_rules = set;
                    }
                }
                _ => self.unknown_attribute_key(entity, &key),
            }
        }

        let code_span = match &code {
            Required::Valid((_, code_span)) => Some(*code_span),
            _ => None,
        };
        let options = match options {
            Some(key) => self.options(&key, &ty, code_span),
            None => {
                if let Required::Valid(ty) = ty {
                    if ty.has_options() {
                        let (at, label) = match code_span {
                            Some(at) => (at, "needs `options`"),
                            None => (opening_brace(object), "attribute without options"),
                        };
                        self.push(self.no_options(at, ty, label));
                    }
                }
                Vec::new()
            }
        };

        match (&code, &ty) {
            (Required::Missing, _) => self.push(
                self.malformed(
                    opening_brace(object),
                    "this attribute has no `code`",
                    "attribute without a code",
                )
                .with_help(r#"add "code": "...", the attribute code as in Magento"#),
            ),
            (Required::Valid((name, code_span)), Required::Missing) => self.push(
                self.malformed(
                    *code_span,
                    format!("attribute `{name}` has no `type`"),
                    "needs a `type`",
                )
                .with_help(format!(r#"add "type": one of {}"#, type_list())),
            ),
            (Required::Invalid, Required::Missing) => self.push(
                self.malformed(
                    opening_brace(object),
                    "this attribute has no `type`",
                    "attribute without a type",
                )
                .with_help(format!(r#"add "type": one of {}"#, type_list())),
            ),
            _ => {}
        }

        let (Required::Valid((code, code_span)), Required::Valid(ty)) = (code, ty) else {
            return None;
        };
        Some(Attribute {
            label: label.unwrap_or_else(|| code.clone()),
            code,
            ty,
            options,
            use_in_customer_segment,
            use_for_promo_rules,
            span: span(object.range),
            code_span,
        })
    }

    fn code(&mut self, value: &Value) -> Required<(String, Span)> {
        let at = span(value.range());
        let Value::StringLit(literal) = value else {
            self.push(
                self.malformed(
                    at,
                    format!("`code` must be a string, found {}", describe(value)),
                    "not a string",
                )
                .with_help(
                    "the code is the attribute code as in Magento, such as \"group\" or \"dob\"",
                ),
            );
            return Required::Invalid;
        };
        let code = literal.value.as_ref();
        if code.is_empty() {
            self.push(
                self.malformed(at, "the attribute code is empty", "empty code")
                    .with_help("write the attribute code as in Magento, such as \"group\""),
            );
            return Required::Invalid;
        }
        if !is_identifier(code) {
            // Well-formed JSON of the right shape, but a code that no segment could name: the
            // grammar reads `customer.<code>` as letters, digits and underscores only.
            self.push(
                self.inconsistent(at, format!("attribute code `{code}` cannot be used in a segment"), "not a valid code")
                    .with_help("codes are letters, digits and underscores, and do not start with a digit, as Magento requires"),
            );
            return Required::Invalid;
        }
        Required::Valid((code.to_string(), at))
    }

    fn attr_type(&mut self, value: &Value) -> Required<AttrType> {
        let at = span(value.range());
        let Value::StringLit(literal) = value else {
            self.push(
                self.malformed(
                    at,
                    format!("`type` must be a string, found {}", describe(value)),
                    "not a string",
                )
                .with_help(format!("the type is one of {}", type_list())),
            );
            return Required::Invalid;
        };
        let name = literal.value.as_ref();
        if let Some(ty) = AttrType::parse(name) {
            return Required::Valid(ty);
        }
        let diagnostic = self.malformed(
            at,
            format!("unknown attribute type `{name}`"),
            "unknown type",
        );
        let suggestion =
            magento_type(name).or_else(|| did_you_mean(name, AttrType::ALL.map(AttrType::as_str)));
        self.push(match suggestion {
            Some(ty) => diagnostic
                .with_help(format!(
                    "did you mean `{ty}`? The types are {}",
                    type_list()
                ))
                .with_suggestion(at, quoted(ty)),
            None => diagnostic.with_help(format!("the types are {}", type_list())),
        });
        Required::Invalid
    }

    fn label(&mut self, value: &Value) -> Option<String> {
        match value {
            // An empty label shows nothing in messages; the code is the better name then.
            Value::StringLit(literal) if !literal.value.is_empty() => {
                Some(literal.value.to_string())
            }
            Value::StringLit(_) | Value::NullKeyword(_) => None,
            other => {
                self.push(
                    self.malformed(
                        span(other.range()),
                        format!("`label` must be a string, found {}", describe(other)),
                        "not a string",
                    )
                    .with_help(
                        "the label is the name shown in the admin, such as \"Date of Birth\"",
                    ),
                );
                None
            }
        }
    }

    /// Reads a flag key; `None` when it does not count (reported, or absent as `null`).
    fn flag(&mut self, entity: Entity, key: &Key) -> Option<bool> {
        let flag = entity.flag_name();
        if key.name != flag {
            let property = if entity == Entity::Product {
                "Use for Promo Rule Conditions"
            } else {
                "Use in Customer Segment"
            };
            self.push(
                self.inconsistent(
                    key.span,
                    format!(
                        "`{}` does not exist on {} attributes",
                        key.name,
                        entity_words(entity)
                    ),
                    "not a flag of this entity",
                )
                .with_help(format!(
                    "{} attributes are enabled with `{flag}` (Magento's \"{property}\")",
                    entity_words(entity)
                ))
                .with_suggestion(key.span, quoted(flag)),
            );
            return None;
        }
        match &key.prop.value {
            Value::BooleanLit(literal) => Some(literal.value),
            Value::NullKeyword(_) => None,
            other => {
                let at = span(other.range());
                let mut diagnostic = self
                    .malformed(
                        at,
                        format!("`{flag}` must be true or false, found {}", describe(other)),
                        "not a boolean",
                    )
                    .with_help("write true or false, without quotes");
                let meant = match other {
                    Value::StringLit(s)
                        if s.value.eq_ignore_ascii_case("true") || s.value == "1" =>
                    {
                        Some("true")
                    }
                    Value::StringLit(s)
                        if s.value.eq_ignore_ascii_case("false") || s.value == "0" =>
                    {
                        Some("false")
                    }
                    Value::NumberLit(n) if n.value == "1" => Some("true"),
                    Value::NumberLit(n) if n.value == "0" => Some("false"),
                    _ => None,
                };
                if let Some(meant) = meant {
                    diagnostic = diagnostic.with_suggestion(at, meant);
                }
                self.push(diagnostic);
                None
            }
        }
    }

    fn unknown_attribute_key(&mut self, entity: Entity, key: &Key) {
        let known = ["code", "label", "type", "options", entity.flag_name()];
        let diagnostic = self.malformed(
            key.span,
            format!("unknown key `{}` in an attribute", key.name),
            "unknown key",
        );
        let suggestion = magento_key(key.name)
            // A Magento name for the other entity's flag is still best answered with this
            // entity's flag: that is the one that can be set here.
            .map(|k| {
                if k.starts_with("use_") {
                    entity.flag_name()
                } else {
                    k
                }
            })
            .or_else(|| did_you_mean(key.name, known));
        self.push(match suggestion {
            Some(name) => diagnostic
                .with_help(format!("did you mean `{name}`?"))
                .with_suggestion(key.span, quoted(name)),
            None => diagnostic.with_help(format!(
                "the keys of a {} attribute are {}",
                entity_words(entity),
                known.map(|k| format!("`{k}`")).join(", ")
            )),
        });
    }

    /// Reads `options`, keeping each well-formed, distinct, non-empty option.
    fn options(
        &mut self,
        key: &Key,
        ty: &Required<AttrType>,
        code_span: Option<Span>,
    ) -> Vec<String> {
        let array: &Array = match &key.prop.value {
            Value::Array(array) => array,
            Value::NullKeyword(_) => {
                if let Required::Valid(ty) = ty {
                    if ty.has_options() {
                        self.push(self.no_options(
                            code_span.unwrap_or(key.span),
                            *ty,
                            "needs `options`",
                        ));
                    }
                }
                return Vec::new();
            }
            other => {
                self.push(
                    self.malformed(
                        span(other.range()),
                        format!(
                            "`options` must be a list of strings, found {}",
                            describe(other)
                        ),
                        "not a list",
                    )
                    .with_help(r#"write "options": ["...", "..."]"#),
                );
                return Vec::new();
            }
        };
        if let Required::Valid(ty) = ty {
            if !ty.has_options() {
                self.push(
                    self.inconsistent(key.span, format!("a {ty} attribute has no options"), "options on a non-select type")
                        .with_help("only select and multiselect attributes list options; remove `options` or change the type"),
                );
                return Vec::new();
            }
            if array.elements.is_empty() {
                self.push(self.no_options(span(array.range), *ty, "empty list"));
                return Vec::new();
            }
        }

        let mut options = Vec::with_capacity(array.elements.len());
        // Keyed by the lower-cased option: segments compare options case-insensitively (§8), so
        // "Red" and "red" could never be told apart.
        let mut first: HashMap<String, (Span, String)> = HashMap::new();
        for element in &array.elements {
            let at = span(element.range());
            let Value::StringLit(literal) = element else {
                let mut diagnostic = self
                    .malformed(
                        at,
                        format!("an option is a string, found {}", describe(element)),
                        "not a string",
                    )
                    .with_help("options are strings, even numeric ones such as category ids");
                if let Value::NumberLit(number) = element {
                    diagnostic = diagnostic.with_suggestion(at, quoted(number.value));
                }
                self.push(diagnostic);
                continue;
            };
            let option = literal.value.as_ref();
            if option.is_empty() {
                self.push(
                    self.inconsistent(at, "an option is empty", "empty option")
                        .with_help("an empty value means \"no value\" in segments (`is empty`); remove this option"),
                );
                continue;
            }
            if let Some((earlier, earlier_text)) = first.get(&option.to_lowercase()) {
                let message = if earlier_text == option {
                    format!("option `{option}` is listed twice")
                } else {
                    format!("option `{option}` repeats `{earlier_text}`: options compare case-insensitively")
                };
                self.push(
                    self.inconsistent(at, message, "listed again here")
                        .with_secondary(Label::new(self.file, *earlier, "first listed here"))
                        .with_help("remove the repeated option"),
                );
                continue;
            }
            first.insert(option.to_lowercase(), (at, option.to_string()));
            options.push(option.to_string());
        }
        options
    }

    fn no_options(&self, at: Span, ty: AttrType, label: &str) -> Diagnostic {
        self.inconsistent(
            at,
            format!("a {ty} attribute needs at least one option"),
            label,
        )
        .with_help(r#"list the values shoppers can have: "options": ["...", "..."]"#)
    }
}

fn entity_words(entity: Entity) -> &'static str {
    match entity {
        Entity::Customer => "customer",
        Entity::CustomerAddress => "customer address",
        Entity::Product => "product",
    }
}

fn type_list() -> String {
    AttrType::ALL.map(|t| format!("`{t}`")).join(", ")
}

/// A short message, a label and a help line for each way the JSON itself can be broken.
fn describe_syntax_error(kind: &ParseErrorKind) -> (String, &'static str, Option<&'static str>) {
    use ParseErrorKind::*;
    let (what, label, help): (&str, &str, Option<&str>) = match kind {
        BareDecimalPointNumbersNotAllowed => ("a number needs digits on both sides of its decimal point", "incomplete number", Some("write `0.5` or `5.0`")),
        CommentsNotAllowed => ("JSON has no comments", "comment", Some("remove the comment; the schema is plain JSON")),
        ExpectedColonAfterObjectKey => ("expected `:` after the key", "expected `:`", None),
        ExpectedObjectValue => ("expected a value after `:`", "expected a value", None),
        ExpectedDigit | ExpectedDigitFollowingNegativeSign | ExpectedPlusMinusOrDigitInNumberLiteral => {
            ("this number is incomplete", "incomplete number", None)
        }
        ExpectedStringObjectProperty => ("expected a key in double quotes", "expected a key", Some("JSON keys are strings in double quotes")),
        HexadecimalNumbersNotAllowed => ("JSON has no hexadecimal numbers", "hexadecimal number", None),
        ExpectedComma => ("expected `,` between two items", "expected `,`", None),
        MultipleRootJsonValues => (
            "unexpected text after the end of the JSON value",
            "unexpected text",
            Some("the schema is a single JSON object, and nothing may follow it"),
        ),
        NonFiniteNumbersNotAllowed => ("JSON has no Infinity or NaN", "not a JSON number", None),
        SingleQuotedStringsNotAllowed => ("JSON strings use double quotes", "single-quoted string", None),
        String(_) => ("invalid string", "invalid string", Some(r#"JSON strings allow the escapes \" \\ \/ \b \f \n \r \t and \uXXXX"#)),
        TrailingCommasNotAllowed => ("trailing comma", "trailing comma", Some("JSON allows no comma before `]` or `}`; remove it")),
        UnaryPlusNumbersNotAllowed => ("JSON numbers take no `+` sign", "unexpected `+`", None),
        UnexpectedCloseBrace => ("unexpected `}`", "unexpected `}`", None),
        UnexpectedCloseBracket => ("unexpected `]`", "unexpected `]`", None),
        UnexpectedColon => ("unexpected `:`", "unexpected `:`", None),
        UnexpectedComma => ("unexpected `,`", "unexpected `,`", None),
        UnexpectedWord => (
            "unexpected word",
            "not a JSON value",
            Some("JSON values are strings in double quotes, numbers, true, false, null, lists and objects"),
        ),
        UnexpectedToken | UnexpectedTokenInObject => ("unexpected character", "unexpected character", None),
        UnterminatedArray => ("this list is never closed", "list opened here", Some("add the missing `]`")),
        UnterminatedCommentBlock => ("this comment is never closed", "comment opened here", Some("JSON has no comments")),
        UnterminatedObject => ("this object is never closed", "object opened here", Some("add the missing `}`")),
        NestingDepthExceeded => ("lists and objects are nested too deeply", "too deep", Some("a schema needs three levels of nesting")),
        // Unreachable with our features, but another crate enabling `jsonc-parser/serde` adds a
        // variant through feature unification, and that must not break this build.
        #[allow(unreachable_patterns)]
        _ => ("unexpected input", "here", None),
    };
    let what = match kind {
        // The string error kinds say which escape or surrogate is wrong; keep that detail.
        String(detail) => format!("{what}: {}", lower_first(&detail.to_string())),
        _ => what.to_string(),
    };
    (what, label, help)
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
