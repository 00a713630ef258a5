//! Sampling arithmetic shared by the native bench (`benches/primitives.rs`) and the browser
//! bench module (`www/bench`): calibration of a sample to about [`SAMPLE_NS`], quartiles and
//! per-round ratios. Both include this file with `#[path]`, like `workloads/mod.rs`.

/// Target duration of one sample: a few ms, under a scheduler time slice, and many times the
/// coarsest clock in play (the browser's `performance.now()`, 5 µs in a cross-origin isolated
/// page, 100 µs otherwise).
pub const SAMPLE_NS: u64 = 2_000_000;

/// Target duration of one sample of a contended row (issue 11): ten times [`SAMPLE_NS`], so
/// that a sample spans several scheduler time slices. With more threads than cores (2 here),
/// a 2 ms sample mostly runs the threads one after another, and measures the time slicing
/// rather than the lock; over ~20 ms they contend for real.
pub const CONTENDED_SAMPLE_NS: u64 = 20_000_000;

/// The sample target of a row: [`CONTENDED_SAMPLE_NS`] for contended rows, else [`SAMPLE_NS`].
pub fn sample_ns(contended: bool) -> u64 {
    if contended {
        CONTENDED_SAMPLE_NS
    } else {
        SAMPLE_NS
    }
}

/// Iterations for one sample of about `target` ns (see [`sample_ns`]): doubles until a run
/// takes half of it, then scales. `run(n)` returns the elapsed ns of `n` iterations, or `None`
/// when it cannot run.
pub fn calibrate(target: u64, mut run: impl FnMut(u64) -> Option<u64>) -> Option<u64> {
    let mut iters = 1u64;
    loop {
        let t = run(iters)?.max(1);
        if t >= target / 2 || iters >= 1 << 40 {
            return Some(((iters as u128 * target as u128) / t as u128).max(1) as u64);
        }
        iters *= 2;
    }
}

/// Serialized as `{"p25": …, "median": …, "p75": …}` in the JSON both benches write.
#[derive(serde::Serialize)]
pub struct Quartiles {
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
}

/// The 25th, 50th and 75th percentiles of `xs` (not empty), interpolating linearly between
/// the closest ranks.
pub fn quartiles(xs: &[f64]) -> Quartiles {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| {
        let pos = q * (v.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
    };
    Quartiles {
        p25: at(0.25),
        median: at(0.5),
        p75: at(0.75),
    }
}

pub fn median(xs: &[f64]) -> f64 {
    quartiles(xs).median
}

/// The quartiles of `num[r] / den[r]` over the rounds `r`.
pub fn round_ratios(num: &[f64], den: &[f64]) -> Quartiles {
    let ratios: Vec<f64> = num.iter().zip(den).map(|(n, d)| n / d).collect();
    quartiles(&ratios)
}
