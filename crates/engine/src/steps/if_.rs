//! The if step: one of two step lists, chosen by an expression that may
//! read the latest response.

use starling_metrics::FailureCategory;
use starling_scenario::runtime::with_rng;
use starling_scenario::{If, OnFailure};

use super::{Flow, failed, run_list};
use crate::vu::Received;
use crate::vu::{Iteration, Vu, scope};
use crate::worker::Worker;

pub(crate) async fn run(worker: &Worker, vu: &mut Vu, it: &mut Iteration, step: &If) -> Flow {
    let holds = {
        let info = vu.info();
        let last = it.last.as_ref().map(Received::view);
        let scope = scope(&vu.vars, info, it, last.as_ref());
        with_rng(&mut vu.rng, || step.condition.is_true(&scope))
    };
    match holds {
        Ok(true) => run_list(worker, vu, it, &step.then).await,
        Ok(false) => run_list(worker, vu, it, &step.otherwise).await,
        Err(error) => {
            super::expression_failed(worker, vu, it, &format!("if: {error}"));
            failed(FailureCategory::Template, OnFailure::Abort)
        }
    }
}
