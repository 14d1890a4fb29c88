//! Service level objectives as a scenario writes them, and their validation.
//!
//! ```yaml
//! slo:
//!   latency: { percentile: 95, below: 300ms }  # p95 at most 300 ms
//!   errorRate: { below: 0.001 }                # at most 0.1% of requests fail
//!   minReady: 2                                # never fewer than 2 Ready pods
//!   windows: [5m, 1h]                          # rolling windows for burn rates
//! ```
//!
//! What each objective means for a run is `measure::slo`'s to say.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::units::Duration;

/// Why an SLO was refused: the field's path (`slo.latency.percentile`) and what is wrong.
pub type InvalidSlo = crate::core::InvalidField;

/// The objectives of a run; every one optional.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Slo {
    /// The latency objective: a percentile at most a threshold.
    #[serde(default)]
    pub latency: Option<LatencyObjective>,
    /// The share of requests that may fail.
    #[serde(default)]
    pub error_rate: Option<ErrorRateObjective>,
    /// The fewest Ready pods there must always be (at most 10,000).
    #[serde(default)]
    #[schemars(range(max = super::load_scenario::MAX_PODS))]
    pub min_ready: Option<u32>,
    /// A worker's job waiting time (arrival to a pod taking the job): a percentile at
    /// most a threshold, e.g. `{percentile: 95, below: 60s}`. A second misses it when more
    /// than `1 - percentile/100` of the jobs taken in it waited longer; the run misses it
    /// when more than that share of all jobs did. Workers only (`workload.worker`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_wait: Option<LatencyObjective>,
    /// A worker's backlog: at most `below` jobs waiting at the end of every second, e.g.
    /// `{below: 500}`; any second above it misses the objective. Workers only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backlog: Option<BacklogObjective>,
    /// Rolling windows over which burn rates are reported (default 5m and 1h).
    #[serde(default = "default_windows")]
    pub windows: Vec<Duration>,
}

/// The `percentile`-th latency at most `below`, e.g. `{percentile: 95, below: 300ms}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LatencyObjective {
    /// The percentile, strictly between 0 and 100 (95 for p95).
    #[schemars(extend("exclusiveMinimum" = 0, "exclusiveMaximum" = 100))]
    pub percentile: f64,
    /// The threshold: `"300ms"`, `"1s"`, or a number of seconds.
    pub below: Duration,
}

/// At most a fraction `below` of requests fail, e.g. `{below: 0.001}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorRateObjective {
    /// The fraction of requests that may fail, strictly between 0 and 1.
    #[schemars(extend("exclusiveMinimum" = 0, "exclusiveMaximum" = 1))]
    pub below: f64,
}

/// At most `below` jobs waiting, e.g. `{below: 500}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BacklogObjective {
    /// Jobs waiting, 0 or more.
    pub below: f64,
}

fn default_windows() -> Vec<Duration> {
    [300, 3600]
        .map(|s| Duration(crate::core::Span::from_millis(s * 1000)))
        .to_vec()
}

impl Default for Slo {
    fn default() -> Slo {
        Slo {
            latency: None,
            error_rate: None,
            min_ready: None,
            job_wait: None,
            backlog: None,
            windows: default_windows(),
        }
    }
}

impl LatencyObjective {
    /// The threshold, seconds.
    pub fn threshold_s(&self) -> f64 {
        self.below.as_secs_f64()
    }
    /// The share of requests that may miss it: `1 - percentile / 100`.
    pub fn allowed_fraction(&self) -> f64 {
        // (100 - p) / 100 rather than 1 - p / 100: exact for p = 90, 95, 99.
        (100.0 - self.percentile) / 100.0
    }
}

fn invalid(field: &str, message: String) -> InvalidSlo {
    InvalidSlo {
        field: field.to_string(),
        message,
    }
}

impl Slo {
    /// Checks every objective: percentile strictly inside (0, 100), threshold above 0,
    /// error rate strictly inside (0, 1), windows longer than 0. Names the first bad field.
    pub fn validate(&self) -> Result<(), InvalidSlo> {
        for (name, objective) in [("latency", &self.latency), ("jobWait", &self.job_wait)] {
            let Some(l) = objective else { continue };
            if !(l.percentile > 0.0 && l.percentile < 100.0) {
                return Err(invalid(
                    &format!("slo.{name}.percentile"),
                    format!(
                        "{} is not a percentile strictly between 0 and 100 (95 for p95)",
                        l.percentile
                    ),
                ));
            }
            if l.below.span().as_millis() <= 0 {
                return Err(invalid(
                    &format!("slo.{name}.below"),
                    "the threshold must be longer than 0, e.g. \"300ms\"".to_string(),
                ));
            }
        }
        if let Some(b) = &self.backlog
            && !(b.below.is_finite() && b.below >= 0.0)
        {
            return Err(invalid(
                "slo.backlog.below",
                format!("{} is not a number of jobs, 0 or more", b.below),
            ));
        }
        if let Some(e) = &self.error_rate
            && !(e.below > 0.0 && e.below < 1.0)
        {
            return Err(invalid(
                "slo.errorRate.below",
                format!(
                    "{} is not a fraction strictly between 0 and 1 (0.001 for 0.1%)",
                    e.below
                ),
            ));
        }
        for (i, w) in self.windows.iter().enumerate() {
            if w.span().as_millis() <= 0 {
                return Err(invalid(
                    &format!("slo.windows[{i}]"),
                    "a window must be longer than 0, e.g. \"5m\"".to_string(),
                ));
            }
        }
        Ok(())
    }
}
