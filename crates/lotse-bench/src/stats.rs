//! Small statistics and process readings shared by the benchmarks.

use std::time::{Duration, Instant};

/// Wall-clock and on-CPU time of one run.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub wall: Duration,
    /// Time this thread actually ran on a CPU. On a shared, busy machine wall time includes
    /// waiting for a core; CPU time does not, so it is the steadier figure for single-threaded
    /// throughput.
    pub cpu: Duration,
}

/// Runs `f` `runs` times and returns the median wall and the median CPU time.
pub fn time_runs(runs: usize, mut f: impl FnMut()) -> Timing {
    let mut wall = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (start, start_cpu) = (Instant::now(), thread_cpu_time());
        f();
        wall.push(start.elapsed());
        cpu.push(thread_cpu_time().saturating_sub(start_cpu));
    }
    Timing { wall: median(&mut wall), cpu: median(&mut cpu) }
}

/// The median of durations.
pub fn median(d: &mut [Duration]) -> Duration {
    d.sort();
    d[d.len() / 2]
}

/// Time the calling thread has spent on a CPU, from `/proc/thread-self/schedstat`
/// (nanoseconds); zero where that file does not exist.
pub fn thread_cpu_time() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// Peak resident set size of this process in MiB (Linux `VmHWM`), if readable.
pub fn peak_rss_mib() -> Option<f64> {
    status_mib("VmHWM")
}

/// Current resident set size in MiB (`VmRSS`).
pub fn rss_mib() -> Option<f64> {
    status_mib("VmRSS")
}

/// The part of the resident set that is memory of its own (`RssAnon`: heap and stacks), as
/// against pages of memory-mapped files (`RssFile`: the index as it was read, which the
/// kernel can drop and read again).
pub fn rss_anon_mib() -> Option<f64> {
    status_mib("RssAnon")
}

/// A size line of `/proc/self/status` in MiB.
fn status_mib(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
