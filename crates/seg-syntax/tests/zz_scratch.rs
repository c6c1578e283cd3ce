mod common;
#[test]
fn scratch() {
    let text = std::fs::read_to_string("/tmp/scratch/in.seg").unwrap();
    let (m, d) = seg_syntax::parse(seg_diag::FileId(0), &text);
    println!("{}", common::render_diagnostics(&d, &text));
    println!("{}", common::render(&m, true));
    let out = seg_syntax::printer::print_module(&m, &text);
    println!("-----\n{out}-----");
    let (m2, d2) = seg_syntax::parse(seg_diag::FileId(0), &out);
    assert!(d2.is_empty(), "{}", common::render_diagnostics(&d2, &out));
    let out2 = seg_syntax::printer::print_module(&m2, &out);
    assert_eq!(out, out2);
}
