//! Fixtures shared by the end-to-end tests: the in-process demo system and
//! the `starling` binary with its results.

mod chromium;
mod demo;
mod otlp;
mod python;
mod starling;

pub(crate) use chromium::Chromium;
pub(crate) use demo::Demo;
pub(crate) use otlp::{OtlpReceiver, ReceivedSpan};
pub(crate) use python::PythonTools;
pub(crate) use starling::{
    BIN, Outcome, Ran, Run, example, starling, starling_std, workspace_root,
};
