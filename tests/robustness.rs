//! No input makes the generator panic: a property test that mutates every fixture (and the
//! Lightly document) with a seeded random generator, plus arbitrary text. Each case must end
//! in output or diagnostics. The budget is fixed so the test command stays fast; set
//! `ROBUSTNESS_CASES` for a longer run (see the README).

use openapi_rs_gen::{generate, Options};
use serde_json::Value;

/// xorshift64*: small, seeded, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const NASTY_STRINGS: &[&str] = &[
    "",
    "_",
    "self",
    "Self",
    "type",
    "r#type",
    "2d",
    "größe",
    "a/b",
    "{x}",
    "#/components/schemas/Missing",
    "#/components/schemas/",
    "other.yaml#/x",
    "~1",
    "\u{0}",
    "😀",
    "__proto__",
    "x-y-z",
    "$ref",
    "null",
    "Error",
    "Option",
];

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 2 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::from(rng.next() as i64 >> rng.below(64)),
        3 => serde_json::Number::from_f64((rng.next() as f64) / 7.0 - 1e18)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        4 => Value::String(NASTY_STRINGS[rng.below(NASTY_STRINGS.len())].to_string()),
        5 => Value::Array(
            (0..rng.below(3))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let keys = [
                "type",
                "$ref",
                "items",
                "properties",
                "enum",
                "allOf",
                "oneOf",
                "nullable",
                "required",
                "format",
                "pattern",
                "minimum",
            ];
            let mut map = serde_json::Map::new();
            for _ in 0..rng.below(4) {
                map.insert(
                    keys[rng.below(keys.len())].to_string(),
                    random_value(rng, depth + 1),
                );
            }
            Value::Object(map)
        }
    }
}

fn descend<'v>(v: &'v mut Value, rng: &mut Rng, steps: usize) -> &'v mut Value {
    if steps == 0 {
        return v;
    }
    let len = match &*v {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    };
    if len == 0 {
        return v;
    }
    let i = rng.below(len);
    match v {
        Value::Object(map) => {
            let (_, child) = map.iter_mut().nth(i).unwrap();
            descend(child, rng, steps - 1)
        }
        Value::Array(items) => descend(&mut items[i], rng, steps - 1),
        other => other,
    }
}

/// Applies one random edit somewhere in the tree.
fn mutate(v: &mut Value, rng: &mut Rng) {
    // Walk down a random path, then edit there.
    let steps = rng.below(8);
    let cur = descend(v, rng, steps);
    match (rng.below(5), cur) {
        (0, Value::Object(map)) if !map.is_empty() => {
            let k = map.keys().nth(rng.below(map.len())).cloned().unwrap();
            map.remove(&k);
        }
        (1, Value::Object(map)) => {
            let k = NASTY_STRINGS[rng.below(NASTY_STRINGS.len())].to_string();
            map.insert(k, random_value(rng, 0));
        }
        (2, Value::Array(items)) if !items.is_empty() => {
            let i = rng.below(items.len());
            let dup = items[i].clone();
            items.push(dup);
        }
        (_, other) => *other = random_value(rng, 0),
    }
}

fn inputs() -> Vec<(String, Value)> {
    let root = lightly_codegen_tests::root();
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/ok"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths.push(root.join("spec/lightly.yaml"));
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        out.push((
            p.display().to_string(),
            serde_yaml::from_str(&text).unwrap(),
        ));
    }
    out
}

fn cases() -> usize {
    std::env::var("ROBUSTNESS_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60)
}

fn run_case(label: &str, text: &str) {
    let result = std::panic::catch_unwind(|| generate(text, &Options::default()));
    if result.is_err() {
        let dump = std::env::temp_dir().join("openapi-rs-gen-panic.json");
        let _ = std::fs::write(&dump, text);
        panic!(
            "the generator panicked on {label}; the input is in {}",
            dump.display()
        );
    }
}

#[test]
fn mutated_documents_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (name, doc) in inputs() {
        for case in 0..cases() {
            let mut v = doc.clone();
            for _ in 0..=rng.below(4) {
                mutate(&mut v, &mut rng);
            }
            // Alternate JSON and YAML so both loaders are exercised.
            let text = if case % 2 == 0 {
                serde_json::to_string(&v).unwrap()
            } else {
                serde_yaml::to_string(&v).unwrap()
            };
            run_case(&format!("{name} mutation {case}"), &text);
        }
    }
}

#[test]
fn arbitrary_text_never_panics() {
    let mut rng = Rng(42);
    let alphabet: Vec<char> = "{}[]:,-'\"#&*!|>%@` \n\tabc$ref0123.~/\\".chars().collect();
    for case in 0..cases() * 10 {
        let len = rng.below(200);
        let text: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        run_case(&format!("arbitrary text {case}"), &text);
        run_case(
            &format!("arbitrary text {case} after a header"),
            &format!("openapi: 3.0.3\n{text}"),
        );
    }
}
