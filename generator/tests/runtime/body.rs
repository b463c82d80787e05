//! Tests of `runtime/body.rs` and `runtime/download.rs`: in-memory and streamed request
//! bodies (lengths, clones, retries, length mismatches), multipart forms with a streamed part,
//! and downloads read as a `ByteStream`.

use std::collections::VecDeque;
use std::error::Error as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::runtime::{Body, ByteStream, ClientBuilder, Error, Multipart, Request, RetryPolicy};
use crate::server::{serve, Canned};

/// A stream of the given chunks, then optionally an error.
struct Chunks(VecDeque<Result<Bytes, std::io::Error>>);

impl Chunks {
    fn of(chunks: &[&'static [u8]]) -> Self {
        Chunks(chunks.iter().map(|c| Ok(Bytes::from_static(c))).collect())
    }
}

impl futures_core::Stream for Chunks {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.0.pop_front())
    }
}

/// Every chunk a body yields, in order, through the same `http_body::Body` reqwest sends.
async fn drain(body: Body) -> Result<Vec<u8>, String> {
    let mut body = body.into_reqwest().map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    while let Some(frame) =
        std::future::poll_fn(|cx| http_body::Body::poll_frame(Pin::new(&mut body), cx)).await
    {
        let frame = frame.map_err(|e| format!("{e}: {:?}", e.source().map(|s| s.to_string())))?;
        if let Ok(data) = frame.into_data() {
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

#[test]
fn in_memory_bodies_keep_their_bytes_and_know_their_length() {
    let shared = Bytes::from(vec![1u8, 2, 3]);
    let body = Body::from(shared.clone());
    assert_eq!(body.as_bytes().unwrap().as_ptr(), shared.as_ptr());
    assert_eq!(body.len(), Some(3));
    assert!(!body.is_streamed());
    assert_eq!(Body::from("ab").len(), Some(2));
    assert_eq!(Body::from(String::from("abc")).len(), Some(3));
    assert!(Body::default().is_empty());
    assert_eq!(
        format!("{body:?}"),
        "Body { streamed: false, len: Some(3) }"
    );
    // Models holding a body compare and serialize as `Bytes` did.
    assert_eq!(Body::from(vec![1u8, 2, 3]), body);
    assert_eq!(serde_json::to_string(&body).unwrap(), "[1,2,3]");
    let back: Body = serde_json::from_str("[1,2,3]").unwrap();
    assert_eq!(back, body);
}

#[tokio::test]
async fn a_streamed_body_yields_its_chunks_with_the_declared_length() {
    let body = Body::from_stream(Chunks::of(&[b"ab", b"", b"cd"]));
    assert!(body.is_streamed());
    assert_eq!(body.len(), None);
    assert!(serde_json::to_string(&body).is_err());
    assert_eq!(drain(body).await.unwrap(), b"abcd");

    let sized = Body::sized_stream(Chunks::of(&[b"ab", b"cd"]), 4);
    assert_eq!(sized.len(), Some(4));
    let reqwest_body = sized.clone().into_reqwest().unwrap();
    assert_eq!(
        http_body::Body::size_hint(&reqwest_body).exact(),
        Some(4),
        "the declared length becomes the Content-Length"
    );
    // The clone took the stream: the original cannot be sent again.
    let err = sized.into_reqwest().unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument { name: "body", .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_sized_stream_of_the_wrong_length_fails() {
    let short = drain(Body::sized_stream(Chunks::of(&[b"ab"]), 3)).await;
    assert!(
        short
            .as_ref()
            .unwrap_err()
            .contains("ended after 2 of its declared 3 bytes"),
        "{short:?}"
    );
    let long = drain(Body::sized_stream(Chunks::of(&[b"ab", b"cd"]), 3)).await;
    assert!(
        long.as_ref()
            .unwrap_err()
            .contains("more than its declared 3 bytes"),
        "{long:?}"
    );
}

#[tokio::test]
async fn readers_and_files_stream_with_their_length() {
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload.bin");
    std::fs::write(&path, &data).unwrap();
    let body = Body::open(&path).await.unwrap();
    assert_eq!(body.len(), Some(data.len() as u64));
    assert_eq!(drain(body).await.unwrap(), data);

    // From the file's current position.
    let mut file = tokio::fs::File::open(&path).await.unwrap();
    let mut skip = [0u8; 1000];
    file.read_exact(&mut skip).await.unwrap();
    let body = Body::file(file).await.unwrap();
    assert_eq!(body.len(), Some(data.len() as u64 - 1000));
    assert_eq!(drain(body).await.unwrap(), data[1000..]);

    let body = Body::from_reader(&b"reader"[..]);
    assert_eq!(body.len(), None);
    assert_eq!(drain(body).await.unwrap(), b"reader");
    let body = Body::sized_reader(&b"reader"[..], 6);
    assert_eq!(drain(body).await.unwrap(), b"reader");
}

#[tokio::test]
async fn a_multipart_form_with_a_streamed_part_streams_the_same_bytes() {
    let framed = |file: Body| {
        let mut form = Multipart::new();
        form.boundary = "b".to_owned();
        form.text("label", "l");
        form.file("file", &file, "application/octet-stream");
        form.text("after", "a");
        form.finish()
    };
    let in_memory = framed(Body::from(&b"abcd"[..]));
    assert!(!in_memory.is_streamed());
    let expected = in_memory.as_bytes().unwrap().to_vec();

    let sized = framed(Body::sized_stream(Chunks::of(&[b"ab", b"cd"]), 4));
    assert!(sized.is_streamed());
    assert_eq!(sized.len(), Some(expected.len() as u64));
    assert_eq!(drain(sized).await.unwrap(), expected);

    let of_unknown_length = framed(Body::from_stream(Chunks::of(&[b"ab", b"cd"])));
    assert_eq!(of_unknown_length.len(), None);
    assert_eq!(drain(of_unknown_length).await.unwrap(), expected);
}

#[tokio::test]
async fn a_stream_error_fails_the_request_as_a_transport_error_with_its_cause() {
    let server = serve(vec![Canned::status(200)]).await;
    let client = ClientBuilder::new("http://unused.invalid", &[])
        .base_url(&server.base)
        .build()
        .unwrap();
    let mut chunks = Chunks::of(&[b"ab"]);
    chunks
        .0
        .push_back(Err(std::io::Error::other("the disk went away")));
    let mut request = Request::new(Method::POST, "/up".into());
    request.bytes_body(Body::from_stream(chunks), "application/octet-stream");
    let err = client.execute(request).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let mut causes = Vec::new();
    let mut source = err.source();
    while let Some(s) = source {
        causes.push(s.to_string());
        source = s.source();
    }
    assert!(
        causes.iter().any(|c| c.contains("the disk went away")),
        "{causes:?}"
    );
}

#[tokio::test]
async fn a_streamed_body_is_sent_once_and_never_retried() {
    let policy = RetryPolicy::new()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5));
    let put = |body: Body| {
        let mut request = Request::new(Method::PUT, "/blob".into());
        request.bytes_body(body, "application/octet-stream");
        request
    };
    // In memory: a PUT answered 503 is sent again.
    let server = serve(vec![Canned::status(503), Canned::status(204)]).await;
    let client = ClientBuilder::new("http://unused.invalid", &[])
        .base_url(&server.base)
        .retry_policy(policy.clone())
        .build()
        .unwrap();
    let response = client.execute(put(Body::from("abcd"))).await.unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(server.requests().len(), 2);

    // Streamed: the 503 comes back, after one request.
    let server = serve(vec![Canned::status(503), Canned::status(204)]).await;
    let client = ClientBuilder::new("http://unused.invalid", &[])
        .base_url(&server.base)
        .retry_policy(policy)
        .build()
        .unwrap();
    let body = Body::sized_stream(Chunks::of(&[b"ab", b"cd"]), 4);
    let response = client.execute(put(body)).await.unwrap();
    assert_eq!(response.status(), 503);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("content-length"), Some("4"));
    assert_eq!(requests[0].body, b"abcd");
}

/// Answers one request with `head` (status line and headers, without the blank line) and
/// then `chunks` written one by one; then closes.
async fn serve_download(head: String, chunks: Vec<Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let mut seen = Vec::new();
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = sock.read(&mut buf).await.unwrap();
            if n == 0 {
                return;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        let _ = sock.write_all(format!("{head}\r\n\r\n").as_bytes()).await;
        for chunk in chunks {
            if sock.write_all(&chunk).await.is_err() {
                return;
            }
        }
        let _ = sock.shutdown().await;
    });
    base
}

async fn download(head: &str, chunks: Vec<Vec<u8>>) -> ByteStream {
    let base = serve_download(head.to_owned(), chunks).await;
    let client = ClientBuilder::new("http://unused.invalid", &[])
        .base_url(&base)
        .max_response_body_bytes(4)
        .build()
        .unwrap();
    let response = client
        .execute_unread(Request::new(Method::GET, "/blob".into()))
        .await
        .unwrap();
    ByteStream::new(response)
}

#[tokio::test]
async fn a_download_streams_past_the_body_limit_and_reports_its_response() {
    let head = "HTTP/1.1 200 OK\r\ncontent-length: 10\r\nx-kind: blob";
    let mut stream = download(head, vec![b"01234".to_vec(), b"56789".to_vec()]).await;
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.content_length(), Some(10));
    assert_eq!(stream.headers()["x-kind"], "blob");
    let mut got = Vec::new();
    while let Some(chunk) = stream.next_chunk().await.unwrap() {
        got.extend_from_slice(&chunk);
    }
    assert_eq!(
        got, b"0123456789",
        "the client's 4-byte limit does not apply"
    );
    assert!(stream.next_chunk().await.unwrap().is_none());

    let stream = download(head, vec![b"0123456789".to_vec()]).await;
    let mut out = Vec::new();
    assert_eq!(stream.write_to(&mut out).await.unwrap(), 10);
    assert_eq!(out, b"0123456789");

    let stream = download(head, vec![b"0123456789".to_vec()]).await;
    assert_eq!(stream.collect_bytes(10).await.unwrap(), &b"0123456789"[..]);
    let stream = download(head, vec![b"0123456789".to_vec()]).await;
    let err = stream.collect_bytes(9).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 9, .. }),
        "{err:?}"
    );
    let chunked = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked";
    let stream = download(
        chunked,
        vec![b"5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n".to_vec()],
    )
    .await;
    assert_eq!(stream.content_length(), None);
    let err = stream.collect_bytes(7).await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn a_download_cut_short_ends_with_an_error_not_a_silent_end() {
    let head = "HTTP/1.1 200 OK\r\ncontent-length: 10";
    let mut stream = download(head, vec![b"01234".to_vec()]).await;
    let mut result = Ok(());
    let mut got = Vec::new();
    loop {
        match stream.next_chunk().await {
            Ok(Some(chunk)) => got.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    assert_eq!(got, b"01234");
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
}

#[tokio::test]
async fn a_failed_write_is_an_io_error() {
    struct Broken;
    impl tokio::io::AsyncWrite for Broken {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            Poll::Ready(Err(std::io::Error::other("disk full")))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
    let head = "HTTP/1.1 200 OK\r\ncontent-length: 3";
    let stream = download(head, vec![b"abc".to_vec()]).await;
    let err = stream.write_to(&mut Broken).await.unwrap_err();
    assert!(
        matches!(&err, Error::Io(e) if e.to_string() == "disk full"),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "failed to write the downloaded body");
}

#[tokio::test]
async fn the_client_timeout_covers_a_streamed_download() {
    // The head and half the body arrive, then nothing: the stream ends with a timeout.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = sock.read(&mut buf).await;
        let _ = sock
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n01234")
            .await;
        std::future::pending::<()>().await;
    });
    let client = ClientBuilder::new("http://unused.invalid", &[])
        .base_url(&base)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let response = client
        .execute_unread(Request::new(Method::GET, "/blob".into()))
        .await
        .unwrap();
    let mut stream = ByteStream::<()>::new(response);
    assert_eq!(stream.next_chunk().await.unwrap().unwrap(), &b"01234"[..]);
    let err = stream.next_chunk().await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
}
