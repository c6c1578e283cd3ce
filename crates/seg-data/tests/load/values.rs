//! Every type's accepted and rejected JSON forms, checked through a customer attribute of that
//! type (built-in fields share the same typing, see the profile tests).

use seg_data::load::DataError;
use seg_data::{Catalog, Interner, Value};
use seg_schema::Schema;

use crate::{inline_schema, load_one};

const SCHEMA: &str = r#"{"customer": [
  {"code": "s", "type": "string", "use_in_customer_segment": true},
  {"code": "i", "type": "integer", "use_in_customer_segment": true},
  {"code": "d", "type": "decimal", "use_in_customer_segment": true},
  {"code": "b", "type": "boolean", "use_in_customer_segment": true},
  {"code": "day", "type": "date", "use_in_customer_segment": true},
  {"code": "at", "type": "datetime", "use_in_customer_segment": true},
  {"code": "color", "type": "select", "options": ["Red", "Blue", "Été"], "use_in_customer_segment": true},
  {"code": "tags", "type": "multiselect", "options": ["3", "12", "15", "Small, medium"], "use_in_customer_segment": true}
]}"#;

const CODES: [&str; 8] = ["s", "i", "d", "b", "day", "at", "color", "tags"];

struct Fixture {
    schema: Schema,
    interner: Interner,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            schema: inline_schema(SCHEMA),
            interner: Interner::new(),
        }
    }

    /// The value `json` gives the attribute `code`.
    fn read(&mut self, code: &str, json: &str) -> Result<Value, DataError> {
        let slot = CODES
            .iter()
            .position(|c| *c == code)
            .expect("a code of SCHEMA");
        let text = format!(r#"{{"id": "t", "logged_in": true, "customer": {{"{code}": {json}}}}}"#);
        load_one(&text, &self.schema, &Catalog::default(), &mut self.interner)
            .map(|p| p.customer[slot].clone())
    }

    fn accepts(&mut self, code: &str, cases: &[(&str, Value)]) {
        for (json, expected) in cases {
            match self.read(code, json) {
                Ok(value) => assert_eq!(&value, expected, "{code}: {json}"),
                Err(error) => panic!("{code}: {json} should load: {error}"),
            }
        }
    }

    /// Each form is an error at `customer.<code>` (or an element of it) whose message contains
    /// `says`.
    fn rejects(&mut self, code: &str, says: &str, forms: &[&str]) {
        for json in forms {
            match self.read(code, json) {
                Ok(value) => panic!("{code}: {json} should fail, loaded {value:?}"),
                Err(error) => {
                    assert!(
                        error.field.starts_with(&format!("customer.{code}")),
                        "{code}: {json}: {error}"
                    );
                    assert!(error.message.contains(says), "{code}: {json}: {error}");
                    assert_eq!(error.id.as_deref(), Some("t"));
                }
            }
        }
    }

    fn sym(&mut self, text: &str) -> Value {
        Value::Str(self.interner.intern(text))
    }
}

#[test]
fn empty_forms_are_missing_for_every_type() {
    let mut f = Fixture::new();
    for code in CODES {
        for json in ["null", r#""""#, "[]"] {
            assert_eq!(
                f.read(code, json).unwrap(),
                Value::Missing,
                "{code}: {json}"
            );
        }
    }
    let p = load_one(
        r#"{"id": "t", "logged_in": true, "customer": {}}"#,
        &f.schema,
        &Catalog::default(),
        &mut f.interner,
    )
    .unwrap();
    assert_eq!(p.customer.len(), CODES.len());
    assert!(
        p.customer.iter().all(Value::is_missing),
        "absent keys are empty"
    );
}

#[test]
fn strings() {
    let mut f = Fixture::new();
    let cases = [
        (r#""abc""#, f.sym("abc")),
        (r#""   ""#, f.sym("   ")),
        (r#""Straße 1\n""#, f.sym("Straße 1\n")),
        (r#""\u00e9""#, f.sym("é")),
        (r#""0""#, f.sym("0")),
    ];
    f.accepts("s", &cases);
    f.rejects(
        "s",
        "expected a string",
        &["12", "true", "{}", r#"["a"]"#, "0.5"],
    );
}

#[test]
fn integers() {
    let mut f = Fixture::new();
    f.accepts(
        "i",
        &[
            ("42", Value::Int(42)),
            ("-3", Value::Int(-3)),
            ("0", Value::Int(0)),
            ("-0", Value::Int(0)),
            ("9223372036854775807", Value::Int(i64::MAX)),
            ("-9223372036854775808", Value::Int(i64::MIN)),
        ],
    );
    f.rejects(
        "i",
        "expected an integer",
        &[
            r#""12""#,
            "1.5",
            "1.0",
            "1e2",
            "9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "true",
            r#"["1"]"#,
            "{}",
        ],
    );
}

#[test]
fn decimals_are_exact() {
    let mut f = Fixture::new();
    f.accepts(
        "d",
        &[
            ("0.1", Value::Dec(1_000)),
            ("0.2", Value::Dec(2_000)),
            (r#""0.1""#, Value::Dec(1_000)),
            (r#""0.2""#, Value::Dec(2_000)),
            ("19.99", Value::Dec(199_900)),
            (r#""19.9900""#, Value::Dec(199_900)),
            ("19.99000000000", Value::Dec(199_900)),
            ("1.2345", Value::Dec(12_345)),
            ("-3", Value::Dec(-30_000)),
            (r#""-0.0001""#, Value::Dec(-1)),
            ("0", Value::Dec(0)),
            ("922337203685477.5807", Value::Dec(i64::MAX)),
            (r#""-922337203685477.5807""#, Value::Dec(-i64::MAX)),
            // Exponent forms of JSON numbers are converted exactly.
            ("1e5", Value::Dec(1_000_000_000)),
            ("1.5e3", Value::Dec(15_000_000)),
            ("2.5E+2", Value::Dec(2_500_000)),
            ("12345e-4", Value::Dec(12_345)),
            ("-1.2E-3", Value::Dec(-12)),
            ("0.00012e4", Value::Dec(12_000)),
            ("1000000e-10", Value::Dec(1)),
            ("0e999999999999999999999999999999999999", Value::Dec(0)),
            ("9.223372036854775807e14", Value::Dec(i64::MAX)),
        ],
    );
    // 0.1 + 0.2 is exactly 0.3: the units add as integers.
    let (Value::Dec(a), Value::Dec(b)) = (f.read("d", "0.1").unwrap(), f.read("d", "0.2").unwrap())
    else {
        panic!("decimals");
    };
    assert_eq!(a + b, 3_000);

    f.rejects(
        "d",
        "more than 4 fractional digits",
        &[
            "1.23456",
            r#""1.23456""#,
            "1e-5",
            "0.000001",
            "1.00001e0",
            "1e-99999999999999999999999999999999999",
        ],
    );
    f.rejects(
        "d",
        "out of the decimal range",
        &[
            "922337203685477.5808",
            "1e16",
            "1e999999999999999999999999999999999999",
            r#""10000000000000000""#,
        ],
    );
    f.rejects(
        "d",
        "not a number",
        &[
            r#""abc""#,
            r#""1e5""#,
            r#"" 1.5""#,
            r#""1,5""#,
            r#""1.""#,
            r#""   ""#,
            r#"".5""#,
        ],
    );
    f.rejects(
        "d",
        "expected a decimal number",
        &["true", "[1.5]", r#"{"amount": 1}"#],
    );
}

#[test]
fn booleans() {
    let mut f = Fixture::new();
    f.accepts(
        "b",
        &[("true", Value::Bool(true)), ("false", Value::Bool(false))],
    );
    f.rejects(
        "b",
        "expected true or false",
        &[r#""true""#, "1", "0", r#""yes""#, "[true]"],
    );
}

#[test]
fn dates_take_a_day_or_the_utc_day_of_a_datetime() {
    let mut f = Fixture::new();
    // Day numbers from Python: (date(…) - date(1970, 1, 1)).days.
    f.accepts(
        "day",
        &[
            (r#""2026-01-31""#, Value::Date(20_484)),
            (r#""1970-01-01""#, Value::Date(0)),
            (r#""1969-12-31""#, Value::Date(-1)),
            (r#""2024-02-29""#, Value::Date(19_782)),
            (r#""2026-01-31T09:30:00Z""#, Value::Date(20_484)),
            (r#""2026-01-31 09:30:00Z""#, Value::Date(20_484)),
            // 23:30 at -05:00 is 04:30 UTC the next day.
            (r#""2026-01-31T23:30:00-05:00""#, Value::Date(20_485)),
            // 08:00 at +09:00 is 23:00 UTC the day before.
            (r#""2026-01-31T08:00:00+09:00""#, Value::Date(20_483)),
        ],
    );
    f.rejects(
        "day",
        "expected a date YYYY-MM-DD",
        &[
            r#""1990-13-01""#,
            r#""2026-02-29""#,
            r#""2026-02-30""#,
            r#""2026/01/31""#,
            r#""31-01-2026""#,
            r#""0000-01-01""#,
            r#""2026-01-31T09:30:00""#,
            r#""2026-1-31""#,
            r#""today""#,
            "20260131",
            "true",
        ],
    );
    let error = f.read("day", r#""1990-13-01""#).unwrap_err();
    assert!(
        error.to_string().starts_with(
            r#"line 1 (t): customer.day: expected a date YYYY-MM-DD, found "1990-13-01""#
        ),
        "{error}"
    );
}

#[test]
fn datetimes_need_a_zone() {
    let mut f = Fixture::new();
    // 2026-01-31T09:30:00Z is 1769851800 seconds after the epoch (Python `timestamp()`).
    let micros = |extra: i64| Value::DateTime(1_769_851_800_000_000 + extra);
    f.accepts(
        "at",
        &[
            (r#""2026-01-31T09:30:00Z""#, micros(0)),
            (r#""2026-01-31T18:30:00+09:00""#, micros(0)),
            (r#""2026-01-31T04:30:00-05:00""#, micros(0)),
            (r#""2026-01-31 09:30:00Z""#, micros(0)),
            (r#""2026-01-31t09:30:00z""#, micros(0)),
            (r#""2026-01-31T09:30:00.25Z""#, micros(250_000)),
            (r#""2026-01-31T09:30:00.123456789Z""#, micros(123_456)),
            (r#""1970-01-01T00:00:00Z""#, Value::DateTime(0)),
            (r#""1969-12-31T23:59:59Z""#, Value::DateTime(-1_000_000)),
        ],
    );
    f.rejects(
        "at",
        "expected a datetime",
        &[
            r#""2026-01-31""#,
            r#""2026-01-31T09:30:00""#,
            r#""2026-01-31 09:30:00""#,
            r#""2026-01-31  09:30:00Z""#,
            r#""2026-01-31T25:00:00Z""#,
            r#""2026-02-30T09:30:00Z""#,
            r#""2026-01-31T09:30:00+9""#,
            r#""yesterday""#,
            "1769851800",
            "true",
        ],
    );
    let error = f.read("at", r#""2026-01-31""#).unwrap_err();
    assert!(error.message.contains("a date alone"), "{error}");
}

#[test]
fn selects_match_options_case_insensitively() {
    let mut f = Fixture::new();
    f.accepts(
        "color",
        &[
            (r#""Red""#, Value::Option(0)),
            (r#""Blue""#, Value::Option(1)),
            (r#""blue""#, Value::Option(1)),
            (r#""BLUE""#, Value::Option(1)),
            (r#""ÉTÉ""#, Value::Option(2)),
            (r#""été""#, Value::Option(2)),
        ],
    );
    f.rejects(
        "color",
        "is not an option of color",
        &[r#""Green""#, r#"" Blue""#, r#""Red,Blue""#],
    );
    f.rejects(
        "color",
        "expected an option",
        &["1", "true", r#"["Blue"]"#, r#"{"label": "Blue"}"#],
    );
    let error = f.read("color", r#""Green""#).unwrap_err();
    assert!(
        error.message.contains(r#""Red", "Blue", "Été""#),
        "the options are named: {error}"
    );
}

#[test]
fn multiselects_are_lists_or_comma_separated_strings() {
    let mut f = Fixture::new();
    let set = |indices: &[u32]| Value::Options(indices.to_vec().into_boxed_slice());
    f.accepts(
        "tags",
        &[
            (r#"["3"]"#, set(&[0])),
            (r#"["12", "3"]"#, set(&[0, 1])),
            (r#"["15", "3", "15", "3"]"#, set(&[0, 2])),
            (r#"["3", "", null]"#, set(&[0])),
            (r#"["", null]"#, Value::Missing),
            (r#""3,12""#, set(&[0, 1])),
            (r#""12, 3""#, set(&[0, 1])),
            (r#""15""#, set(&[2])),
            (r#""3,,15,""#, set(&[0, 2])),
            (r#"",""#, Value::Missing),
            // An option with a comma in it is that option, in a list or as the whole string.
            (r#""Small, medium""#, set(&[3])),
            (r#""small, MEDIUM""#, set(&[3])),
            (r#"["Small, medium", "3"]"#, set(&[0, 3])),
        ],
    );
    f.rejects(
        "tags",
        "is not an option of tags",
        &[r#"["4"]"#, r#""3,4""#, r#""Small""#, r#"["3,12"]"#],
    );
    f.rejects(
        "tags",
        "expected",
        &["3", "true", r#"{"3": true}"#, r#"[3]"#, r#"[["3"]]"#],
    );
    let error = f.read("tags", r#"["3", 12]"#).unwrap_err();
    assert_eq!(error.field, "customer.tags[1]");
}

#[test]
fn an_attribute_without_options_names_that() {
    // The schema reports the empty list; what loads still has the attribute, without options.
    let (schema, diagnostics) = seg_schema::parse_schema(
        seg_diag::FileId(0),
        r#"{"customer": [{"code": "size", "type": "select", "options": [], "use_in_customer_segment": true}]}"#,
    );
    assert!(!diagnostics.is_empty());
    assert!(schema.customer[0].options.is_empty());
    let mut interner = Interner::new();
    let text = r#"{"id": "t", "logged_in": true, "customer": {"size": "M"}}"#;
    let error = load_one(text, &schema, &Catalog::default(), &mut interner).unwrap_err();
    assert_eq!(error.field, "customer.size");
    assert!(error.message.contains("declares none"), "{error}");
}

#[test]
fn long_values_are_cut_in_messages() {
    let mut f = Fixture::new();
    let long = "x".repeat(10_000);
    let error = f.read("color", &format!("\"{long}\"")).unwrap_err();
    assert!(error.message.len() < 400, "{}", error.message.len());
    let wide = "é".repeat(100);
    let error = f.read("i", &format!("\"{wide}\"")).unwrap_err();
    assert!(error.message.contains('…'), "{error}");
}
