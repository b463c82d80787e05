//! Generates the Lightly client from `spec/lightly.yaml` as one module file in `OUT_DIR`
//! (`lightly.rs`) with the generator library's `Generator` builder, the way a user's build
//! script would; config keys are set in code (a client default, to be seen on the wire).

fn main() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/lightly.yaml");
    openapi_rs_gen::Generator::new(spec)
        .crate_name("lightly")
        .spec_label("spec/lightly.yaml")
        .command("the build script of tests/build-rs-user")
        .configure(|c| c.client.user_agent = Some("build-rs-user/1.0".to_string()))
        .build_script("lightly.rs")
        .unwrap_or_else(|e| panic!("{e}"));
}
