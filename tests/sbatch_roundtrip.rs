//! Round trips between [`JobRequest`] and sbatch syntax, and "never panics" properties for
//! the sbatch parsers.

use hpcsched::output_pattern::OutputPattern;
use hpcsched::request::{Exclusive, MemoryRequest, NodeCount};
use hpcsched::sbatch::{ArgKind, SBATCH_OPTIONS, parse_args};
use hpcsched::time::Duration;
use hpcsched::{GresSpec, JobRequest, Memory, TimeLimit};
use proptest::prelude::*;

/// Text that fits in one `#SBATCH` line and in an argv element.
fn text() -> impl Strategy<Value = String> {
    "[^\n\0]{0,12}"
}

fn count() -> impl Strategy<Value = u32> {
    1u32..2_147_483_646
}

fn memory() -> impl Strategy<Value = MemoryRequest> {
    let mib = prop_oneof![
        0u64..100_000,
        any::<u64>(),
        (0u64..1000).prop_map(|g| g << 10)
    ];
    (0u8..3, mib).prop_map(|(kind, mib)| {
        let m = Memory::from_mib(mib);
        match kind {
            0 => MemoryRequest::PerNode(m),
            1 => MemoryRequest::PerCpu(m),
            _ => MemoryRequest::PerGpu(m),
        }
    })
}

fn time_limit() -> impl Strategy<Value = TimeLimit> {
    prop_oneof![
        Just(TimeLimit::Unlimited),
        (1u64..10_000_000).prop_map(|m| TimeLimit::Limited(Duration::from_mins(m))),
    ]
}

fn gpu() -> impl Strategy<Value = GresSpec> {
    (
        prop::option::of(prop_oneof!["a100", "h100", "v100"]),
        1u64..1000,
    )
        .prop_map(|(kind, count)| {
            let mut g = GresSpec::new("gpu", count);
            g.key.kind = kind;
            g
        })
}

/// A GRES list with distinct keys; `with_gpu` says whether `gpu` may appear.
fn gres(with_gpu: bool) -> impl Strategy<Value = Vec<GresSpec>> {
    let names: &[&str] = if with_gpu {
        &["gpu", "nvme", "shard", "mps"]
    } else {
        &["nvme", "shard", "mps"]
    };
    prop::sample::subsequence(names.to_vec(), 0..=names.len()).prop_flat_map(|names| {
        let n = names.len();
        (
            Just(names),
            prop::collection::vec(
                (
                    prop::option::of(prop_oneof!["a100", "ssd", "x"]),
                    1u64..5000,
                ),
                n,
            ),
        )
            .prop_map(|(names, rest)| {
                names
                    .into_iter()
                    .zip(rest)
                    .map(|(name, (kind, count))| {
                        let mut g = GresSpec::new(name, count);
                        g.key.kind = kind;
                        g
                    })
                    .collect()
            })
    })
}

/// Values produced by the real parsers, so the generated requests hold only values a user
/// can write.
fn parsed<T: std::str::FromStr + std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = String>,
) -> impl Strategy<Value = Option<T>> {
    s.prop_map(|s| s.parse::<T>().ok())
}

fn begin_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("now".to_owned()),
        (
            1u32..500,
            prop_oneof!["", "minutes", "hours", "days", "weeks"]
        )
            .prop_map(|(n, u)| format!("now+{n}{u}")),
        (0u8..24, 0u8..60, 0u8..60).prop_map(|(h, m, s)| format!("{h:02}:{m:02}:{s:02}")),
        (2000i32..2100, 1u8..13, 1u8..29, 0u8..24, 0u8..60)
            .prop_map(|(y, mo, d, h, mi)| format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:00")),
        (1_000_000u64..4_000_000_000).prop_map(|t| format!("uts{t}")),
    ]
}

fn dependency_text() -> impl Strategy<Value = String> {
    let item = prop_oneof![
        (1u32..100_000).prop_map(|j| format!("afterok:{j}")),
        (1u32..100_000, 1u32..100_000).prop_map(|(a, b)| format!("afterany:{a}:{b}")),
        (1u32..100_000, 1u32..600).prop_map(|(j, m)| format!("after:{j}+{m}")),
        (1u32..100_000, 0u32..50).prop_map(|(j, t)| format!("afternotok:{j}_{t}")),
        Just("singleton".to_owned()),
    ];
    (
        prop::collection::vec(item, 1..4),
        prop_oneof![Just(","), Just("?")],
    )
        .prop_map(|(items, sep)| items.join(sep))
}

fn constraint_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9]{0,5}",
        ("[a-z]{1,4}", "[a-z]{1,4}").prop_map(|(a, b)| format!("{a}&{b}")),
        ("[a-z]{1,4}", "[a-z]{1,4}").prop_map(|(a, b)| format!("{a}|{b}")),
        ("[a-z]{1,4}", "[a-z]{1,4}").prop_map(|(a, b)| format!("[{a}|{b}]")),
        ("[a-z]{1,4}", 1u32..9).prop_map(|(a, n)| format!("{a}*{n}")),
    ]
}

fn array_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((0u32..1000, 0u32..100, 1u32..5), 1..4),
        prop::option::of(1u32..50),
    )
        .prop_map(|(ranges, throttle)| {
            let mut s = ranges
                .iter()
                .map(|(a, len, step)| format!("{a}-{}:{step}", a + len))
                .collect::<Vec<_>>()
                .join(",");
            if let Some(t) = throttle {
                s.push('%');
                s.push_str(&t.to_string());
            }
            s
        })
}

fn hosts() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop_oneof!["n[0-9]{1,3}", "gpu[0-9]{2}", "login"], 0..6).prop_map(
        |names| {
            // The parser stores node lists in hostlist order without duplicates.
            let list = hpcsched::hostlist::compress(&names);
            hpcsched::hostlist::expand(&list).unwrap_or_default()
        },
    )
}

/// Options kept verbatim, with a value that fits their argument kind.
fn other_options() -> impl Strategy<Value = Vec<(String, Option<String>)>> {
    let others: Vec<_> = SBATCH_OPTIONS
        .iter()
        .filter(|o| {
            !o.is_scheduling()
                && !o.is_refused()
                && !matches!(
                    o.long,
                    "help" | "usage" | "version" | "autocomplete" | "nodefile" | "test-only"
                    // Kept only for some values (covered by the options' own tests).
                    | "threads-per-core" | "ntasks-per-core" | "hint" | "distribution"
                    | "gres-flags"
                    // sbatch refuses it with --verbose.
                    | "quiet"
                )
        })
        .collect();
    let one = prop::sample::select(others).prop_flat_map(|o| {
        let name = o.long.to_owned();
        let value: BoxedStrategy<Option<String>> = match o.arg {
            ArgKind::Optional => prop::option::of(text()).boxed(),
            ArgKind::Required => text().prop_map(Some).boxed(),
            ArgKind::None => Just(None).boxed(),
        };
        (Just(name), value)
    });
    prop::collection::vec(one, 0..4)
}

fn script_body() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just(String::new()),
        "# [^\n\r\0]{0,20}",
        "[a-z]{1,6}( [^\n\r\0]{0,20})?",
    ];
    (
        prop_oneof!["/bin/bash", "/bin/sh", "/usr/bin/env python3"],
        prop::collection::vec(line, 0..5),
    )
        .prop_map(|(interp, lines)| {
            let mut s = format!("#!{interp}\n");
            for l in lines {
                s.push_str(&l);
                s.push('\n');
            }
            s
        })
}

fn request() -> impl Strategy<Value = JobRequest> {
    let names = (
        prop::option::of(text()),
        prop::option::of("[^\n\0]{1,8}"),
        prop::option::of(text()),
        prop::collection::vec("[^,\n\0]{1,8}", 0..3),
        prop::option::of(text()),
        prop::option::of(text()),
    );
    let sizes = (
        prop::option::of(
            (0u32..5000, 0u32..100).prop_map(|(min, d)| NodeCount { min, max: min + d }),
        ),
        prop::option::of(count()),
        prop::option::of(count()),
        prop::option::of(count()),
        prop::option::of(memory()),
        any::<bool>().prop_flat_map(|gpn| {
            (
                gres(!gpn),
                prop::option::of(gpu()),
                if gpn {
                    gpu().prop_map(Some).boxed()
                } else {
                    Just(None).boxed()
                },
            )
        }),
    );
    let times = (
        prop::option::of(time_limit()),
        prop::option::of(time_limit()),
        parsed::<hpcsched::BeginTime>(begin_text()),
        parsed::<hpcsched::BeginTime>(begin_text()),
        prop::option::of(-2_147_483_645i32..=2_147_483_645),
        prop::option::of(0u32..0xffff_fffe),
    );
    let placement = (
        any::<bool>(),
        0u8..6,
        prop::option::of(parsed::<hpcsched::Constraint>(constraint_text())),
        hosts(),
        hosts(),
        prop::option::of(parsed::<hpcsched::Dependency>(dependency_text())),
        prop::option::of(any::<bool>()),
        prop::option::of(parsed::<hpcsched::ArraySpec>(array_text())),
    );
    let rest = (
        prop::option::of("[^\n\0]{1,12}"),
        prop::option::of("[^\n\0]{1,12}"),
        prop::option::of(any::<bool>()),
        any::<bool>(),
        other_options(),
    );
    (names, sizes, times, placement, rest).prop_map(
        |(
            (job_name, user, account, partitions, qos, comment),
            (nodes, ntasks, ntasks_per_node, cpus_per_task, memory, (gres, gpus, gpus_per_node)),
            (time_limit, time_min, begin, deadline, nice, priority),
            (hold, share, constraint, nodelist, exclude, dependency, kill, array),
            (output, error, requeue, expedite, other_options),
        )| {
            let mut r = JobRequest::default();
            r.job_name = job_name;
            r.user = user;
            r.account = account;
            r.partitions = partitions;
            r.qos = qos;
            r.comment = comment;
            r.nodes = nodes;
            r.ntasks = ntasks;
            r.ntasks_per_node = ntasks_per_node;
            r.cpus_per_task = cpus_per_task;
            r.memory = memory;
            r.gres = gres;
            r.gpus = gpus.map(Box::new);
            r.gpus_per_node = gpus_per_node.map(Box::new);
            r.time_limit = time_limit;
            r.time_min = time_min;
            r.begin = begin;
            r.deadline = deadline;
            r.nice = nice;
            r.priority = priority;
            r.hold = hold;
            match share {
                0 => r.exclusive = Some(Exclusive::Node),
                1 => r.exclusive = Some(Exclusive::User),
                2 => r.exclusive = Some(Exclusive::Mcs),
                3 => r.exclusive = Some(Exclusive::Topo),
                4 => r.oversubscribe = true,
                _ => {}
            }
            r.constraint = constraint.flatten().map(Box::new);
            r.nodelist = nodelist;
            r.exclude = exclude;
            r.dependency = dependency.flatten().map(Box::new);
            r.kill_on_invalid_dep = kill;
            r.array = array.flatten().map(Box::new);
            r.output = output.map(OutputPattern);
            r.error = error.map(OutputPattern);
            r.requeue = requeue;
            r.expedited_requeue = requeue == Some(true) && expedite;
            r.other_options = other_options;
            r
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn args_round_trip(r in request()) {
        let args = r.to_args();
        prop_assert_eq!(parse_args(&args), Ok(r), "args: {:?}", args);
    }

    #[test]
    fn script_round_trip(mut r in request(), body in script_body()) {
        r.script = Some(body);
        let text = r.to_script();
        prop_assert_eq!(JobRequest::from_script(&text), Ok(r), "script:\n{}", text);
    }

    #[test]
    fn parse_args_never_panics(args in prop::collection::vec(prop_oneof![
        "\\PC{0,12}",
        prop::sample::select(SBATCH_OPTIONS.to_vec()).prop_flat_map(|o| {
            "[-=:,0-9a-z%*&|\\[\\]()?+_/]{0,10}".prop_map(move |v| format!("--{}={v}", o.long))
        }),
        "-[a-zA-Z]{1,3}[0-9a-z:-]{0,4}",
    ], 0..8)) {
        let _ = parse_args(&args);
    }

    #[test]
    fn from_script_never_panics(text in "\\PC{0,200}", directives in "[ -~\t]{0,80}") {
        let _ = JobRequest::from_script(&text);
        let _ = JobRequest::from_script(&format!("#!/bin/sh\n#SBATCH {directives}\n#SBATCH{directives}\nx\n"));
        let _ = JobRequest::from_script_with_args(
            &format!("#!/bin/sh\n#SBATCH {directives}\n"),
            &[directives.as_str()],
        );
    }
}

#[test]
fn memory_options_are_mutually_exclusive_across_script_and_cli() {
    let e =
        JobRequest::from_script_with_args("#!/bin/sh\n#SBATCH --mem=4G\n", &["--mem-per-cpu=1G"]);
    assert_eq!(
        e.unwrap_err().to_string(),
        "command line: `--mem` and `--mem-per-cpu` are mutually exclusive"
    );
}
