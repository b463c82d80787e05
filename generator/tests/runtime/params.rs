//! Tests of `runtime/params.rs`: every style, explode, location and shape OpenAPI defines,
//! with the wire text of the specification's examples (OpenAPI 3.0.3, style examples).

use reqwest::Method;
use serde_json::json;

use crate::runtime::{
    cookie_styled, header_styled, path_styled, push_cookie, ParamStyle, Request, Style,
};

fn st(style: Style, explode: bool) -> ParamStyle {
    ParamStyle::new(style, explode)
}

fn query(name: &'static str, value: &serde_json::Value, style: ParamStyle) -> String {
    let mut r = Request::new(Method::GET, "/x".into());
    r.query_styled(name, value, style).unwrap();
    r.query
}

fn rgb() -> serde_json::Value {
    json!({"R": 100, "G": 200, "B": 150})
}

fn colors() -> serde_json::Value {
    json!(["blue", "black", "brown"])
}

#[test]
fn path_styles() {
    let cases: [(Style, bool, serde_json::Value, &str); 18] = [
        (Style::Simple, false, json!("blue"), "blue"),
        (Style::Simple, true, json!("blue"), "blue"),
        (Style::Simple, false, colors(), "blue,black,brown"),
        (Style::Simple, true, colors(), "blue,black,brown"),
        (Style::Simple, false, rgb(), "R,100,G,200,B,150"),
        (Style::Simple, true, rgb(), "R=100,G=200,B=150"),
        (Style::Label, false, json!("blue"), ".blue"),
        (Style::Label, true, json!("blue"), ".blue"),
        (Style::Label, false, colors(), ".blue,black,brown"),
        (Style::Label, true, colors(), ".blue.black.brown"),
        (Style::Label, false, rgb(), ".R,100,G,200,B,150"),
        (Style::Label, true, rgb(), ".R=100.G=200.B=150"),
        (Style::Matrix, false, json!("blue"), ";color=blue"),
        (Style::Matrix, true, json!("blue"), ";color=blue"),
        (Style::Matrix, false, colors(), ";color=blue,black,brown"),
        (
            Style::Matrix,
            true,
            colors(),
            ";color=blue;color=black;color=brown",
        ),
        (Style::Matrix, false, rgb(), ";color=R,100,G,200,B,150"),
        (Style::Matrix, true, rgb(), ";R=100;G=200;B=150"),
    ];
    for (style, explode, value, wire) in cases {
        assert_eq!(
            path_styled("color", &value, st(style, explode)).unwrap(),
            wire,
            "{style:?} explode={explode} {value}"
        );
    }
    // Empty values, as the specification's table has them.
    assert_eq!(
        path_styled("color", "", st(Style::Matrix, false)).unwrap(),
        ";color"
    );
    assert_eq!(
        path_styled("color", &json!([]), st(Style::Label, false)).unwrap(),
        "."
    );
    // Delimiters inside values are encoded; the style's own are not.
    assert_eq!(
        path_styled("c", &json!(["a,b", "c/d"]), st(Style::Label, true)).unwrap(),
        ".a%2Cb.c%2Fd"
    );
    assert_eq!(
        path_styled("c", &json!({"k;": "v="}), st(Style::Matrix, true)).unwrap(),
        ";k%3B=v%3D"
    );
}

#[test]
fn query_styles() {
    let cases: [(Style, bool, serde_json::Value, &str); 13] = [
        (Style::Form, true, json!("blue"), "color=blue"),
        (Style::Form, false, json!("blue"), "color=blue"),
        (
            Style::Form,
            true,
            colors(),
            "color=blue&color=black&color=brown",
        ),
        (Style::Form, false, colors(), "color=blue,black,brown"),
        (Style::Form, true, rgb(), "R=100&G=200&B=150"),
        (Style::Form, false, rgb(), "color=R,100,G,200,B,150"),
        (
            Style::SpaceDelimited,
            false,
            colors(),
            "color=blue%20black%20brown",
        ),
        (
            Style::SpaceDelimited,
            true,
            colors(),
            "color=blue&color=black&color=brown",
        ),
        (
            Style::SpaceDelimited,
            false,
            rgb(),
            "color=R%20100%20G%20200%20B%20150",
        ),
        (
            Style::PipeDelimited,
            false,
            colors(),
            "color=blue|black|brown",
        ),
        (
            Style::PipeDelimited,
            true,
            colors(),
            "color=blue&color=black&color=brown",
        ),
        (
            Style::PipeDelimited,
            false,
            rgb(),
            "color=R|100|G|200|B|150",
        ),
        (
            Style::DeepObject,
            true,
            rgb(),
            "color[R]=100&color[G]=200&color[B]=150",
        ),
    ];
    for (style, explode, value, wire) in cases {
        assert_eq!(
            query("color", &value, st(style, explode)),
            wire,
            "{style:?} explode={explode} {value}"
        );
    }
}

#[test]
fn deep_objects_nest_with_brackets_and_indices() {
    let filter = json!({
        "a": {"b": {"c": 1}},
        "tags": ["x", "y"],
        "items": [{"id": 1, "q": null}, {"id": 2}],
        "gone": null,
        "odd[key]&": "v&w"
    });
    assert_eq!(
        query("f", &filter, st(Style::DeepObject, true)),
        "f[a][b][c]=1&f[tags][0]=x&f[tags][1]=y&f[items][0][id]=1&f[items][1][id]=2\
         &f[odd%5Bkey%5D%26]=v%26w"
    );
    // A list of objects at the top.
    assert_eq!(
        query(
            "a",
            &json!([{"b": 1}, {"b": 2}]),
            st(Style::DeepObject, true)
        ),
        "a[0][b]=1&a[1][b]=2"
    );
    // A primitive has no deepObject form: it is a plain pair.
    assert_eq!(query("a", &json!(5), st(Style::DeepObject, true)), "a=5");
}

#[test]
fn allow_reserved_keeps_reserved_characters_that_mean_nothing_in_a_query() {
    let style = st(Style::Form, true).allow_reserved();
    assert_eq!(
        query("p", &json!("/a/b:c?d@e!$()*,;=%2F"), style),
        "p=/a/b:c?d@e!$()*,;=%2F"
    );
    // Those that would change the query (or the URL) are still encoded, as is a lone '%'.
    assert_eq!(
        query("p", &json!("a&b+c#d[e]'f 100%"), style),
        "p=a%26b%2Bc%23d%5Be%5D%27f%20100%25"
    );
    // Without the flag, everything reserved is encoded.
    assert_eq!(
        query("p", &json!("/a:b"), st(Style::Form, true)),
        "p=%2Fa%3Ab"
    );
}

#[test]
fn allow_empty_value_sends_empty_lists_and_objects() {
    let empty = st(Style::Form, false).allow_empty();
    assert_eq!(query("ids", &json!([]), empty), "ids=");
    assert_eq!(
        query("f", &json!({}), st(Style::DeepObject, true).allow_empty()),
        "f="
    );
    assert_eq!(query("ids", &json!([]), st(Style::Form, false)), "");
    assert_eq!(query("f", &json!({}), st(Style::DeepObject, true)), "");
    assert_eq!(query("ids", &json!(null), empty), "");
    assert_eq!(query("q", &json!(""), st(Style::Form, true)), "q=");
}

#[test]
fn json_content_is_one_value_of_json_text() {
    let style = st(Style::Form, true).json();
    assert_eq!(
        query("filter", &json!({"a": [1, "x y"]}), style),
        "filter=%7B%22a%22%3A%5B1%2C%22x%20y%22%5D%7D"
    );
    assert_eq!(
        header_styled(&json!({"a": 1}), st(Style::Simple, false).json()).unwrap(),
        r#"{"a":1}"#
    );
    let mut r = Request::new(Method::GET, "/x".into());
    r.header_styled(
        "X-Filter",
        &json!(["a", 1]),
        st(Style::Simple, false).json(),
    )
    .unwrap();
    assert_eq!(r.headers["x-filter"], r#"["a",1]"#);
}

#[test]
fn header_styles() {
    let simple =
        |v: &serde_json::Value, explode| header_styled(v, st(Style::Simple, explode)).unwrap();
    assert_eq!(simple(&json!(5), false), "5");
    assert_eq!(simple(&colors(), true), "blue,black,brown");
    assert_eq!(simple(&rgb(), false), "R,100,G,200,B,150");
    assert_eq!(simple(&rgb(), true), "R=100,G=200,B=150");
    // A list of objects: each as JSON text.
    assert_eq!(simple(&json!([{"a": 1}]), false), r#"{"a":1}"#);
    let mut r = Request::new(Method::GET, "/x".into());
    r.header_styled("X-None", &json!(null), st(Style::Simple, false))
        .unwrap();
    assert!(r.headers.is_empty());
    // A line break cannot get into a header.
    r.header_styled(
        "X-Bad",
        &json!({"a": "b\r\nX-Evil: 1"}),
        st(Style::Simple, false),
    )
    .unwrap();
    assert!(r.invalid.is_some());
}

#[test]
fn cookie_styles() {
    let form = |v: &serde_json::Value, explode| {
        cookie_styled("color", v, st(Style::Form, explode)).unwrap()
    };
    assert_eq!(form(&json!("blue"), true).as_deref(), Some("color=blue"));
    assert_eq!(
        form(&colors(), false).as_deref(),
        Some("color=blue,black,brown")
    );
    assert_eq!(
        form(&colors(), true).as_deref(),
        Some("color=blue&color=black&color=brown")
    );
    assert_eq!(
        form(&rgb(), false).as_deref(),
        Some("color=R,100,G,200,B,150")
    );
    assert_eq!(form(&rgb(), true).as_deref(), Some("R=100&G=200&B=150"));
    assert_eq!(form(&json!(null), true), None);
    // A value cannot end its cookie or start another.
    let mut cookies = Vec::new();
    push_cookie(&mut cookies, "s", "abc-1.2_~");
    push_cookie(&mut cookies, "s", "a; b=c");
    push_cookie(&mut cookies, "n", 5);
    assert_eq!(cookies, ["s=abc-1.2_~", "s=a%3B%20b%3Dc", "n=5"]);
    assert_eq!(
        form(&json!("a; b=c"), true).as_deref(),
        Some("color=a%3B%20b%3Dc")
    );
}
