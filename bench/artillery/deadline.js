// Artillery has no time-bounded closed loop: a phase only says when virtual
// users arrive. bench/run.sh therefore lets all of them arrive in the first
// second and each loops its journey until this deadline, BENCH_DURATION
// seconds after the script was loaded (issue 19), so N users run flat out
// for the run's duration like the other tools' closed loops.
const seconds = Number(process.env.BENCH_DURATION || '10');
const deadline = Date.now() + seconds * 1000;

function beforeDeadline(context, next) {
  return next(Date.now() < deadline);
}

module.exports = { beforeDeadline };
