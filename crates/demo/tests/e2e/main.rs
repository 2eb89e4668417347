//! End-to-end tests of the demo system: real servers on 127.0.0.1:0, real
//! HTTP through the gateway and between the services.

mod bad_input;
mod common;
mod journey;
mod knobs;
mod lifecycle;
mod login;
mod payments;
mod traces;
