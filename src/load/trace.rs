//! Recorded traces: the CSV reader, and the step function a trace's samples make.
//!
//! Owns reading `time_s,rps` files (refusing NaN, negative rates, unsorted or repeated times
//! with file, line and column) and O(1) lookups of the rate and its integral at any instant.
//! Must not simulate, read a clock or draw random numbers; it never resamples or smooths a value.

use std::path::Path;

use super::spec::OnEnd;
use crate::error::{Error, Location};

/// A trace's samples as read: `(milliseconds, requests per second)`, times strictly
/// increasing, values finite and 0 or more, at least one sample.
#[derive(Debug)]
pub(crate) struct Samples {
    pub points: Vec<(i64, f64)>,
    /// Where the last sample is written, when the format has lines.
    pub last: Option<Location>,
}

/// The largest time a trace may hold, in seconds (as the scenario's own limit).
use crate::core::time::MAX_SECONDS;

/// At most this many index buckets per sample before the index gets coarser (uneven traces).
const BUCKETS_PER_SAMPLE: usize = 4;

/// A trace as a step function of time: the rate at `τ` (ms from the first sample) is the
/// value of the last sample at or before `τ`; the last sample holds for as long as the gap
/// before it (its bin), and then `on_end` says what follows.
#[derive(Clone, Debug)]
pub(crate) struct Trace {
    times: Vec<i64>,
    values: Vec<f64>,
    /// `cum[i]`: requests over `[0, times[i])`.
    cum: Vec<f64>,
    /// The end of the last bin, in ms from the first sample.
    end: i64,
    /// Requests over `[0, end)`.
    total: f64,
    on_end: OnEnd,
    /// The index: `buckets[k]` is the last sample at or before `k << shift` ms. With
    /// buckets no wider than the smallest gap, a lookup checks one or two samples; a power
    /// of two wide, so finding one is a shift (this runs every simulated second).
    shift: u32,
    buckets: Vec<u32>,
}

impl Trace {
    /// Builds the step function from checked samples (non-empty, times increasing).
    pub(crate) fn new(points: &[(i64, f64)], on_end: OnEnd) -> Trace {
        assert!(!points.is_empty() && points.len() < u32::MAX as usize);
        let first = points[0].0;
        let times: Vec<i64> = points.iter().map(|p| p.0 - first).collect();
        let values: Vec<f64> = points.iter().map(|p| p.1).collect();
        let n = times.len();
        let last_bin = if n >= 2 {
            times[n - 1] - times[n - 2]
        } else {
            0
        };
        let end = times[n - 1] + last_bin;
        let mut cum = Vec::with_capacity(n);
        let mut acc = 0.0;
        for i in 0..n {
            cum.push(acc);
            let next = if i + 1 < n { times[i + 1] } else { end };
            acc += values[i] * (next - times[i]) as f64 / 1000.0;
        }
        let min_gap = times.windows(2).map(|w| w[1] - w[0]).min().unwrap_or(1);
        let cap = (BUCKETS_PER_SAMPLE * n + 1024) as i64;
        // Buckets a power of two wide: the widest not above the smallest gap, unless that
        // makes more than `cap` of them; then the narrowest that makes at most `cap`.
        let fine = 63 - min_gap.max(1).leading_zeros();
        let shift = if end >> fine < cap {
            fine
        } else {
            let narrowest = ((end + cap - 1) / cap).max(1);
            64 - (narrowest - 1).leading_zeros()
        };
        let bucket = 1i64 << shift;
        let count = if end > 0 { (end - 1) / bucket + 1 } else { 0 };
        let mut buckets = Vec::with_capacity(count as usize);
        let mut i = 0;
        for k in 0..count {
            while i + 1 < n && times[i + 1] <= k * bucket {
                i += 1;
            }
            buckets.push(i as u32);
        }
        Trace {
            times,
            values,
            cum,
            end,
            total: acc,
            on_end,
            shift,
            buckets,
        }
    }

    /// The end of the last bin, in ms from the first sample (0 for a one-sample trace).
    pub(crate) fn end(&self) -> i64 {
        self.end
    }

    /// The highest value of any sample.
    pub(crate) fn peak(&self) -> f64 {
        self.values.iter().copied().fold(0.0, f64::max)
    }

    /// The number of samples.
    pub(crate) fn len(&self) -> usize {
        self.times.len()
    }

    /// The sample in force at `τ`, for `0 <= τ < end`.
    fn index(&self, tau: i64) -> usize {
        let k = (tau >> self.shift) as usize;
        let lo = self.buckets[k] as usize;
        let hi = self
            .buckets
            .get(k + 1)
            .map_or(self.times.len() - 1, |&h| h as usize);
        // A bucket holds one or two samples, where a scan beats a binary search; many only
        // where a coarse index meets a burst of samples.
        if hi - lo > 8 {
            return lo + self.times[lo..=hi].partition_point(|&x| x <= tau) - 1;
        }
        let mut i = lo;
        while i < hi && self.times[i + 1] <= tau {
            i += 1;
        }
        i
    }

    /// Requests per second at `τ` ms from the first sample.
    pub(crate) fn rate(&self, tau: i64) -> f64 {
        // A trace of no length never loops (the loader refuses one that is asked to).
        let tau = if self.on_end == OnEnd::Loop && self.end > 0 {
            tau.rem_euclid(self.end)
        } else {
            tau
        };
        if tau < 0 {
            0.0
        } else if tau >= self.end {
            match self.on_end {
                OnEnd::Zero => 0.0,
                _ => self.values[self.values.len() - 1],
            }
        } else {
            self.values[self.index(tau)]
        }
    }

    /// Requests over `[0, τ)` (negative before the first sample is never: the rate there is 0).
    pub(crate) fn cumulative(&self, tau: i64) -> f64 {
        if self.on_end == OnEnd::Loop && self.end > 0 {
            let laps = tau.div_euclid(self.end);
            return laps as f64 * self.total + self.within(tau.rem_euclid(self.end));
        }
        if tau <= 0 {
            0.0
        } else if tau >= self.end {
            let past = match self.on_end {
                OnEnd::Zero => 0.0,
                _ => self.values[self.values.len() - 1] * (tau - self.end) as f64 / 1000.0,
            };
            self.total + past
        } else {
            self.within(tau)
        }
    }

    /// `(rate(a), cumulative(b) - cumulative(a))` for `a < b`, bit for bit, finding the
    /// sample once when `[a, b)` lies in one bin.
    pub(crate) fn rate_and_integral(&self, a: i64, b: i64) -> (f64, f64) {
        if self.on_end == OnEnd::Loop || a < 0 || b > self.end {
            return (self.rate(a), self.cumulative(b) - self.cumulative(a));
        }
        let i = self.index(a);
        let bin_end = self.times.get(i + 1).copied().unwrap_or(self.end);
        let at = |tau: i64| self.cum[i] + self.values[i] * (tau - self.times[i]) as f64 / 1000.0;
        // Up to the bin's end, `at` is `cumulative`: at the end itself it is the very sum
        // that made cum[i + 1] (or the total).
        let upto_b = if b <= bin_end {
            at(b)
        } else {
            self.cumulative(b)
        };
        (self.values[i], upto_b - at(a))
    }

    fn within(&self, tau: i64) -> f64 {
        let i = self.index(tau);
        self.cum[i] + self.values[i] * (tau - self.times[i]) as f64 / 1000.0
    }
}

/// Reads a trace file into text, naming it when it cannot.
pub(crate) fn read_text(path: &Path) -> Result<String, Error> {
    super::read_input(path, super::MAX_TRACE_BYTES)
}

pub(crate) fn input(path: &Path, location: Option<Location>, message: String) -> Error {
    Error::Input {
        path: path.to_path_buf(),
        location,
        message,
    }
}

/// Reads a `time_s,rps` CSV trace.
pub(crate) fn read_csv(path: &Path) -> Result<Samples, Error> {
    parse_csv(&read_text(path)?, path)
}

/// Parses CSV text: a header naming `time_s` and `rps` (other columns are ignored), then one
/// sample a line; `#` starts a comment line. `path` names the file in errors.
pub(crate) fn parse_csv(text: &str, path: &Path) -> Result<Samples, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let lines: Vec<&str> = text.lines().collect();
    let at = |line: u64, field: usize| {
        Some(Location {
            line,
            column: field_column(lines.get(line as usize - 1).copied().unwrap_or(""), field),
        })
    };
    let csv_error = |e: csv::Error| {
        let location = e.position().map(|p| Location {
            line: p.line(),
            column: 1,
        });
        input(path, location, format!("not readable as CSV: {e}"))
    };
    let mut records = reader.records();
    let header = match records.next() {
        Some(record) => record.map_err(csv_error)?,
        None => {
            return Err(input(
                path,
                None,
                "the file is empty; expected a header `time_s,rps` and one sample a line".into(),
            ));
        }
    };
    let header_line = header.position().map_or(1, |p| p.line());
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(time_col), Some(rps_col)) = (column("time_s"), column("rps")) else {
        return Err(input(
            path,
            at(header_line, 0),
            format!(
                "the header is `{}`; expected the columns `time_s,rps` (seconds from the start, requests per second)",
                header.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    };
    let mut points: Vec<(i64, f64)> = Vec::new();
    let mut prev_line = 0;
    for record in records {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |col: usize, name: &str| {
            record.get(col).filter(|s| !s.is_empty()).ok_or_else(|| {
                input(
                    path,
                    at(line, col.min(record.len())),
                    format!(
                        "{name}: missing; expected {} fields as in the header `time_s,rps`",
                        header.len()
                    ),
                )
            })
        };
        let time_text = field(time_col, "time_s")?;
        let rps_text = field(rps_col, "rps")?;
        let time = time_text
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && s.abs() <= MAX_SECONDS)
            .map(|s| (s * 1000.0).round() as i64)
            .ok_or_else(|| {
                input(
                    path,
                    at(line, time_col),
                    format!("time_s: {time_text:?} is not a time; expected seconds from the start of the trace (a number)"),
                )
            })?;
        let rps = check_rate(rps_text)
            .map_err(|m| input(path, at(line, rps_col), format!("rps: {m}")))?;
        if let Some(&(prev, _)) = points.last()
            && let Err(m) = check_order(prev, time, || format!("line {prev_line}"))
        {
            return Err(input(path, at(line, time_col), format!("time_s: {m}")));
        }
        points.push((time, rps));
        prev_line = line;
    }
    if points.is_empty() {
        return Err(input(
            path,
            at(header_line, 0),
            "no samples after the header; expected one `time_s,rps` line per bin".into(),
        ));
    }
    Ok(Samples {
        points,
        last: at(prev_line, time_col),
    })
}

/// A rate written as text: a finite number, 0 or more.
pub(crate) fn check_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_nan() => Err(format!(
            "{text} (not a number); expected requests per second, 0 or more"
        )),
        Ok(v) if v.is_infinite() => Err(format!(
            "{text} is infinite; expected requests per second, 0 or more"
        )),
        Ok(v) if v < 0.0 => Err(format!(
            "{text} is negative; expected requests per second, 0 or more"
        )),
        Ok(v) if v > super::MAX_RPS => Err(format!(
            "{text} is above the limit of {:e} requests per second",
            super::MAX_RPS
        )),
        Ok(v) => Ok(v),
        Err(_) => Err(format!(
            "{text:?} is not a number; expected requests per second, 0 or more"
        )),
    }
}

/// Times must increase strictly: a repeat or a step back names the earlier sample.
pub(crate) fn check_order(
    prev: i64,
    time: i64,
    prev_place: impl FnOnce() -> String,
) -> Result<(), String> {
    let s = |ms: i64| ms as f64 / 1000.0;
    if time == prev {
        Err(format!(
            "{} s repeats the time of {}; expected each time once, in increasing order",
            s(time),
            prev_place()
        ))
    } else if time < prev {
        Err(format!(
            "{} s comes after {} s ({}); expected times in increasing order",
            s(time),
            s(prev),
            prev_place()
        ))
    } else {
        Ok(())
    }
}

/// The 1-based column where field `index` starts on a CSV line (spaces skipped).
fn field_column(line: &str, index: usize) -> u64 {
    let mut start = 0;
    let mut in_quotes = false;
    let mut field = 0;
    for (i, c) in line.char_indices() {
        if field == index {
            break;
        }
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                field += 1;
                start = i + 1;
            }
            _ => {}
        }
    }
    if field < index {
        start = line.len();
    }
    let skipped = line[start..].len() - line[start..].trim_start().len();
    line[..start + skipped].chars().count() as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(points: &[(i64, f64)], on_end: OnEnd) -> Trace {
        Trace::new(points, on_end)
    }

    #[test]
    fn a_value_holds_over_its_bin() {
        let t = trace(
            &[(60_000, 1.0), (120_000, 2.0), (180_000, 4.0)],
            OnEnd::Zero,
        );
        assert_eq!(t.end(), 180_000);
        assert_eq!(t.rate(-1), 0.0);
        assert_eq!(t.rate(0), 1.0);
        assert_eq!(t.rate(59_999), 1.0);
        assert_eq!(t.rate(60_000), 2.0);
        assert_eq!(t.rate(179_999), 4.0);
        assert_eq!(t.rate(180_000), 0.0);
        assert_eq!(t.cumulative(180_000), 420.0);
        assert_eq!(t.cumulative(90_000), 120.0);
        assert_eq!(t.cumulative(10_000_000), 420.0);
    }

    #[test]
    fn past_the_end_hold_loop_or_zero() {
        let points = [(0, 1.0), (10_000, 3.0)];
        let hold = trace(&points, OnEnd::Hold);
        assert_eq!(hold.rate(50_000), 3.0);
        assert_eq!(hold.cumulative(30_000), 10.0 + 30.0 + 30.0);
        let lap = trace(&points, OnEnd::Loop);
        assert_eq!(lap.rate(20_000), 1.0);
        assert_eq!(lap.rate(35_000), 3.0);
        assert_eq!(lap.rate(-5_000), 3.0);
        assert_eq!(lap.cumulative(45_000), 2.0 * 40.0 + 5.0);
        assert_eq!(lap.cumulative(-5_000), -15.0);
        let zero = trace(&points, OnEnd::Zero);
        assert_eq!(zero.rate(20_000), 0.0);
    }

    #[test]
    fn uneven_gaps_are_looked_up_exactly() {
        // Gaps of 1 s and 1000 s: the index coarsens but every lookup stays exact.
        let mut points = vec![];
        let mut t = 0;
        for i in 0..3000 {
            points.push((t, i as f64));
            t += if i % 2 == 0 { 1_000 } else { 1_000_000 };
        }
        let tr = trace(&points, OnEnd::Hold);
        assert!(tr.buckets.len() <= BUCKETS_PER_SAMPLE * 3000 + 1024);
        for (i, &(time, _)) in points.iter().enumerate() {
            assert_eq!(tr.rate(time), i as f64);
            assert_eq!(tr.rate(time + 999), i as f64);
        }
        // A burst of samples a millisecond apart, then a year: many share a bucket.
        let mut burst: Vec<(i64, f64)> = (0..500).map(|i| (i, i as f64)).collect();
        burst.push((365 * 86_400_000, 500.0));
        let tr = trace(&burst, OnEnd::Hold);
        assert!(tr.buckets.len() <= BUCKETS_PER_SAMPLE * burst.len() + 1024);
        for &(time, value) in &burst {
            assert_eq!(tr.rate(time), value);
        }
        assert_eq!(tr.rate(200 * 86_400_000), 499.0);
    }

    #[test]
    fn csv_columns_are_found_by_the_header() {
        let s = parse_csv(
            "# a comment\nrps, time_s\n2.5, 0\n3, 60\n",
            Path::new("x.csv"),
        )
        .unwrap();
        assert_eq!(s.points, vec![(0, 2.5), (60_000, 3.0)]);
        assert_eq!(s.last, Some(Location { line: 4, column: 4 }));
    }

    #[test]
    fn columns_point_at_the_field() {
        assert_eq!(field_column("0,1.5", 0), 1);
        assert_eq!(field_column("0,1.5", 1), 3);
        assert_eq!(field_column("120,  NaN", 1), 7);
        assert_eq!(field_column("120", 1), 4);
    }
}
