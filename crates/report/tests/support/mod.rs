//! What the report's integration tests share: a Summary made the way a
//! run makes it, runs of any size, the Python tools that read starling's
//! files, and the headless browser that reads its HTML.
// Each test binary uses a part of this.
#![allow(dead_code)]

pub(crate) mod browser;
pub(crate) mod fixture;
pub(crate) mod python;
pub(crate) mod synthetic;
