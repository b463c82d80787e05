//! `bench-tojson IN.yaml OUT.json`: converts a YAML OpenAPI document to JSON for tools that
//! only read JSON (progenitor), the way the generator reads it: mapping keys that YAML reads
//! as numbers or booleans (response codes such as `200`) become strings, as JSON requires.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: bench-tojson IN.yaml OUT.json");
        return ExitCode::FAILURE;
    };
    let result = std::fs::read_to_string(input)
        .map_err(|e| format!("cannot read {input}: {e}"))
        .and_then(|text| devtools::read_tree(&text).map_err(|e| format!("{input}: {e}")))
        .and_then(|json| serde_json::to_vec_pretty(&json).map_err(|e| e.to_string()))
        .and_then(|bytes| {
            std::fs::write(output, bytes).map_err(|e| format!("cannot write {output}: {e}"))
        });
    devtools::exit(result)
}
