//! starling-scenario: reads a scenario YAML file and compiles it into a
//! validated `Plan`, the only input the engine accepts. No tokio, no I/O
//! beyond the scenario file and its data files.
