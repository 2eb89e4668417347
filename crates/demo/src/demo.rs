//! `Demo`: binds every service on 127.0.0.1, wires their HTTP clients,
//! runs them on the current tokio runtime and stops them in order.

use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::ExportCounts;
use crate::config::{DemoConfig, Service};
use crate::error::KnobsError;
use crate::knobs::Knobs;
use crate::service::Shared;
use crate::services::{gateway, orders, payments, products, users};
use crate::spans::{SPAN_CAPACITY, Span, SpanStore};
use crate::upstream::Upstream;

/// How long `shutdown` lets one server finish its in-flight requests
/// before it stops waiting and aborts it.
const GRACE: Duration = Duration::from_secs(10);

/// Stopping order: callers before the services they call, so no request
/// in flight finds its dependency already gone.
const STOP_ORDER: [Service; 5] = [
    Service::Gateway,
    Service::Payments,
    Service::Orders,
    Service::Users,
    Service::Products,
];

/// A running demo system. Dropping it also stops the servers (without
/// waiting); `shutdown` stops them and waits.
#[derive(Debug)]
pub struct Demo {
    servers: Vec<Server>,
    spans: SpanStore,
    #[cfg(feature = "otlp")]
    exporter: Option<crate::export::Exporter>,
}

#[derive(Debug)]
struct Server {
    service: Service,
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<io::Result<()>>,
}

impl Demo {
    /// Binds every service on 127.0.0.1 (the configured ports, 0 for any)
    /// and serves them on tasks of the current tokio runtime, which should
    /// be multi-threaded: the services call each other. Fails if a port is
    /// taken or a knob is out of range.
    pub async fn start(config: DemoConfig) -> io::Result<Demo> {
        for service in Service::ALL {
            config.knobs.get(service).validate().map_err(|err| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{service} knobs: {err}"),
                )
            })?;
        }
        let mut listeners = Vec::with_capacity(Service::ALL.len());
        for service in Service::ALL {
            let port = config.port(service);
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
                .await
                .map_err(|err| {
                    io::Error::new(
                        err.kind(),
                        format!("cannot bind {service} on 127.0.0.1:{port}: {err}"),
                    )
                })?;
            listeners.push((service, listener.local_addr()?, listener));
        }

        let client = reqwest::Client::builder()
            // Loopback only: a proxy from the environment must not intercept.
            .no_proxy()
            .timeout(config.upstream_timeout)
            .build()
            .map_err(io::Error::other)?;
        let upstream = |service: Service, timeout: Duration| -> io::Result<Upstream> {
            let (_, addr, _) = listeners
                .iter()
                .find(|(s, _, _)| *s == service)
                .ok_or_else(|| io::Error::other(format!("{service} was not bound")))?;
            Ok(Upstream::new(
                client.clone(),
                format!("http://{addr}"),
                service,
                timeout,
            ))
        };
        let (outer, inner) = (config.upstream_timeout, config.call_timeout);
        let behind_gateway = [
            upstream(Service::Users, outer)?,
            upstream(Service::Products, outer)?,
            upstream(Service::Orders, outer)?,
            upstream(Service::Payments, outer)?,
        ];
        let settlement = payments::Settlement {
            deferred: config.async_payments,
            after: config.settle_after,
        };
        let orders_of_payments = upstream(Service::Orders, inner)?;
        let (users_of_orders, products_of_orders) = (
            upstream(Service::Users, inner)?,
            upstream(Service::Products, inner)?,
        );
        let spans = SpanStore::new(SPAN_CAPACITY);
        #[cfg(feature = "otlp")]
        let (spans, exporter) = match config.export.clone() {
            Some(target) => {
                let (exporter, queue) = crate::export::Exporter::start(target, client.clone());
                (spans.exporting(queue), Some(exporter))
            }
            None => (spans, None),
        };
        #[cfg(not(feature = "otlp"))]
        if config.export.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "the demo was built without the otlp feature: it cannot export spans",
            ));
        }

        let mut servers = Vec::with_capacity(listeners.len());
        for (service, addr, listener) in listeners {
            let shared = Shared::new(service, *config.knobs.get(service), spans.clone());
            let router = match service {
                Service::Gateway => gateway::router(shared.clone(), behind_gateway.to_vec()),
                Service::Users => users::router(shared.clone()),
                Service::Products => products::router(shared.clone()),
                Service::Orders => orders::router(
                    shared.clone(),
                    users_of_orders.clone(),
                    products_of_orders.clone(),
                ),
                Service::Payments => {
                    payments::router(shared.clone(), orders_of_payments.clone(), settlement)
                }
            };
            let (stop, stopped) = oneshot::channel();
            let task = tokio::spawn(serve(listener, router, stopped));
            servers.push(Server {
                service,
                addr,
                shared,
                stop,
                task,
            });
        }
        Ok(Demo {
            servers,
            spans,
            #[cfg(feature = "otlp")]
            exporter,
        })
    }

    /// The gateway's base URL, e.g. `http://127.0.0.1:8000`.
    pub fn gateway_url(&self) -> String {
        self.url(Service::Gateway)
    }

    /// The services behind the gateway with their base URLs, in the order
    /// users, products, orders, payments (the gateway is not listed).
    pub fn service_urls(&self) -> Vec<(&'static str, String)> {
        self.servers
            .iter()
            .filter(|server| server.service != Service::Gateway)
            .map(|server| (server.service.name(), format!("http://{}", server.addr)))
            .collect()
    }

    /// The base URL of one service.
    pub fn url(&self, service: Service) -> String {
        format!("http://{}", self.addr(service))
    }

    /// The bound address of one service.
    pub fn addr(&self, service: Service) -> SocketAddr {
        self.server(service).addr
    }

    /// Requests received so far: service name → route template → count,
    /// read in-process. Admin routes are not counted; routes never hit are
    /// absent.
    pub async fn stats(&self) -> BTreeMap<String, BTreeMap<String, u64>> {
        self.servers
            .iter()
            .map(|server| {
                (
                    server.service.name().to_owned(),
                    server.shared.stats.requests(),
                )
            })
            .collect()
    }

    /// The kept server spans of one trace, across services (see
    /// [`SpanStore::trace`]).
    pub fn trace(&self, trace_id: u128) -> Vec<Span> {
        self.spans.trace(trace_id)
    }

    /// The services' span store, which outlives `shutdown`: read it after
    /// the servers stopped, when the last in-flight spans are in.
    pub fn span_store(&self) -> SpanStore {
        self.spans.clone()
    }

    /// The knobs one service applies now.
    pub fn knobs(&self, service: Service) -> Knobs {
        self.server(service).shared.knobs.get()
    }

    /// Changes one service's knobs while it runs, as `PUT /admin/knobs` does.
    pub fn set_knobs(&self, service: Service, knobs: Knobs) -> Result<(), KnobsError> {
        knobs.validate()?;
        self.server(service).shared.knobs.set(knobs);
        Ok(())
    }

    /// Stops every server, callers first, letting in-flight requests
    /// finish (up to 10 s per server), and waits for them, and for the
    /// requests their callers gave up on (up to 10 s more), so the span
    /// store is whole; then sends the spans still queued for export (up
    /// to 10 s more) and says what the export did (`None` without one).
    pub async fn shutdown(self) -> Option<ExportCounts> {
        let mut servers = self.servers;
        for service in STOP_ORDER {
            let Some(index) = servers.iter().position(|s| s.service == service) else {
                continue;
            };
            let server = servers.swap_remove(index);
            // A send error means the server already ended: nothing to stop.
            let _ = server.stop.send(());
            let mut task = server.task;
            if tokio::time::timeout(GRACE, &mut task).await.is_err() {
                task.abort();
            }
        }
        self.spans.settled(GRACE).await;
        #[cfg(feature = "otlp")]
        if let Some(exporter) = self.exporter {
            return Some(exporter.finish(GRACE).await);
        }
        None
    }

    fn server(&self, service: Service) -> &Server {
        // `start` binds every service in `Service::ALL`, so each is here.
        match self.servers.iter().find(|s| s.service == service) {
            Some(server) => server,
            None => unreachable!("Demo::start serves every service"),
        }
    }
}

/// Serves until `stopped` fires (or its sender is dropped), then finishes
/// in-flight requests and closes idle keep-alive connections.
async fn serve(
    listener: TcpListener,
    router: Router,
    stopped: oneshot::Receiver<()>,
) -> io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await
}

/// Runs the demo until `shutdown` completes, then stops it gracefully.
/// `on_start` sees the running system first (to print its URLs, say).
pub async fn serve_until(
    config: DemoConfig,
    on_start: impl FnOnce(&Demo),
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let demo = Demo::start(config).await?;
    on_start(&demo);
    shutdown.await;
    demo.shutdown().await;
    Ok(())
}
