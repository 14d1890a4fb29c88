//! Choosing among trials: the non-dominated feasible ones (the Pareto front), or when none
//! is feasible the least violating, and one pick on the front (the knee, or weights).
//! Pure arithmetic on objective values; must not run or write anything.

/// A trial as the choice sees it.
#[derive(Clone, Debug)]
pub struct Point {
    /// The objectives' values (all minimised; no value is +infinity).
    pub objectives: Vec<f64>,
    /// Keeps every constraint.
    pub feasible: bool,
    /// Total relative violation of the constraints (0 when feasible).
    pub violation: f64,
    /// The configuration is a valid scenario that ran.
    pub valid: bool,
}

/// `a` dominates `b`: no worse in any objective, better in one.
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y)
}

/// The front, as indices into `points` in their order, and whether it is made of
/// feasible points. With no feasible point, the candidates are the valid points with the
/// least total violation; never empty while one point is valid.
pub fn front(points: &[Point]) -> (Vec<usize>, bool) {
    let feasible: Vec<usize> = (0..points.len()).filter(|&i| points[i].feasible).collect();
    let (candidates, any_feasible) = if feasible.is_empty() {
        let least = points
            .iter()
            .filter(|p| p.valid)
            .map(|p| p.violation)
            .fold(f64::INFINITY, f64::min);
        (
            (0..points.len())
                .filter(|&i| points[i].valid && points[i].violation == least)
                .collect::<Vec<_>>(),
            false,
        )
    } else {
        (feasible, true)
    };
    let front = candidates
        .iter()
        .copied()
        .filter(|&i| {
            !candidates
                .iter()
                .any(|&j| dominates(&points[j].objectives, &points[i].objectives))
        })
        .collect();
    (front, any_feasible)
}

/// Each objective scaled to 0..1 over the front (0 where the front does not vary).
fn normalised(front: &[usize], points: &[Point]) -> Vec<Vec<f64>> {
    let n = points
        .get(front.first().copied().unwrap_or(0))
        .map_or(0, |p| p.objectives.len());
    let range: Vec<(f64, f64)> = (0..n)
        .map(|k| {
            front
                .iter()
                .map(|&i| points[i].objectives[k])
                .filter(|x| x.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                    (lo.min(x), hi.max(x))
                })
        })
        .collect();
    front
        .iter()
        .map(|&i| {
            points[i]
                .objectives
                .iter()
                .zip(&range)
                .map(|(x, (lo, hi))| {
                    if !x.is_finite() {
                        1.0
                    } else if hi > lo {
                        (x - lo) / (hi - lo)
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect()
}

/// The knee: the front's point closest (Euclidean) to the ideal point once each objective
/// is scaled to 0..1 over the front; ties go to the earliest. `None` for an empty front.
pub fn knee(front: &[usize], points: &[Point]) -> Option<usize> {
    let scaled = normalised(front, points);
    pick_min(
        front,
        scaled.iter().map(|s| s.iter().map(|x| x * x).sum::<f64>()),
    )
}

/// The front's point with the least weighted sum of its scaled objectives.
pub fn weighted(front: &[usize], points: &[Point], weights: &[f64]) -> Option<usize> {
    let scaled = normalised(front, points);
    pick_min(
        front,
        scaled
            .iter()
            .map(|s| s.iter().zip(weights).map(|(x, w)| x * w).sum::<f64>()),
    )
}

fn pick_min(front: &[usize], scores: impl Iterator<Item = f64>) -> Option<usize> {
    front
        .iter()
        .zip(scores)
        .fold(None, |best: Option<(usize, f64)>, (&i, s)| match best {
            Some((_, b)) if b <= s => best,
            _ => Some((i, s)),
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(objectives: &[f64], feasible: bool, violation: f64) -> Point {
        Point {
            objectives: objectives.to_vec(),
            feasible,
            violation,
            valid: true,
        }
    }

    #[test]
    fn the_front_keeps_only_non_dominated_feasible_points() {
        let points = [
            p(&[1.0, 5.0], true, 0.0),
            p(&[2.0, 2.0], true, 0.0),
            p(&[3.0, 2.0], true, 0.0), // dominated by [2, 2]
            p(&[5.0, 1.0], true, 0.0),
            p(&[0.0, 0.0], false, 1.0), // best, but infeasible
            p(&[2.0, 2.0], true, 0.0),  // a tie: neither dominates
        ];
        assert_eq!(front(&points), (vec![0, 1, 3, 5], true));
        assert_eq!(knee(&[0, 1, 3, 5], &points), Some(1));
        assert_eq!(weighted(&[0, 1, 3, 5], &points, &[1.0, 0.0]), Some(0));
        assert_eq!(weighted(&[0, 1, 3, 5], &points, &[0.0, 1.0]), Some(3));
    }

    #[test]
    fn with_nothing_feasible_the_least_violating_points_form_the_front() {
        let points = [
            p(&[1.0, 1.0], false, 0.5),
            p(&[2.0, 0.5], false, 0.2),
            p(&[3.0, 0.1], false, 0.2),
            p(&[4.0, 0.2], false, 0.2),
        ];
        assert_eq!(front(&points), (vec![1, 2], false));
    }
}
