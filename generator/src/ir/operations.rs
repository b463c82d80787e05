//! IR: the operations part of the model, grouped by tag: parameters with their wire
//! encoding, bodies with their parts, path segments, the response match and paging, each
//! stated so emission only renders it.

use super::{Constraints, TextRead, Ty};
use serde::Serialize;

/// Operations under one tag.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// The tag as written.
    pub api_name: String,
    /// The module and accessor name (`tags`).
    pub module: String,
    /// The handle type name (`TagsApi`).
    pub type_name: String,
    /// The Cargo feature that gates the module, when the layout has one per tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// The tag description.
    pub doc: Option<String>,
    /// Operations in document order.
    pub operations: Vec<Operation>,
}

/// One HTTP operation.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// The method name (`get_tags_by_dataset_id`).
    pub name: String,
    /// The operationId, or the name derived from method and path.
    pub api_name: String,
    /// The request builder type name (`GetTagsByDatasetId`).
    pub builder: String,
    /// JSON pointer to the operation.
    pub pointer: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template as written.
    pub path: String,
    /// The path template's pieces, in order.
    pub path_segments: Vec<PathSegment>,
    /// Summary and description, joined.
    pub doc: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// Parameters: path parameters in path order, then the rest in document order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// What success looks like.
    pub success: Success,
    /// Documented error responses.
    pub errors: Vec<ErrorResponse>,
    /// How `send` reads the response by its status.
    pub responses: ResponseMatch,
    /// The error body type (`Unit` when errors carry none we decode).
    pub error_ty: Ty,
    /// Alternatives of security requirements (scheme API names); empty means no auth.
    pub security: Vec<Vec<String>>,
    /// Paging, if the document declares it.
    pub pagination: Option<Pagination>,
    /// Media types the client accepts, for the `Accept` header.
    pub accept: Vec<String>,
    /// Headers the success responses declare, read by `send_with_headers`.
    pub response_headers: Option<ResponseHeaders>,
    /// The arguments the generated smoke test calls it with; only when the options ask for
    /// the smoke test.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smoke: Option<SmokeCall>,
}

/// The arguments of an operation's call in the generated smoke test, built from the
/// document: its examples first, else values that satisfy the schema.
#[derive(Debug, Clone, Serialize)]
pub struct SmokeCall {
    /// One per required parameter, in the order of `params`, by Rust name.
    pub params: Vec<(String, SmokeValue)>,
    /// The body's value, when the body is required.
    pub body: Option<SmokeValue>,
}

/// The JSON a smoke-test argument is made from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum SmokeValue {
    /// Values to try in order (from the document's examples first, then one built from the
    /// schema alone); the first that decodes into the argument's type is sent.
    Candidates(Vec<serde_json::Value>),
    /// No value could be built, and why (a pattern too complex to satisfy without an
    /// example, say): the operation is not called, and the summary names it.
    Impossible(String),
}

/// The declared headers of an operation's success responses, as a struct.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseHeaders {
    /// The struct's Rust name (`ListPetsHeaders`).
    pub name: String,
    /// One field per header, in document order.
    pub fields: Vec<ResponseHeader>,
}

/// One declared response header.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseHeader {
    /// The Rust field name.
    pub name: String,
    /// The local of `send_with_headers` that holds the value read.
    pub local: String,
    /// The header name as declared.
    pub api_name: String,
    /// The value type; the field is an `Option` of it.
    pub ty: Ty,
    /// How the value is read from the header's text.
    pub read: TextRead,
    /// Description.
    pub doc: Option<String>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// An operation parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// The Rust identifier: builder field and setter, method argument and local of `send`.
    pub name: String,
    /// The wire name.
    pub api_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type (never `Option`: optional ones are `Option` in the builder).
    pub ty: Ty,
    /// How the caller hands the value over (decided once the types are final).
    pub arg: ArgKind,
    /// Whether it must be given.
    pub required: bool,
    /// Checks applied before sending, for inline constrained schemas.
    pub constraints: Constraints,
    /// Whether its text is the serde form of its value (types from outside the crate, or
    /// lists of them) rather than `Display` (decided once the types are final).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub serde_text: bool,
    /// When there are checks: how the checked value is handed to them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_pass: Option<Pass>,
    /// For query parameters: how the value is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<QueryEncoding>,
    /// When set, the value is written by the runtime's styled encoder in this style,
    /// wherever it goes, instead of the plain encodings (`query`, a header's or cookie's
    /// text, a path segment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub styled: Option<Styled>,
    /// Description.
    pub doc: Option<String>,
    /// The server-side default, as JSON text (documented, not sent).
    pub default: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
}

/// How a value is handed to a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Pass {
    /// By reference (strings and lists).
    Borrow,
    /// By value (numbers and other `Copy` scalars).
    Copy,
}

/// How a caller hands a parameter value to a builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ArgKind {
    /// `impl TryInto<T>`: a validated newtype (through aliases); a failure is reported by
    /// `send`.
    Validated,
    /// `impl Into<T>`.
    Into,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PathSegment {
    /// Text as written.
    Literal(String),
    /// A path parameter's value, percent-encoded.
    Param {
        /// The parameter's Rust name.
        param: String,
        /// The local of `send` holding the encoded segment.
        local: String,
        /// How the value becomes text (decided once the types are final).
        text: PathText,
    },
}

/// How a path parameter's value becomes the text of its segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PathText {
    /// A `String`: borrowed as it is.
    Borrow,
    /// A string enum or string newtype (through aliases): its `as_str()`.
    AsStr,
    /// Anything else with a text form: formatted with `Display`.
    Display,
    /// A type from outside the crate: its serde form.
    Serde,
    /// Written whole by the styled encoder (`label`, `matrix`, lists and objects).
    Styled(Styled),
}

/// An OpenAPI parameter `style`, with the flags beside it, as the runtime's `ParamStyle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Styled {
    /// The style.
    pub style: ParamStyle,
    /// `explode`.
    pub explode: bool,
    /// `allowReserved`: reserved characters go unencoded (query only).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allow_reserved: bool,
    /// `allowEmptyValue`: an empty list or object is `name=` (query only).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allow_empty: bool,
    /// Given by `content` with a JSON media type: the value's JSON text is the value.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub json: bool,
}

/// The `style` values of OpenAPI 3.0 and 3.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamStyle {
    /// `simple` (path, header).
    Simple,
    /// `label` (path).
    Label,
    /// `matrix` (path).
    Matrix,
    /// `form` (query, cookie).
    Form,
    /// `spaceDelimited` (query).
    SpaceDelimited,
    /// `pipeDelimited` (query).
    PipeDelimited,
    /// `deepObject` (query).
    DeepObject,
}

/// One part of a multipart body.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    /// The field of the body struct it comes from; `None`: the whole body is the part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The part name.
    pub api_name: String,
    /// How the value is written.
    pub kind: PartKind,
    /// Whether the field is an `Option` (the part is left out when `None`).
    pub optional: bool,
}

/// How a multipart part is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PartKind {
    /// Bytes as a file part with this content type.
    File(String),
    /// A list of byte strings: one file part with this content type each.
    Files(String),
    /// A value with a text form: a text part.
    Text,
    /// A list of values with a text form: one text part each.
    Texts,
    /// A type from outside the crate: a text part of its serde form.
    SerdeText,
    /// A list of those: one text part each.
    SerdeTexts,
    /// Anything else: a JSON part.
    Json,
    /// A map of text values (a body without a schema, or of `additionalProperties` only):
    /// one text part per entry, named by its key.
    TextEntries,
    /// A map of other values: one JSON part per entry, named by its key.
    JsonEntries,
}

/// How a query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum QueryEncoding {
    /// One `name=value` pair of the value's text form.
    Value,
    /// A list: the key repeated per item (`explode`) or the items joined with commas.
    List {
        /// Whether the key is repeated.
        explode: bool,
    },
    /// Any JSON value, as its JSON text.
    JsonText,
    /// A list of JSON values, each as its JSON text.
    JsonTextList {
        /// Whether the key is repeated.
        explode: bool,
    },
    /// An object, property by property.
    Object(ObjectStyle),
}

/// How an object query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ObjectStyle {
    /// `deepObject`: `name[key]=value`, nested objects and lists as further `[key]` and
    /// `[index]` levels.
    DeepObject,
    /// `form`, exploded: `key=value` per property.
    FormExploded,
    /// `form`, not exploded: `name=key,value,...`.
    Form,
}

/// A request body.
#[derive(Debug, Clone, Serialize)]
pub struct Body {
    /// How it is encoded.
    pub media: BodyMedia,
    /// The content type header value.
    pub content_type: String,
    /// Its type.
    pub ty: Ty,
    /// Whether it must be given.
    pub required: bool,
    /// Description.
    pub doc: Option<String>,
    /// For multipart bodies: the parts, in field order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    /// For multipart bodies: the content type the document's `encoding` gives a part,
    /// by part name (file parts are sent with it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub part_content_types: Vec<(String, String)>,
    /// When the operation accepts several media types: an enum with one variant per media
    /// type, the caller's choice (the first is the one above, the preferred).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<BodyChoices>,
}

/// The media types of a body the caller chooses among: an enum in the operation's module,
/// convertible from the type of each variant (the first variant of a type wins).
#[derive(Debug, Clone, Serialize)]
pub struct BodyChoices {
    /// The enum's Rust name (`CreatePetContent`).
    pub name: String,
    /// One per media type, most preferred first.
    pub variants: Vec<BodyChoice>,
}

/// One media type of a [`BodyChoices`]: a variant holding the body sent that way.
#[derive(Debug, Clone, Serialize)]
pub struct BodyChoice {
    /// The variant's Rust name (`Json`, `Form`, `Xml`).
    pub name: String,
    /// How it is encoded.
    pub media: BodyMedia,
    /// The content type header value.
    pub content_type: String,
    /// Its type.
    pub ty: Ty,
    /// For multipart: the parts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    /// For multipart: the content types `encoding` gives parts, by part name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub part_content_types: Vec<(String, String)>,
}

/// How a body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BodyMedia {
    /// JSON (`application/json` or `+json`).
    Json,
    /// Plain text.
    Text,
    /// `application/x-www-form-urlencoded` of a flat object.
    Form,
    /// `multipart/form-data` of an object: binary properties become file parts.
    Multipart,
    /// Raw bytes.
    Bytes,
}

/// The decoded success result of an operation.
#[derive(Debug, Clone, Serialize)]
pub enum Success {
    /// One response shape for every success status.
    Single {
        /// Statuses that mean success.
        statuses: Vec<StatusMatch>,
        /// How to read it.
        kind: ResponseKind,
    },
    /// Several statuses with different shapes: an enum named `name`.
    Multi {
        /// The enum's Rust name.
        name: String,
        /// Variants in status order.
        variants: Vec<SuccessVariant>,
    },
}

/// One variant of a multi-status success enum.
#[derive(Debug, Clone, Serialize)]
pub struct SuccessVariant {
    /// The variant name (`Ok`, `Created`, `Status299`).
    pub name: String,
    /// The statuses it stands for.
    pub status: StatusMatch,
    /// How to read it.
    pub kind: ResponseKind,
    /// The response description.
    pub doc: Option<String>,
}

/// A documented error response.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorResponse {
    /// Which statuses.
    pub status: StatusMatch,
    /// Whether a typed body is decoded (`false`: the body is ignored).
    pub has_body: bool,
    /// The response description.
    pub doc: Option<String>,
}

/// The match `send` runs on the response status.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseMatch {
    /// Arms in the order they are tried.
    pub arms: Vec<ResponseArm>,
    /// What any other status means.
    pub otherwise: Outcome,
}

/// One arm of a [`ResponseMatch`].
#[derive(Debug, Clone, Serialize)]
pub struct ResponseArm {
    /// The statuses that select it.
    pub statuses: Vec<StatusPattern>,
    /// What they mean.
    pub outcome: Outcome,
}

/// A status pattern of a match arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StatusPattern {
    /// One status code.
    Code(u16),
    /// An inclusive range of codes.
    Range {
        /// The lowest code.
        low: u16,
        /// The highest code.
        high: u16,
    },
}

/// What a response status means.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Outcome {
    /// The success value, read this way.
    Success(ResponseKind),
    /// A variant of the success enum, read this way.
    Variant {
        /// The enum's Rust name.
        of: String,
        /// The variant's Rust name.
        name: String,
        /// How to read it.
        kind: ResponseKind,
    },
    /// `Error::Api` with the decoded error body.
    ApiError,
    /// `Error::Api` without a body (the operation's errors carry none).
    ApiErrorEmpty,
    /// `Error::UnexpectedStatus`, with the status and body text.
    Unexpected,
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// A class such as `2XX` (the digit).
    Range(u16),
    /// Any status not listed otherwise.
    Default,
}

/// How a response body is read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ResponseKind {
    /// JSON decoded into the type.
    Json(Ty),
    /// `text/plain`: a string.
    Text,
    /// `text/plain` with an array schema: one item per line.
    TextLines,
    /// `text/plain` parsed into a scalar (numbers, booleans, string newtypes).
    TextParsed(Ty),
    /// `text/plain` read as the serde form of a type from outside the crate (a format's
    /// type): a JSON string's contents, or a number's or boolean's JSON text.
    TextSerde {
        /// The type.
        ty: Ty,
        /// The format it stands for, which a decoding error names.
        format: Option<String>,
    },
    /// Raw bytes.
    Bytes,
    /// No body.
    Empty,
    /// A redirect: the `Location` target.
    Redirect,
    /// `text/event-stream`: a stream of server-sent events, each one's data read this way.
    EventStream(EventData),
}

/// How the data of a server-sent event is read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum EventData {
    /// JSON decoded into the type.
    Json(Ty),
    /// The text read as the serde form of a scalar type (a string enum or newtype, a
    /// format's type, a number or boolean): a JSON string's contents, or a number's or
    /// boolean's JSON text.
    SerdeText(Ty),
    /// Text kept as it is: a `string` schema, or none.
    Text,
}

impl ResponseKind {
    /// The Rust type this yields; for an event stream, the type of each event's data.
    pub fn ty(&self) -> Ty {
        match self {
            ResponseKind::EventStream(EventData::Json(t) | EventData::SerdeText(t)) => t.clone(),
            ResponseKind::EventStream(EventData::Text) => Ty::String,
            ResponseKind::Json(t)
            | ResponseKind::TextParsed(t)
            | ResponseKind::TextSerde { ty: t, .. } => t.clone(),
            ResponseKind::Text => Ty::String,
            ResponseKind::TextLines => Ty::Vec(Box::new(Ty::String)),
            ResponseKind::Bytes => Ty::Bytes,
            ResponseKind::Empty => Ty::Unit,
            ResponseKind::Redirect => Ty::Url,
        }
    }
}

/// How an operation pages, from the `x-pagination` extension.
#[derive(Debug, Clone, Serialize)]
pub enum Pagination {
    /// `limit`/`offset` query parameters; the response is an array of items.
    Offset {
        /// Rust name of the page size parameter.
        limit: String,
        /// Type of the page size parameter (aliases followed).
        limit_ty: Ty,
        /// Rust name of the offset parameter.
        offset: String,
        /// The item type.
        item: Ty,
        /// Type of the offset parameter.
        offset_ty: Ty,
    },
    /// A cursor query parameter; the response holds items, a next cursor and a has-more flag.
    Cursor {
        /// Rust name of the cursor parameter.
        cursor_param: String,
        /// Rust field name of the next cursor in the response.
        cursor_field: String,
        /// Rust field name of the has-more flag.
        has_more_field: String,
        /// Rust field name of the items.
        items_field: String,
        /// Whether those response fields are `Option`s.
        cursor_optional: bool,
        /// Whether `has_more` is an `Option`.
        has_more_optional: bool,
        /// Whether `items` is an `Option`.
        items_optional: bool,
        /// The item type.
        item: Ty,
    },
}
