//! hpasim: an offline autoscaling simulator for Kubernetes.
//!
//! Everything passes through [`core::decide`], an exact model of the
//! HorizontalPodAutoscaler controller's decision at one sync (kube-controller-manager,
//! `pkg/controller/podautoscaler`). Around it:
//! - [`scenario`] reads the user's files into validated values;
//! - [`measure`] judges a run's record: latency, SLOs, cost, elasticity, spread over seeds;
//! - [`report`] renders results (JSON, YAML, explanations) and writes files atomically;
//! - [`check`] judges a run against a scenario's `expect:` and golden timeline;
//! - [`sweep`] runs a space of settings on one scenario and picks among them;
//! - [`commands`] holds each subcommand as a function; [`cli`] is the thin argv layer.
#![warn(missing_docs)]

pub mod check;
pub mod cli;
pub mod commands;
pub mod core;
pub mod error;
pub mod keda;
pub mod load;
pub mod measure;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod sweep;
pub mod units;

pub use error::{Error, Result};
