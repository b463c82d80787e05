//! Tests of `runtime/sse.rs`: the event-stream parser follows the WHATWG rules whatever the
//! chunking, and `EventStream` decodes events, reports bad ones, and reconnects with
//! `Last-Event-ID` only when asked.

use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;

use crate::runtime::sse::{Parser, RawEvent, TooLarge};
use crate::runtime::{
    ClientBuilder, Error, Event, EventData, EventStream, Request, Response, RetryPolicy,
};
use crate::server::{serve, Canned};

const LIMIT: u64 = 1 << 20;

fn raw(event: &str, id: Option<&str>, retry: Option<u64>, data: &str) -> RawEvent {
    RawEvent {
        event: event.to_owned(),
        id: id.map(str::to_owned),
        retry: retry.map(Duration::from_millis),
        data: data.to_owned(),
    }
}

fn feed_all(parser: &mut Parser, chunks: &[&[u8]]) -> Vec<RawEvent> {
    let mut events = Vec::new();
    for chunk in chunks {
        parser.feed(chunk).unwrap();
        while let Some(e) = parser.next_event() {
            events.push(e);
        }
    }
    events
}

fn parse(chunks: &[&[u8]]) -> Vec<RawEvent> {
    feed_all(&mut Parser::new(LIMIT), chunks)
}

/// A stream with every rule in it: a BOM, CR, LF and CR LF line ends, comments, multi-line
/// data, one space stripped after the colon (not two), a field without a colon, an `id`
/// with a NUL (ignored), an empty `id` (clears it), `retry` with and without only digits,
/// unknown fields, an event without data (not dispatched), a multi-byte character, and an
/// unterminated event at the end (dropped).
const SAMPLE: &[u8] = b"\xEF\xBB\xBF: a comment\r\n\
retry: 1500\r\n\
data: first\r\n\
data:  two spaces\r\n\
\r\n\
event: tick\rid: 7\rdata: {\"n\":1}\r\r\
id: bad\0id\n\
data\n\
unknown: field\n\
\n\
event: empty\n\
retry: 12x\n\
id: 8\n\
\n\
data: caf\xC3\xA9\r\n\
id\r\n\
retry: 20\r\n\
\r\n\
data: never dispatched\n";

fn sample_events() -> Vec<RawEvent> {
    vec![
        raw("message", None, Some(1500), "first\n two spaces"),
        raw("tick", Some("7"), None, "{\"n\":1}"),
        raw("message", Some("7"), None, ""),
        raw("message", None, Some(20), "caf\u{e9}"),
    ]
}

#[test]
fn the_sample_stream_parses_by_the_whatwg_rules() {
    let mut parser = Parser::new(LIMIT);
    assert_eq!(feed_all(&mut parser, &[SAMPLE]), sample_events());
    // "data" with an empty value makes an empty data line: the event is dispatched.
    // The NUL id was ignored, `id: 8` was set, then the bare `id` cleared it.
    assert_eq!(parser.last_event_id(), "");
    assert_eq!(parser.reconnection_time(), Some(Duration::from_millis(20)));
    parser.end_of_stream();
    assert_eq!(parser.next_event(), None);
}

#[test]
fn every_split_of_the_sample_gives_the_same_events() {
    for at in 0..=SAMPLE.len() {
        let (a, b) = SAMPLE.split_at(at);
        assert_eq!(parse(&[a, b]), sample_events(), "split at {at}");
    }
    for first in 0..=SAMPLE.len() {
        for second in first..=SAMPLE.len() {
            let (a, rest) = SAMPLE.split_at(first);
            let (b, c) = rest.split_at(second - first);
            assert_eq!(
                parse(&[a, b, c]),
                sample_events(),
                "split at {first} and {second}"
            );
        }
    }
    let bytes: Vec<&[u8]> = SAMPLE.chunks(1).collect();
    assert_eq!(parse(&bytes), sample_events(), "one byte at a time");
}

#[test]
fn a_crlf_split_across_chunks_ends_one_line() {
    // Were the LF a second line end, the blank line would dispatch "a" alone.
    assert_eq!(
        parse(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]),
        [raw("message", None, None, "a\nb")]
    );
    // An empty chunk between CR and LF changes nothing.
    assert_eq!(
        parse(&[b"data: a\r", b"", b"\n\r\n"]),
        [raw("message", None, None, "a")]
    );
}

#[test]
fn a_bom_is_skipped_only_at_the_start() {
    assert_eq!(
        parse(&[b"\xEF\xBB", b"\xBFdata: x\n\n"]),
        [raw("message", None, None, "x")]
    );
    // Later, the BOM is part of the field name, which is then unknown.
    assert_eq!(parse(&[b"data: x\n\n\xEF\xBB\xBFdata: y\n\n"]).len(), 1);
}

#[test]
fn a_new_stream_keeps_the_last_id_and_skips_its_own_bom() {
    let mut parser = Parser::new(LIMIT);
    let events = feed_all(&mut parser, &[b"id: 5\ndata: a\n\ndata: cut"]);
    assert_eq!(events, [raw("message", Some("5"), None, "a")]);
    parser.end_of_stream();
    let events = feed_all(&mut parser, &[b"\xEF\xBB\xBFdata: b\n\n"]);
    assert_eq!(events, [raw("message", Some("5"), None, "b")]);
}

#[test]
fn an_event_past_the_limit_is_an_error() {
    let mut parser = Parser::new(16);
    assert_eq!(parser.feed(b"data: 0123456789\n"), Ok(()));
    assert_eq!(parser.feed(b"data: 0123456789\n"), Err(TooLarge(16)));
    // A line that never ends is bounded too.
    let mut parser = Parser::new(16);
    assert_eq!(parser.feed(b"data: 01234"), Ok(()));
    assert_eq!(parser.feed(b"0123456789"), Err(TooLarge(16)));
    // Comments are dropped as they end, so any number of them fits.
    let mut parser = Parser::new(16);
    for _ in 0..100 {
        assert_eq!(parser.feed(b": keep-alive\n"), Ok(()));
    }
}

#[derive(Debug, Deserialize, PartialEq)]
struct Tick {
    n: u32,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Problem {
    code: String,
}

fn problem(response: Response) -> Error<Problem> {
    match response.status().as_u16() {
        400..=499 => response.api_error(),
        _ => response.unexpected(),
    }
}

async fn open<T>(
    server: &crate::server::TestServer,
    data: EventData<T>,
) -> Result<EventStream<T, Problem>, Error<Problem>> {
    let client = ClientBuilder::new("http://unused.invalid", &[])
        .base_url(&server.base)
        // A 503 must reach the stream, not be retried by the client.
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "/events".to_owned());
    EventStream::open(client, request, data, |s| s == 200, problem).await
}

const SSE: (&str, &str) = ("Content-Type", "text/event-stream");

#[tokio::test]
async fn events_decode_and_a_bad_one_names_the_event() {
    let body = "data: {\"n\":1}\n\nevent: tick\ndata: {\"n\":\"x\"}\n\ndata: {\"n\":3}\n\n";
    let server = serve(vec![Canned::status(200).header(SSE.0, SSE.1).body(body)]).await;
    let mut stream = open(&server, EventData::<Tick>::json()).await.unwrap();
    assert_eq!(stream.status(), 200);
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.event, "message");
    assert_eq!(first.data, Tick { n: 1 });
    match stream.next().await.unwrap() {
        Err(e @ Error::Decode { .. }) => {
            let Error::Decode { path, .. } = &e else {
                unreachable!()
            };
            assert_eq!(path, "event:tick.n");
            assert_eq!(
                e.to_string(),
                "failed to decode server-sent event data at `event:tick.n`"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    // The stream goes on after a bad event, and ends with the body: no reconnection asked.
    assert_eq!(stream.next().await.unwrap().unwrap().data, Tick { n: 3 });
    assert!(stream.next().await.is_none());
    assert!(stream.next().await.is_none());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn text_data_stays_text() {
    let body = "data: not json\ndata: {\n\n";
    let server = serve(vec![Canned::status(200).header(SSE.0, SSE.1).body(body)]).await;
    let mut stream = open(&server, EventData::text()).await.unwrap();
    let event: Event<String> = stream.next().await.unwrap().unwrap();
    assert_eq!(event.data, "not json\n{");
}

#[tokio::test]
async fn scalar_data_is_read_from_its_text() {
    let body = "data: 42\n\ndata: true\n\nevent: count\ndata: many\n\n";
    let server = serve(vec![Canned::status(200).header(SSE.0, SSE.1).body(body)]).await;
    let mut stream = open(&server, EventData::<u32>::serde_text()).await.unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().data, 42);
    // `true` is no u32, nor is `many`; the error names the event.
    assert!(matches!(
        stream.next().await.unwrap(),
        Err(Error::Decode { .. })
    ));
    match stream.next().await.unwrap() {
        Err(Error::Decode { path, snippet, .. }) => {
            assert_eq!((path.as_str(), snippet.as_str()), ("event:count", "many"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let server = serve(vec![Canned::status(200)
        .header(SSE.0, SSE.1)
        .body("data: on\n\n")])
    .await;
    let mut stream = open(&server, EventData::<String>::serde_text())
        .await
        .unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().data, "on");
}

#[tokio::test]
async fn an_error_status_is_the_typed_error() {
    let server = serve(vec![Canned::status(404).body(r#"{"code":"gone"}"#)]).await;
    match open(&server, EventData::<Tick>::json()).await {
        Err(Error::Api { status, body, .. }) => {
            assert_eq!(status, 404);
            assert_eq!(body.code, "gone");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    // A 2XX the document does not give the stream is not taken for one.
    let server = serve(vec![Canned::status(204)]).await;
    assert!(matches!(
        open(&server, EventData::<Tick>::json()).await,
        Err(Error::UnexpectedStatus { .. })
    ));
}

#[tokio::test]
async fn reconnection_sends_the_last_event_id_and_stops_at_an_error_status() {
    let server = serve(vec![
        Canned::status(200)
            .header(SSE.0, SSE.1)
            .body("retry: 0\nid: 1\ndata: {\"n\":1}\n\ndata: {\"n\":"),
        Canned::status(200)
            .header(SSE.0, SSE.1)
            .body("id: 2\ndata: {\"n\":2}\n\n"),
        Canned::status(200).header(SSE.0, SSE.1).body(": nothing\n"),
        Canned::status(503).body(r#"{"code":"down"}"#),
    ])
    .await;
    let mut stream = open(&server, EventData::<Tick>::json())
        .await
        .unwrap()
        .reconnect(5);
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!((first.id.as_deref(), first.data.n), (Some("1"), 1));
    assert_eq!(first.retry, Some(Duration::ZERO));
    // The unterminated event at the end of the first response is dropped.
    let second = stream.next().await.unwrap().unwrap();
    assert_eq!((second.id.as_deref(), second.data.n), (Some("2"), 2));
    assert_eq!(stream.last_event_id(), Some("2"));
    // The third response ends with no event; the fourth is an error status, which ends
    // the stream with its typed error instead of reconnecting.
    match stream.next().await.unwrap() {
        Err(Error::UnexpectedStatus { status, .. }) => assert_eq!(status, 503),
        other => panic!("expected the 503, got {other:?}"),
    }
    assert!(stream.next().await.is_none());
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    let ids: Vec<Option<&str>> = requests.iter().map(|r| r.header("last-event-id")).collect();
    assert_eq!(ids, [None, Some("1"), Some("2"), Some("2")]);
}

#[tokio::test]
async fn reconnection_stops_after_the_attempts_in_a_row_without_an_event() {
    let empty = || Canned::status(200).header(SSE.0, SSE.1).body("retry: 0\n");
    let server = serve(vec![empty(), empty(), empty(), empty()]).await;
    let mut stream = open(&server, EventData::<Tick>::json())
        .await
        .unwrap()
        .reconnect(2);
    assert!(stream.next().await.is_none());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn an_event_past_the_limit_ends_the_stream_after_the_events_before_it() {
    let body = "data: {\"n\":1}\n\ndata: {\"n\":22222222222222222222}\n\n";
    let server = serve(vec![Canned::status(200).header(SSE.0, SSE.1).body(body)]).await;
    let mut stream = open(&server, EventData::<Tick>::json())
        .await
        .unwrap()
        .max_event_bytes(24)
        .reconnect(3);
    assert_eq!(stream.next().await.unwrap().unwrap().data, Tick { n: 1 });
    assert!(matches!(
        stream.next().await.unwrap(),
        Err(Error::BodyTooLarge { limit: 24, .. })
    ));
    assert!(stream.next().await.is_none());
    assert_eq!(server.requests().len(), 1);
}
