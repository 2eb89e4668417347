//! starling-metrics: latency histograms, per-worker metric shards, their
//! merge, and the serialisable run `Summary` every renderer reads. No I/O.
