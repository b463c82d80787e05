//! Tests of `runtime/de.rs`: a struct decoded through `runtime::de`, written as the generator
//! writes one, against its twin with serde's derive.

use crate::runtime;
use serde::Deserialize;

#[derive(Debug, PartialEq)]
struct Tag {
    name: String,
    count: i64,
    note: Option<String>,
    parent: Option<Box<Tag>>,
    site: Option<std::net::Ipv4Addr>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct DerivedTag {
    name: String,
    count: i64,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    parent: Option<Box<DerivedTag>>,
    #[serde(default)]
    site: Option<std::net::Ipv4Addr>,
}

impl<'de> Deserialize<'de> for Tag {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        runtime::de::deserialize(deserializer)
    }
}

impl runtime::de::Struct for Tag {
    const NAME: &'static str = "Tag";
    type Slots = (
        Option<String>,
        Option<i64>,
        Option<Option<String>>,
        Option<Option<Box<Tag>>>,
        Option<Option<std::net::Ipv4Addr>>,
    );
    fn slots() -> Self::Slots {
        (None, None, None, None, None)
    }
    fn index(property: &str) -> Option<usize> {
        match property {
            "name" => Some(0),
            "count" => Some(1),
            "note" => Some(2),
            "parent" => Some(3),
            "site" => Some(4),
            _ => None,
        }
    }
    fn read<'de, A: serde::de::MapAccess<'de>>(
        slots: &mut Self::Slots,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match index {
            0 => runtime::de::slot(&mut slots.0, map, "name"),
            1 => runtime::de::slot(&mut slots.1, map, "count"),
            2 => runtime::de::slot(&mut slots.2, map, "note"),
            3 => runtime::de::slot(&mut slots.3, map, "parent"),
            4 => runtime::de::slot_format(&mut slots.4, map, "site", "ipv4"),
            _ => Ok(()),
        }
    }
    fn finish<E: serde::de::Error>(slots: Self::Slots) -> Result<Self, E> {
        let (f0, f1, f2, f3, f4) = slots;
        match (f0, f1) {
            (Some(f0), Some(f1)) => Ok(Self {
                name: f0,
                count: f1,
                note: f2.flatten(),
                parent: f3.flatten(),
                site: f4.flatten(),
            }),
            (f0, f1) => Err(runtime::de::missing(&[
                (f0.is_none(), "name"),
                (f1.is_none(), "count"),
            ])),
        }
    }
}

fn same(t: &Tag, d: &DerivedTag) -> bool {
    t.name == d.name
        && t.count == d.count
        && t.note == d.note
        && t.site == d.site
        && match (&t.parent, &d.parent) {
            (Some(a), Some(b)) => same(a, b),
            (None, None) => true,
            _ => false,
        }
}

#[test]
fn decodes_what_the_derive_decodes() {
    let cases = [
        r#"{"name":"a","count":1}"#,
        r#"{"count":2,"name":"b","note":"n"}"#,
        r#"{"name":"c","count":3,"note":null,"extra":{"deep":[1,2,{"x":null}]},"more":"x"}"#,
        r#"{"name":"d","count":4,"parent":{"name":"p","count":5,"parent":null}}"#,
        r#"{"name":"e","count":6,"site":"192.0.2.1"}"#,
        r#"{"nam\u0065":"escaped key","count":7}"#,
    ];
    for case in cases {
        let ours: Tag = serde_json::from_str(case).unwrap();
        let theirs: DerivedTag = serde_json::from_str(case).unwrap();
        assert!(same(&ours, &theirs), "{case}: {ours:?} vs {theirs:?}");
        // From a `serde_json::Value` (as tagged unions decode their variants) and from a
        // reader (keys arrive as transient strings, not borrowed ones).
        let value: serde_json::Value = serde_json::from_str(case).unwrap();
        assert_eq!(serde_json::from_value::<Tag>(value).unwrap(), ours);
        assert_eq!(
            serde_json::from_reader::<_, Tag>(case.as_bytes()).unwrap(),
            ours
        );
    }
}

#[test]
fn rejects_what_the_derive_rejects_with_the_same_words() {
    let cases = [
        (r#"{"count":1}"#, "missing field `name`"),
        (r#"{"name":"a"}"#, "missing field `count`"),
        (
            r#"{"name":"a","count":1,"name":"b"}"#,
            "duplicate field `name`",
        ),
        (
            r#"{"name":"a","count":"1"}"#,
            "invalid type: string \"1\", expected i64",
        ),
        (r#"["a",1]"#, "invalid type: sequence, expected struct Tag"),
        (
            r#""text""#,
            "invalid type: string \"text\", expected struct Tag",
        ),
    ];
    for (case, words) in cases {
        let e = serde_json::from_str::<Tag>(case).unwrap_err().to_string();
        assert!(e.contains(words), "{case}: {e}");
    }
    // The derive also takes a struct from an array; a JSON object is the only form here.
    assert!(serde_json::from_str::<DerivedTag>(r#"["a",1]"#).is_ok());
}

#[test]
fn a_format_that_does_not_decode_is_named_and_the_path_is_kept() {
    let text = r#"{"name":"a","count":1,"parent":{"name":"p","count":2,"site":"not an address"}}"#;
    let mut de = serde_json::Deserializer::from_str(text);
    let e = serde_path_to_error::deserialize::<_, Tag>(&mut de).unwrap_err();
    assert_eq!(e.path().to_string(), "parent.site");
    let words = e.inner().to_string();
    assert!(words.contains("not a valid `ipv4` value"), "{words}");
}
