//! Tests of the API surface and its diff: each kind of change and its verdict, renames,
//! hostile names that cannot break lines, version bumps, and edits to the Lightly document.

use super::diff::{bump, compare, parse, Verdict};
use super::render;

const BASE: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      description: Lists pets.
      parameters:
        - {name: limit, in: query, schema: {type: integer, format: int32}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}}}}
        '404': {description: nf, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
components:
  schemas:
    Pet: {type: object, required: [id], properties: {id: {type: integer, format: int64}, name: {type: string}, color: {$ref: '#/components/schemas/Color'}}}
    Color: {type: string, enum: [red, green]}
    Error: {type: object, properties: {message: {type: string}}}
"#;

fn surface(text: &str) -> String {
    let (api, _) = crate::lower_text(text).unwrap_or_else(|d| panic!("{d}\n{text}"));
    render(&api, false)
}

/// The report for `BASE` with `from` replaced by `to`.
fn edit(from: &str, to: &str) -> super::diff::Report {
    assert!(BASE.contains(from), "{from}");
    compare(&surface(BASE), &surface(&BASE.replacen(from, to, 1)))
}

#[track_caller]
fn expect(from: &str, to: &str, verdict: Verdict, item: &str, words: &str) {
    let r = edit(from, to);
    assert_eq!(r.verdict, verdict, "{r}");
    let c = r
        .changes
        .iter()
        .find(|c| c.item == item)
        .unwrap_or_else(|| panic!("no change of {item}:\n{r}"));
    assert!(c.what.contains(words), "{r}");
    assert!(c.at.as_deref().is_some_and(|a| a.starts_with("#/")), "{r}");
}

#[test]
fn each_kind_of_change_has_its_verdict() {
    let add_op = "paths:\n  /stores:\n    get:\n      operationId: listStores\n      responses: {'204': {description: ok}}\n";
    expect(
        "paths:\n",
        add_op,
        Verdict::Minor,
        "operation listStores",
        "operation added",
    );
    expect(
        "operationId: listPets",
        "operationId: listAllPets",
        Verdict::Major,
        "operation listPets",
        "renamed to listAllPets",
    );
    let r = edit("operationId: listPets", "operationId: listAllPets");
    assert_eq!(r.changes.len(), 1, "the rename is one change: {r}");
    expect(
        "        - {name: limit",
        "        - {name: sort, in: query, schema: {type: string}}\n        - {name: limit",
        Verdict::Minor,
        "operation listPets param sort",
        "optional parameter added",
    );
    expect(
        "        - {name: limit",
        "        - {name: sort, in: query, required: true, schema: {type: string}}\n        - {name: limit",
        Verdict::Major,
        "operation listPets param sort",
        "required parameter added",
    );
    expect(
        "{name: limit, in: query,",
        "{name: limit, in: query, required: true,",
        Verdict::Major,
        "operation listPets param limit",
        "now required",
    );
    expect(
        "format: int32",
        "format: int64",
        Verdict::Major,
        "operation listPets param limit",
        "retyped from `i32` to `i64`",
    );
    expect(
        "{name: limit, in: query,",
        "{name: limit, in: header,",
        Verdict::Minor,
        "operation listPets param limit",
        "where it is sent",
    );
    expect(
        "name: {type: string}, color",
        "name: {type: string}, age: {type: integer}, color",
        Verdict::Major,
        "type Pet field age",
        "struct literals",
    );
    expect(
        ", name: {type: string}, color",
        ", color",
        Verdict::Major,
        "type Pet field name",
        "field removed",
    );
    expect(
        "required: [id]",
        "required: [id, name]",
        Verdict::Major,
        "type Pet field name",
        "changed from `optional Option<String> as name` to `required String as name`",
    );
    expect(
        "enum: [red, green]",
        "enum: [red, green, blue]",
        Verdict::Major,
        "type Color value blue",
        "exhaustive",
    );
    expect(
        "enum: [red, green]",
        "enum: [red]",
        Verdict::Major,
        "type Color value green",
        "enum value removed",
    );
    expect(
        "    Error:",
        "    Owner: {type: object, properties: {name: {type: string}}}\n    Error:",
        Verdict::Minor,
        "type Owner",
        "type added",
    );
    expect(
        "      tags: [pets]\n",
        "      tags: [pets]\n      deprecated: true\n",
        Verdict::Minor,
        "operation listPets deprecated",
        "deprecated",
    );
    expect(
        "        '404':",
        "        '409': {description: c, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}\n        '404':",
        Verdict::Major,
        "operation listPets error 409",
        "Error::Api",
    );
    expect(
        "items: {$ref: '#/components/schemas/Pet'}",
        "items: {type: string}",
        Verdict::Major,
        "operation listPets ok",
        "the success type changed from `Vec<Pet>` to `Vec<String>`",
    );
}

#[test]
fn documentation_only_changes_are_no_api_change() {
    let r = edit(
        "description: Lists pets.",
        "description: Lists every pet, newest first.",
    );
    assert_eq!(r.verdict, Verdict::None, "{r}");
    assert!(r.changes.is_empty());
    assert_eq!(
        r.clone().with_other_files_changed(true).verdict,
        Verdict::Patch
    );
    assert_eq!(r.with_other_files_changed(false).verdict, Verdict::None);
    let same = compare(&surface(BASE), &surface(BASE));
    assert_eq!(same.verdict, Verdict::None);
}

#[test]
fn the_surface_is_deterministic_and_reads_back_line_for_line() {
    let a = surface(BASE);
    assert_eq!(a, surface(BASE));
    assert!(
        a.starts_with("# Generated by openapi-rs-gen: the API surface"),
        "{a}"
    );
    let map = parse(&a);
    assert_eq!(map.len(), a.lines().count() - 1, "{a}");
    assert_eq!(map["operation listPets param limit"], "query optional i32");
    assert_eq!(map["type Pet field id"], "required i64 as id");
    assert!(
        map["operation listPets"]
            .starts_with("GET /pets as client.pets().list_pets() at #/paths/~1pets/get"),
        "{a}"
    );
}

#[test]
fn hostile_names_stay_one_quoted_word() {
    let hostile = BASE.replace(
        "name: {type: string}, color",
        "\"a: b\\nc\": {type: string}, \"x\\\"y z\": {type: string}, color",
    );
    let hostile = hostile.replace("paths:\n  /pets:", "paths:\n  \"/pets: at #/evil\\n\":");
    let text = surface(&hostile);
    let map = parse(&text);
    assert_eq!(map.len(), text.lines().count() - 1, "{text}");
    assert!(map.contains_key("type Pet field \"a: b\\nc\""), "{text}");
    assert!(map.contains_key("type Pet field \"x\\\"y z\""), "{text}");
    // Removing the hostile field is one change, named by its quoted key.
    let r = compare(
        &text,
        &surface(&hostile.replace("\"a: b\\nc\": {type: string}, ", "")),
    );
    assert_eq!(r.changes.len(), 1, "{r}");
    assert_eq!(r.changes[0].item, "type Pet field \"a: b\\nc\"");
    assert_eq!(r.changes[0].at.as_deref(), Some("#/components/schemas/Pet"));
    let op = map.keys().find(|k| k.starts_with("operation ")).unwrap();
    let (value, at) = (map[op].clone(), "\"#/paths/~1pets: at #~1evil\\n/get\"");
    assert!(value.ends_with(&format!(" at {at}")), "{value}");
}

#[test]
fn versions_bump_as_cargo_compares_them() {
    let cases = [
        ("1.2.3", Verdict::Major, "2.0.0"),
        ("1.2.3", Verdict::Minor, "1.3.0"),
        ("1.2.3", Verdict::Patch, "1.2.4"),
        ("1.2.3", Verdict::None, "1.2.3"),
        ("0.3.1", Verdict::Major, "0.4.0"),
        ("0.3.1", Verdict::Minor, "0.3.2"),
        ("0.3.1", Verdict::Patch, "0.3.2"),
        ("2.0.0-rc.1", Verdict::Patch, "2.0.1"),
        ("not.a.version", Verdict::Major, "not.a.version"),
    ];
    for (v, verdict, want) in cases {
        assert_eq!(bump(v, verdict), want, "{v} {verdict}");
    }
}

#[test]
fn edits_to_the_lightly_document_get_the_verdicts_a_user_would_feel() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/lightly.yaml"))
            .unwrap();
    let before = surface(&text);
    let report = |from: &str, to: &str| {
        assert!(text.contains(from), "{from}");
        compare(&before, &surface(&text.replacen(from, to, 1)))
    };
    // Same text: nothing.
    assert_eq!(compare(&before, &before).verdict, Verdict::None);
    // An operation removed (its whole path item) is major.
    let r = report(
        "operationId: getTagsByDatasetId",
        "operationId: listTagsOfDataset",
    );
    assert_eq!(r.verdict, Verdict::Major, "{r}");
    assert!(
        r.changes
            .iter()
            .any(|c| c.what.contains("renamed to listTagsOfDataset")),
        "{r}"
    );
    // A description edited: no API change.
    let r = report(
        "description: Get all tags of a dataset",
        "description: Every tag of a dataset, newest first",
    );
    assert_eq!(r.verdict, Verdict::None, "{r}");
}

/// A type no operation uses any more moves behind the `other-schemas` feature, which is not
/// in `default`: code that names it stops building without the feature.
#[test]
fn a_type_leaving_the_default_build_is_major() {
    let unused = "        '404': {description: nf, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}\n";
    let r = edit(unused, "");
    assert_eq!(r.verdict, Verdict::Major, "{r}");
    let moved = r.changes.iter().find(|c| c.item == "type Error feature");
    assert!(
        moved.is_some_and(|c| c.verdict == Verdict::Major && c.what.contains("`other-schemas`")),
        "{r}"
    );
    let feature = r.changes.iter().find(|c| c.item == "feature other-schemas");
    assert!(
        feature.is_some_and(|c| c.verdict == Verdict::Minor && c.what.contains("off by default")),
        "{r}"
    );
    // And back: the type is in the default build again, an addition.
    let back = compare(&surface(&BASE.replacen(unused, "", 1)), &surface(BASE));
    let c = back.changes.iter().find(|c| c.item == "type Error feature");
    assert!(c.is_some_and(|c| c.verdict == Verdict::Minor), "{back}");
}

/// Two types whose definitions became equal are merged (one an alias of the other): one
/// change, not a removal of each field, and the split back is breaking.
#[test]
fn a_type_merged_into_its_twin_is_one_change() {
    let twin = BASE
        .replacen(
            "    Color: {type: string, enum: [red, green]}\n",
            "    Color: {type: string, enum: [red, green]}\n    Label: {type: object, properties: {name: {type: string}}}\n    Tag: {type: object, properties: {name: {type: string, description: A tag's.}}}\n",
            1,
        )
        .replacen(
            "color: {$ref: '#/components/schemas/Color'}}",
            "color: {$ref: '#/components/schemas/Color'}, label: {$ref: '#/components/schemas/Label'}, tag: {$ref: '#/components/schemas/Tag'}}",
            1,
        );
    let merged = twin.replacen(", description: A tag's.", "", 1);
    let (apart, together) = (surface(&twin), surface(&merged));
    assert!(!apart.contains(": alias "), "{apart}");
    assert!(together.contains("type Tag: alias Label"), "{together}");
    let r = compare(&apart, &together);
    assert_eq!(r.changes.len(), 1, "{r}");
    assert_eq!(r.verdict, Verdict::Minor, "{r}");
    assert!(
        r.changes[0].item == "type Tag" && r.changes[0].what.contains("alias of `Label`"),
        "{r}"
    );
    let back = compare(&together, &apart);
    assert_eq!(back.changes.len(), 1, "{back}");
    assert_eq!(back.verdict, Verdict::Major, "{back}");
    // A twin whose fields changed on the way is reported field by field.
    let changed = surface(&twin.replacen(
        "{name: {type: string, description: A tag's.}}",
        "{title: {type: string, description: A tag's.}}",
        1,
    ));
    let r = compare(&changed, &together);
    assert!(
        r.changes.iter().any(|c| c.item == "type Tag field title"),
        "{r}"
    );
}
