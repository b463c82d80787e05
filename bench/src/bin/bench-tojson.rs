//! `bench-tojson IN.yaml OUT.json`: converts a YAML OpenAPI document to JSON for tools that
//! only read JSON (progenitor). Mapping keys that YAML reads as numbers or booleans (response
//! codes such as `200`) become strings, as JSON requires.

use serde_json::{Map, Value};
use serde_yaml::Value as Yaml;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: bench-tojson IN.yaml OUT.json");
        return ExitCode::FAILURE;
    };
    let result = std::fs::read_to_string(input)
        .map_err(|e| format!("cannot read {input}: {e}"))
        .and_then(|text| serde_yaml::from_str::<Yaml>(&text).map_err(|e| format!("{input}: {e}")))
        .and_then(convert)
        .and_then(|json| serde_json::to_vec_pretty(&json).map_err(|e| e.to_string()))
        .and_then(|bytes| {
            std::fs::write(output, bytes).map_err(|e| format!("cannot write {output}: {e}"))
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn convert(yaml: Yaml) -> Result<Value, String> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => serde_json::to_value(&n).map_err(|e| e.to_string())?,
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => {
            Value::Array(items.into_iter().map(convert).collect::<Result<_, _>>()?)
        }
        Yaml::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Yaml::String(s) => s,
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Bool(b) => b.to_string(),
                    Yaml::Null => "null".to_string(),
                    other => return Err(format!("unsupported mapping key: {other:?}")),
                };
                out.insert(key, convert(v)?);
            }
            Value::Object(out)
        }
        Yaml::Tagged(tagged) => convert(tagged.value)?,
    })
}
