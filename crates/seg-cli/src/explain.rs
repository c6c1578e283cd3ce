//! `seg explain CODE`: the page of a diagnostic code, from the registry in seg-diag.

use seg_diag::{codes, render, Code};

pub fn run(code: Option<&str>) -> u8 {
    let Some(code) = code else {
        for code in codes::ALL {
            let info = code.info();
            println!(
                "{}  {:<8}  {}",
                info.code,
                info.severity.as_str(),
                info.title()
            );
        }
        return 0;
    };
    match Code::parse(code) {
        Some(code) => {
            print!("{}", render::explain_text(code));
            0
        }
        None => {
            eprintln!("error: unknown diagnostic code `{code}`; `seg explain` lists them all");
            2
        }
    }
}
