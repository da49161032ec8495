//! Reads an endless response body with the client, to measure that memory stays bounded by the
//! body limit. A server on 127.0.0.1 answers `GET /me` with `200` and a chunked body that never
//! ends; the client must give up at its limit with `Error::ResponseTooLarge`.
//!
//! ```text
//! cargo build --release --example endless_body --no-default-features --features admins
//! /usr/bin/time -v target/release/examples/endless_body            # the default limit (32 MiB)
//! /usr/bin/time -v target/release/examples/endless_body 1024       # a 1 KiB limit: the fixed cost
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use intercom::{Client, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let limit = match std::env::args().nth(1) {
        Some(text) => text.parse()?,
        None => intercom::client::DEFAULT_MAX_RESPONSE_BYTES,
    };
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let sent = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&sent);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = socket.read(&mut head).await;
                let start = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(start).await.is_err() {
                    return;
                }
                let data = vec![b' '; 64 * 1024];
                let chunk = [format!("{:x}\r\n", data.len()).into_bytes(), data, b"\r\n".to_vec()].concat();
                while socket.write_all(&chunk).await.is_ok() {
                    counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                }
            });
        }
    });

    let client = Client::builder().access_token("token").base_url(format!("http://{addr}")).max_response_bytes(limit).build()?;
    let started = Instant::now();
    match client.admins().identify().await {
        Err(error @ Error::ResponseTooLarge { .. }) => {
            println!("limit {limit} bytes: {error}");
            println!("server wrote {} bytes before the client hung up, in {:?}", sent.load(Ordering::Relaxed), started.elapsed());
            Ok(())
        }
        other => Err(format!("expected ResponseTooLarge, got {other:?}").into()),
    }
}
