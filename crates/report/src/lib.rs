//! starling-report: renderers of a run `Summary`: the terminal tables and
//! the JSON results file.
