//! starling-demo: a small microservice system (gateway, users, products,
//! orders, payments) on loopback, for starling or any other tool to aim at.
//!
//! Every service listens on its own 127.0.0.1 port and the services call
//! each other over HTTP, so load fans out as in production: a `POST
//! /orders` through the gateway reaches orders, which calls users and
//! products; a `POST /payments` reaches payments, which calls orders.
//! Each service has knobs (added latency, error rate, a concurrency limit
//! beyond which requests queue), set in [`DemoConfig`] and changeable
//! while it runs through `GET/PUT /admin/knobs`. The defaults make
//! payments the bottleneck. Each service counts the requests it receives
//! per route template (`GET /admin/stats`, [`Demo::stats`]) and serves
//! Prometheus text at `/metrics`.
//!
//! Every request to a service's own routes is also a server [`Span`] of
//! the W3C trace its `traceparent` names (a new trace without a valid
//! one): the service passes its own span on as the parent of its inner
//! calls, and all services keep their spans in one bounded
//! [`SpanStore`], read by trace id (`GET /admin/traces?trace_id=…`,
//! [`Demo::trace`]). A service waits `call_timeout` (1 s) for another
//! behind it, the gateway `upstream_timeout` (30 s).
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let demo = starling_demo::Demo::start(starling_demo::DemoConfig::default()).await?;
//! println!("gateway at {}", demo.gateway_url());
//! demo.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # HTTP API
//! Through the gateway (default `127.0.0.1:8000`) or straight to a service
//! (default ports 8001 users, 8002 products, 8003 orders, 8004 payments):
//! - `POST /users {"username"}` → `201 {"id", "username"}`;
//!   `GET /users/{id}`; `POST /login {"username"}` → 200 and a
//!   `session` cookie; `GET /me` → `{"username"}` with that cookie, else 401.
//! - `GET /products?category=electronics` → a list;
//!   `GET /products/{id or name}`.
//! - `POST /orders {"user_id", "item"}` → `201 {"id", "status":
//!   "created", ...}` after `GET /users/{id}` and `GET /products/{item}`;
//!   `GET /orders/{id}`.
//! - `POST /payments {"order_id", "amount"}` → `200 {"id", "status":
//!   "settled", ...}` after `GET /orders/{id}`; in async mode `202` with
//!   `"pending"`, then `GET /payments/{id}` turns `"settled"`.
//! - Ids and amounts may be numbers or numeric strings. Bad input gets a
//!   400 or 404 `{"error": "..."}`; a failed dependency a 502 (504 on
//!   timeout); an injected failure a 503.
//! - On every service: `GET /admin/knobs`, `PUT /admin/knobs` with any of
//!   `{"latency": "20ms..40ms" | 30 | {"min_ms", "max_ms"}, "error_rate":
//!   0.1, "concurrency_limit": 16}` (0 = unlimited), `GET /admin/stats`
//!   (`{"service", "requests": {"POST /orders": 12}, "traced": {...}}`,
//!   `traced` counting requests that carried a `traceparent`) and
//!   `GET /metrics`.
//!   `GET /admin/traces?trace_id=<32 hex>` answers `{"trace_id", "spans":
//!   [{"trace_id", "span_id", "parent_span_id", "service", "method",
//!   "route", "status", "start_unix_us", "duration_us", "error"?,
//!   "fault"?}]}`, the spans of that trace across all services.
//!   These admin routes are neither counted nor slowed by the knobs, and
//!   make no spans.
//!
//! # Layout
//! - `config`: [`DemoConfig`], [`Service`], ports and the default knobs.
//! - `fault`: [`Fault`], a `--fault users:latency=2s` applied before start.
//! - `knobs`: [`Knobs`], [`Latency`] and the live state that applies them.
//! - `demo`: [`Demo`] (start, URLs, stats, shutdown) and [`serve_until`].
//! - `service`: what every service shares, and the layer that counts each
//!   request, applies the knobs and records its span.
//! - `admin`: `/admin/knobs`, `/admin/stats`, `/admin/traces`, `/metrics`.
//! - `trace`: reading and writing `traceparent`.
//! - `spans`: [`Span`] and the bounded [`SpanStore`]; `export` (feature
//!   `otlp`): the spans over OTLP/HTTP to a tracing backend.
//! - `services/`: one file per service (gateway, users, products, orders,
//!   payments).
//! - `upstream`: service-to-service HTTP calls.
//! - `stats`: per-route counters and their Prometheus text.
//! - `input`: reading JSON bodies without panicking.
//! - `error`: the JSON error answer and [`KnobsError`].

mod admin;
mod config;
mod demo;
mod error;
#[cfg(feature = "otlp")]
mod export;
mod fault;
mod input;
mod knobs;
mod service;
mod services;
mod spans;
mod stats;
mod trace;
mod upstream;

pub use config::{DemoConfig, ExportCounts, Service, ServiceKnobs, ServicePorts, SpanExport};
pub use demo::{Demo, serve_until};
pub use error::{FaultError, KnobsError};
pub use fault::Fault;
pub use knobs::{Knobs, Latency};
pub use spans::{SPAN_CAPACITY, Span, SpanStore};
