//! `--tags` and `--exclude-tags` (Locust's flags): run part of a scenario.
//!
//! A journey carries its own `tags:` and those of its user type. The filter
//! is applied to a compiled [`Plan`] before the run: the journeys left out
//! are removed (ids renumbered, so the engine and the metrics never see
//! them), weights are normalised again among those kept, and a user type
//! left with no journey is dropped. The requests, groups and polls only
//! the dropped journeys had go with them (renumbered the same way), and
//! so do the thresholds that judge only what was dropped: what is never
//! sent shows as no row, not a row of zeros, and fails no threshold.

use std::collections::BTreeSet;

use crate::plan::{JourneyId, Plan, ServiceId, Step};
use crate::threshold::ThresholdScope;
use crate::walk::each_step_mut;

/// The tags asked for on the command line. Empty lists filter nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagFilter {
    /// Keep only journeys carrying at least one of these (none: all).
    pub keep: Vec<String>,
    /// Drop journeys carrying any of these.
    pub exclude: Vec<String>,
}

/// Nothing of the scenario is left to run after the filter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct NothingLeft {
    pub filter: TagFilter,
    /// Every tag the scenario's journeys and user types carry, sorted.
    pub known: Vec<String>,
}

impl NothingLeft {
    fn message(&self) -> String {
        let mut asked = Vec::new();
        if !self.filter.keep.is_empty() {
            asked.push(format!("--tags {}", self.filter.keep.join(",")));
        }
        if !self.filter.exclude.is_empty() {
            asked.push(format!("--exclude-tags {}", self.filter.exclude.join(",")));
        }
        let known = if self.known.is_empty() {
            "the scenario has no tags".to_owned()
        } else {
            format!("the scenario's tags are: {}", self.known.join(", "))
        };
        format!(
            "no journey is left to run with {}; {known}",
            asked.join(" ")
        )
    }
}

impl TagFilter {
    pub fn is_empty(&self) -> bool {
        self.keep.is_empty() && self.exclude.is_empty()
    }

    /// Reads `a,b` as given to `--tags`: names split on commas, trimmed,
    /// empty ones left out.
    pub fn parse_list(text: &str) -> Vec<String> {
        text.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn keeps(&self, tags: &BTreeSet<&str>) -> bool {
        let wanted = self.keep.is_empty() || self.keep.iter().any(|t| tags.contains(t.as_str()));
        wanted && !self.exclude.iter().any(|t| tags.contains(t.as_str()))
    }

    /// Removes from `plan` the journeys the filter leaves out, and the user
    /// types left with none, and records the filter in `plan.tags`.
    pub fn apply(&self, plan: &mut Plan) -> Result<(), NothingLeft> {
        if self.is_empty() {
            return Ok(());
        }
        let kept: Vec<bool> = plan
            .journeys
            .iter()
            .map(|j| {
                let ut = &plan.user_types[j.user_type];
                let tags = j.tags.iter().chain(&ut.tags).map(String::as_str).collect();
                j.weight > 0.0 && self.keeps(&tags)
            })
            .collect();
        let nothing_left = NothingLeft {
            filter: self.clone(),
            known: known_tags(plan),
        };
        if !kept.contains(&true) {
            return Err(nothing_left);
        }
        // New ids: journeys in their old order, without the dropped ones.
        let new_id: Vec<Option<JourneyId>> = renumbering(&kept);
        let journeys = std::mem::take(&mut plan.journeys);
        plan.journeys = journeys
            .into_iter()
            .zip(&kept)
            .filter_map(|(j, &k)| k.then_some(j))
            .collect();
        for section in &mut plan.sections {
            section.journey = section.journey.and_then(|j| new_id[j]);
        }
        // A threshold of a dropped journey judges nothing that runs.
        plan.thresholds
            .retain_mut(|threshold| match &mut threshold.scope {
                ThresholdScope::Journey(id) => new_id[*id].map(|new| *id = new).is_some(),
                _ => true,
            });
        // User types with a journey left, renumbered the same way.
        let user_types = std::mem::take(&mut plan.user_types);
        for (old_type, mut ut) in user_types.into_iter().enumerate() {
            ut.journeys = ut.journeys.iter().filter_map(|&j| new_id[j]).collect();
            if ut.journeys.is_empty() {
                continue;
            }
            let type_id = plan.user_types.len();
            let total: f64 = ut.journeys.iter().map(|&j| plan.journeys[j].weight).sum();
            for &j in &ut.journeys {
                let journey = &mut plan.journeys[j];
                debug_assert_eq!(journey.user_type, old_type);
                journey.user_type = type_id;
                journey.weight /= total;
            }
            plan.user_types.push(ut);
        }
        let weighted: f64 = plan
            .user_types
            .iter()
            .filter(|u| u.count.is_none())
            .map(|u| u.weight)
            .sum();
        let counted = plan.user_types.iter().any(|u| u.count.is_some());
        if weighted <= 0.0 && !counted {
            return Err(nothing_left);
        }
        for ut in plan.user_types.iter_mut().filter(|u| u.count.is_none()) {
            ut.weight = if weighted > 0.0 {
                ut.weight / weighted
            } else {
                0.0
            };
        }
        prune_unreached(plan);
        plan.tags = self.clone();
        Ok(())
    }
}

/// Takes out of `plan` the requests, groups and polls that only the
/// dropped journeys (and user types) had, with the thresholds that judge
/// only those, so no request that was never going to be sent shows as a
/// row of zeros. The ones kept are renumbered in their old order, in the
/// steps too.
fn prune_unreached(plan: &mut Plan) {
    let mut requests = vec![false; plan.requests.len()];
    let mut sections = vec![false; plan.sections.len()];
    plan.each_step(&mut |step| match step {
        Step::Request(request) => requests[request.id] = true,
        Step::Poll(poll) => {
            requests[poll.request.id] = true;
            sections[poll.section] = true;
        }
        Step::Group(group) => sections[group.section] = true,
        Step::Think(_) | Step::If(_) | Step::Repeat(_) | Step::Set(_) => {}
    });
    let new_request = renumbering(&requests);
    let new_section = renumbering(&sections);
    let renumber = &mut |step: &mut Step| match step {
        Step::Request(request) => request.id = new_request[request.id].unwrap_or(request.id),
        Step::Poll(poll) => {
            poll.request.id = new_request[poll.request.id].unwrap_or(poll.request.id);
            poll.section = new_section[poll.section].unwrap_or(poll.section);
        }
        Step::Group(group) => group.section = new_section[group.section].unwrap_or(group.section),
        Step::Think(_) | Step::If(_) | Step::Repeat(_) | Step::Set(_) => {}
    };
    for journey in &mut plan.journeys {
        each_step_mut(&mut journey.steps, renumber);
    }
    for user_type in &mut plan.user_types {
        each_step_mut(&mut user_type.on_start, renumber);
        each_step_mut(&mut user_type.on_stop, renumber);
    }
    keep_marked(&mut plan.requests, &requests);
    keep_marked(&mut plan.sections, &sections);
    let services: BTreeSet<ServiceId> = plan.requests.iter().map(|r| r.service).collect();
    plan.thresholds
        .retain_mut(|threshold| match &mut threshold.scope {
            // Renumbered, or removed, with the journeys.
            ThresholdScope::All | ThresholdScope::Journey(_) => true,
            ThresholdScope::Service(id) => services.contains(id),
            ThresholdScope::Request { ids, .. } => {
                *ids = ids.iter().filter_map(|&id| new_request[id]).collect();
                !ids.is_empty()
            }
            ThresholdScope::Section(ids) => {
                *ids = ids.iter().filter_map(|&id| new_section[id]).collect();
                !ids.is_empty()
            }
        });
}

/// New ids for the marked entries, in their old order.
fn renumbering(marked: &[bool]) -> Vec<Option<usize>> {
    let mut next = 0;
    marked
        .iter()
        .map(|&m| {
            let id = m.then_some(next);
            next += usize::from(m);
            id
        })
        .collect()
}

fn keep_marked<T>(items: &mut Vec<T>, marked: &[bool]) {
    let mut i = 0;
    items.retain(|_| {
        i += 1;
        marked[i - 1]
    });
}

/// Every tag of the plan's journeys and user types, sorted, once each.
pub fn known_tags(plan: &Plan) -> Vec<String> {
    let tags: BTreeSet<&String> = plan
        .journeys
        .iter()
        .flat_map(|j| &j.tags)
        .chain(plan.user_types.iter().flat_map(|u| &u.tags))
        .collect();
    tags.into_iter().cloned().collect()
}
