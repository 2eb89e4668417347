//! The UI server: a thread of its own with a single-threaded runtime, so
//! neither a browser nor the page data it asks for ever takes time from
//! the engine's workers. The socket is bound on the caller's thread, so a
//! port in use is reported before anything else starts.

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::watch;

use crate::access::Access;
use crate::app::App;
use crate::board::Board;
use crate::command::Request;
use crate::config::Binding;
use crate::error::WebError;
use crate::routes;

/// A running UI server; dropping it stops it (open pages are cut off).
#[derive(Debug)]
pub struct UiServer {
    addr: SocketAddr,
    url: String,
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl UiServer {
    /// Listens on `binding` and serves `board`; each command of the page
    /// is handed to `commands` (which should only queue it: it is called
    /// on the server's thread).
    pub fn start(
        binding: &Binding,
        board: Board,
        commands: impl Fn(Request) + Send + Sync + 'static,
    ) -> Result<UiServer, WebError> {
        let bind_error = |source| WebError::Bind {
            addr: binding.addr,
            source,
        };
        let listener = std::net::TcpListener::bind(binding.addr).map_err(bind_error)?;
        listener.set_nonblocking(true).map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let (stop, stopping) = watch::channel(false);
        let app = Arc::new(App::new(
            board,
            Access::new(binding, addr.port()),
            Box::new(commands),
            stopping.clone(),
        ));
        let router = routes::router(app);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(WebError::Thread)?;
        let thread = std::thread::Builder::new()
            .name("starling-web".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    let mut stopping = stopping;
                    let _ = axum::serve(listener, router)
                        .with_graceful_shutdown(async move {
                            let _ = stopping.wait_for(|stop| *stop).await;
                        })
                        .await;
                });
            })
            .map_err(WebError::Thread)?;
        let mut url = format!("http://{addr}/");
        if let Some(token) = &binding.token {
            // In the fragment: browsers never send it to a server, so it
            // stays out of logs; the page moves it to a header.
            url.push_str("#token=");
            url.push_str(token.as_str());
        }
        Ok(UiServer {
            addr,
            url,
            stop,
            thread: Some(thread),
        })
    }

    /// Where it listens (the real port, when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL to open, with the token in its fragment when there is one.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Stops serving and waits for the server's thread.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        self.stop.send_replace(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for UiServer {
    fn drop(&mut self) {
        self.shut_down();
    }
}
