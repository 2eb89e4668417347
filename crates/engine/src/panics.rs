//! Panics at the task and thread boundaries: a virtual user's task or a
//! worker thread that panics must not vanish into a normal-looking
//! summary. Its message is kept, and the run is reported incomplete.

use std::any::Any;

use tokio::task::JoinSet;

/// The text a panic carried (`panic!("...")` gives a `&str` or a
/// `String`; anything else is named as such).
pub(crate) fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-text payload".to_owned()
    }
}

/// Waits for every task left in `tasks`, returning what each one that
/// panicked said. Cancelled tasks (cut off at the end of the run) are not
/// failures.
pub(crate) async fn reap(tasks: &mut JoinSet<()>, what: &str) -> Vec<String> {
    let mut panics = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Err(error) = joined
            && error.is_panic()
        {
            panics.push(format!(
                "{what} panicked: {}",
                message(&*error.into_panic())
            ));
        }
    }
    panics
}

/// Joins worker threads, returning what each one that panicked said.
pub(crate) fn join_all(threads: Vec<std::thread::JoinHandle<()>>) -> Vec<String> {
    threads
        .into_iter()
        .enumerate()
        .filter_map(|(index, thread)| {
            thread
                .join()
                .err()
                .map(|payload| format!("worker {index} panicked: {}", message(&*payload)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_task_is_reaped_with_its_message_and_a_cancelled_one_is_not() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let local = tokio::task::LocalSet::new();
        let panics = local.block_on(&runtime, async {
            let mut tasks = JoinSet::new();
            tasks.spawn_local(async { panic!("user 7 broke: {}", 42) });
            tasks.spawn_local(async {});
            tasks.spawn_local(std::future::pending::<()>());
            // Let the first two run, then cut off the pending one.
            tokio::task::yield_now().await;
            tasks.abort_all();
            reap(&mut tasks, "a virtual user").await
        });
        assert_eq!(panics, vec!["a virtual user panicked: user 7 broke: 42"]);
    }

    #[test]
    fn a_panicking_thread_is_joined_with_its_message() {
        let threads = vec![
            std::thread::spawn(|| {}),
            std::thread::spawn(|| panic!("static text")),
        ];
        assert_eq!(join_all(threads), vec!["worker 1 panicked: static text"]);
    }
}
