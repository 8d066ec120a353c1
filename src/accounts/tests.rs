use super::*;
use crate::gres::GresKey;
use crate::time::Duration;
use crate::tres::TresKind;
use proptest::prelude::*;
use std::fmt::Write as _;

fn any_qos(q: &str) -> bool {
    ["normal", "gpu", "long", "debug"].contains(&q)
}

fn tree(text: &str) -> Accounts {
    let mut a = Accounts::new("demo");
    a.apply_sacctmgr(text, &any_qos).unwrap();
    a
}

fn mins(m: u64) -> TimeLimit {
    TimeLimit::Limited(Duration::from_mins(m))
}

fn gpu() -> TresKind {
    TresKind::Gres(GresKey::new("gpu"))
}

#[test]
fn keys_match_sacctmgr_prefixes_and_legacy_keys_map_to_tres() {
    let a = tree(
        "sacctmgr -i add account Phys GrpCPUs=10 GrpNodes=2 GrpMem=1000 MaxCPUsPerJob=4 \
         MaxNodes=1 GrpCPUMins=100 MaxCPUMins=50 MaxCPURunMins=70 GrpCPURunMins=80 MaxW=90 \
         Pri=5 MinPrio=3 GrpJobsA=2 MaxJobsA=1 MaxJobs=7 MaxSubmit=9 GrpJ=11 GrpSubmit=12 \
         GrpWall=1-0 F=parent MaxTRESPerNode=gres/gpu=2 GrpTRES=node=3",
    );
    let id = a.account_assoc("phys").unwrap();
    let l = &a.assoc(id).unwrap().limits;
    assert_eq!(l.grp_tres.to_string(), "cpu=10,node=3,mem=1000M");
    assert_eq!(l.max_tres_per_job.to_string(), "cpu=4,node=1");
    assert_eq!(l.grp_tres_mins.get(&TresKind::Cpu), Some(100));
    assert_eq!(l.max_tres_mins_per_job.get(&TresKind::Cpu), Some(50));
    assert_eq!(l.max_tres_run_mins.get(&TresKind::Cpu), Some(70));
    assert_eq!(l.grp_tres_run_mins.get(&TresKind::Cpu), Some(80));
    assert_eq!(l.max_tres_per_node.get(&gpu()), Some(2));
    assert_eq!(l.max_wall, Some(mins(90)));
    assert_eq!(l.grp_wall, Some(mins(1440)));
    assert_eq!((l.priority, l.min_prio_thresh), (Some(5), Some(3)));
    assert_eq!((l.grp_jobs_accrue, l.max_jobs_accrue), (Some(2), Some(1)));
    assert_eq!((l.max_jobs, l.max_submit_jobs), (Some(7), Some(9)));
    assert_eq!((l.grp_jobs, l.grp_submit_jobs), (Some(11), Some(12)));
    assert_eq!(a.assoc(id).unwrap().shares, Shares::Parent);
    // Below a minimum prefix, or a key of QOS only, is unknown.
    for (text, key) in [
        ("add account x Pa=root Max=1", "Max"),
        ("add account x MaxJobsPerUser=1", "MaxJobsPerUser"),
        ("add account x Colour=blue", "Colour"),
    ] {
        let mut b = Accounts::new("demo");
        assert_eq!(
            b.apply_sacctmgr(text, &any_qos),
            Err(AccountError::UnknownKey {
                line: 1,
                key: key.into()
            })
        );
    }
}

#[test]
fn max_limits_qos_and_priority_are_inherited_grp_limits_are_not() {
    let a = tree(
        "add account science MaxJobs=10 MaxTRESPerJob=cpu=64,gres/gpu=4 GrpTRES=cpu=512 \
         Priority=7 DefaultQOS=normal QOS=normal,gpu,long\n\
         add account chem Parent=science MaxTRESPerJob=cpu=32 MaxWall=60 QOS-=long\n\
         add user Alice Account=chem MaxJobs=2\n\
         add user bob Account=chem QOS+=debug\n",
    );
    let alice = a.user_assoc("alice", "chem", None).unwrap();
    let x = a.assoc(alice).unwrap();
    assert_eq!(
        x.user.as_deref(),
        Some("alice"),
        "user names are lower-cased"
    );
    assert_eq!(x.effective.max_jobs, Some(2));
    assert_eq!(
        x.effective.max_tres_per_job.to_string(),
        "cpu=32,gres/gpu=4"
    );
    assert_eq!(x.effective.max_wall, Some(mins(60)));
    assert_eq!(x.effective.priority, Some(7));
    assert!(x.effective.grp_tres.is_empty());
    assert_eq!(x.qos, ["normal", "gpu"]);
    assert_eq!(x.effective_default_qos.as_deref(), Some("normal"));
    let bob = a.assoc(a.user_assoc("bob", "chem", None).unwrap()).unwrap();
    assert_eq!(bob.effective.max_jobs, Some(10));
    assert_eq!(bob.qos, ["normal", "gpu", "debug"]);
    assert_eq!(
        bob.qos_setting,
        QosSetting::Delta(vec![(true, "debug".into())])
    );
    let science = a.assoc(a.account_assoc("science").unwrap()).unwrap();
    assert_eq!(science.effective.grp_tres.get(&TresKind::Cpu), Some(512));
    // A default QOS outside the list is dropped (assoc_mgr).
    let c = tree("add account x DefaultQOS=gpu\nadd user u Account=x\n");
    let u = c.assoc(c.user_assoc("u", "x", None).unwrap()).unwrap();
    assert_eq!(u.qos, ["normal"]);
    assert_eq!(u.effective_default_qos, None);
}

#[test]
fn qos_lists_check_names_and_refuse_mixing() {
    let mut a = Accounts::new("demo");
    assert_eq!(
        a.apply_sacctmgr("add account x\nadd account y QOS=normal,nope", &any_qos),
        Err(AccountError::BadQos {
            line: 2,
            qos: "nope".into()
        })
    );
    assert_eq!(
        a.apply_sacctmgr("add account y DefaultQOS=nope", &any_qos),
        Err(AccountError::BadDefaultQos {
            line: 1,
            qos: "nope".into()
        })
    );
    assert!(matches!(
        a.apply_sacctmgr("add account y QOS=normal,+gpu", &any_qos),
        Err(AccountError::Value { line: 1, ref why, .. }) if why.starts_with("You can't set qos equal")
    ));
    assert_eq!(a.len(), 1, "nothing of the failed texts was kept");
    let a = tree("add account y QOS=gpu,long\nmodify account y set QOS-=gpu QOS+=debug\n");
    let y = a.assoc(a.account_assoc("y").unwrap()).unwrap();
    assert_eq!(
        y.qos_setting,
        QosSetting::List(vec!["long".into(), "debug".into()])
    );
    let a = tree("add account y QOS=gpu\nmodify account y set QOS=''\n");
    assert_eq!(
        a.assoc(a.account_assoc("y").unwrap()).unwrap().qos,
        ["normal"]
    );
}

#[test]
fn errors_use_sacctmgrs_wording_and_name_the_line() {
    let mut a = Accounts::new("demo");
    let cases: Vec<(&str, AccountError)> = vec![
        (
            "# admin script\n\nadd account chem Parent=science",
            AccountError::NoParent {
                line: 3,
                parent: "science".into(),
                cluster: "demo".into(),
            },
        ),
        (
            "add user bob Account=ghost",
            AccountError::NoAccount {
                line: 1,
                account: "ghost".into(),
            },
        ),
        (
            "add user bob DefaultAccount=ghost",
            AccountError::NoAccount {
                line: 1,
                account: "ghost".into(),
            },
        ),
        (
            "add account a\nadd account A",
            AccountError::Exists {
                line: 2,
                what: "account 'a'".into(),
            },
        ),
        (
            "add account a RawUsage=5",
            AccountError::Unsupported {
                line: 1,
                key: "RawUsage".into(),
            },
        ),
        (
            "add cluster other",
            AccountError::OtherCluster {
                line: 1,
                name: "other".into(),
            },
        ),
        (
            "modify user ghost set MaxJobs=1",
            AccountError::NotFound {
                line: 1,
                what: "user 'ghost'".into(),
            },
        ),
    ];
    for (text, want) in cases {
        assert_eq!(a.apply_sacctmgr(text, &any_qos), Err(want), "{text}");
    }
    assert!(matches!(
        a.apply_sacctmgr("add user bob", &any_qos),
        Err(AccountError::Syntax { line: 1, ref why, .. }) if why == "Need name of account to add user to"
    ));
    assert!(matches!(
        a.apply_sacctmgr("add account a MaxJobs=lots", &any_qos),
        Err(AccountError::Value { line: 1, ref why, .. }) if why == "not a number"
    ));
    assert!(matches!(
        a.apply_sacctmgr("add frobnicator x", &any_qos),
        Err(AccountError::Syntax { line: 1, .. })
    ));
    assert_eq!(
        sacctmgr::parse("add account a", &any_qos),
        Err(AccountError::NoCluster { line: 1 })
    );
}

#[test]
fn default_account_tree_order_and_fair_share_parent() {
    let a = tree(
        "add account zoo\nadd account alpha Fairshare=parent\nadd account beta Parent=alpha\n\
         add user zed,amy Account=alpha,zoo\nadd user amy Account=beta Partition=gpu\n\
         add user carl Account=zoo DefaultAccount=zoo Fairshare=5\n",
    );
    assert_eq!(a.default_account("amy"), Some("alpha"));
    assert_eq!(a.default_account("carl"), Some("zoo"));
    let names: Vec<String> = a
        .iter()
        .map(|(_, x)| match &x.user {
            Some(u) => format!("{}/{u}", x.account),
            None => x.account.clone(),
        })
        .collect();
    assert_eq!(
        names,
        [
            "root",
            "alpha",
            "alpha/amy",
            "alpha/zed",
            "beta",
            "beta/amy",
            "zoo",
            "zoo/amy",
            "zoo/carl",
            "zoo/zed"
        ]
    );
    let beta_amy = a.user_assoc("amy", "beta", Some("gpu")).unwrap();
    let beta = a.account_assoc("beta").unwrap();
    // beta's parent alpha uses `parent`: beta's fair-share parent is root.
    assert_eq!(a.fs_parent(beta), Some(a.root()));
    assert_eq!(a.fs_parent(beta_amy), Some(beta));
    assert_eq!(a.fs_parent(a.root()), None);
    assert_eq!(a.children(a.root()).len(), 2);
}

#[test]
fn modify_and_delete() {
    let mut a = tree(
        "add account a\nadd account b\nadd account c Parent=a\n\
         add user u Account=a,c\nadd user v Account=c\n",
    );
    a.apply_sacctmgr(
        "modify account where name=c set Parent=b MaxJobs=3 Description='Chem Lab'\n\
         modify user u where account=c set MaxJobs=1 DefaultAccount=c\n",
        &any_qos,
    )
    .unwrap();
    let c = a.account_assoc("c").unwrap();
    assert_eq!(a.assoc(c).unwrap().parent, a.account_assoc("b"));
    assert_eq!(a.account("c").unwrap().description, "chem lab");
    let uc = a.user_assoc("u", "c", None).unwrap();
    assert_eq!(a.assoc(uc).unwrap().limits.max_jobs, Some(1));
    assert_eq!(
        a.assoc(a.user_assoc("u", "a", None).unwrap())
            .unwrap()
            .limits
            .max_jobs,
        None
    );
    assert_eq!(a.default_account("u"), Some("c"));
    assert!(matches!(
        a.apply_sacctmgr("modify account b set Parent=c", &any_qos),
        Err(AccountError::Syntax { line: 1, .. })
    ));
    a.apply_sacctmgr("delete account c", &any_qos).unwrap();
    assert_eq!(a.user("v"), None, "v had no other association");
    assert_eq!(a.default_account("u"), Some("a"));
    assert_eq!(a.len(), 4); // root, a, b, u/a
    a.apply_sacctmgr("delete user u", &any_qos).unwrap();
    assert_eq!(a.len(), 3);
}

const DUMP: &str = "Cluster - 'hpc':Fairshare=1:QOS='normal'
Parent - 'root'
User - 'root':DefaultAccount='root':AdminLevel='administrator':Fairshare=1
Account - 'bio':Description='biology':Organization='science':Fairshare=30:GrpTRES=cpu=512,mem=2T,gres/gpu=16:GrpJobs=100:MaxWallDurationPerJob=2880:QOS='normal,gpu'
Account - 'physics':Description='physics':Organization='science':DefaultQOS='normal':Fairshare=70:GrpTRESMins=cpu=1000000:MaxTRESPerJob=cpu=256,node=4:MaxJobs=20:Priority=10
Parent - 'bio'
User - 'alice':DefaultAccount='bio':Fairshare=1:MaxJobs=5:QOS='+long'
User - 'bob':Partition='gpu':DefaultAccount='physics':Fairshare=2147483647:MaxTRESPerNode=gres/gpu=4
Account - 'genomics':Description='genomics':Organization='bio':Fairshare=10:GrpWall=600:MaxSubmitJobs=50:MinPrioThresh=5
Parent - 'genomics'
User - 'carol':DefaultAccount='genomics':Fairshare=1
Parent - 'physics'
User - 'bob':DefaultAccount='physics':Fairshare=1:MaxJobsAccrue=2
";

#[test]
fn dump_round_trips() {
    let a = dump::read(DUMP, &any_qos).unwrap();
    assert_eq!(dump::write(&a), format!("{}{DUMP}", dump::HEADER));
    let b = dump::read(&dump::write(&a), &any_qos).unwrap();
    assert_eq!(a, b);
    let bob = a.user_assoc("bob", "bio", Some("gpu")).unwrap();
    let x = a.assoc(bob).unwrap();
    assert_eq!(x.shares, Shares::Parent);
    assert_eq!(x.effective.max_wall, Some(mins(2880)));
    assert_eq!(x.qos, ["normal", "gpu"]);
    let alice = a
        .assoc(a.user_assoc("alice", "bio", None).unwrap())
        .unwrap();
    assert_eq!(alice.qos, ["normal", "gpu", "long"]);
    // A tree built by sacctmgr lines writes and reads back the same.
    let t = tree(
        "add account ml Fairshare=parent MaxTRESPerJob=gres/gpu=8,cpu=4 GrpWall=90:30 QOS+=gpu\n\
         add user dan Account=ml Partition=gpu DefaultQOS=gpu MinPrioThresh=1\n",
    );
    assert_eq!(dump::read(&dump::write(&t), &any_qos).unwrap(), t);
    assert!(dump::write(&t).contains(
        "Account - 'ml':Description='ml':Organization='ml':Fairshare=2147483647:GrpWall=91:\
         MaxTRESPerJob=cpu=4,gres/gpu=8:QOS='+gpu'\n"
    ));
}

#[test]
fn dump_lines_comments_continuations_and_order_errors() {
    let a = dump::read(
        "# a comment\nCluster - 'x' # trailing\nAccount - 'a':Description='a \\# b':\\\n  MaxJobs=3\n",
        &any_qos,
    )
    .unwrap();
    assert_eq!(a.account("a").unwrap().description, "a # b");
    let id = a.account_assoc("a").unwrap();
    assert_eq!(a.assoc(id).unwrap().limits.max_jobs, Some(3));
    assert_eq!(a.assoc(id).unwrap().parent, Some(a.root()));
    assert_eq!(
        dump::read("Account - 'a'\n", &any_qos),
        Err(AccountError::DumpNoCluster { line: 1 })
    );
    assert_eq!(
        dump::read("Cluster - 'x'\nParent - 'nope'\n", &any_qos)
            .unwrap_err()
            .to_string(),
        "line(2) You need to add this parent (nope) as a child before you can add children to it."
    );
    assert_eq!(
        dump::read("Cluster - 'x'\nAccount - 'a':Bogus=1\n", &any_qos),
        Err(AccountError::UnknownKey {
            line: 2,
            key: "Bogus".into()
        })
    );
    assert!(matches!(
        dump::read("Cluster - 'x'\nWidget - 'a'\n", &any_qos),
        Err(AccountError::Syntax { line: 2, .. })
    ));
    assert!(matches!(
        dump::read("Cluster - 'x'\nCluster - 'y'\n", &any_qos),
        Err(AccountError::OtherCluster { line: 2, .. })
    ));
}

#[test]
fn job_resolution_follows_slurmctld() {
    let mut a = tree(
        "add account chem QOS=normal,gpu,long DefaultQOS=long\n\
         add account solo QOS=debug\n\
         add user alice Account=chem,solo\n\
         add user alice Account=chem Partition=gpu DefaultQOS=gpu\n\
         add user bob Account=solo\n",
    );
    let p = |s: &str| vec![s.to_string()];
    let r = a
        .resolve_job("Alice", None, &p("gpu"), None, any_qos)
        .unwrap();
    assert_eq!(r.assoc, a.user_assoc("alice", "chem", Some("gpu")));
    assert_eq!(r.qos.as_deref(), Some("gpu"));
    let r = a
        .resolve_job("alice", None, &p("batch"), None, any_qos)
        .unwrap();
    assert_eq!(r.assoc, a.user_assoc("alice", "chem", None));
    assert_eq!(r.qos.as_deref(), Some("long"), "the association's default");
    let r = a
        .resolve_job("alice", Some("solo"), &[], None, any_qos)
        .unwrap();
    assert_eq!(
        (r.account.as_deref(), r.qos.as_deref()),
        (Some("solo"), Some("debug"))
    );
    // Neither a default nor a single QOS: root's default, else `normal`.
    let b = tree("add account x QOS=gpu,long\nadd user u Account=x\n");
    assert_eq!(
        b.resolve_job("u", None, &[], Some("gpu"), any_qos)
            .unwrap()
            .qos
            .as_deref(),
        Some("gpu")
    );
    assert_eq!(
        b.resolve_job("u", None, &[], None, any_qos),
        Err(AccountError::InvalidQos),
        "`normal` is not in x's list"
    );
    assert_eq!(
        a.resolve_job("alice", Some("physics"), &[], None, any_qos),
        Err(AccountError::InvalidAccount)
    );
    assert_eq!(
        a.resolve_job("bob", None, &[], Some("gpu"), any_qos),
        Err(AccountError::InvalidQos)
    );
    assert_eq!(
        a.resolve_job(
            "alice",
            None,
            &["gpu".into(), "batch".into()],
            None,
            any_qos
        ),
        Err(AccountError::PartitionAssoc)
    );
    // Without `qos` an unknown or unlisted QOS is let through; without `associations`
    // an unknown user too.
    a.set_enforce(Enforce::ASSOCIATIONS);
    let r = a
        .resolve_job("bob", None, &[], Some("gpu"), any_qos)
        .unwrap();
    assert_eq!(r.qos.as_deref(), Some("gpu"));
    assert_eq!(
        a.resolve_job("bob", None, &[], Some("zzz"), any_qos)
            .unwrap()
            .qos,
        None
    );
    assert_eq!(
        a.resolve_job("eve", None, &[], None, any_qos),
        Err(AccountError::InvalidAccount)
    );
    a.set_enforce("nojobs,nosteps".parse().unwrap());
    let r = a
        .resolve_job("eve", Some("chem"), &[], None, any_qos)
        .unwrap();
    assert_eq!(
        (r.assoc, r.account.as_deref(), r.qos.as_deref()),
        (None, Some("chem"), Some("normal"))
    );
    assert_eq!("all".parse::<Enforce>(), Ok(Enforce::all()));
    assert_eq!(
        "limits,bogus".parse::<Enforce>(),
        Err(AccountError::Enforce("bogus".into()))
    );
}

proptest! {
    #[test]
    fn never_panics_on_any_text(text in "[ -~\\né]{0,200}") {
        let mut a = Accounts::new("demo");
        let _ = a.apply_sacctmgr(&text, &any_qos);
        let _ = dump::read(&text, &any_qos);
    }

    #[test]
    fn never_panics_on_account_like_lines(
        args in prop::collection::vec(
            (prop::sample::select(vec![
                "Fairshare", "GrpTRES", "MaxJobs", "QOS", "DefaultQOS", "Parent", "MaxWall",
                "GrpCPUs", "Partition", "Account", "DefaultAccount", "Description",
            ]),
             prop::sample::select(vec!["=", "+=", "-="]),
             "[a-zé0-9/=:,\\-.'+]{0,10}"),
            0..5)
    ) {
        let mut line = String::from("add account base\nadd user u Account=base");
        let mut dump_line = String::from("Cluster - 'c'\nUser - 'u'");
        for (k, op, v) in &args {
            let _ = write!(line, " {k}{op}{v}");
            let _ = write!(dump_line, ":{k}{op}{v}");
        }
        let mut a = Accounts::new("demo");
        let _ = a.apply_sacctmgr(&line, &any_qos);
        let _ = dump::read(&dump_line, &any_qos);
    }

    #[test]
    fn generated_trees_round_trip_through_dumps(
        jobs in prop::option::of(0u32..1000),
        wall in prop::option::of(1u64..100_000),
        cpus in prop::option::of(0u64..10_000),
        shares in prop::option::of(0u32..1000),
    ) {
        let mut text = String::from("add account a");
        if let Some(j) = jobs { let _ = write!(text, " MaxJobs={j}"); }
        if let Some(w) = wall { let _ = write!(text, " MaxWall={w}"); }
        if let Some(c) = cpus { let _ = write!(text, " GrpTRES=cpu={c}"); }
        if let Some(s) = shares { let _ = write!(text, " Fairshare={s}"); }
        text.push_str("\nadd user u Account=a\n");
        let t = tree(&text);
        let back = dump::read(&dump::write(&t), &any_qos).unwrap();
        prop_assert_eq!(&back, &t);
        let u = back.assoc(back.user_assoc("u", "a", None).unwrap()).unwrap();
        prop_assert_eq!(u.effective.max_jobs, jobs);
        prop_assert_eq!(u.effective.max_wall, wall.map(mins));
    }
}
