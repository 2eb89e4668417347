//! The metric catalog of a Plan: the names behind the dense metric keys.

use starling_metrics::{Catalog, JourneyMeta, RequestMeta, SectionKind, SectionMeta};
use starling_scenario::Plan;

pub(crate) fn catalog(plan: &Plan) -> Catalog {
    Catalog {
        requests: plan
            .requests
            .iter()
            .map(|r| RequestMeta {
                name: r.name.clone(),
                method: r.method.as_str().to_owned(),
                service: r.service,
            })
            .collect(),
        services: plan.services.iter().map(|s| s.name.clone()).collect(),
        journeys: plan
            .journeys
            .iter()
            .map(|j| JourneyMeta {
                name: j.name.clone(),
                user_type: plan.user_types[j.user_type].name.clone(),
                funnel: j.funnel.clone(),
            })
            .collect(),
        sections: plan
            .sections
            .iter()
            .map(|s| SectionMeta {
                name: s.name.clone(),
                kind: match s.kind {
                    starling_scenario::SectionKind::Group => SectionKind::Group,
                    starling_scenario::SectionKind::Poll => SectionKind::Poll,
                },
                journey: s.journey,
            })
            .collect(),
    }
}
