//! Generates the Lightly client from `spec/lightly.yaml` as one module file in `OUT_DIR`
//! (`lightly.rs`), through the generator library, the way a user's build script would.

use openapi_rs_gen::options::{Layout, Target};
use openapi_rs_gen::{generate, Options};
use std::path::{Path, PathBuf};

fn main() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/lightly.yaml");
    println!("cargo:rerun-if-changed={}", spec.display());
    let text = std::fs::read_to_string(&spec).expect("spec/lightly.yaml is readable");
    let options = Options {
        crate_name: "lightly".to_string(),
        spec_label: "spec/lightly.yaml".to_string(),
        command: "the build script of tests/build-rs-user".to_string(),
        layout: Layout {
            target: Target::Module,
            ..Layout::default()
        },
        ..Options::default()
    };
    let generated = generate(&text, &options).unwrap_or_else(|d| panic!("{d}"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (name, text) in &generated.output.files {
        std::fs::write(out_dir.join(name), text).expect("OUT_DIR is writable");
    }
}
