//! Noise on arrivals: Poisson counts and a lognormal jitter of mean 1.
//!
//! Owns turning an interval's expected number of requests into a random count.
//! Must not simulate or read a clock; every draw comes from the rng passed in, in a fixed order.

use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Poisson};

use super::spec::NoiseSpec;

/// The noise of a whole load: the `noise` entries of `load:` merged.
#[derive(Clone, Debug, Default)]
pub(crate) struct Noise {
    poisson: bool,
    /// The jitter's spread (0 for none): what `jitter` is made from, kept to compare noises.
    sigma: f64,
    /// The jitter's lognormal; `None` for no jitter.
    jitter: Option<LogNormal<f64>>,
}

/// The same noise: the same Poisson and a jitter of the same sigma to the bit (the
/// lognormal is made from it), so that a run on the same seed draws the same counts.
impl PartialEq for Noise {
    fn eq(&self, other: &Noise) -> bool {
        self.poisson == other.poisson && self.sigma.to_bits() == other.sigma.to_bits()
    }
}

impl Noise {
    /// Merges `noise` entries: Poisson if any asks for it; independent jitters multiply,
    /// which is one lognormal of mean 1 with `sigma² = Σ sigmaᵢ²`.
    pub(crate) fn merge(specs: &[&NoiseSpec]) -> Noise {
        let poisson = specs.iter().any(|s| s.poisson);
        let sigma = merged_sigma(specs);
        let jitter = (sigma > 0.0).then(|| {
            LogNormal::new(-sigma * sigma / 2.0, sigma).expect("sigma is finite and positive")
        });
        Noise {
            poisson,
            sigma: if jitter.is_some() { sigma } else { 0.0 },
            jitter,
        }
    }

    /// Whether any noise is asked for.
    pub(crate) fn is_noisy(&self) -> bool {
        self.poisson || self.jitter.is_some()
    }

    /// A random count around `mean` requests: the jitter first (one draw), then Poisson
    /// around the jittered mean (draws as the sampler needs; none when the mean is 0).
    /// Without noise it is `mean`, and draws nothing.
    pub(crate) fn apply(&self, mean: f64, rng: &mut ChaCha8Rng) -> f64 {
        let mean = match &self.jitter {
            Some(jitter) => mean * jitter.sample(rng),
            None => mean,
        };
        if !self.poisson || mean <= 0.0 {
            return mean;
        }
        match Poisson::new(mean) {
            Ok(poisson) => poisson.sample(rng),
            // Beyond 1.8e19 requests in one interval the relative spread is below 1e-9.
            Err(_) => mean,
        }
    }
}

/// The sigma of the product of independent lognormal jitters: `sqrt(Σ sigmaᵢ²)`.
fn merged_sigma(specs: &[&NoiseSpec]) -> f64 {
    specs
        .iter()
        .filter_map(|s| s.lognormal.as_ref())
        .map(|l| l.sigma * l.sigma)
        .sum::<f64>()
        .sqrt()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::super::spec::LogNormalNoise;
    use super::*;

    #[test]
    fn jitters_merge_into_one_of_mean_one() {
        let a = NoiseSpec {
            poisson: false,
            lognormal: Some(LogNormalNoise { sigma: 0.3 }),
        };
        let b = NoiseSpec {
            poisson: true,
            lognormal: Some(LogNormalNoise { sigma: 0.4 }),
        };
        let noise = Noise::merge(&[&a, &b]);
        assert!(noise.poisson);
        assert!((merged_sigma(&[&a, &b]) - 0.5).abs() < 1e-12);
        let jitter_only = Noise {
            poisson: false,
            ..noise.clone()
        };
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let n = 200_000;
        let mean: f64 = (0..n)
            .map(|_| jitter_only.apply(1.0, &mut rng))
            .sum::<f64>()
            / n as f64;
        // The sample mean of a lognormal with sigma 0.5 has a standard error of 0.0012.
        assert!((mean - 1.0).abs() < 0.006, "mean factor {mean}");
    }

    #[test]
    fn no_noise_is_the_mean() {
        let noise = Noise::merge(&[]);
        assert!(!noise.is_noisy());
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(noise.apply(12.5, &mut rng), 12.5);
    }
}
