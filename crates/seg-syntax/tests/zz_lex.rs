#[test]
fn lex() {
    let text = std::fs::read_to_string("/tmp/scratch/lex.seg").unwrap();
    for t in seg_syntax::lexer::tokenize(&text) { println!("{:?} {:?}", t.kind, &text[t.span.range()]); }
}
