fn main() {
    let mut args = std::env::args().skip(1);
    let spec = args.next().expect("spec");
    let out = args.next().expect("out dir");
    let config = codegen::Config { openapi: spec.into(), asyncapi: args.next().map(Into::into), strict: false };
    match codegen::generate(&config) {
        Ok(o) => {
            for w in &o.warnings { eprintln!("{w}"); }
            codegen::write::write(std::path::Path::new(&out), &o.files).unwrap();
        }
        Err(e) => { eprintln!("{e}"); std::process::exit(1) }
    }
}
