//! The loopback side of the runtime benchmarks: an HTTP/1.1 server with a canned response,
//! and the two clients measured against it (the generated one and reqwest by hand).

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Starts a loopback HTTP/1.1 server on its own thread (with its own single-threaded
/// runtime) that answers every request on every keep-alive connection with `response`.
/// Request bodies are read by `content-length` and ignored; the request line is not looked at.
pub fn spawn_server(response: Arc<Vec<u8>>) -> std::io::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    std::thread::Builder::new()
        .name("loopback-server".to_string())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(e) => {
                        eprintln!("loopback server: {e}");
                        return;
                    }
                };
                while let Ok((socket, _)) = listener.accept().await {
                    let _ = socket.set_nodelay(true);
                    tokio::spawn(serve_connection(socket, response.clone()));
                }
            })
        })?;
    Ok(addr)
}

async fn serve_connection(mut socket: tokio::net::TcpStream, response: Arc<Vec<u8>>) {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // Read until the end of the request head.
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let body_len = content_length(&buf[..head_end]);
        while buf.len() < head_end + body_len {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + body_len);
        if socket.write_all(&response).await.is_err() {
            return;
        }
    }
}

/// Starts a loopback HTTP/1.1 server (its own thread and runtime, as [`spawn_server`]) that
/// answers every request with `len` bytes of `application/octet-stream` and a
/// `Content-Length`, written from one 256 KiB buffer, so the server holds no more than that.
pub fn spawn_download_server(len: u64) -> std::io::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    std::thread::Builder::new()
        .name("download-server".to_string())
        .spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                while let Ok((socket, _)) = listener.accept().await {
                    tokio::spawn(serve_download(socket, len));
                }
            })
        })?;
    Ok(addr)
}

async fn serve_download(mut socket: tokio::net::TcpStream, len: u64) {
    let block: Vec<u8> = (0..256 * 1024u32).map(|i| (i % 251) as u8).collect();
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        buf.drain(..head_end);
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {len}\r\n\r\n"
        );
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let mut left = len;
        while left > 0 {
            let n = left.min(block.len() as u64) as usize;
            if socket.write_all(&block[..n]).await.is_err() {
                return;
            }
            left -= n as u64;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    let head = String::from_utf8_lossy(head);
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

/// A single-threaded runtime for a client, so the only other busy thread in the process is
/// the loopback server's.
pub fn client_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// The generated Lightly client pointed at `addr`.
pub fn lightly(addr: SocketAddr) -> Result<lightly_client::Client, String> {
    lightly_client::Client::builder()
        .base_url(format!("http://{addr}"))
        .api_key_auth("t")
        .build()
        .map_err(|e| format!("cannot build the Lightly client: {e}"))
}

/// The hand-written baseline: a GET with reqwest, the body read once and decoded with
/// `serde_json::from_slice`.
pub async fn get_json_by_hand<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
) -> Result<T, String> {
    let response = http
        .get(url)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| format!("hand-written request failed: {e}"))?;
    if !response.status().is_success() {
        return Err(format!(
            "hand-written request: status {}",
            response.status()
        ));
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| format!("hand-written request: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("hand-written request: {e}"))
}
