//! The starter config `init` writes: every key, commented with what it does; the few a new
//! user edits first are set, the rest are commented out with their default or an example.
//! Uncommenting every example line gives a valid config (a test does it).

/// The starter config for a document at `spec`, written to `output`, as crate `name`. The
/// three values are written as TOML strings.
pub fn template(spec: &str, output: &str, name: &str) -> String {
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    TEMPLATE
        .replace("{spec}", &q(spec))
        .replace("{output}", &q(output))
        .replace("{name}", &q(name))
}

const TEMPLATE: &str = r#"# openapi-rs-gen.toml: how `openapi-rs-gen generate` turns an OpenAPI document into a
# Rust client crate. Paths are relative to this file. Lines starting with `# key =` are
# examples or defaults: remove the `# ` to use them. Full reference: `openapi-rs-gen --help`
# and the README of openapi-rs-gen.

# The OpenAPI 3.0 or 3.1 document (YAML or JSON).
spec = {spec}
# Where the crate is written. The generator only replaces files it wrote itself.
output = {output}
# An OpenAPI Overlay 1.0 file applied to the document first (to fix a vendor's document
# without editing it: add a missing operationId, correct a type).
# overlay = "fixes.overlay.yaml"
# Every approximation (a schema typed more loosely than the document says, an operation
# left out) is an error instead of a warning.
# strict = false
# Adds tests/smoke.rs: one test that calls every operation once against the server at
# SMOKE_BASE_URL (a mock such as Prism) and prints a JSON summary line.
# smoke_test = false

[package]
# The crate name (default: the document's title in kebab case, plus `-client`).
name = {name}
# The crate version (default: `info.version` when it is semver, else 0.1.0).
# version = "0.1.0"
# One line for crates.io (default: "Typed async client for <title> <version>").
# description = "Typed async client for the Example API"
# An SPDX expression, or a file copied into the crate.
# license = "MIT OR Apache-2.0"
# license_file = "LICENSE"
# repository = "https://github.com/you/example-client"
# homepage = "https://example.com"
# documentation = "https://docs.rs/example-client"
# authors = ["You <you@example.com>"]
# keywords = ["api", "client"]
# categories = ["api-bindings"]
# edition = "2021"
# rust_version = "1.80"
# `false` when the crate is a member of your own workspace (no `[workspace]` table).
# standalone = true

[operations]
# Keep only some operations, or drop some. Empty lists keep everything; an operation is
# kept when it matches every include list given and no exclude list.
# include_tags = ["pets"]
# exclude_tags = ["internal"]
# include = ["listPets", "getPet"]
# exclude = ["deletePet"]
# `*` matches within one path segment, `**` any number of segments.
# include_paths = ["/pets/**"]
# exclude_paths = ["/admin/*"]
# `keep` (marked #[deprecated]) or `drop`.
# deprecated = "keep"

[types]
# Where `date-time` and `date` values go: `chrono`, `time` or `string`.
# date_time = "chrono"
# Extra derives on every generated model.
# derives = ["Hash"]
# Integers whose `minimum` is 0 or more become `u32`/`u64`.
# unsigned_when_minimum_zero = false

# A `format` mapped to a Rust type, beating the built-in table.
[types.formats]
# uuid = { path = "uuid::Uuid", crate = "uuid", version = "1", features = ["serde"], default_features = true }

# A schema replaced by a type you already have (no model is generated for it).
[types.schemas]
# Money = { path = "rusty_money::Money", crate = "rusty-money", version = "0.4", features = ["serde"], default_features = false }

# Extra derives for one schema.
[types.schema_derives]
# Pet = ["Hash", "Eq"]

[layout]
# `crate` (Cargo.toml, src/, README) or `module` (one file for `include!`).
# target = "crate"
# `per_tag` (`client.pets().list_pets()`) or `flat` (every operation in one module).
# modules = "per_tag"
# A Cargo feature per tag, all on by default; users turn off what they do not call.
# tag_features = true

[client]
# Defaults of `Client::builder()`; a user's builder calls beat them.
# base_url = "https://api.example.com/v1"
# user_agent = "example-client/0.1"
# timeout = "30s"
# connect_timeout = "5s"

# [client.retry]
# max_retries = 3
# initial_backoff = "200ms"
# max_backoff = "10s"
"#;
