//! Native code reads values by the documented layout; it must not drift.

use seg_data::Value;

fn tag(v: &Value) -> u8 {
    // SAFETY: `Value` is `repr(C, u8)`: its first byte is the tag.
    unsafe { *(v as *const Value as *const u8) }
}

fn payload<T: Copy>(v: &Value) -> T {
    // SAFETY: the payload starts at PAYLOAD_OFFSET in every variant that has one, and the
    // caller asks for the payload type of the variant it passes.
    unsafe {
        *((v as *const Value as *const u8).add(seg_data::PAYLOAD_OFFSET as usize) as *const T)
    }
}

#[test]
fn value_layout_is_the_documented_one() {
    assert_eq!(tag(&Value::Missing), seg_data::TAG_MISSING);
    assert_eq!(tag(&Value::Bool(true)), seg_data::TAG_BOOL);
    assert_eq!(payload::<u8>(&Value::Bool(true)), 1);
    assert_eq!(tag(&Value::Int(-5)), seg_data::TAG_INT);
    assert_eq!(payload::<i64>(&Value::Int(-5)), -5);
    assert_eq!(tag(&Value::Dec(250_000)), seg_data::TAG_DEC);
    assert_eq!(payload::<i64>(&Value::Dec(250_000)), 250_000);
    assert_eq!(tag(&Value::Date(-3)), seg_data::TAG_DATE);
    assert_eq!(payload::<i32>(&Value::Date(-3)), -3);
    assert_eq!(tag(&Value::DateTime(7)), seg_data::TAG_DATETIME);
    assert_eq!(payload::<i64>(&Value::DateTime(7)), 7);
    assert_eq!(tag(&Value::Str(seg_data::Sym(3))), seg_data::TAG_STR);
    assert_eq!(payload::<u32>(&Value::Str(seg_data::Sym(3))), 3);
    assert_eq!(tag(&Value::Option(9)), seg_data::TAG_OPTION);
    assert_eq!(payload::<u32>(&Value::Option(9)), 9);
    assert_eq!(
        tag(&Value::Options(vec![1].into_boxed_slice())),
        seg_data::TAG_OPTIONS
    );
    assert_eq!(std::mem::size_of::<Value>(), 24);
}
