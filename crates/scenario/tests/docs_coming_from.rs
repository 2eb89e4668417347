//! docs/scenario.md's "Coming from Locust, k6 or Artillery" shows a Locust
//! task beside its starling journey (issue 18): that starling side must
//! stay a scenario that compiles to the same journeys and requests.

use std::path::Path;
use std::time::Duration;

use starling_scenario::{Wait, compile_str};

/// The YAML block after `marker` in docs/scenario.md.
fn yaml_after(marker: &str) -> String {
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scenario.md"),
    )
    .expect("docs/scenario.md is readable");
    let from = page.find(marker).expect("the marker is on the page");
    let start = page[from..]
        .find("```yaml\n")
        .expect("a yaml block follows")
        + from
        + 8;
    let end = page[start..].find("```").expect("the block ends") + start;
    page[start..end].to_owned()
}

#[test]
fn the_locust_tasks_starling_equivalent_compiles_to_its_journeys() {
    let yaml = yaml_after("In starling the same test is:");
    let compiled = compile_str(&yaml, Path::new("scenario.md"))
        .unwrap_or_else(|e| panic!("the page's scenario does not compile:\n{e}\n{yaml}"));
    let plan = compiled.plan;
    let journeys: Vec<&str> = plan.journeys.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(journeys, ["checkout", "browse"]);
    let requests: Vec<&str> = plan.requests.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        requests,
        [
            "POST /users",
            "POST /orders",
            "POST /payments",
            "GET /products"
        ]
    );
    // Locust's wait_time = between(1, 5).
    assert_eq!(
        plan.user_types[0].wait,
        Wait::Between(Duration::from_secs(1), Duration::from_secs(5))
    );
}
