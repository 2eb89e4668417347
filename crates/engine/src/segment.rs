//! Segments: one machine's share of a run spread over n machines. User k
//! and arrival m of the whole run go to segment k mod n and m mod n, just
//! as they go to worker k mod W inside a process; so worker w of segment i
//! runs exactly the users and arrivals numbered i + n·w modulo n·W, and
//! the union of the segments is the single-machine run, number for number.

use std::fmt;

/// Segment `index` of `count` (`--segment 1/3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    index: u32,
    count: u32,
}

/// Why a segment cannot be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SegmentError {
    #[error("a run has at least one segment (got {0} segments)")]
    NoSegments(u32),
    #[error("segment {index} of {count} does not exist: segments are numbered 0 to {}", count - 1)]
    OutOfRange { index: u32, count: u32 },
    #[error("expected INDEX/COUNT, e.g. `0/3`, got `{0}`")]
    Form(String),
}

impl Segment {
    /// The whole run on one machine.
    pub const WHOLE: Segment = Segment { index: 0, count: 1 };

    pub fn new(index: u32, count: u32) -> Result<Segment, SegmentError> {
        if count == 0 {
            return Err(SegmentError::NoSegments(count));
        }
        if index >= count {
            return Err(SegmentError::OutOfRange { index, count });
        }
        Ok(Segment { index, count })
    }

    /// `i/n`, as `--segment` takes it.
    pub fn parse(text: &str) -> Result<Segment, SegmentError> {
        let form = || SegmentError::Form(text.to_owned());
        let (index, count) = text.trim().split_once('/').ok_or_else(form)?;
        let index = index.trim().parse().map_err(|_| form())?;
        let count = count.trim().parse().map_err(|_| form())?;
        Segment::new(index, count)
    }

    pub fn index(self) -> u32 {
        self.index
    }

    pub fn count(self) -> u32 {
        self.count
    }

    /// The numbers worker `worker` of `workers` runs in this segment: those
    /// equal to the slot modulo the stride.
    pub(crate) fn lane(self, worker: usize, workers: usize) -> Lane {
        let count = self.count as usize;
        Lane {
            slot: self.index as usize + count * worker,
            stride: count * workers.max(1),
        }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The users and arrivals one worker runs: numbers k with
/// k mod `stride` = `slot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lane {
    pub(crate) slot: usize,
    pub(crate) stride: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_segments_are_refused_with_their_reason() {
        assert_eq!(Segment::parse("1/3").unwrap(), Segment::new(1, 3).unwrap());
        assert_eq!(
            Segment::parse("3/3").unwrap_err().to_string(),
            "segment 3 of 3 does not exist: segments are numbered 0 to 2"
        );
        assert_eq!(
            Segment::parse("0/0").unwrap_err().to_string(),
            "a run has at least one segment (got 0 segments)"
        );
        assert!(matches!(Segment::parse("2"), Err(SegmentError::Form(_))));
        assert!(matches!(Segment::parse("a/b"), Err(SegmentError::Form(_))));
    }

    proptest::proptest! {
        /// Open model: the arrivals every lane of every segment schedules
        /// (numbers from its slot by its stride, each due when the rate
        /// curve's area reaches it, and due within the run, as the worker
        /// loop does) are, together, exactly the single plan's arrivals.
        #[test]
        fn segments_schedule_exactly_the_single_plans_arrivals(
            stages in proptest::collection::vec((1u64..3000, 0.0f64..80.0), 1..4),
            count in 1u32..5,
            workers in 1usize..4,
        ) {
            let stages: Vec<starling_scenario::Stage> = stages
                .iter()
                .map(|&(ms, rate)| starling_scenario::Stage {
                    duration: Some(std::time::Duration::from_millis(ms)),
                    target: rate,
                })
                .collect();
            let schedule = crate::schedule::Schedule::new(&stages);
            let end = schedule.end().unwrap();
            let arrivals = |slot: u64, stride: u64| {
                let mut out = Vec::new();
                let mut m = slot;
                while let Some(due) = schedule.time_of_area(m as f64) {
                    if due >= end {
                        break;
                    }
                    out.push((m, due));
                    m += stride;
                }
                out
            };
            let single = arrivals(0, 1);
            let mut union = Vec::new();
            for index in 0..count {
                let segment = Segment::new(index, count).unwrap();
                for worker in 0..workers {
                    let lane = segment.lane(worker, workers);
                    union.extend(arrivals(lane.slot as u64, lane.stride as u64));
                }
            }
            union.sort();
            proptest::prop_assert_eq!(union, single);
        }
    }

    #[test]
    fn lanes_of_all_segments_and_workers_cover_every_number_once() {
        for (count, workers) in [(1, 1), (1, 2), (3, 1), (3, 2), (4, 3)] {
            let mut owners = vec![0u32; 200];
            for index in 0..count {
                let segment = Segment::new(index, count).unwrap();
                for worker in 0..workers {
                    let lane = segment.lane(worker, workers);
                    for (k, owner) in owners.iter_mut().enumerate() {
                        if k % lane.stride == lane.slot {
                            *owner += 1;
                        }
                    }
                }
            }
            assert!(
                owners.iter().all(|&n| n == 1),
                "{count} segments, {workers} workers"
            );
        }
    }
}
