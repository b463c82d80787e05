//! Tests of `runtime/model.rs` and the model helpers: union tags and decode paths.

use crate::response::response;
use crate::runtime::model::join_path;
use crate::runtime::{
    deserialize_tagged, form_pairs, join_comma, serialize_tagged, Error, ValidationError,
};

#[test]
fn decode_error_path_reaches_inside_union_variants() {
    #[derive(Debug)]
    struct Inner;
    impl<'de> serde::Deserialize<'de> for Inner {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let value = serde_json::Value::deserialize(d)?;
            #[derive(serde::Deserialize)]
            #[allow(dead_code)]
            struct Variant {
                score: f64,
            }
            deserialize_tagged::<Variant, D::Error>(value).map(|_| Inner)
        }
    }
    let body = br#"[{"score": 1}, {"score": "high"}]"#;
    match response(200, body).json::<Vec<Inner>, ()>().unwrap_err() {
        Error::Decode { path, source, .. } => {
            assert_eq!(path, "[1].score");
            assert!(source.to_string().contains("invalid type"), "{source}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(join_path("data[3]", "x"), "data[3].x");
    assert_eq!(join_path("data", "[0]"), "data[0]");
    assert_eq!(join_path(".", "a"), "a");
}

#[test]
fn model_support_helpers() {
    let e = ValidationError::new("MongoObjectId", "must match pattern `x`");
    assert_eq!(
        e.to_string(),
        "invalid MongoObjectId: must match pattern `x`"
    );
    assert_eq!(join_comma(&[1, 2, 3]), "1,2,3");
    let pairs = form_pairs(
        &serde_json::json!({"a": "x y", "b": 2, "c": [true, false], "d": null, "e": {"f": 1, "g": {"h": [1, 2]}},
            "i": [{"j": "k"}, null]}),
    )
    .unwrap();
    assert_eq!(
        pairs,
        vec![
            ("a".to_string(), "x y".to_string()),
            ("b".to_string(), "2".to_string()),
            ("c".to_string(), "true".to_string()),
            ("c".to_string(), "false".to_string()),
            ("e[f]".to_string(), "1".to_string()),
            ("e[g][h]".to_string(), "1".to_string()),
            ("e[g][h]".to_string(), "2".to_string()),
            ("i[0][j]".to_string(), "k".to_string()),
        ]
    );
    assert!(form_pairs(&5).is_err());
    let tagged =
        serde_json::to_value(Tagged(serde_json::json!({"type": "wrong", "x": 1}))).unwrap();
    assert_eq!(tagged, serde_json::json!({"type": "S3", "x": 1}));
}

struct Tagged(serde_json::Value);
impl serde::Serialize for Tagged {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_tagged(&self.0, "type", "S3", s)
    }
}
