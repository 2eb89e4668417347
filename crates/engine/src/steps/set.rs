//! The set step: variables computed from expressions, in order, so a later
//! one can use an earlier one.

use starling_metrics::FailureCategory;
use starling_scenario::runtime::with_rng;
use starling_scenario::{OnFailure, Set};

use super::{Flow, failed};
use crate::vu::Received;
use crate::vu::{Iteration, Vu, scope};
use crate::worker::Worker;

pub(crate) fn run(worker: &Worker, vu: &mut Vu, it: &mut Iteration, set: &Set) -> Flow {
    for (name, expr) in &set.vars {
        let value = {
            let info = vu.info();
            let last = it.last.as_ref().map(Received::view);
            let scope = scope(&vu.vars, info, it, last.as_ref());
            with_rng(&mut vu.rng, || expr.eval(&scope))
        };
        match value {
            Ok(value) => vu.vars.set(name, value),
            Err(error) => {
                super::expression_failed(worker, vu, it, &format!("set `{name}`: {error}"));
                return failed(FailureCategory::Template, OnFailure::Abort);
            }
        }
    }
    Flow::Passed
}
