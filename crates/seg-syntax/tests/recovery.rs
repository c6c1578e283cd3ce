//! Recovery at the top level: a stray closing brace gets an error of its own and does not sink
//! the segment before it. (The spec example and every construct are in `parser.rs`.)

use seg_diag::FileId;

#[test]
fn a_stray_closing_brace_does_not_sink_the_segment_before_it() {
    let text = "segment a { cart.subtotal > 1 } }\nsegment b { cart.subtotal > 2 }\n";
    let (module, diags) = seg_syntax::parse(FileId(0), text);
    let ids: Vec<&str> = module.segments.iter().map(|s| s.id.name.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].primary.span.start, 32);
}
