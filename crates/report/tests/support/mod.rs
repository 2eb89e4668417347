//! What the report's integration tests share: a Summary made the way a
//! run makes it, and the Python tools that read starling's files.

pub(crate) mod fixture;
pub(crate) mod python;
