//! The facts of a run fixed before it starts (where the load goes, the
//! planned curve, the scenario's fingerprint, the segment), stamped on
//! every `Summary` the run produces: checkpoints and the final results;
//! and its warnings (what the caller changed, `unique` data run out).

use std::sync::Arc;

use indexmap::IndexMap;
use starling_metrics::{LoadInfo, RunInfo, RunWarning, SegmentInfo, StageInfo, TagsInfo};
use starling_scenario::{Plan, ServiceOrigin};

use crate::config::RunConfig;
use crate::feeder::Feeders;
use crate::segment::Segment;
use crate::target::Targets;

#[derive(Debug, Clone)]
pub(crate) struct Stamp {
    scenario_hash: Option<String>,
    segment: Option<SegmentInfo>,
    targets: IndexMap<String, String>,
    guessed_services: Vec<String>,
    warnings: Vec<RunWarning>,
    /// The data sources, to ask which ran out when a summary is made.
    data: Vec<starling_scenario::DataSource>,
    feeders: Option<Arc<Feeders>>,
    load: LoadInfo,
}

impl Stamp {
    pub(crate) fn new(plan: &Plan, config: &RunConfig, targets: &Targets) -> Stamp {
        let load = LoadInfo {
            stages: plan
                .load
                .stages
                .iter()
                .map(|stage| StageInfo {
                    duration_ms: stage
                        .duration
                        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                    target: stage.target,
                })
                .collect(),
            iterations: plan.load.iterations,
            max_users: plan.load.max_users,
            tags: (!plan.tags.is_empty()).then(|| TagsInfo {
                keep: plan.tags.keep.clone(),
                exclude: plan.tags.exclude.clone(),
            }),
        };
        Stamp {
            scenario_hash: config.scenario_hash.clone(),
            segment: segment_info(config.segment),
            targets: targets.describe(plan),
            guessed_services: plan
                .services
                .iter()
                .filter(|s| s.origin == ServiceOrigin::Guessed)
                .map(|s| s.name.clone())
                .collect(),
            warnings: config.warnings.clone(),
            data: plan.data.clone(),
            feeders: None,
            load,
        }
    }

    /// Also says, on each summary, which `unique` data ran out so far.
    pub(crate) fn with_feeders(mut self, feeders: Arc<Feeders>) -> Stamp {
        self.feeders = Some(feeders);
        self
    }

    pub(crate) fn apply(&self, run: &mut RunInfo) {
        run.scenario_hash.clone_from(&self.scenario_hash);
        run.segment = self.segment;
        run.targets.clone_from(&self.targets);
        run.guessed_services.clone_from(&self.guessed_services);
        run.warnings.clone_from(&self.warnings);
        if let Some(feeders) = &self.feeders {
            run.warnings.extend(feeders.warnings(&self.data));
        }
        run.load = Some(self.load.clone());
        run.starling = Some(env!("CARGO_PKG_VERSION").to_owned());
    }
}

fn segment_info(segment: Segment) -> Option<SegmentInfo> {
    (segment.count() > 1).then(|| SegmentInfo {
        index: segment.index(),
        count: segment.count(),
    })
}
