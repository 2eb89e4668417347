//! Configuration: which ports the services bind, how payments settle, and
//! each service's starting knobs.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::error::KnobsError;
use crate::knobs::{Knobs, Latency};

/// One part of the demo system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    /// The entry point: forwards to the others.
    Gateway,
    /// Accounts, login and sessions.
    Users,
    /// The fixed catalogue.
    Products,
    /// Orders; calls users and products.
    Orders,
    /// Payments; calls orders. The bottleneck by default.
    Payments,
}

impl Service {
    /// Every service, gateway first, in call-graph order.
    pub const ALL: [Service; 5] = [
        Service::Gateway,
        Service::Users,
        Service::Products,
        Service::Orders,
        Service::Payments,
    ];

    /// The service's name as used in stats, URLs and flags.
    pub fn name(self) -> &'static str {
        match self {
            Service::Gateway => "gateway",
            Service::Users => "users",
            Service::Products => "products",
            Service::Orders => "orders",
            Service::Payments => "payments",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Service {
    type Err = KnobsError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Service::ALL
            .into_iter()
            .find(|service| service.name() == name)
            .ok_or_else(|| KnobsError::UnknownService(name.to_owned()))
    }
}

/// The ports of the services behind the gateway; 0 picks any free port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServicePorts {
    pub users: u16,
    pub products: u16,
    pub orders: u16,
    pub payments: u16,
}

impl Default for ServicePorts {
    fn default() -> Self {
        ServicePorts {
            users: 8001,
            products: 8002,
            orders: 8003,
            payments: 8004,
        }
    }
}

/// The starting knobs of every service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceKnobs {
    pub gateway: Knobs,
    pub users: Knobs,
    pub products: Knobs,
    pub orders: Knobs,
    pub payments: Knobs,
}

impl ServiceKnobs {
    /// The knobs of one service.
    pub fn get(&self, service: Service) -> &Knobs {
        match service {
            Service::Gateway => &self.gateway,
            Service::Users => &self.users,
            Service::Products => &self.products,
            Service::Orders => &self.orders,
            Service::Payments => &self.payments,
        }
    }

    /// The knobs of one service, to change before starting.
    pub fn get_mut(&mut self, service: Service) -> &mut Knobs {
        match service {
            Service::Gateway => &mut self.gateway,
            Service::Users => &mut self.users,
            Service::Products => &mut self.products,
            Service::Orders => &mut self.orders,
            Service::Payments => &mut self.payments,
        }
    }
}

impl Default for ServiceKnobs {
    /// Payments is the bottleneck (20–40 ms, 16 at a time, the rest
    /// queues); users, products and orders add 1–3 ms; the gateway adds
    /// nothing. Orders also waits on users and products, so a load test's
    /// per-service table reads payments slowest, orders in between.
    fn default() -> Self {
        let quick = Knobs {
            latency: Latency::uniform_ms(1, 3),
            ..Knobs::default()
        };
        ServiceKnobs {
            gateway: Knobs::default(),
            users: quick,
            products: quick,
            orders: quick,
            payments: Knobs {
                latency: Latency::uniform_ms(20, 40),
                error_rate: 0.0,
                concurrency_limit: 16,
            },
        }
    }
}

/// Everything `Demo::start` needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoConfig {
    /// The gateway's port (default 8000, as in Locust's usual setup); 0
    /// picks any free port.
    pub gateway_port: u16,
    /// The other services' ports.
    pub ports: ServicePorts,
    /// When set, `POST /payments` answers `202 pending` and the payment
    /// turns `settled` after `settle_after`.
    pub async_payments: bool,
    /// How long an async payment stays pending.
    pub settle_after: Duration,
    /// Each service's starting knobs; `PUT /admin/knobs` changes them live.
    pub knobs: ServiceKnobs,
    /// How long the gateway waits for the service it forwards to before
    /// answering 504.
    pub upstream_timeout: Duration,
    /// How long a service waits for another behind it (orders for users
    /// and products, payments for orders) before answering 504. Shorter
    /// than the gateway's, so a slow service deep in the graph makes its
    /// caller fail and the gateway pass that failure on (what
    /// `starling demo --fault users:latency=2s` shows), rather than the
    /// gateway timing out first.
    pub call_timeout: Duration,
    /// Where the services also send their spans over OTLP/HTTP (needs the
    /// `otlp` feature); `None` keeps them in the store only.
    pub export: Option<SpanExport>,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            gateway_port: 8000,
            ports: ServicePorts::default(),
            async_payments: false,
            settle_after: Duration::from_secs(2),
            knobs: ServiceKnobs::default(),
            upstream_timeout: Duration::from_secs(30),
            call_timeout: Duration::from_secs(1),
            export: None,
        }
    }
}

impl DemoConfig {
    /// The defaults with every port 0, so tests can run side by side.
    pub fn ephemeral() -> Self {
        DemoConfig {
            gateway_port: 0,
            ports: ServicePorts {
                users: 0,
                products: 0,
                orders: 0,
                payments: 0,
            },
            ..DemoConfig::default()
        }
    }

    /// The defaults with the gateway on `gateway_port` and users,
    /// products, orders, payments on the next four ports (8000 gives the
    /// default layout). Port 0 puts every service on any free port; a
    /// port too high to leave room for the next four gives them any port.
    pub fn on_ports(gateway_port: u16) -> Self {
        let next = |offset: u16| match gateway_port {
            0 => 0,
            port => port.checked_add(offset).unwrap_or(0),
        };
        DemoConfig {
            gateway_port,
            ports: ServicePorts {
                users: next(1),
                products: next(2),
                orders: next(3),
                payments: next(4),
            },
            ..DemoConfig::default()
        }
    }

    /// The configured port of one service.
    pub fn port(&self, service: Service) -> u16 {
        match service {
            Service::Gateway => self.gateway_port,
            Service::Users => self.ports.users,
            Service::Products => self.ports.products,
            Service::Orders => self.ports.orders,
            Service::Payments => self.ports.payments,
        }
    }
}

/// Where the services send their spans: the full `…/v1/traces` URL and
/// any headers the backend wants (an API key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanExport {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// What the export did, for the demo to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExportCounts {
    pub exported: u64,
    /// Dropped with the queue full.
    pub dropped: u64,
    /// Posted but refused or lost (a backend that is down or answers 4xx/5xx).
    pub failed: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_round_trip() {
        for service in Service::ALL {
            assert_eq!(service.name().parse::<Service>().ok(), Some(service));
        }
        assert!("billing".parse::<Service>().is_err());
    }

    #[test]
    fn defaults_make_payments_the_bottleneck() {
        let config = DemoConfig::default();
        assert_eq!(config.port(Service::Gateway), 8000);
        assert_eq!(config.port(Service::Payments), 8004);
        let payments = config.knobs.get(Service::Payments);
        for other in [Service::Users, Service::Products, Service::Orders] {
            assert!(payments.latency.min_ms > config.knobs.get(other).latency.max_ms);
        }
        assert_eq!(payments.concurrency_limit, 16);
    }

    #[test]
    fn on_ports_lays_services_after_the_gateway() {
        assert_eq!(DemoConfig::on_ports(8000), DemoConfig::default());
        let config = DemoConfig::on_ports(9100);
        assert_eq!(config.port(Service::Users), 9101);
        assert_eq!(config.port(Service::Payments), 9104);
        assert_eq!(DemoConfig::on_ports(0), DemoConfig::ephemeral());
        assert_eq!(DemoConfig::on_ports(65534).port(Service::Payments), 0);
    }

    #[test]
    fn ephemeral_uses_port_zero_everywhere() {
        let config = DemoConfig::ephemeral();
        assert!(Service::ALL.iter().all(|s| config.port(*s) == 0));
    }
}
