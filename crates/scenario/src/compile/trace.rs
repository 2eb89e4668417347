//! `defaults.trace`: whether every request carries a W3C trace context,
//! and whether a `baggage` header goes with it.

use super::Ctx;
use crate::plan::TraceDefaults;
use crate::raw::{Kind, Node};

/// `trace: true | false`, or `trace: { enabled: bool, baggage: bool }`.
pub(crate) fn defaults(ctx: &mut Ctx, node: &Node) -> Option<TraceDefaults> {
    if let Kind::Bool(enabled) = node.kind {
        return Some(TraceDefaults {
            enabled,
            ..TraceDefaults::default()
        });
    }
    if !matches!(node.kind, Kind::Map(_)) {
        ctx.wrong_type(
            node,
            "`trace`",
            "`true`, `false` or a map (`{ baggage: true }`)",
        );
        return None;
    }
    let fields = ctx.map(node, "`trace`", &["enabled", "baggage"])?;
    let mut trace = TraceDefaults::default();
    if let Some(n) = fields.get("enabled")
        && let Some(enabled) = ctx.bool(n, "`trace.enabled`")
    {
        trace.enabled = enabled;
    }
    if let Some(n) = fields.get("baggage")
        && let Some(baggage) = ctx.bool(n, "`trace.baggage`")
    {
        trace.baggage = baggage;
    }
    Some(trace)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::plan::TraceDefaults;

    fn trace(defaults: &str) -> Result<TraceDefaults, String> {
        let yaml = format!(
            "target: http://127.0.0.1:1\nload: {{ users: 1, duration: 1s }}\n\
             defaults: {defaults}\n\
             users:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n          - get: /\n"
        );
        crate::compile_str(&yaml, Path::new("t.yaml"))
            .map(|c| c.plan.defaults.trace)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn on_by_default_and_turned_off_or_given_baggage() {
        let on = TraceDefaults {
            enabled: true,
            baggage: false,
        };
        assert_eq!(trace("{}").unwrap(), on);
        assert!(!trace("{ trace: false }").unwrap().enabled);
        assert_eq!(
            trace("{ trace: { baggage: true } }").unwrap(),
            TraceDefaults {
                enabled: true,
                baggage: true
            }
        );
        assert!(!trace("{ trace: { enabled: false } }").unwrap().enabled);
    }

    #[test]
    fn wrong_values_are_located() {
        let error = trace("{ trace: yes please }").unwrap_err();
        assert!(error.contains("`trace`"), "{error}");
        let error = trace("{ trace: { bagage: true } }").unwrap_err();
        assert!(error.contains("baggage"), "{error}");
    }
}
