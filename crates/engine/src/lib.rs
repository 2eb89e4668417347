//! starling-engine: per-core workers, pacers and virtual users that run a
//! `Plan` and feed metric shards.
