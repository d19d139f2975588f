//! The accept loop and the connections. Hand-rolled rather than `axum::serve` because faults need the socket
//! itself: `reset` closes it with `SO_LINGER` 0, `close` and `hang` end it without a response.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::app::App;
use crate::gateway::{self, ConnectionControl};

/// How long connections get to finish their current request once shutdown starts.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A TCP stream that, when dropped after [`ConnectionControl::kill`] with `reset`, closes with a RST.
struct ConnectionStream {
    stream: TcpStream,
    control: Arc<ConnectionControl>,
}

impl Drop for ConnectionStream {
    fn drop(&mut self) {
        if self.control.wants_reset() {
            // Linger 0 makes close() discard unsent data and send RST instead of FIN.
            let _ = socket2::SockRef::from(&self.stream).set_linger(Some(Duration::ZERO));
        }
    }
}

impl AsyncRead for ConnectionStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ConnectionStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Counts an open connection for as long as it lives.
struct OpenConnection(Arc<App>);

impl OpenConnection {
    fn new(app: Arc<App>) -> Self {
        app.open_connections.fetch_add(1, Ordering::Relaxed);
        Self(app)
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.open_connections.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Accepts connections until `shutdown` turns `true`, then gives open connections [`SHUTDOWN_GRACE`] to finish
/// and drops the rest.
pub async fn accept_loop(
    listener: TcpListener,
    app: Arc<App>,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, app.clone(), router.clone(), shutdown.clone()));
                }
                // Out of file descriptors and the like: wait a moment instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            () = stopping(&mut shutdown) => break,
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE + Duration::from_millis(500), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.shutdown().await;
    }
}

async fn serve_connection(
    stream: TcpStream,
    app: Arc<App>,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let _open = OpenConnection::new(app.clone());
    // Small request/response exchanges: don't wait for Nagle.
    let _ = stream.set_nodelay(true);
    let control = Arc::new(ConnectionControl::default());
    let io = TokioIo::new(ConnectionStream {
        stream,
        control: control.clone(),
    });
    let service_control = control.clone();
    let service = service_fn(move |req| {
        gateway::handle(app.clone(), router.clone(), service_control.clone(), req)
    });
    // No header-read timeout: hyper's would also close idle keep-alive connections after 30 s, racing clients
    // that reuse them (undici reports "other side closed"). Connections end when the client or shutdown says so.
    let connection = http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(io, service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        () = control.killed() => {}
        () = stopping(&mut shutdown) => {
            connection.as_mut().graceful_shutdown();
            tokio::select! {
                _ = connection.as_mut() => {}
                () = control.killed() => {}
                () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
            }
        }
    }
}

/// Resolves once `shutdown` is `true` (or its sender is gone). Returns `()` so no `watch::Ref`, which is not
/// `Send`, is held across an await.
async fn stopping(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// Binds `127.0.0.1:port` (never another interface: the emulator accepts any fixture token).
pub async fn bind(port: u16) -> io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}
