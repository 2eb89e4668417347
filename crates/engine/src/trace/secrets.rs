//! Which header names of a plan carry secrets, found once per worker, so
//! a request notes its secret header values in its chain (for a kept
//! sample's redaction) with a few comparisons and no allocation, and a
//! plan without such headers pays nothing.

use starling_scenario::redact::Redact;
use starling_scenario::{Plan, Step};

/// The distinct header names in `plan` that `policy` calls secret
/// (`Authorization` from `auth:`, `X-Api-Key`, ...), as written.
pub(crate) fn secret_header_names(plan: &Plan, policy: &Redact) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut note = |name: &str| {
        if policy.is_secret_name(name) && !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name.to_owned());
        }
    };
    for (name, _) in &plan.defaults.headers {
        note(name);
    }
    for user_type in &plan.user_types {
        for (name, _) in &user_type.headers {
            note(name);
        }
        walk(&user_type.on_start, &mut note);
        walk(&user_type.on_stop, &mut note);
    }
    for journey in &plan.journeys {
        walk(&journey.steps, &mut note);
    }
    names
}

fn walk(steps: &[Step], note: &mut impl FnMut(&str)) {
    for step in steps {
        match step {
            Step::Request(request) => request.headers.iter().for_each(|(n, _)| note(n)),
            Step::Poll(poll) => poll.request.headers.iter().for_each(|(n, _)| note(n)),
            Step::If(if_) => {
                walk(&if_.then, note);
                walk(&if_.otherwise, note);
            }
            Step::Repeat(repeat) => walk(&repeat.steps, note),
            Step::Group(group) => walk(&group.steps, note),
            Step::Think(_) | Step::Set(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_secret_headers_anywhere_once() {
        let yaml = r#"
target: http://127.0.0.1:1
load: { users: 1, duration: 1s }
defaults: { auth: { bearer: abcdef } }
users:
  - name: u
    headers: { X-Api-Key: k, Accept: text/plain }
    journeys:
      - name: j
        steps:
          - group: pay
            steps:
              - get: /
                headers: { authorization: other, x-session-id: s }
"#;
        let plan = starling_scenario::compile_str(yaml, std::path::Path::new("t.yaml"))
            .unwrap()
            .plan;
        let names = secret_header_names(&plan, &plan.redact);
        assert_eq!(names, ["authorization", "X-Api-Key", "x-session-id"]);
    }
}
