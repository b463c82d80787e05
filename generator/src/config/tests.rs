//! Tests of the config: every key reaches its option, unknown keys and bad values are
//! errors that name the key, and the starter template is a valid config.

use super::*;
use std::time::Duration;

fn options(text: &str) -> Result<Options, ConfigErrors> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fix.overlay.yaml"), "overlay: 1.0.0\n").unwrap();
    std::fs::write(dir.path().join("LICENSE-MIT"), "MIT License\n").unwrap();
    Config::from_toml(text, "c.toml")?.options(dir.path(), "c.toml")
}

fn errors(text: &str) -> Vec<(String, String)> {
    match options(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.errors.into_iter().map(|e| (e.key, e.message)).collect(),
    }
}

fn keys(text: &str) -> Vec<String> {
    errors(text).into_iter().map(|(k, _)| k).collect()
}

#[test]
fn every_key_reaches_its_option() {
    let text = r#"
spec = "api.yaml"
output = "out"
overlay = "fix.overlay.yaml"
strict = true
smoke_test = true
[package]
name = "pets-client"
version = "2.1.0"
description = "Pets"
license = "MIT"
license_file = "LICENSE-MIT"
repository = "https://example.com/r"
homepage = "https://example.com/h"
documentation = "https://example.com/d"
authors = ["A <a@example.com>"]
keywords = ["pets"]
categories = ["api-bindings"]
edition = "2024"
rust_version = "1.85"
standalone = false
[operations]
include_tags = ["pets"]
exclude_tags = ["admin"]
include = ["listPets"]
exclude = ["deletePet"]
include_paths = ["/pets/**"]
exclude_paths = ["/admin/*"]
deprecated = "drop"
[types]
date_time = "time"
derives = ["Hash"]
unsigned_when_minimum_zero = true
[types.formats]
uuid = { path = "uuid::Uuid", crate = "uuid", version = "1", features = ["serde"], default_features = false }
money = "my::Money"
[types.schemas]
Pet = { path = "pets::Pet", crate = "pets", version = "0.3" }
[types.schema_derives]
Pet = ["Eq"]
[layout]
target = "module"
modules = "flat"
tag_features = false
[client]
base_url = "https://api.example.com"
user_agent = "me/1"
timeout = "30s"
connect_timeout = "1.5s"
[client.retry]
max_retries = 5
initial_backoff = "100ms"
max_backoff = "2m"
"#;
    let config = Config::from_toml(text, "c.toml").unwrap();
    assert_eq!(config.spec.as_deref(), Some(Path::new("api.yaml")));
    assert_eq!(config.output.as_deref(), Some(Path::new("out")));
    let o = options(text).unwrap();
    let overlay = o.overlay.as_ref().unwrap();
    assert_eq!(
        (overlay.label.as_str(), overlay.text.as_str()),
        ("fix.overlay.yaml", "overlay: 1.0.0\n")
    );
    assert!(o.strict);
    assert!(o.smoke_test);
    assert!(!options("").unwrap().smoke_test, "no smoke test by default");
    assert!(!options("").unwrap().strict, "strict is off by default");
    assert_eq!(
        (o.crate_name.as_str(), o.crate_version.as_str()),
        ("pets-client", "2.1.0")
    );
    assert!(!o.standalone);
    let p = &o.package;
    assert_eq!(p.description.as_deref(), Some("Pets"));
    assert_eq!(p.license.as_deref(), Some("MIT"));
    let lf = p.license_file.as_ref().unwrap();
    assert_eq!(
        (lf.name.as_str(), lf.text.as_str()),
        ("LICENSE-MIT", "MIT License\n")
    );
    assert_eq!(p.repository.as_deref(), Some("https://example.com/r"));
    assert_eq!(p.homepage.as_deref(), Some("https://example.com/h"));
    assert_eq!(p.documentation.as_deref(), Some("https://example.com/d"));
    assert_eq!(p.authors, ["A <a@example.com>"]);
    assert_eq!(p.keywords, ["pets"]);
    assert_eq!(p.categories, ["api-bindings"]);
    assert_eq!(
        (p.edition.as_str(), p.rust_version.as_str()),
        ("2024", "1.85")
    );
    let s = &o.select;
    assert_eq!(s.include_tags, ["pets"]);
    assert_eq!(s.exclude_tags, ["admin"]);
    assert_eq!(s.include_operations, ["listPets"]);
    assert_eq!(s.exclude_operations, ["deletePet"]);
    assert_eq!(s.include_paths, ["/pets/**"]);
    assert_eq!(s.exclude_paths, ["/admin/*"]);
    assert!(!s.deprecated);
    let t = &o.types;
    assert_eq!(t.date_time, DateTimeLibrary::Time);
    assert!(t.unsigned_when_minimum_zero);
    assert_eq!(t.derives, ["Hash"]);
    assert_eq!(
        t.formats["uuid"],
        TypeMapping {
            path: "uuid::Uuid".into(),
            dependency: Some(Dependency {
                name: "uuid".into(),
                version: "1".into(),
                features: vec!["serde".into()],
                default_features: false,
            }),
        }
    );
    assert_eq!(
        t.formats["money"],
        TypeMapping {
            path: "my::Money".into(),
            dependency: None
        }
    );
    assert_eq!(t.schemas["Pet"].dependency.as_ref().unwrap().version, "0.3");
    assert!(
        t.schemas["Pet"]
            .dependency
            .as_ref()
            .unwrap()
            .default_features
    );
    assert_eq!(t.schema_derives["Pet"], ["Eq"]);
    assert_eq!(o.layout.target, Target::Module);
    assert_eq!(o.layout.modules, Modules::Flat);
    assert!(!o.layout.tag_features);
    let c = &o.client;
    assert_eq!(c.base_url.as_deref(), Some("https://api.example.com"));
    assert_eq!(c.user_agent.as_deref(), Some("me/1"));
    assert_eq!(c.timeout, Some(Duration::from_secs(30)));
    assert_eq!(c.connect_timeout, Some(Duration::from_millis(1500)));
    assert_eq!(
        c.retry,
        Some(RetryDefaults {
            max_retries: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(120),
        })
    );
}

#[test]
fn an_empty_config_gives_the_defaults() {
    let o = options("").unwrap();
    assert_eq!(o.crate_name, "", "taken from the document later");
    assert!(o.standalone);
    assert!(o.select.deprecated);
    assert!(o.layout.tag_features);
    assert_eq!(o.layout.modules, Modules::PerTag);
    assert_eq!(o.types.date_time, DateTimeLibrary::Chrono);
    assert!(o.client.retry.is_none());
    let o = options("[client.retry]\n").unwrap();
    assert_eq!(o.client.retry.unwrap().max_retries, 3);
}

#[test]
fn unknown_keys_are_named_with_their_line() {
    let cases = [
        ("specs = \"a\"\n", "specs"),
        (
            "[package]\nname = \"a\"\nlicence = \"MIT\"\n",
            "package.licence",
        ),
        ("[operations]\ninclude_tag = []\n", "operations.include_tag"),
        ("[client.retry]\nretries = 1\n", "client.retry.retries"),
        ("[layouts]\n", "layouts"),
    ];
    for (text, key) in cases {
        let e = Config::from_toml(text, "c.toml").unwrap_err();
        assert_eq!(e.errors.len(), 1, "{text}");
        assert_eq!(e.errors[0].key, key, "{text}");
        assert!(e.errors[0].message.contains("unknown field"), "{e}");
        assert!(e.errors[0].line.is_some(), "{e}");
    }
    let e = Config::from_toml("\n[package]\nlicence = \"MIT\"\n", "c.toml").unwrap_err();
    assert_eq!(e.to_string().lines().next().unwrap(), e.to_string());
    assert!(
        e.to_string()
            .starts_with("error: c.toml:3: `package.licence`: unknown field"),
        "{e}"
    );
}

#[test]
fn values_of_the_wrong_type_or_variant_are_named() {
    let cases = [
        ("spec = 3\n", "spec"),
        ("[package]\nkeywords = \"api\"\n", "package.keywords"),
        (
            "[operations]\ndeprecated = \"dorp\"\n",
            "operations.deprecated",
        ),
        ("[layout]\nmodules = \"per-tag\"\n", "layout.modules"),
        ("[types]\ndate_time = \"jiff\"\n", "types.date_time"),
        (
            "[client.retry]\nmax_retries = -1\n",
            "client.retry.max_retries",
        ),
        ("[layout]\ntag_features = \"yes\"\n", "layout.tag_features"),
    ];
    for (text, key) in cases {
        let e = Config::from_toml(text, "c.toml").unwrap_err();
        assert_eq!(e.errors[0].key, key, "{text}: {e}");
    }
    let e = Config::from_toml("spec = \n", "c.toml").unwrap_err();
    assert_eq!(
        (e.errors[0].key.as_str(), e.errors[0].line),
        ("", Some(1)),
        "{e}"
    );
    assert!(e.errors[0].message.starts_with("not valid TOML"), "{e}");
}

#[test]
fn bad_values_are_errors_naming_each_key() {
    let text = r#"
overlay = "missing.yaml"
[package]
name = "1bad"
version = "1.0"
description = ""
license = "MIT/Apache"
license_file = "NOPE"
repository = "github.com/x"
keywords = ["a", "b", "c", "d", "e", "f"]
categories = ["API"]
edition = "2020"
rust_version = "2.0"
[operations]
include_tags = ["a", "a"]
include_paths = ["pets/**"]
exclude = [""]
[types]
derives = ["not a path"]
[types.formats]
uuid = { path = "uuid::Uuid", crate = "uuid" }
odd = { path = "Vec<", crate = "bad crate", version = "x" }
lonely = { path = "a::B", version = "1" }
[types.schema_derives]
Pet = ["Hash;"]
[client]
base_url = "ftp://x"
user_agent = "a\u0001b"
timeout = "30"
[client.retry]
initial_backoff = "5s"
max_backoff = "1s"
max_retries = 1000
"#;
    let got = keys(text);
    let want = [
        "client.base_url",
        "client.retry.initial_backoff",
        "client.retry.max_retries",
        "client.timeout",
        "client.user_agent",
        "operations.exclude[0]",
        "operations.include_paths[0]",
        "operations.include_tags[1]",
        "overlay",
        "package.categories[0]",
        "package.description",
        "package.edition",
        "package.keywords",
        "package.license",
        "package.license_file",
        "package.name",
        "package.repository",
        "package.rust_version",
        "package.version",
        "types.derives[0]",
        "types.formats.lonely.version",
        "types.formats.odd.crate",
        "types.formats.odd.path",
        "types.formats.odd.version",
        "types.formats.uuid.version",
        "types.schema_derives.Pet[0]",
    ];
    assert_eq!(got, want);
    for (key, message) in errors(text) {
        assert!(
            !message.is_empty() && !message.ends_with('.'),
            "{key}: {message}"
        );
        assert!(
            message.starts_with(|c: char| !c.is_uppercase()),
            "{key}: {message}"
        );
    }
}

#[test]
fn the_template_is_a_valid_config_with_every_key() {
    let text = template::template("api \"v2\".yaml", "client", "my-client");
    let config = Config::from_toml(&text, "t.toml").unwrap();
    assert_eq!(config.spec.as_deref(), Some(Path::new("api \"v2\".yaml")));
    assert_eq!(config.package.name.as_deref(), Some("my-client"));
    // Uncomment every example line: still valid, and now every key is set.
    let uncommented: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest.starts_with('[')
                    || rest.split_once(" = ").is_some_and(|(k, _)| {
                        k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    }) =>
            {
                rest
            }
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let full = Config::from_toml(&uncommented, "t.toml").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fixes.overlay.yaml"), "").unwrap();
    std::fs::write(dir.path().join("LICENSE"), "").unwrap();
    full.options(dir.path(), "t.toml").unwrap();
    // Every key of the config appears: compare with a config where everything is set.
    let shown = toml::Value::try_from(&full).unwrap();
    let mut missing = Vec::new();
    every_leaf_key(
        "",
        &toml::Value::try_from(full_config()).unwrap(),
        &mut |k| {
            if lookup(&shown, k).is_none() {
                missing.push(k.to_string());
            }
        },
    );
    assert!(missing.is_empty(), "the template does not show {missing:?}");
}

/// A config with every field set, so its TOML has every key.
fn full_config() -> Config {
    let s = || Some("x".to_string());
    let l = || Some(vec!["x".to_string()]);
    let table = TypeConfig::Table(TypeTable {
        path: "a::B".into(),
        krate: s(),
        version: s(),
        features: l(),
        default_features: Some(true),
    });
    Config {
        spec: Some("a".into()),
        output: Some("a".into()),
        overlay: Some("a".into()),
        strict: Some(true),
        smoke_test: Some(true),
        package: PackageConfig {
            name: s(),
            version: s(),
            description: s(),
            license: s(),
            license_file: Some("a".into()),
            repository: s(),
            homepage: s(),
            documentation: s(),
            authors: l(),
            keywords: l(),
            categories: l(),
            edition: s(),
            rust_version: s(),
            standalone: Some(true),
        },
        operations: OperationsConfig {
            include_tags: l(),
            exclude_tags: l(),
            include: l(),
            exclude: l(),
            include_paths: l(),
            exclude_paths: l(),
            deprecated: Some(Deprecated::Keep),
        },
        types: TypesConfig {
            formats: [("uuid".to_string(), table.clone())].into(),
            schemas: [("Money".to_string(), table)].into(),
            derives: l(),
            schema_derives: [("Pet".to_string(), vec!["Hash".to_string()])].into(),
            date_time: Some(DateTimeConfig::Chrono),
            unsigned_when_minimum_zero: Some(false),
        },
        layout: LayoutConfig {
            target: Some(TargetConfig::Crate),
            modules: Some(ModulesConfig::PerTag),
            tag_features: Some(true),
        },
        client: ClientConfig {
            base_url: s(),
            user_agent: s(),
            timeout: s(),
            connect_timeout: s(),
            retry: Some(RetryConfig {
                max_retries: Some(1),
                initial_backoff: s(),
                max_backoff: s(),
            }),
        },
    }
}

fn every_leaf_key(prefix: &str, v: &toml::Value, f: &mut impl FnMut(&str)) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                every_leaf_key(&key, v, f);
            }
        }
        _ => f(prefix),
    }
}

fn lookup<'a>(v: &'a toml::Value, key: &str) -> Option<&'a toml::Value> {
    key.split('.').try_fold(v, |v, k| v.get(k))
}

#[test]
fn the_version_can_be_set_in_a_config_file_keeping_every_other_line() {
    let text = "# mine\nspec = \"a.yaml\"\n\n[package]\nname = \"x\" # keep\nversion = \"0.1.0\"\n\n[client]\nversion_note = 1\n";
    let out = set_package_version(text, "0.2.0");
    assert_eq!(
        out,
        text.replace("version = \"0.1.0\"", "version = \"0.2.0\"")
    );
    let without = "[package]\nname = \"x\"\n[client]\ntimeout = \"1s\"\n";
    let out = set_package_version(without, "1.0.0");
    assert_eq!(
        out,
        "[package]\nversion = \"1.0.0\"\nname = \"x\"\n[client]\ntimeout = \"1s\"\n"
    );
    let none = "spec = \"a.yaml\"\n";
    let out = set_package_version(none, "1.0.0");
    assert_eq!(
        Config::from_toml(&out, "c")
            .unwrap()
            .package
            .version
            .as_deref(),
        Some("1.0.0")
    );
}
