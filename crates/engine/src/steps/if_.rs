//! The if step: one of two step lists, chosen by an expression that may
//! read the latest response.

use starling_metrics::FailureCategory;
use starling_scenario::{If, OnFailure};

use super::{Flow, failed, run_list};
use crate::vu::Received;
use crate::vu::{Iteration, Vu, scope};
use crate::worker::Worker;

pub(crate) async fn run(worker: &Worker, vu: &mut Vu, it: &mut Iteration, step: &If) -> Flow {
    let holds = {
        let last = it.last.as_ref().map(Received::view);
        let scope = scope(&vu.vars, vu.info(), it, last.as_ref());
        step.condition.is_true(&scope)
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
