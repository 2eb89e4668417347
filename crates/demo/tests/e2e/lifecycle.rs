//! Starting and stopping: loopback binding, port clashes, graceful stop.

use std::net::{Ipv4Addr, TcpListener};

use reqwest::StatusCode;
use starling_demo::{DemoConfig, Service};

use crate::common::{client, get, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binds_loopback_and_stops_cleanly() {
    let demo = start(DemoConfig::ephemeral()).await;
    assert!(demo.gateway_url().starts_with("http://127.0.0.1:"));
    let names: Vec<&str> = demo.service_urls().iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["users", "products", "orders", "payments"]);
    for service in Service::ALL {
        assert!(demo.addr(service).ip().is_loopback());
    }

    let client = client();
    let gateway = demo.gateway_url();
    let (status, _) = get(&client, &format!("{gateway}/products")).await;
    assert_eq!(status, StatusCode::OK);

    let addrs: Vec<_> = Service::ALL.iter().map(|s| demo.addr(*s)).collect();
    demo.shutdown().await;
    for addr in addrs {
        assert!(
            tokio::net::TcpStream::connect(addr).await.is_err(),
            "{addr} still accepts"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_port_is_an_error_naming_the_service() {
    let taken = match TcpListener::bind((Ipv4Addr::LOCALHOST, 0)) {
        Ok(listener) => listener,
        Err(err) => panic!("{err}"),
    };
    let port = taken.local_addr().map(|a| a.port()).unwrap_or_default();
    let mut config = DemoConfig::ephemeral();
    config.ports.orders = port;
    match starling_demo::Demo::start(config).await {
        Ok(_) => panic!("started on a taken port"),
        Err(err) => assert!(err.to_string().contains("orders"), "{err}"),
    }
}
