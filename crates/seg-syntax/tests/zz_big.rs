fn big(target: usize) -> String {
    let mut text = String::with_capacity(target + 1024);
    let mut i = 0;
    while text.len() < target {
        text.push_str(&format!(r#"/// Segment number {i}.
segment generated_{i} {{
  name "Generated segment {i}"
  applies_to registered
  websites ["base", "kr"]
  all {{
    customer.group in ["VIP", "Wholesale"]  // a trailing comment
    any addresses {{ city is "Seoul"  country_id is "KR" }}
    cart.subtotal >= {i}.50
    sum(orders.grand_total within last 365 days where {{ status is "complete" }}) >= 500
    not customer.dob anniversary within next 7 days
    in segment generated_0
  }}
}}

"#));
        i += 1;
    }
    text
}
#[test]
fn big50() {
    let mb: usize = std::env::var("MB").map(|v| v.parse().unwrap()).unwrap_or(50); let text = big(mb * 1024 * 1024);
    let t = std::time::Instant::now();
    let toks = seg_syntax::lexer::tokenize(&text);
    println!("tokenize {} tokens {:?}", toks.len(), t.elapsed());
    let t = std::time::Instant::now();
    let (m, d) = seg_syntax::parse(seg_diag::FileId(0), &text);
    println!("parse {} segs {} diags {:?}", m.segments.len(), d.len(), t.elapsed());
    let t = std::time::Instant::now();
    let out = seg_syntax::printer::print_module(&m, &text);
    println!("print {} bytes {:?}", out.len(), t.elapsed());
}
