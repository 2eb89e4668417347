//! The demo microservice system started in-process on ephemeral loopback
//! ports, with the per-route counts every reconciliation compares against.

use std::collections::BTreeMap;

use starling_demo::{DemoConfig, Service};

/// A running demo system and the runtime that serves it. Dropping it stops
/// the servers (the demo first, then its runtime).
pub(crate) struct Demo {
    demo: starling_demo::Demo,
    runtime: tokio::runtime::Runtime,
}

impl Demo {
    /// The default system: payments is the bottleneck, answers synchronously.
    pub(crate) fn start() -> Demo {
        Demo::with(DemoConfig::ephemeral())
    }

    /// A system with `config` (its ports should stay 0).
    pub(crate) fn with(config: DemoConfig) -> Demo {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("e2e-demo")
            .enable_all()
            .build()
            .expect("a runtime for the demo");
        let demo = runtime
            .block_on(starling_demo::Demo::start(config))
            .expect("the demo starts on ephemeral ports");
        Demo { demo, runtime }
    }

    pub(crate) fn gateway(&self) -> String {
        self.demo.gateway_url()
    }

    pub(crate) fn url(&self, service: Service) -> String {
        self.demo.url(service)
    }

    /// service → "METHOD /route" → requests received so far.
    pub(crate) fn stats(&self) -> BTreeMap<String, BTreeMap<String, u64>> {
        self.runtime.block_on(self.demo.stats())
    }

    /// What `service` received on `route` (e.g. "POST /orders"), 0 if never.
    pub(crate) fn received(&self, service: &str, route: &str) -> u64 {
        self.stats()
            .get(service)
            .and_then(|routes| routes.get(route))
            .copied()
            .unwrap_or(0)
    }

    /// Every request any service (the gateway included) received.
    pub(crate) fn total_received(&self) -> u64 {
        self.stats()
            .values()
            .flat_map(|routes| routes.values())
            .sum()
    }
}
