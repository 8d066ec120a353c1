//! Unit tests of the sbatch, srun and salloc options.

use super::Action as A;
use super::*;
use crate::output_pattern::OutputPattern;
use crate::request::{Exclusive, MemoryRequest, NodeCount};
use crate::sbatch::interactive_options::INTERACTIVE_OPTIONS;
use crate::sbatch::lookup::{Table, options};
use crate::sbatch::parse_args;
use crate::sbatch::sbatch_options::SBATCH_OPTIONS;
use crate::sbatch::values::PRIORITY_TOP;

fn err(args: &[&str]) -> OptionError {
    match parse_args(args) {
        Ok(r) => panic!("expected an error for {args:?}, got {r:?}"),
        Err(e) => e,
    }
}

#[test]
fn table_is_sorted_unique_and_short_names_unique() {
    assert!(SBATCH_OPTIONS.windows(2).all(|w| w[0].long < w[1].long));
    let mut shorts: Vec<char> = SBATCH_OPTIONS.iter().filter_map(|o| o.short).collect();
    let n = shorts.len();
    shorts.sort_unstable();
    shorts.dedup();
    assert_eq!(shorts.len(), n);
    // Short options of sbatch (slurm_opt.c), each with its has_arg.
    for (c, long, arg) in [
        ('A', "account", ArgKind::Required),
        ('a', "array", ArgKind::Required),
        ('b', "begin", ArgKind::Required),
        ('C', "constraint", ArgKind::Required),
        ('c', "cpus-per-task", ArgKind::Required),
        ('D', "chdir", ArgKind::Required),
        ('d', "dependency", ArgKind::Required),
        ('e', "error", ArgKind::Required),
        ('F', "nodefile", ArgKind::Required),
        ('G', "gpus", ArgKind::Required),
        ('H', "hold", ArgKind::None),
        ('J', "job-name", ArgKind::Required),
        ('k', "no-kill", ArgKind::Optional),
        ('N', "nodes", ArgKind::Required),
        ('n', "ntasks", ArgKind::Required),
        ('s', "oversubscribe", ArgKind::None),
        ('t', "time", ArgKind::Required),
        ('w', "nodelist", ArgKind::Required),
        ('x', "exclude", ArgKind::Required),
    ] {
        let o = sbatch().short(c).unwrap();
        assert_eq!((o.long, o.arg), (long, arg), "-{c}");
    }
}

fn sbatch() -> Table<'static> {
    Table {
        client: Client::Sbatch,
        plugins: &[],
    }
}

#[test]
fn each_command_has_unique_long_and_short_names() {
    assert!(
        INTERACTIVE_OPTIONS
            .windows(2)
            .all(|w| w[0].long < w[1].long)
    );
    for client in [Client::Sbatch, Client::Srun, Client::Salloc] {
        let mut longs: Vec<&str> = options(client).map(|o| o.long).collect();
        let mut shorts: Vec<char> = options(client).filter_map(|o| o.short).collect();
        let (l, n) = (longs.len(), shorts.len());
        longs.sort_unstable();
        longs.dedup();
        shorts.sort_unstable();
        shorts.dedup();
        assert_eq!((longs.len(), shorts.len()), (l, n), "{client}");
    }
    // What each command accepts beyond the others (slurm_opt.c, 22.05 and 26.x).
    let only = |client: Client| -> Vec<&str> {
        let others: Vec<Client> = [Client::Sbatch, Client::Srun, Client::Salloc]
            .into_iter()
            .filter(|&c| c != client)
            .collect();
        options(client)
            .filter(|o| others.iter().all(|&c| !o.accepted_by(c)))
            .map(|o| o.long)
            .collect()
    };
    assert_eq!(
        only(Client::Sbatch),
        [
            "array",
            "batch",
            "export-file",
            "external",
            "ignore-pbs",
            "kill-on-invalid-dep",
            "no-requeue",
            "requeue",
            "wait",
            "wrap"
        ]
    );
    assert_eq!(
        only(Client::Salloc),
        ["bell", "kill-command", "no-bell", "no-shell"]
    );
    let srun_short: Vec<(char, &str, ArgKind)> = options(Client::Srun)
        .filter(|o| !o.accepted_by(Client::Sbatch))
        .filter_map(|o| o.short.map(|c| (c, o.long, o.arg)))
        .collect();
    assert_eq!(
        srun_short,
        [
            ('X', "disable-status", ArgKind::None),
            ('I', "immediate", ArgKind::Optional),
            ('K', "kill-on-bad-exit", ArgKind::Optional),
            ('l', "label", ArgKind::None),
            ('Z', "no-allocate", ArgKind::None),
            ('E', "preserve-env", ArgKind::None),
            ('r', "relative", ArgKind::Required),
            ('T', "threads", ArgKind::Required),
            ('u', "unbuffered", ArgKind::None),
            ('W', "wait", ArgKind::Required),
        ]
    );
}

#[test]
fn string_options_long_short_and_attached() {
    let r = parse_args(&["--job-name=a", "-A", "phys", "-qhigh", "--comment", "x y"]).unwrap();
    assert_eq!(r.job_name.as_deref(), Some("a"));
    assert_eq!(r.account.as_deref(), Some("phys"));
    assert_eq!(r.qos.as_deref(), Some("high"));
    assert_eq!(r.comment.as_deref(), Some("x y"));
    let r = parse_args(&["--uid=alice"]).unwrap();
    assert_eq!(r.user.as_deref(), Some("alice"));
}

#[test]
fn required_value_is_taken_from_next_argument_even_if_it_looks_like_an_option() {
    let r = parse_args(&["-J", "-N", "--comment", "--hold"]).unwrap();
    assert_eq!(r.job_name.as_deref(), Some("-N"));
    assert_eq!(r.comment.as_deref(), Some("--hold"));
    assert!(!r.hold);
}

#[test]
fn later_occurrences_override() {
    let r = parse_args(&["-J", "a", "--job-name=b", "-p", "x,y", "-p", "z"]).unwrap();
    assert_eq!(r.job_name.as_deref(), Some("b"));
    assert_eq!(r.partitions, ["z"]);
}

#[test]
fn partition_list() {
    let r = parse_args(&["-p", "debug,long"]).unwrap();
    assert_eq!(r.partitions, ["debug", "long"]);
    assert_eq!(
        err(&["-p", "a,,b"]),
        OptionError::InvalidValue {
            option: "--partition".into(),
            value: "a,,b".into(),
            why: "empty partition name".into()
        }
    );
}

#[test]
fn bundled_short_flags() {
    let r = parse_args(&["-Hv", "-vJname"]).unwrap();
    assert!(r.hold);
    assert_eq!(r.job_name.as_deref(), Some("name"));
    assert_eq!(
        r.other_options,
        [("verbose".to_owned(), None), ("verbose".to_owned(), None)]
    );
    let r = parse_args(&["-HJ", "x"]).unwrap();
    assert_eq!(r.job_name.as_deref(), Some("x"));
    assert_eq!(err(&["-Hy"]), OptionError::Unknown("-y".into()));
}

#[test]
fn unambiguous_prefixes_match_and_exact_names_win() {
    let r = parse_args(&["--part=debug", "--job=x", "--ho"]).unwrap();
    assert_eq!(r.partitions, ["debug"]);
    assert_eq!(r.job_name.as_deref(), Some("x"));
    assert!(r.hold);
    // `--cluster` is an option in its own right, though a prefix of `--clusters`.
    assert!(matches!(
        err(&["--cluster=c1"]),
        OptionError::Unsupported { ref option, .. } if option == "--cluster"
    ));
    let r = parse_args(&["--mail-t=END"]).unwrap();
    assert_eq!(
        r.other_options,
        [("mail-type".to_owned(), Some("END".to_owned()))]
    );
    assert_eq!(
        err(&["--mem-per=1G"]),
        OptionError::Ambiguous {
            option: "--mem-per".into(),
            candidates: vec!["--mem-per-cpu".into(), "--mem-per-gpu".into()],
        }
    );
    assert!(matches!(err(&["--clus=x"]), OptionError::Ambiguous { .. }));
    assert!(err(&["--n"]).to_string().contains("ambiguous"));
}

#[test]
fn unknown_options() {
    assert_eq!(err(&["--bogus"]), OptionError::Unknown("--bogus".into()));
    assert_eq!(err(&["--bogus=1"]), OptionError::Unknown("--bogus".into()));
    assert_eq!(err(&["-y"]), OptionError::Unknown("-y".into()));
    assert_eq!(err(&["--=x"]), OptionError::Unknown("--".into()));
    assert_eq!(
        OptionError::Unknown("--bogus".into()).to_string(),
        "unrecognized option `--bogus`"
    );
}

#[test]
fn missing_and_unexpected_values() {
    assert_eq!(err(&["-J"]), OptionError::MissingValue("-J".into()));
    assert_eq!(
        err(&["--job-name"]),
        OptionError::MissingValue("--job-name".into())
    );
    assert_eq!(err(&["--job"]), OptionError::MissingValue("--job".into()));
    assert_eq!(
        err(&["--hold=yes"]),
        OptionError::UnexpectedValue {
            option: "--hold".into(),
            value: "yes".into()
        }
    );
}

#[test]
fn options_stop_at_script_path_and_double_dash() {
    let r = parse_args(&["-H", "job.sh", "-J", "x"]).unwrap();
    assert!(r.hold);
    assert_eq!(r.job_name, None);
    let r = parse_args(&["--", "-H"]).unwrap();
    assert!(!r.hold);
    // `-` is a non-option (the script on stdin).
    let r = parse_args(&["-", "-H"]).unwrap();
    assert!(!r.hold);
    // An optional value must be attached: `--nice 5` is `--nice` and a script `5`.
    let r = parse_args(&["--nice", "5"]).unwrap();
    assert_eq!(r.nice, Some(100));
}

#[test]
fn het_job_separator_is_rejected() {
    assert_eq!(
        err(&["-w", "a", ":", "-w", "b", "work.bash"]),
        OptionError::HetJobUnsupported
    );
}

#[test]
fn nice() {
    assert_eq!(parse_args(&["--nice"]).unwrap().nice, Some(100));
    assert_eq!(parse_args(&["--nice=-5"]).unwrap().nice, Some(-5));
    assert_eq!(
        parse_args(&["--nice=2147483645"]).unwrap().nice,
        Some(2_147_483_645)
    );
    assert!(matches!(
        err(&["--nice=2147483646"]),
        OptionError::InvalidValue { why, .. } if why.contains("out of range")
    ));
    assert!(matches!(
        err(&["--nice=abc"]),
        OptionError::InvalidValue { .. }
    ));
}

#[test]
fn priority() {
    assert_eq!(parse_args(&["--priority=7"]).unwrap().priority, Some(7));
    assert_eq!(
        parse_args(&["--priority=top"]).unwrap().priority,
        Some(PRIORITY_TOP)
    );
    assert!(matches!(
        err(&["--priority=-1"]),
        OptionError::InvalidValue { .. }
    ));
    assert!(matches!(
        err(&["--priority=4294967294"]),
        OptionError::InvalidValue { .. }
    ));
}

#[test]
fn counts_must_be_positive() {
    let r = parse_args(&["-n", "4", "--ntasks-per-node=2", "-c", "8"]).unwrap();
    assert_eq!(
        (r.ntasks, r.ntasks_per_node, r.cpus_per_task),
        (Some(4), Some(2), Some(8))
    );
    assert_eq!(
        parse_args(&["--tasks-per-node=3"]).unwrap().ntasks_per_node,
        Some(3)
    );
    for bad in ["0", "-1", "x", "", "2147483647", "3x"] {
        assert!(
            matches!(err(&["-n", bad]), OptionError::InvalidValue { ref option, .. } if option == "--ntasks"),
            "{bad}"
        );
    }
}

#[test]
fn node_counts() {
    let n = |s: &str| parse_args(&["-N", s]).map(|r| r.nodes.unwrap());
    assert_eq!(n("4").unwrap(), NodeCount { min: 4, max: 4 });
    assert_eq!(n("2-8").unwrap(), NodeCount { min: 2, max: 8 });
    assert_eq!(n("-8").unwrap(), NodeCount { min: 1, max: 8 });
    assert_eq!(n("0").unwrap(), NodeCount { min: 0, max: 0 });
    assert_eq!(
        n("1k").unwrap(),
        NodeCount {
            min: 1024,
            max: 1024
        }
    );
    assert_eq!(
        n("1-2M").unwrap(),
        NodeCount {
            min: 1,
            max: 2_097_152
        }
    );
    let why = |s: &str| match n(s) {
        Err(OptionError::InvalidValue { why, .. }) => why,
        other => panic!("{s}: {other:?}"),
    };
    assert_eq!(
        why("8-2"),
        "maximum node count 2 is less than minimum node count 8"
    );
    assert!(why("2-").contains("no maximum"));
    assert!(why("2-0").contains("maximum node count of 0"));
    assert!(why("1,5,9").contains("not supported"));
    assert!(why("x").contains("not a valid node count"));
    assert!(why("4x").contains("not a valid node count"));
    assert!(why("").contains("not a valid node count"));
    assert!(why("3000000000").contains("too large"));
}

#[test]
fn mincpus() {
    assert_eq!(parse_args(&["--mincpus=8"]).unwrap().mincpus, Some(8));
    assert_eq!(parse_args(&["--mincpus", "2"]).unwrap().mincpus, Some(2));
    assert!(matches!(
        err(&["--mincpus=0"]),
        OptionError::InvalidValue { .. }
    ));
    let r = parse_args(&["--mincpus=3"]).unwrap();
    assert_eq!(r.to_args(), ["--mincpus=3"]);
}

#[test]
fn exclusive_and_oversubscribe() {
    let ex = |s: &[&str]| parse_args(s).unwrap().exclusive;
    assert_eq!(ex(&["--exclusive"]), Some(Exclusive::Node));
    assert_eq!(ex(&["--exclusive=user"]), Some(Exclusive::User));
    assert_eq!(ex(&["--exclusive=MCS"]), Some(Exclusive::Mcs));
    assert_eq!(ex(&["--exclusive=topo"]), Some(Exclusive::Topo));
    assert_eq!(
        ex(&["--exclusive=user", "--exclusive"]),
        Some(Exclusive::Node)
    );
    let r = parse_args(&["--exclusive", "--exclusive=oversubscribe"]).unwrap();
    assert_eq!((r.exclusive, r.oversubscribe), (None, true));
    assert!(parse_args(&["-s"]).unwrap().oversubscribe);
    // One setting in sbatch: the later wins (observed on 22.05).
    let r = parse_args(&["--exclusive", "-s"]).unwrap();
    assert_eq!((r.exclusive, r.oversubscribe), (None, true));
    let r = parse_args(&["-s", "--exclusive=user"]).unwrap();
    assert_eq!(
        (r.exclusive, r.oversubscribe),
        (Some(Exclusive::User), false)
    );
    assert!(matches!(
        err(&["--exclusive=node"]),
        OptionError::InvalidValue { .. }
    ));
}

#[test]
fn requeue_and_dependency_flags() {
    let r = parse_args(&["--requeue"]).unwrap();
    assert_eq!((r.requeue, r.expedited_requeue), (Some(true), false));
    let r = parse_args(&["--requeue=expedite"]).unwrap();
    assert_eq!((r.requeue, r.expedited_requeue), (Some(true), true));
    let r = parse_args(&["--requeue=expedite", "--no-requeue"]).unwrap();
    assert_eq!((r.requeue, r.expedited_requeue), (Some(false), false));
    assert!(matches!(
        err(&["--requeue=yes"]),
        OptionError::InvalidValue { .. }
    ));
    assert_eq!(
        parse_args(&["--kill-on-invalid-dep=YES"])
            .unwrap()
            .kill_on_invalid_dep,
        Some(true)
    );
    assert_eq!(
        parse_args(&["--kill-on-invalid-dep=no"])
            .unwrap()
            .kill_on_invalid_dep,
        Some(false)
    );
    assert!(matches!(
        err(&["--kill-on-invalid-dep=maybe"]),
        OptionError::InvalidValue { .. }
    ));
    assert!(parse_args(&["-H"]).unwrap().hold);
}

#[test]
fn output_patterns_are_kept_verbatim() {
    let r = parse_args(&["-o", "job%4j.out", "--error=%x-%A_%a.err"]).unwrap();
    assert_eq!(r.output, Some(OutputPattern("job%4j.out".into())));
    assert_eq!(r.error, Some(OutputPattern("%x-%A_%a.err".into())));
}

#[test]
fn files_are_not_read() {
    assert_eq!(
        err(&["-w", "./hosts"]),
        OptionError::FileNotSupported {
            option: "--nodelist".into(),
            value: "./hosts".into()
        }
    );
    assert!(matches!(
        err(&["-x", "/etc/hosts"]),
        OptionError::FileNotSupported { .. }
    ));
    assert!(matches!(
        err(&["-F", "hosts"]),
        OptionError::FileNotSupported { .. }
    ));
}

#[test]
fn informational_options_are_not_jobs() {
    assert_eq!(err(&["-h"]), OptionError::Informational("--help".into()));
    assert_eq!(
        err(&["--usage"]),
        OptionError::Informational("--usage".into())
    );
    assert_eq!(err(&["-V"]), OptionError::Informational("--version".into()));
    assert_eq!(
        err(&["--gres=help"]),
        OptionError::Informational("--gres=help".into())
    );
}

#[test]
fn other_options_are_kept_in_order_with_their_values() {
    let r = parse_args(&[
        "--mail-type=END,FAIL",
        "-D",
        "/tmp",
        "--get-user-env",
        "--mail-user",
        "me@x",
        "--propagate=STACK",
        "-Q",
        "--mail-type=ALL",
    ])
    .unwrap();
    let s = |a: &str, b: Option<&str>| (a.to_owned(), b.map(str::to_owned));
    assert_eq!(
        r.other_options,
        [
            s("mail-type", Some("END,FAIL")),
            s("chdir", Some("/tmp")),
            s("get-user-env", None),
            s("mail-user", Some("me@x")),
            s("propagate", Some("STACK")),
            s("quiet", None),
            s("mail-type", Some("ALL")),
        ]
    );
}

#[test]
fn every_option_in_the_table_is_accepted() {
    for o in SBATCH_OPTIONS {
        let arg = match (o.arg, o.action) {
            (_, A::Info | A::Nodefile | A::Refused(_) | A::Checked(_)) => continue,
            (ArgKind::None, _) => format!("--{}", o.long),
            // Value-parsed options are covered by their own tests.
            (_, A::Other) => format!("--{}=v", o.long),
            _ => continue,
        };
        let r = parse_args(&[arg.as_str()]).unwrap_or_else(|e| panic!("{arg}: {e}"));
        if o.action == A::Other {
            assert_eq!(r.other_options.len(), 1, "{arg}");
        }
    }
}
#[test]
fn options_that_change_a_decision_are_modelled_or_refused() {
    use crate::memory::Memory;
    // Every refused option names itself and why (docs/slurm-compatibility.md).
    for (args, option) in [
        (&["--reservation=maint"][..], "--reservation"),
        (&["-L", "matlab:1"], "--licenses"),
        (&["-M", "other"], "--clusters"),
        (&["--contiguous"], "--contiguous"),
        (&["--spread-job"], "--spread-job"),
        (&["--prefer=fast"], "--prefer"),
        (&["-S", "2"], "--core-spec"),
        (&["-B", "2:8:1"], "--extra-node-info"),
        (&["--gpus-per-task=1"], "--gpus-per-task"),
        (&["--ntasks-per-gpu=2"], "--ntasks-per-gpu"),
        (&["-k"], "--no-kill"),
        (&["--reboot"], "--reboot"),
        (&["--batch=fast"], "--batch"),
        (&["--threads-per-core=2"], "--threads-per-core=2"),
        (&["--ntasks-per-core=2"], "--ntasks-per-core=2"),
        (&["--hint=memory_bound"], "--hint=memory_bound"),
        (&["-m", "plane=4"], "--distribution=plane=4"),
        (&["-m", "arbitrary"], "--distribution=arbitrary"),
        (
            &["--gres-flags=enforce-binding"],
            "--gres-flags=enforce-binding",
        ),
    ] {
        match err(args) {
            OptionError::Unsupported { option: o, why } => {
                assert_eq!(o, option, "{args:?}");
                assert!(!why.is_empty());
            }
            other => panic!("{args:?}: {other:?}"),
        }
    }
    assert_eq!(
        err(&["--reservation=maint"]).to_string(),
        "`--reservation` is not supported: advanced reservations are not modelled"
    );
    assert_eq!(
        err(&["--test-only"]),
        OptionError::Informational("--test-only".into())
    );
    // Values that change nothing hpcsched models are kept.
    let r = parse_args(&[
        "--threads-per-core=1",
        "--ntasks-per-core=1",
        "--hint=nomultithread",
        "-m",
        "cyclic:block",
        "--gres-flags=disable-binding",
        "--switches=1@10:00",
        "--bb=capacity=1G",
    ])
    .unwrap();
    assert_eq!(r.other_options.len(), 7);
    // The modelled ones.
    let r = parse_args(&["--tmp=2G", "--cpus-per-gpu=4", "-O", "--use-min-nodes"]).unwrap();
    assert_eq!(r.tmp, Some(Memory::from_mib(2048)));
    assert_eq!(r.cpus_per_gpu, Some(4));
    assert!(r.overcommit && r.use_min_nodes);
    assert!(r.other_options.is_empty());
    assert_eq!(
        r.to_args(),
        [
            "--tmp=2G",
            "--cpus-per-gpu=4",
            "--overcommit",
            "--use-min-nodes"
        ]
    );
    assert_eq!(
        parse_args(&["--tmp=500"]).unwrap().tmp,
        Some(Memory::from_mib(500))
    );
    assert!(matches!(
        err(&["--cpus-per-gpu=0"]),
        OptionError::InvalidValue { .. }
    ));
}

#[test]
fn time_limits_round_up_and_zero_is_unlimited() {
    use crate::time::{Duration, TimeLimit};
    let t = |v: &str| parse_args(&["-t", v]).unwrap().time_limit.unwrap();
    assert_eq!(t("90"), TimeLimit::Limited(Duration::from_mins(90)));
    assert_eq!(t("1:30"), TimeLimit::Limited(Duration::from_mins(2)));
    assert_eq!(t("2-12"), TimeLimit::Limited(Duration::from_mins(60 * 60)));
    assert_eq!(t("0"), TimeLimit::Unlimited);
    assert_eq!(t("UNLIMITED"), TimeLimit::Unlimited);
    let r = parse_args(&["--time-min=10:00"]).unwrap();
    assert_eq!(
        r.time_min,
        Some(TimeLimit::Limited(Duration::from_mins(10)))
    );
    assert!(matches!(
        err(&["--time=abc"]),
        OptionError::InvalidValue { ref option, ref value, .. } if option == "--time" && value == "abc"
    ));
}

#[test]
fn memory_options() {
    use crate::memory::Memory;
    let m = |args: &[&str]| parse_args(args).unwrap().memory.unwrap();
    assert_eq!(
        m(&["--mem=16G"]),
        MemoryRequest::PerNode(Memory::from_mib(16 * 1024))
    );
    assert_eq!(m(&["--mem=0"]), MemoryRequest::PerNode(Memory::from_mib(0)));
    assert_eq!(
        m(&["--mem-per-cpu=500"]),
        MemoryRequest::PerCpu(Memory::from_mib(500))
    );
    assert_eq!(
        m(&["--mem-per-gpu=1T"]),
        MemoryRequest::PerGpu(Memory::from_mib(1 << 20))
    );
    assert_eq!(
        m(&["--mem=1G", "--mem=2G"]),
        MemoryRequest::PerNode(Memory::from_mib(2048))
    );
    assert_eq!(
        err(&["--mem=1G", "--mem-per-cpu=1G"]),
        OptionError::Conflict {
            first: "--mem".into(),
            second: "--mem-per-cpu".into()
        }
    );
    assert_eq!(
        err(&["--mem-per-gpu=1G", "--mem=1G"]).to_string(),
        "`--mem-per-gpu` and `--mem` are mutually exclusive"
    );
    let e = err(&["--mem=1.5G"]);
    assert!(
        matches!(&e, OptionError::InvalidValue { option, value, why }
            if option == "--mem" && value == "1.5G" && why.contains("1.5G")),
        "{e:?}"
    );
}

#[test]
fn gres_and_gpus() {
    use crate::gres::{GresKey, GresSpec};
    let r = parse_args(&["--gres=gpu:a100:2,nvme:1"]).unwrap();
    assert_eq!(r.gres.len(), 2);
    assert_eq!(r.gres[0].key, GresKey::typed("gpu", "a100"));
    assert_eq!(r.gres[0].count, 2);
    assert!(
        parse_args(&["--gres=gpu:1", "--gres=none"])
            .unwrap()
            .gres
            .is_empty()
    );
    assert!(parse_args(&["--gres=NONE"]).unwrap().gres.is_empty());
    let r = parse_args(&["-G", "h100:4", "--gpus-per-node=2"]).unwrap();
    assert_eq!(r.gpus.unwrap().key, GresKey::typed("gpu", "h100"));
    assert_eq!(r.gpus_per_node.as_deref(), Some(&GresSpec::new("gpu", 2)));
    assert!(matches!(
        err(&["--gpus=a100:1,v100:2"]),
        OptionError::InvalidValue { ref why, .. } if why.contains("more than one GPU type")
    ));
    assert!(matches!(
        err(&["--gres=gpu:x:y:z"]),
        OptionError::InvalidValue { .. }
    ));
    // `--gpus-per-node` and `--gres=gpu` are mutually exclusive (slurm_opt.c), judged
    // on the final `--gres`.
    assert_eq!(
        err(&["--gres=gpu:1", "--gpus-per-node=1"]),
        OptionError::Conflict {
            first: "--gres=gpu".into(),
            second: "--gpus-per-node".into()
        }
    );
    assert!(parse_args(&["--gpus-per-node=1", "--gres=nvme:1"]).is_ok());
    assert!(parse_args(&["--gres=gpu:1", "--gpus-per-node=1", "--gres=none"]).is_ok());
}

#[test]
fn hostlists() {
    let r = parse_args(&["-w", "n[03,01-02],n01", "-x", "gpu[1-2]"]).unwrap();
    assert_eq!(r.nodelist, ["n01", "n02", "n03"]);
    assert_eq!(r.exclude, ["gpu1", "gpu2"]);
    assert!(matches!(
        err(&["-w", "n[1-"]),
        OptionError::InvalidValue { .. }
    ));
}

#[test]
fn dependency_array_begin_constraint() {
    let r = parse_args(&[
        "-d",
        "afterok:42:43,afterany:44",
        "-a",
        "0-15:4%2",
        "-b",
        "now+1hour",
        "--deadline=2026-03-01T12:00:00",
        "-C",
        "intel&ib",
    ])
    .unwrap();
    assert_eq!(r.dependency.unwrap().items.len(), 3);
    assert_eq!(r.array.unwrap().len(), 4);
    assert!(r.begin.is_some() && r.deadline.is_some() && r.constraint.is_some());
    assert!(matches!(
        err(&["-d", "afterwards:1"]),
        OptionError::InvalidValue { .. }
    ));
    assert!(matches!(
        err(&["-a", "5-1"]),
        OptionError::InvalidValue { .. }
    ));
    assert!(matches!(
        err(&["--begin=someday"]),
        OptionError::InvalidValue { .. }
    ));
}
