//! What the runs of one thread may share (a sweep's runs of one scenario): each second's
//! request rate and arrivals, drawn once per load, seed and span, and the buffer of the
//! per-second record, handed back after each run. Sharing changes no figure: a second's
//! rate and arrivals are a pure function of the load, the seed and the second (the
//! arrivals' random stream is drawn once a second and by nothing else), and a buffer is
//! emptied before it is filled again.

use super::record::{Record, SecondFigures};
use crate::core::Time;
use crate::load::Load;

/// Loads (with seed and span) whose seconds are remembered: a sweep on a few seeds meets
/// each of them at every configuration.
const REMEMBERED_DRAWS: usize = 4;

/// One load's seconds on one seed over one span: (rate, arrivals) by second.
struct Draws {
    load: Load,
    seed: u64,
    start: Time,
    end: Time,
    seconds: Vec<(f64, f64)>,
}

/// What a thread's runs share; see the module doc. Pass it to [`super::run_sharing`].
#[derive(Default)]
pub struct Shared {
    /// The loads met lately, newest last.
    draws: Vec<Draws>,
    /// The last run's per-second record, handed back (see [`Shared::keep`]).
    seconds: Vec<SecondFigures>,
}

/// Where a run finds its seconds' draws: remembered, or to be drawn and remembered.
pub(super) enum Draw<'s> {
    Remembered(&'s [(f64, f64)]),
    Drawing(Vec<(f64, f64)>),
}

impl Shared {
    /// Hands back a judged run's per-second record, for the next run to fill.
    pub fn keep(&mut self, record: Record) {
        self.seconds = record.seconds;
    }

    /// An empty per-second record with room for `seconds` seconds.
    pub(super) fn seconds(&mut self, seconds: usize) -> Vec<SecondFigures> {
        let mut v = std::mem::take(&mut self.seconds);
        v.clear();
        v.reserve(seconds);
        v
    }

    /// The remembered draws of `load` on `seed` from `start` to `end`, else a buffer to draw
    /// them into (handed to [`Shared::remember`] at the run's end).
    pub(super) fn draws(&self, load: &Load, seed: u64, start: Time, end: Time) -> Draw<'_> {
        match self
            .draws
            .iter()
            .find(|d| d.seed == seed && d.start == start && d.end == end && d.load.is_same(load))
        {
            Some(d) => Draw::Remembered(&d.seconds),
            None => Draw::Drawing(Vec::new()),
        }
    }

    /// Remembers a whole run's draws (the oldest forgotten beyond [`REMEMBERED_DRAWS`]).
    pub(super) fn remember(
        &mut self,
        load: &Load,
        seed: u64,
        start: Time,
        end: Time,
        seconds: Vec<(f64, f64)>,
    ) {
        if self.draws.len() >= REMEMBERED_DRAWS {
            self.draws.remove(0);
        }
        self.draws.push(Draws {
            load: load.clone(),
            seed,
            start,
            end,
            seconds,
        });
    }
}
