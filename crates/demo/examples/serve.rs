//! Runs the demo system on its default ports until Ctrl-C:
//! `cargo run -p starling-demo --example serve [-- --async]`.

use std::time::Duration;

use starling_demo::{DemoConfig, serve_until};

#[tokio::main(flavor = "multi_thread")]
async fn main() -> std::io::Result<()> {
    let config = DemoConfig {
        async_payments: std::env::args().any(|arg| arg == "--async"),
        settle_after: Duration::from_secs(2),
        ..DemoConfig::default()
    };
    serve_until(
        config,
        |demo| {
            println!("gateway  {}", demo.gateway_url());
            for (name, url) in demo.service_urls() {
                println!("{name:<8} {url}");
            }
        },
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    )
    .await
}
