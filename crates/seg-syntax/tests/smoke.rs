//! A quick smoke test: the spec's example segment, extended with one of each operator form,
//! parses cleanly, keeps its doc comment, and the grammar yields its token leaves. The thorough
//! tests are in `parser.rs`; this one fails first and reads fast when the parser is broken.

use seg_diag::FileId;

#[test]
fn spec_example_parses() {
    let text = r#"
/// Shoppers in Seoul who spend a lot and are about to check out.
segment vip_seoul {
  name "VIP shoppers in Seoul"
  description "Registered customers in Seoul with a large cart"
  applies_to registered          // visitors | registered | everyone (default everyone)
  websites ["base"]              // optional; default: all websites
  active true                    // optional; default true

  all {
    customer.group in ["VIP", "Wholesale"]
    any addresses { city is "Seoul"  country_id is "KR" }
    cart.subtotal >= 100.00
    sum(orders.grand_total within last 365 days where { status is "complete" }) >= 500
    not customer.gender is "male"
    customer.dob anniversary within next 7 days
    customer.created_at more than 2 weeks ago
    no orders within last 30 days { }
    billing_address { country_id == "KR" }
    count(orders) between 1 and 3
    in segment other
    customer.tags contains any of ["a", "b",]
    x does not contain "q\u{41}\n"
    y is not empty
    z on or before 2026-01-01T00:00:00Z
  }
}
segment b { any {} }
"#;
    let (module, diags) = seg_syntax::parse(FileId(0), text);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(module.segments.len(), 2);
    assert_eq!(
        module.segments[0].doc.as_deref(),
        Some("Shoppers in Seoul who spend a lot and are about to check out.")
    );
    println!("{:#?}", module.segments[0].items.len());
    let leaves = seg_syntax::parser::grammar_tokens(text).unwrap();
    assert!(leaves.len() > 50);
}

#[test]
fn a_stray_closing_brace_does_not_sink_the_segment_before_it() {
    let text = "segment a { cart.subtotal > 1 } }\nsegment b { cart.subtotal > 2 }\n";
    let (module, diags) = seg_syntax::parse(FileId(0), text);
    let ids: Vec<&str> = module.segments.iter().map(|s| s.id.name.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].primary.span.start, 32);
}
