//! A run's timeline as timeline.csv writes it, read back by column header: the values a
//! check sees are exactly the file's. Owns "the value at T" (the row at or before T) and
//! the rows of a span; must not compute any figure of its own.

use crate::core::{Span, Time};

/// timeline.csv, parsed: the row times on the scenario clock and each column's values.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// The header, as written.
    pub columns: Vec<String>,
    /// Each row's time on the scenario clock (start + `time_s`).
    pub times: Vec<Time>,
    /// `cells[row][column]`, as written.
    pub cells: Vec<Vec<String>>,
}

impl Timeline {
    /// Parses timeline.csv's bytes; `start` is the scenario's start on its clock.
    pub fn parse(bytes: &[u8], start: Time) -> Result<Timeline, String> {
        let mut reader = csv::Reader::from_reader(bytes);
        let columns: Vec<String> = reader
            .headers()
            .map_err(|e| e.to_string())?
            .iter()
            .map(str::to_string)
            .collect();
        let time_col = columns
            .iter()
            .position(|c| c == "time_s")
            .ok_or("no time_s column")?;
        let (mut times, mut cells) = (vec![], vec![]);
        for record in reader.records() {
            let record = record.map_err(|e| e.to_string())?;
            let row: Vec<String> = record.iter().map(str::to_string).collect();
            let secs: f64 = row
                .get(time_col)
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| format!("bad time_s in row {}", times.len() + 1))?;
            times.push(start.plus(Span::from_millis((secs * 1000.0).round() as i64)));
            cells.push(row);
        }
        Ok(Timeline {
            columns,
            times,
            cells,
        })
    }

    /// The index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The row in force at `t`: the last row at or before it.
    pub fn row_at(&self, t: Time) -> Option<usize> {
        self.times.partition_point(|&rt| rt <= t).checked_sub(1)
    }

    /// The rows in force during `[from, to]`: the row at or before `from`, then every row
    /// up to `to`.
    pub fn rows_during(&self, from: Time, to: Time) -> std::ops::Range<usize> {
        let first = self
            .row_at(from)
            .unwrap_or_else(|| self.times.partition_point(|&rt| rt < from));
        let end = self.times.partition_point(|&rt| rt <= to);
        first..end.max(first)
    }

    /// A cell as a number: a number, a percentage (`46%` is 46), `true`/`false` as 1/0;
    /// empty or other text is missing (NaN).
    pub fn value(&self, row: usize, col: usize) -> f64 {
        let cell = self
            .cells
            .get(row)
            .and_then(|r| r.get(col))
            .map(String::as_str)
            .unwrap_or("");
        match cell {
            "true" => 1.0,
            "false" => 0.0,
            _ => cell
                .strip_suffix('%')
                .unwrap_or(cell)
                .parse()
                .unwrap_or(f64::NAN),
        }
    }
}
