//! The scenario generator: small random scenarios that nobody picked.
//!
//! A seed gives one scenario, always the same, in the runner's job-list syntax (see
//! [`crate::scenario`]): a cluster family (a set of partitions of the harness's
//! `cluster.conf.in`, each family a kind of site: every partition whole-node and one user
//! per node as at Inserm; shared nodes; overlapping partitions with tiers and caps; typed
//! and untyped GPUs), 3 to 15 jobs of several users with sizes, memory, GPUs, time limits,
//! `-w`/`-x`, features, multi-partition lists, dependencies, arrays with throttles, holds
//! and nice values, submitted over a few seconds, and actions (drained nodes, holds,
//! releases, cancels). Jobs either outlive the scenario (their plans are compared) or end
//! within it after a few seconds (what starts behind them is compared).
//!
//! The text of a recorded scenario is kept with its observation
//! (`generated/gNNNNN.jobs`), so a later change of this generator never invalidates a
//! recording: it only changes what new seeds explore. [`VERSION`] goes into each text.

use std::fmt::Write as _;

/// Bumped whenever a seed would give a different scenario.
pub const VERSION: u32 = 1;

/// splitmix64: small, seedable and the same on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True with probability `percent` %.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        // Callers never pass an empty slice: every table below is non-empty.
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// One kind of node of the harness's cluster.
#[derive(Debug, Clone, Copy)]
struct Group {
    nodes: &'static [&'static str],
    cpus: u64,
    /// MiB.
    memory: u64,
    /// GPUs per node, and their type (`None`: untyped).
    gpus: u64,
    gpu_type: Option<&'static str>,
    /// Features a `-C` may ask for.
    features: &'static [&'static str],
}

const H100: Group = Group {
    nodes: &["h100-1"],
    cpus: 32,
    memory: 262_144,
    gpus: 2,
    gpu_type: Some("h100"),
    features: &[],
};
const A40: Group = Group {
    nodes: &["a40-1", "a40-2"],
    cpus: 16,
    memory: 131_072,
    gpus: 1,
    gpu_type: Some("a40"),
    features: &[],
};
const A100: Group = Group {
    nodes: &[
        "a100-01", "a100-02", "a100-03", "a100-04", "a100-05", "a100-06", "a100-07", "a100-08",
        "a100-09", "a100-10", "a100-11", "a100-12", "a100-13", "a100-14",
    ],
    cpus: 6,
    memory: 49_152,
    gpus: 1,
    gpu_type: None,
    features: &[],
};
const CPU16: Group = Group {
    nodes: &["cpu16-1", "cpu16-2", "cpu16-3", "cpu16-4"],
    cpus: 16,
    memory: 131_072,
    gpus: 0,
    gpu_type: None,
    features: &[],
};
const CPU4: Group = Group {
    nodes: &["cpu4-1", "cpu4-2", "cpu4-3", "cpu4-4"],
    cpus: 4,
    memory: 32_768,
    gpus: 0,
    gpu_type: None,
    features: &[
        "intel",
        "amd",
        "ib",
        "intel&ib",
        "amd&ib",
        "amd|intel",
        "intel|amd",
    ],
};

/// A partition a family uses: its name and what its nodes are.
#[derive(Debug, Clone, Copy)]
struct Part {
    name: &'static str,
    /// Its nodes, as groups (a partition may span two kinds).
    groups: &'static [Group],
    /// OverSubscribe=EXCLUSIVE: `--exclusive` adds nothing.
    whole: bool,
}

impl Part {
    fn nodes(&self) -> Vec<&'static str> {
        self.groups
            .iter()
            .flat_map(|g| g.nodes.iter().copied())
            .collect()
    }

    /// The group sizes are drawn from (the largest node's, so that most requests fit).
    fn main_group(&self) -> Group {
        *self.groups.iter().max_by_key(|g| g.cpus).unwrap_or(&CPU4)
    }

    fn gpus(&self) -> bool {
        self.groups.iter().any(|g| g.gpus > 0)
    }
}

/// A family: a kind of site, as a set of partitions of the harness's cluster.
struct Family {
    name: &'static str,
    parts: &'static [Part],
}

const FAMILIES: &[Family] = &[
    // The Inserm site's own rules: every partition whole-node and one user per node.
    Family {
        name: "inserm",
        parts: &[
            Part {
                name: "i-cpu16",
                groups: &[CPU16],
                whole: true,
            },
            Part {
                name: "i-cpu4",
                groups: &[CPU4],
                whole: true,
            },
            Part {
                name: "i-a40",
                groups: &[A40],
                whole: true,
            },
            Part {
                name: "i-h100",
                groups: &[H100],
                whole: true,
            },
            Part {
                name: "i-a100",
                groups: &[A100],
                whole: true,
            },
        ],
    },
    // Shared nodes, one partition per node type.
    Family {
        name: "shared",
        parts: &[
            Part {
                name: "CPU-16",
                groups: &[CPU16],
                whole: false,
            },
            Part {
                name: "CPU-4",
                groups: &[CPU4],
                whole: false,
            },
            Part {
                name: "A40-48",
                groups: &[A40],
                whole: false,
            },
            Part {
                name: "2xH100-96",
                groups: &[H100],
                whole: false,
            },
            Part {
                name: "A100-10",
                groups: &[A100],
                whole: false,
            },
        ],
    },
    // Overlapping partitions on the CPU nodes: tiers, whole-node, user-exclusive, limits,
    // a partition over two node kinds.
    Family {
        name: "overlap",
        parts: &[
            Part {
                name: "CPU-16",
                groups: &[CPU16],
                whole: false,
            },
            Part {
                name: "high",
                groups: &[CPU16],
                whole: false,
            },
            Part {
                name: "whole",
                groups: &[CPU16],
                whole: true,
            },
            Part {
                name: "CPU-4",
                groups: &[CPU4],
                whole: false,
            },
            Part {
                name: "excl",
                groups: &[CPU4],
                whole: false,
            },
            Part {
                name: "short",
                groups: &[CPU4],
                whole: false,
            },
            Part {
                name: "mixed",
                groups: &[CPU4, CPU16],
                whole: false,
            },
            Part {
                name: "capped",
                groups: &[CPU16],
                whole: false,
            },
            Part {
                name: "wholemem",
                groups: &[CPU4],
                whole: false,
            },
        ],
    },
    // GPUs: typed (h100, a40) and untyped (a100), one partition over all three kinds.
    Family {
        name: "gpu",
        parts: &[
            Part {
                name: "A40-48",
                groups: &[A40],
                whole: false,
            },
            Part {
                name: "2xH100-96",
                groups: &[H100],
                whole: false,
            },
            Part {
                name: "A100-10",
                groups: &[A100],
                whole: false,
            },
            Part {
                name: "gpu",
                groups: &[H100, A40, A100],
                whole: false,
            },
            Part {
                name: "i-a40",
                groups: &[A40],
                whole: true,
            },
        ],
    },
];

const USERS: &[&str] = &["alice", "bob", "carol"];
const TIMES: &[u64] = &[1, 2, 5, 10, 30, 60, 120, 240, 600, 1440];

/// A job being drawn.
struct Job {
    name: String,
    submit: u64,
    runtime: u64,
    exit: i32,
    user: &'static str,
    words: Vec<String>,
    array: bool,
}

/// The scenario of `seed`, as the text of a `.jobs` file.
pub fn scenario(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let family = rng.pick(FAMILIES);
    let count = rng.range(3, 15) as usize;
    let mut out = String::new();
    let mut jobs: Vec<Job> = Vec::new();
    let mut actions: Vec<(u64, String)> = Vec::new();
    // A node out of service from the start, on one of the family's partitions.
    let drained_first = rng.chance(15);
    let start = u64::from(drained_first);
    if drained_first {
        let part = rng.pick(family.parts);
        let node = *rng.pick(&part.nodes());
        actions.push((0, format!("drain {node}")));
    }
    let mut t = start;
    // Users of this scenario: one to three of them.
    let many = if rng.chance(80) { rng.range(2, 3) } else { 1 };
    let users: Vec<&'static str> = USERS[..many as usize].to_vec();
    let mut same_second = 0;
    for i in 0..count {
        // At most four submissions a second: sbatch must get them to Slurm within it.
        if i > 0 && (rng.chance(30) || same_second == 4) {
            t += rng.range(1, 2);
            same_second = 0;
        }
        same_second += 1;
        let user = if rng.chance(8) {
            "root"
        } else {
            *rng.pick(&users)
        };
        let job = draw_job(&mut rng, family, i, t, user, &jobs);
        jobs.push(job);
    }
    let last_submit = t;
    // Actions on jobs: holds and releases, cancels; a node drained or resumed mid-way.
    if rng.chance(20) {
        let j = &jobs[rng.range(0, jobs.len() as u64 - 1) as usize];
        let at = rng.range(j.submit, last_submit + 1);
        let verb = *rng.pick(&["hold", "uhold", "cancel", "cancel"]);
        actions.push((at, format!("{verb} {}", j.name)));
        if verb != "cancel" && rng.chance(50) {
            actions.push((
                rng.range(at + 1, last_submit + 2),
                format!("release {}", j.name),
            ));
        }
    }
    if rng.chance(10) {
        let part = rng.pick(family.parts);
        let node = *rng.pick(&part.nodes());
        actions.push((rng.range(start, last_submit + 1), format!("drain {node}")));
    }
    if drained_first && rng.chance(25) {
        let node = actions[0].1.trim_start_matches("drain ").to_owned();
        actions.push((
            rng.range(start + 1, last_submit + 2),
            format!("resume {node}"),
        ));
    }
    for j in &jobs {
        if j.words.iter().any(|w| w == "-H") && rng.chance(40) {
            actions.push((
                rng.range(j.submit + 1, last_submit + 2),
                format!("release {}", j.name),
            ));
        }
    }
    let _ = writeln!(
        out,
        "# generated (v{VERSION}) seed {seed}: family {}, {} jobs",
        family.name,
        jobs.len()
    );
    for j in &jobs {
        let runtime = if j.exit == 0 {
            j.runtime.to_string()
        } else {
            format!("{}:{}", j.runtime, j.exit)
        };
        let _ = writeln!(
            out,
            "{} {runtime} {} {} -J {}",
            j.submit,
            j.user,
            j.words.join(" "),
            j.name
        );
    }
    actions.sort();
    for (at, what) in actions {
        let _ = writeln!(out, "@{at} {what}");
    }
    out
}

fn draw_job(
    rng: &mut Rng,
    family: &Family,
    index: usize,
    submit: u64,
    user: &'static str,
    earlier: &[Job],
) -> Job {
    let name = format!("J{}", index + 1);
    let mut words: Vec<String> = Vec::new();
    let part = *rng.pick(family.parts);
    // A second partition of the family, now and then.
    let mut partitions = part.name.to_owned();
    if rng.chance(15) {
        let other = rng.pick(family.parts);
        if other.name != part.name {
            partitions = format!("{},{}", part.name, other.name);
        }
    }
    words.push("-p".into());
    words.push(partitions);
    let g = part.main_group();
    let nodes = part.nodes();
    let max_nodes = nodes.len() as u64;
    // Size.
    #[allow(clippy::match_same_arms)] // arm 2 falls back to arm 0's draw
    match rng.range(0, 9) {
        0 | 1 => words.push(format!("-n {}", rng.range(1, g.cpus))),
        2 if max_nodes > 1 || rng.chance(10) => {
            words.push(format!("-n {}", rng.range(g.cpus, 2 * g.cpus + 1)));
        }
        2 => words.push(format!("-n {}", rng.range(1, g.cpus))),
        3 => words.push(format!("-N {}", rng.range(1, max_nodes.min(4)))),
        4 => {
            let n = rng.range(1, max_nodes.min(3));
            words.push(format!("-N {n} -n {}", rng.range(n, n * g.cpus)));
        }
        5 => words.push(format!("-c {}", rng.range(1, g.cpus))),
        6 => words.push(format!(
            "-n {} -c {}",
            rng.range(1, 4),
            rng.range(1, (g.cpus / 2).max(1))
        )),
        7 => {
            let n = rng.range(1, max_nodes.min(3));
            words.push(format!("-N {n} --ntasks-per-node={}", rng.range(1, g.cpus)));
        }
        8 => words.push(format!("--mincpus={}", rng.range(1, g.cpus))),
        _ => {}
    }
    if !part.whole && rng.chance(12) {
        words.push("--exclusive".into());
    }
    // Memory.
    match rng.range(0, 9) {
        0 | 1 => {
            let gib = *rng.pick(&[1, 2, 4, 8, 16, 24, 32, 48, 64, 100, 128, 200]);
            words.push(format!("--mem={gib}G"));
        }
        2 => {
            let gib = *rng.pick(&[1, 2, 4, 8, 9, 12, 16]);
            words.push(format!("--mem-per-cpu={gib}G"));
        }
        // A whole node's memory, or one MiB more than any node has.
        3 if rng.chance(50) => {
            let extra = u64::from(rng.chance(30));
            words.push(format!("--mem={}M", g.memory + extra));
        }
        _ => {}
    }
    // GPUs.
    if part.gpus() && rng.chance(65) {
        let extra = u64::from(rng.chance(10));
        let k = rng.range(1, g.gpus.max(1) + extra);
        let typed = match g.gpu_type {
            Some(ty) if rng.chance(50) => format!("{ty}:"),
            _ if rng.chance(8) => format!("{}:", rng.pick(&["a40", "h100", "v100"])),
            _ => String::new(),
        };
        words.push(match rng.range(0, 3) {
            0 | 1 => format!("--gres=gpu:{typed}{k}"),
            2 => format!("--gpus={typed}{k}"),
            _ => format!("--gpus-per-node={typed}{k}"),
        });
    }
    // Features.
    if !g.features.is_empty() && rng.chance(20) {
        let feature = rng.pick(g.features);
        if feature.contains(['&', '|']) {
            words.push(format!("-C \"{feature}\""));
        } else {
            words.push(format!("-C {feature}"));
        }
    }
    // Required or excluded nodes.
    if rng.chance(10) {
        let node = *rng.pick(&nodes);
        words.push(format!("-w {node}"));
    } else if nodes.len() > 1 && rng.chance(8) {
        let node = *rng.pick(&nodes);
        words.push(format!("-x {node}"));
    }
    // Time limit.
    if rng.chance(85) {
        words.push(format!("-t {}", rng.pick(TIMES)));
    }
    // Array.
    let array = rng.chance(10);
    if array {
        let last = rng.range(1, 5);
        let throttle = if rng.chance(50) {
            format!("%{}", rng.range(1, 2))
        } else {
            String::new()
        };
        words.push(format!("--array=0-{last}{throttle}"));
    }
    // Dependency on an earlier job.
    if !earlier.is_empty() && rng.chance(15) {
        let target = &earlier[rng.range(0, earlier.len() as u64 - 1) as usize];
        let kind = *rng.pick(&["after", "afterok", "afternotok", "afterany", "singleton"]);
        if kind == "singleton" {
            words.push("-d singleton".into());
        } else if array && target.array && rng.chance(50) {
            words.push(format!("-d aftercorr:{}", target.name));
        } else {
            words.push(format!("-d {kind}:{}", target.name));
        }
    }
    if rng.chance(5) {
        words.push("-H".into());
    }
    if rng.chance(8) {
        words.push(format!("--nice={}", rng.range(1, 100)));
    }
    // Runtime: most jobs outlive the scenario; some end within it.
    let (runtime, exit) = if rng.chance(30) {
        (rng.range(2, 8), i32::from(rng.chance(25)))
    } else {
        (3600, 0)
    };
    // Singleton jobs share a name per user; give the dependency's meaning a chance.
    let name = if words.iter().any(|w| w == "-d singleton") {
        earlier
            .iter()
            .rev()
            .find(|j| j.user == user)
            .map_or(name, |j| j.name.clone())
    } else {
        name
    };
    let words = words
        .iter()
        .flat_map(|w| w.split(' ').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    Job {
        name,
        submit,
        runtime,
        exit,
        user,
        words,
        array,
    }
}
