//! Data feeders: which row of a data file a virtual user sees.
//!
//! `sequential` and `unique` need one counter across all workers; it is an
//! atomic touched once per journey (sequential) or once per user (unique),
//! never per request.

use std::sync::atomic::{AtomicUsize, Ordering};

use starling_metrics::RunWarning;
use starling_scenario::value::Value;
use starling_scenario::{DataId, DataOrder, DataSource, Exhausted};

use crate::segment::Segment;

/// The shared position of every data source of a Plan.
#[derive(Debug)]
pub(crate) struct Feeders {
    cursors: Vec<AtomicUsize>,
    /// Per source, the users that found no `unique` row left and stopped
    /// (`on_exhausted: stop`): said at the end of the run, since they
    /// silently made the load smaller.
    ran_out: Vec<AtomicUsize>,
    /// Segment i of n reads rows i, i + n, i + 2n, ...: `unique` rows are
    /// never given out by two machines, and `sequential` ones interleave
    /// as one machine's counter would.
    segment: Segment,
}

/// Why a row could not be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoRow {
    /// The source has no rows at all.
    Empty,
    /// A `unique` source has handed out every row.
    Exhausted,
}

impl Feeders {
    pub(crate) fn new(sources: &[DataSource], segment: Segment) -> Feeders {
        Feeders {
            cursors: sources.iter().map(|_| AtomicUsize::new(0)).collect(),
            ran_out: sources.iter().map(|_| AtomicUsize::new(0)).collect(),
            segment,
        }
    }

    /// The segment's `n`-th row of the whole file's numbering.
    fn row(&self, n: usize) -> usize {
        self.segment.index() as usize + n.saturating_mul(self.segment.count() as usize)
    }

    /// The row for one draw. `unique_row` is the user's own row of a
    /// `unique` source, drawn once for the user's life.
    pub(crate) fn draw(
        &self,
        id: DataId,
        source: &DataSource,
        rng: &mut fastrand::Rng,
        unique_row: &mut Option<usize>,
    ) -> Result<Value, NoRow> {
        let len = source.rows.len();
        if len == 0 {
            return Err(NoRow::Empty);
        }
        let index = match source.order {
            DataOrder::Sequential => {
                self.row(self.cursors[id].fetch_add(1, Ordering::Relaxed)) % len
            }
            DataOrder::Random => rng.usize(..len),
            DataOrder::Unique => match *unique_row {
                Some(row) => row,
                None => {
                    let row = self.row(self.cursors[id].fetch_add(1, Ordering::Relaxed));
                    if row >= len {
                        if source.on_exhausted == Exhausted::Stop {
                            self.ran_out[id].fetch_add(1, Ordering::Relaxed);
                        }
                        return Err(NoRow::Exhausted);
                    }
                    *unique_row = Some(row);
                    row
                }
            },
        };
        Ok(source.rows[index].clone())
    }

    /// A warning per `unique` source that ran out and stopped users.
    pub(crate) fn warnings(&self, sources: &[DataSource]) -> Vec<RunWarning> {
        sources
            .iter()
            .zip(&self.ran_out)
            .filter_map(|(source, n)| {
                let users = n.load(Ordering::Relaxed) as u64;
                (users > 0).then(|| RunWarning::DataRanOut {
                    source: source.name.clone(),
                    users,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn source(order: DataOrder, rows: usize) -> DataSource {
        DataSource {
            name: "customers".into(),
            rows: (0..rows).map(Value::from).collect::<Vec<_>>().into(),
            order,
            on_exhausted: Exhausted::Stop,
        }
    }

    #[test]
    fn segments_take_disjoint_unique_rows_and_interleave_sequential_ones() {
        let rows = 8;
        let mut taken = Vec::new();
        for index in 0..3 {
            let segment = Segment::new(index, 3).unwrap();
            let unique = source(DataOrder::Unique, rows);
            let f = Feeders::new(std::slice::from_ref(&unique), segment);
            let mut rng = fastrand::Rng::with_seed(1);
            loop {
                match f.draw(0, &unique, &mut rng, &mut None) {
                    Ok(row) => taken.push(row.to_string()),
                    Err(NoRow::Exhausted) => break,
                    Err(NoRow::Empty) => unreachable!(),
                }
            }
            let sequential = source(DataOrder::Sequential, rows);
            let f = Feeders::new(std::slice::from_ref(&sequential), segment);
            let first: Vec<String> = (0..2)
                .map(|_| {
                    f.draw(0, &sequential, &mut rng, &mut None)
                        .unwrap()
                        .to_string()
                })
                .collect();
            let expected: Vec<String> = [index, index + 3].iter().map(|r| r.to_string()).collect();
            assert_eq!(first, expected, "segment {index}");
        }
        taken.sort();
        let all: Vec<String> = {
            let mut all: Vec<String> = (0..rows).map(|r| r.to_string()).collect();
            all.sort();
            all
        };
        assert_eq!(taken, all, "every unique row once, over the segments");
    }

    #[test]
    fn sequential_wraps_around() {
        let s = source(DataOrder::Sequential, 3);
        let f = Feeders::new(std::slice::from_ref(&s), Segment::WHOLE);
        let mut rng = fastrand::Rng::with_seed(1);
        let got: Vec<_> = (0..5)
            .map(|_| f.draw(0, &s, &mut rng, &mut None).unwrap().to_string())
            .collect();
        assert_eq!(got, ["0", "1", "2", "0", "1"]);
    }

    #[test]
    fn unique_rows_go_to_one_user_each_then_run_out() {
        let s = source(DataOrder::Unique, 2);
        let f = Arc::new(Feeders::new(std::slice::from_ref(&s), Segment::WHOLE));
        let mut rng = fastrand::Rng::with_seed(1);
        let (mut a, mut b, mut c) = (None, None, None);
        let first = f.draw(0, &s, &mut rng, &mut a).unwrap();
        // The same user keeps its row.
        assert_eq!(f.draw(0, &s, &mut rng, &mut a).unwrap(), first);
        assert_ne!(f.draw(0, &s, &mut rng, &mut b).unwrap(), first);
        assert_eq!(f.draw(0, &s, &mut rng, &mut c), Err(NoRow::Exhausted));
    }
}
