//! The `openapi-rs-gen` binary: `generate`, `check` and `init` (see [`openapi_rs_gen::cli`]).

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(openapi_rs_gen::cli::run(std::env::args_os()))
}
