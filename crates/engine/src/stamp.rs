//! The facts of a run fixed before it starts (where the load goes, the
//! planned curve, the scenario's fingerprint, the segment), stamped on
//! every `Summary` the run produces: checkpoints and the final results;
//! and its warnings (what the caller changed, `unique` data run out).

use std::sync::Arc;

use indexmap::IndexMap;
use starling_metrics::{LoadInfo, RunInfo, RunWarning, SegmentInfo, StageInfo, TagsInfo};
use starling_scenario::{Plan, ServiceOrigin};

use crate::config::RunConfig;
use crate::drift::Drift;
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
    feeders: Option<Arc<Feeders>>,
    drift: Option<Arc<Drift>>,
    /// The plan, to name what ran out or drifted (data sources, user
    /// types and their pacing).
    plan: Arc<Plan>,
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
            feeders: None,
            drift: None,
            plan: Arc::new(plan.clone()),
            load,
        }
    }

    /// Also says, on each summary, which `unique` data ran out so far and
    /// which pacing could not be kept.
    pub(crate) fn with_feeders(mut self, feeders: Arc<Feeders>, drift: Arc<Drift>) -> Stamp {
        self.feeders = Some(feeders);
        self.drift = Some(drift);
        self
    }

    pub(crate) fn apply(&self, run: &mut RunInfo) {
        run.scenario_hash.clone_from(&self.scenario_hash);
        run.segment = self.segment;
        run.targets.clone_from(&self.targets);
        run.guessed_services.clone_from(&self.guessed_services);
        run.warnings.clone_from(&self.warnings);
        if let Some(feeders) = &self.feeders {
            run.warnings.extend(feeders.warnings(&self.plan.data));
        }
        if let Some(drift) = &self.drift {
            run.warnings.extend(drift.warnings(&self.plan));
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
