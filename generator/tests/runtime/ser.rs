//! Tests of `runtime/ser.rs`: a struct encoded through `runtime::ser`, written as the
//! generator writes one, against its twin with serde's derive.

use crate::runtime;
use serde::Serialize;

struct Tag {
    name: String,
    note: Option<String>,
    parent: Option<i64>,
    nullable: Option<i64>,
}

#[derive(Serialize)]
struct DerivedTag {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent: Option<i64>,
    nullable: Option<i64>,
}

impl Serialize for Tag {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serde::Serializer::serialize_struct(
            serializer,
            "Tag",
            2 + runtime::ser::present(&[self.note.is_some(), self.parent.is_some()]),
        )?;
        runtime::ser::field(&mut state, "name", &self.name)?;
        runtime::ser::optional(&mut state, "note", &self.note)?;
        runtime::ser::optional(&mut state, "parent", &self.parent)?;
        runtime::ser::field(&mut state, "nullable", &self.nullable)?;
        runtime::ser::end(state)
    }
}

#[test]
fn writes_what_the_derive_writes() {
    let cases = [
        ("a", None, None, None),
        ("b", Some("n"), None, Some(3)),
        ("c", Some("n"), Some(7), None),
    ];
    for (name, note, parent, nullable) in cases {
        let ours = Tag {
            name: name.to_string(),
            note: note.map(str::to_string),
            parent,
            nullable,
        };
        let theirs = DerivedTag {
            name: name.to_string(),
            note: note.map(str::to_string),
            parent,
            nullable,
        };
        assert_eq!(
            serde_json::to_string(&ours).unwrap(),
            serde_json::to_string(&theirs).unwrap()
        );
        assert_eq!(
            serde_json::to_value(&ours).unwrap(),
            serde_json::to_value(&theirs).unwrap()
        );
    }
}
