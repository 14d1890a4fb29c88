//! Pure helpers behind the charts: time ticks on the scenario's clock, number labels,
//! and thinning long series to what a plot can show.

/// Tick spacings a person reads without arithmetic, in seconds.
const STEPS: [f64; 21] = [
    1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
    10800.0, 21600.0, 43200.0, 86400.0, 172800.0, 345600.0, 604800.0,
];

/// Ticks for `t0..=t1` (seconds since the start) that fall on round times of the clock
/// (`offset` is the clock at t = 0), at most `max_ticks` of them; also the spacing.
pub(crate) fn time_ticks(offset: f64, t0: f64, t1: f64, max_ticks: usize) -> (Vec<f64>, f64) {
    let span = t1 - t0;
    if !(span.is_finite() && span > 0.0 && offset.is_finite()) {
        return (vec![t0], 60.0);
    }
    let max_ticks = max_ticks.max(2) as f64;
    let step = STEPS
        .iter()
        .copied()
        .find(|s| span / s <= max_ticks)
        // Beyond the table (runs of months): whole weeks.
        .unwrap_or_else(|| (span / max_ticks / 604800.0).ceil() * 604800.0);
    let first = ((offset + t0) / step).ceil();
    let last = ((offset + t1) / step).floor();
    let mut ticks = vec![];
    let mut k = first;
    // Bounded: at most max_ticks + 1 ticks by the choice of step.
    while k <= last && ticks.len() <= max_ticks as usize + 1 {
        ticks.push(k * step - offset);
        k += 1.0;
    }
    (ticks, step)
}

/// A clock label for `clock_s` seconds after the scenario's midnight: "11:30", or
/// "11:30:15" when ticks are closer than a minute; later days read "d1 03:00".
pub(crate) fn clock_label(clock_s: f64, step: f64) -> String {
    if !clock_s.is_finite() {
        return String::new();
    }
    // Axis positions are rounded to the nearest second, not truncated.
    let t = crate::core::Time::from_secs(clock_s.round() as i64);
    crate::units::clock(
        t,
        crate::units::ClockStyle::Axis {
            seconds: step < 60.0,
        },
    )
}

/// A short label for an axis value: "1.2k" from ten thousand up, decimals only as many
/// as the axis range needs.
pub(crate) fn number_label(v: f64, range: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let a = v.abs();
    let short = |x: f64, suffix: &str| {
        let s = format!("{x:.1}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        format!("{s}{suffix}")
    };
    if a >= 1e9 {
        short(v / 1e9, "G")
    } else if a >= 1e6 {
        short(v / 1e6, "M")
    } else if a >= 1e4 {
        short(v / 1e3, "k")
    } else {
        let decimals = if range < 0.1 {
            3
        } else if range < 1.0 {
            2
        } else if range < 10.0 {
            1
        } else {
            0
        };
        let s = format!("{v:.decimals$}");
        let s = if decimals > 0 {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        if s == "-0" { "0".into() } else { s }
    }
}

/// The largest finite value, if any.
pub(crate) fn max_finite(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |m, v| Some(m.map_or(v, |m: f64| m.max(v))))
}

/// The smallest finite value, if any.
pub(crate) fn min_finite(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |m, v| Some(m.map_or(v, |m: f64| m.min(v))))
}

/// A y range from 0 (or the lowest value, if negative) to a little above the highest,
/// never empty.
pub(crate) fn y_range(values: impl IntoIterator<Item = f64> + Clone) -> (f64, f64) {
    let hi = max_finite(values.clone()).unwrap_or(1.0);
    let lo = min_finite(values).unwrap_or(0.0).min(0.0);
    let hi = if hi <= lo { lo + 1.0 } else { hi };
    // Headroom so the highest line does not run along the frame.
    (lo * 1.08, hi + (hi - lo) * 0.08)
}

/// The latency axis goes logarithmic when its highest value is more than this many
/// times the reference (the SLO, or the median value): a spike of seconds would
/// otherwise flatten a threshold of a few hundred milliseconds into the axis.
pub(crate) const LOG_WHEN: f64 = 5.0;

/// Whether `values` need a log axis against `reference` (the SLO; without one, the
/// median of the positive values): see [`LOG_WHEN`].
pub(crate) fn wants_log(values: impl IntoIterator<Item = f64>, reference: Option<f64>) -> bool {
    let mut v: Vec<f64> = values
        .into_iter()
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let Some(hi) = max_finite(v.iter().copied()) else {
        return false;
    };
    let reference = match reference.filter(|r| r.is_finite() && *r > 0.0) {
        Some(r) => r,
        None => {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        }
    };
    hi > LOG_WHEN * reference
}

/// A log axis's range, as log10 of the values: from a little below the lowest positive
/// value to a little above the highest.
pub(crate) fn log_range(values: impl IntoIterator<Item = f64> + Clone) -> (f64, f64) {
    let positive = |v: &f64| v.is_finite() && *v > 0.0;
    let lo = min_finite(values.clone().into_iter().filter(positive)).unwrap_or(1.0);
    let hi = max_finite(values.into_iter().filter(positive)).unwrap_or(10.0);
    let (lo, hi) = (lo.log10(), hi.log10().max(lo.log10() + 0.3));
    let pad = (hi - lo) * 0.06;
    (lo - pad, hi + pad)
}

/// Ticks on a log axis from `lo` to `hi` (values, not logs): 1-2-5 of each power of ten,
/// else 1-3, else the powers alone (every second or third when even those crowd), at
/// most `max_ticks`.
pub(crate) fn log_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && hi > lo) {
        return vec![];
    }
    let max_ticks = max_ticks.max(2);
    let (p0, p1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let gather = |mults: &[f64], every: i32| -> Vec<f64> {
        (p0..=p1)
            .filter(|p| (p - p0) % every == 0 || mults.len() > 1)
            .flat_map(|p| mults.iter().map(move |m| m * 10f64.powi(p)))
            .filter(|v| (lo..=hi).contains(v))
            .collect()
    };
    for mults in [&[1.0, 2.0, 5.0][..], &[1.0, 3.0]] {
        let ticks = gather(mults, 1);
        if ticks.len() <= max_ticks && ticks.len() >= 2 {
            return ticks;
        }
    }
    (1..)
        .map(|every| gather(&[1.0], every))
        .find(|t| t.len() <= max_ticks)
        .unwrap_or_default()
}

/// A series as the polylines to draw: breaks where a value is missing or not finite,
/// and at most about four points per bucket (`buckets` across `t0..t1`; the first,
/// lowest, highest and last of each), so a week of seconds draws as fast as an hour
/// and spikes survive.
pub(crate) fn thin(
    times: &[f64],
    value: impl Fn(usize) -> Option<f64>,
    t0: f64,
    t1: f64,
    buckets: usize,
) -> Vec<Vec<(f64, f64)>> {
    let buckets = buckets.max(1) as f64;
    let width = if t1 > t0 { t1 - t0 } else { 1.0 };
    let bucket_of = |t: f64| ((t - t0) / width * buckets).floor() as i64;
    let mut segments = vec![];
    let mut seg: Vec<(f64, f64)> = vec![];
    // The current bucket: index, and its first, lowest, highest and last point (by row).
    type Bucket = (i64, [(usize, (f64, f64)); 4]);
    let mut cur: Option<Bucket> = None;
    let flush = |seg: &mut Vec<(f64, f64)>, cur: &mut Option<Bucket>| {
        if let Some((_, pts)) = cur.take() {
            let mut pts = pts.to_vec();
            pts.sort_by_key(|(i, _)| *i);
            pts.dedup_by_key(|(i, _)| *i);
            seg.extend(pts.into_iter().map(|(_, p)| p));
        }
    };
    for (i, &t) in times.iter().enumerate() {
        let v = value(i).filter(|v| v.is_finite());
        let Some(v) = v.filter(|_| t.is_finite()) else {
            flush(&mut seg, &mut cur);
            if !seg.is_empty() {
                segments.push(std::mem::take(&mut seg));
            }
            continue;
        };
        let b = bucket_of(t);
        let p = (i, (t, v));
        match &mut cur {
            Some((cb, pts)) if *cb == b => {
                if v < pts[1].1.1 {
                    pts[1] = p;
                }
                if v > pts[2].1.1 {
                    pts[2] = p;
                }
                pts[3] = p;
            }
            _ => {
                flush(&mut seg, &mut cur);
                cur = Some((b, [p; 4]));
            }
        }
    }
    flush(&mut seg, &mut cur);
    if !seg.is_empty() {
        segments.push(seg);
    }
    segments
}

/// One bucket of a dense series: its mean time, lowest, mean and highest value.
pub(crate) type Summary = (f64, f64, f64, f64);

/// A dense series (many rows per pixel) as one summary per bucket, broken where a value
/// is missing: drawn as a min-max band around the mean, which reads better than a
/// zigzag through every second.
pub(crate) fn envelope(
    times: &[f64],
    value: impl Fn(usize) -> Option<f64>,
    t0: f64,
    t1: f64,
    buckets: usize,
) -> Vec<Vec<Summary>> {
    let nb = buckets.max(1) as f64;
    let width = if t1 > t0 { t1 - t0 } else { 1.0 };
    let mut segments = vec![];
    let mut seg: Vec<Summary> = vec![];
    // The open bucket: index, count, sum of times, lowest, sum of values, highest.
    type Open = (i64, f64, f64, f64, f64, f64);
    let mut cur: Option<Open> = None;
    let close = |seg: &mut Vec<Summary>, cur: &mut Option<Open>| {
        if let Some((_, n, st, lo, sv, hi)) = cur.take() {
            seg.push((st / n, lo, sv / n, hi));
        }
    };
    for (i, &t) in times.iter().enumerate() {
        let Some(v) = value(i).filter(|v| v.is_finite() && t.is_finite()) else {
            close(&mut seg, &mut cur);
            if !seg.is_empty() {
                segments.push(std::mem::take(&mut seg));
            }
            continue;
        };
        let b = ((t - t0) / width * nb).floor() as i64;
        match &mut cur {
            Some((cb, n, st, lo, sv, hi)) if *cb == b => {
                *n += 1.0;
                *st += t;
                *lo = lo.min(v);
                *sv += v;
                *hi = hi.max(v);
            }
            _ => {
                close(&mut seg, &mut cur);
                cur = Some((b, 1.0, t, v, v, v));
            }
        }
    }
    close(&mut seg, &mut cur);
    if !seg.is_empty() {
        segments.push(seg);
    }
    segments
}

/// A step series (values that change rarely, such as maxReplicas) as the corners of its
/// steps: few points, drawn with square corners.
pub(crate) fn steps(times: &[f64], value: impl Fn(usize) -> Option<f64>) -> Vec<Vec<(f64, f64)>> {
    let mut segments = vec![];
    let mut seg: Vec<(f64, f64)> = vec![];
    let mut last_t = None;
    for (i, &t) in times.iter().enumerate() {
        match value(i).filter(|v| v.is_finite() && t.is_finite()) {
            Some(v) => {
                match seg.last().copied() {
                    Some((_, pv)) if pv == v => {}
                    Some((_, pv)) => {
                        seg.push((t, pv));
                        seg.push((t, v));
                    }
                    None => seg.push((t, v)),
                }
                last_t = Some((t, v));
            }
            None => {
                if let Some(end) = last_t.take() {
                    seg.push(end);
                }
                if !seg.is_empty() {
                    segments.push(std::mem::take(&mut seg));
                }
            }
        }
    }
    if let Some(end) = last_t {
        seg.push(end);
    }
    if !seg.is_empty() {
        segments.push(seg);
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_fall_on_round_clock_times() {
        // A run from 11:07 for 2 h: ticks on the quarter or half hour, labelled as clock times.
        let offset = 11.0 * 3600.0 + 7.0 * 60.0;
        let (ticks, step) = time_ticks(offset, 0.0, 7200.0, 10);
        assert_eq!(step, 900.0);
        let labels: Vec<String> = ticks
            .iter()
            .map(|t| clock_label(offset + t, step))
            .collect();
        assert_eq!(labels.first().map(String::as_str), Some("11:15"));
        assert_eq!(labels.last().map(String::as_str), Some("13:00"));
        assert!(ticks.len() <= 10);
    }

    #[test]
    fn ticks_scale_from_half_an_hour_to_a_week() {
        for (span, max, want) in [
            (1800.0, 10, 300.0),
            (4.0 * 3600.0, 10, 1800.0),
            (72.0 * 3600.0, 10, 43200.0),
            (7.0 * 86400.0, 10, 86400.0),
            (120.0, 10, 15.0),
        ] {
            let (ticks, step) = time_ticks(0.0, 0.0, span, max);
            assert_eq!(step, want, "span {span}");
            assert!(ticks.len() <= max + 1 && ticks.len() >= 2, "span {span}");
        }
    }

    #[test]
    fn degenerate_ranges_give_one_tick_and_no_panic() {
        assert_eq!(time_ticks(0.0, 5.0, 5.0, 10).0, vec![5.0]);
        assert_eq!(time_ticks(0.0, 0.0, f64::NAN, 10).0, vec![0.0]);
    }

    #[test]
    fn later_days_are_prefixed() {
        assert_eq!(clock_label(41400.0, 900.0), "11:30");
        assert_eq!(clock_label(86400.0 + 3.0 * 3600.0, 3600.0), "d1 03:00");
        assert_eq!(clock_label(2.0 * 86400.0, 43200.0), "d2 00:00");
        assert_eq!(clock_label(41415.0, 15.0), "11:30:15");
        assert_eq!(clock_label(f64::NAN, 60.0), "");
    }

    #[test]
    fn numbers_read_short() {
        assert_eq!(number_label(1200.0, 1500.0), "1200");
        assert_eq!(number_label(25000.0, 30000.0), "25k");
        assert_eq!(number_label(2.5e8, 3e8), "250M");
        assert_eq!(number_label(0.25, 0.6), "0.25");
        assert_eq!(number_label(2.5, 6.0), "2.5");
        assert_eq!(number_label(-0.0, 10.0), "0");
    }

    #[test]
    fn thinning_keeps_spikes_and_breaks_at_gaps() {
        let times: Vec<f64> = (0..10_000).map(f64::from).collect();
        let value = |i: usize| match i {
            5000 => Some(100.0),
            7000..=7009 => None,
            8000 => Some(f64::NAN),
            _ => Some(1.0),
        };
        let segs = thin(&times, value, 0.0, 10_000.0, 100);
        assert_eq!(segs.len(), 3, "split at the gap and at NaN");
        let points: usize = segs.iter().map(Vec::len).sum();
        assert!(points <= 4 * 100 + 8, "{points} points");
        assert!(segs[0].iter().any(|&(t, v)| t == 5000.0 && v == 100.0));
        assert!(segs.iter().flatten().all(|(_, v)| v.is_finite()));
    }

    #[test]
    fn envelopes_summarize_each_bucket() {
        let times: Vec<f64> = (0..1000).map(f64::from).collect();
        let segs = envelope(&times, |i| Some((i % 10) as f64), 0.0, 1000.0, 100);
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].len(), 100);
        let (t, lo, mean, hi) = segs[0][0];
        assert_eq!((t, lo, mean, hi), (4.5, 0.0, 4.5, 9.0));
        let gaps = envelope(&times, |i| (i != 500).then_some(1.0), 0.0, 1000.0, 100);
        assert_eq!(gaps.len(), 2);
    }

    #[test]
    fn steps_keep_only_the_corners() {
        let times: Vec<f64> = (0..100).map(f64::from).collect();
        let segs = steps(&times, |i| Some(if i < 50 { 10.0 } else { 20.0 }));
        assert_eq!(
            segs,
            vec![vec![(0.0, 10.0), (50.0, 10.0), (50.0, 20.0), (99.0, 20.0)]]
        );
    }

    #[test]
    fn y_ranges_are_never_empty() {
        assert_eq!(y_range([f64::NAN]), (0.0, 1.08));
        let (lo, hi) = y_range([0.0, 0.0]);
        assert!(hi > lo);
        let (lo, hi) = y_range([3.0, 10.0]);
        assert_eq!(lo, 0.0);
        assert!(hi > 10.0);
    }

    #[test]
    fn the_latency_axis_goes_log_only_when_a_spike_dwarfs_the_reference() {
        // (values, SLO, log?)
        let cases: [(&[f64], Option<f64>, bool); 6] = [
            (&[20.0, 80.0, 250.0, 400.0], Some(300.0), false),
            (&[20.0, 80.0, 250.0, 5000.0], Some(300.0), true),
            (&[20.0, 80.0, 1500.0], Some(300.0), false),
            (&[20.0, 80.0, 1501.0], Some(300.0), true),
            (&[20.0, 30.0, 40.0, 900.0], None, true),
            (&[], Some(300.0), false),
        ];
        for (values, slo, log) in cases {
            assert_eq!(
                wants_log(values.iter().copied(), slo),
                log,
                "{values:?} {slo:?}"
            );
        }
    }

    #[test]
    fn log_ticks_are_round_and_within_the_range_and_never_crowd() {
        // (lo, hi, max ticks, expected)
        let cases: [(f64, f64, usize, &[f64]); 4] = [
            (8.0, 600.0, 8, &[10.0, 20.0, 50.0, 100.0, 200.0, 500.0]),
            (8.0, 6000.0, 6, &[10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0]),
            (8.0, 6000.0, 4, &[10.0, 100.0, 1000.0]),
            (0.5, 600_000.0, 3, &[10.0, 1000.0, 100_000.0]),
        ];
        for (lo, hi, max, want) in cases {
            assert_eq!(log_ticks(lo, hi, max), want, "{lo}..{hi} max {max}");
        }
        let (a, b) = log_range([10.0, 5000.0, 0.0, f64::NAN]);
        assert!(a < 1.0 && b > 5000f64.log10(), "{a} {b}");
    }
}
