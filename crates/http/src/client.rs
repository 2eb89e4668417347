//! The per-worker client: configuration, TLS connector, buffer pool and
//! the added header lines of the origins it talks to, shared by every
//! session on that worker's thread.

use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use cookie_store::CookieStore;
use tokio_rustls::TlsConnector;

use crate::config::ClientConfig;
use crate::error::ConfigError;
use crate::origin_lines::OriginLines;
use crate::pool::BufferPool;
use crate::session::Session;
use crate::tls;

/// Shared by all sessions of one worker thread. Cheap to clone (an `Rc`);
/// not `Send`: build one per worker from a shared `ClientConfig`.
#[derive(Clone)]
pub struct Client {
    inner: Rc<Inner>,
}

struct Inner {
    config: ClientConfig,
    tls: TlsConnector,
    pool: Rc<BufferPool>,
    origin_lines: OriginLines,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, ConfigError> {
        let tls = TlsConnector::from(Arc::new(tls::client_config(&config)?));
        Ok(Client {
            inner: Rc::new(Inner {
                config,
                tls,
                pool: Rc::new(BufferPool::default()),
                origin_lines: OriginLines::default(),
            }),
        })
    }

    /// A new virtual user's HTTP state: no connection, an empty cookie jar.
    pub fn session(&self) -> Session {
        Session::new(self.clone(), CookieStore::default())
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    pub(crate) fn tls(&self) -> &TlsConnector {
        &self.inner.tls
    }

    pub(crate) fn pool(&self) -> &Rc<BufferPool> {
        &self.inner.pool
    }

    pub(crate) fn origin_lines(&self) -> &OriginLines {
        &self.inner.origin_lines
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}
