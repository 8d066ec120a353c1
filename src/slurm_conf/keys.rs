//! The key tables: every key slurm.conf knows on a `NodeName` line, on a `PartitionName`
//! line and alone on a line (global), each read into the model, kept as a warning, or
//! refused unless its value is neutral; and their look-ups.

#[cfg(doc)]
use super::ConfError;
#[cfg(doc)]
use crate::sched_config::SchedConfig;

/// How a key is handled (docs/slurm-compatibility.md, "Options and keys", lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
    /// Read into the model.
    Modelled,
    /// Known to slurm.conf; changes nothing hpcsched decides (what a job gets, where or
    /// when): kept as a warning.
    NoEffect,
    /// Changes what Slurm decides in a way hpcsched does not model: refused with
    /// [`ConfError::Unsupported`], unless its value is neutral (leaves Slurm deciding
    /// what hpcsched models).
    Refused(Neutral, &'static str),
}

/// The values of a refused key that are accepted (they change nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Neutral {
    /// None.
    Never,
    /// These, case-insensitively.
    Values(&'static [&'static str]),
    /// `SuspendTime`: power saving off (a negative number, `NONE`, `INFINITE`).
    PowerSaveOff,
    /// `AccountingStorageEnforce`: QOS limits enforced (`limits` or `safe` in the list),
    /// as hpcsched always enforces those it is given.
    EnforcesLimits,
}

impl Neutral {
    pub(super) fn accepts(self, value: &str) -> bool {
        let v = value.trim();
        match self {
            Neutral::Never => false,
            Neutral::Values(list) => list.iter().any(|n| n.eq_ignore_ascii_case(v)),
            Neutral::PowerSaveOff => {
                v.eq_ignore_ascii_case("NONE")
                    || v.eq_ignore_ascii_case("INFINITE")
                    || v.strip_prefix('-')
                        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            }
            Neutral::EnforcesLimits => v.split(',').any(|item| {
                let item = item.trim();
                item.eq_ignore_ascii_case("limits") || item.eq_ignore_ascii_case("safe")
            }),
        }
    }
}

/// Why power-saving keys are refused.
pub(super) const POWER_SAVE: &str =
    "power saving (nodes suspended when idle, resumed for jobs) is not modelled";

/// NodeName keys: (canonical name, handling). Union of Slurm 22.05 to 26.x, plus the
/// scontrol spellings `AvailableFeatures`/`ActiveFeatures`.
pub(super) const NODE_KEYS: &[(&str, Use)] = &[
    ("BcastAddr", Use::NoEffect),
    ("Boards", Use::Modelled),
    (
        "CoreSpecCount",
        Use::Refused(
            Neutral::Values(&["0"]),
            "cores set aside for the system are not modelled",
        ),
    ),
    ("CoresPerSocket", Use::Modelled),
    ("CPUs", Use::Modelled),
    (
        "CPUSpecList",
        Use::Refused(
            Neutral::Never,
            "CPUs set aside for the system are not modelled",
        ),
    ),
    ("CpuBind", Use::NoEffect),
    ("Feature", Use::Modelled),
    ("Features", Use::Modelled),
    ("AvailableFeatures", Use::Modelled),
    ("ActiveFeatures", Use::NoEffect),
    ("Gres", Use::Modelled),
    ("GresConf", Use::NoEffect),
    ("MemSpecLimit", Use::Modelled),
    ("NodeAddr", Use::NoEffect),
    ("NodeHostname", Use::NoEffect),
    ("Parameters", Use::NoEffect),
    ("Port", Use::NoEffect),
    ("Procs", Use::Modelled),
    ("RealMemory", Use::Modelled),
    ("Reason", Use::Modelled),
    (
        "RestrictedCoresPerGPU",
        Use::Refused(
            Neutral::Values(&["0"]),
            "cores kept for GPU jobs are not modelled",
        ),
    ),
    ("Sockets", Use::Modelled),
    ("SocketsPerBoard", Use::Modelled),
    ("State", Use::Modelled),
    (
        "SuspendTime",
        Use::Refused(Neutral::PowerSaveOff, POWER_SAVE),
    ),
    ("ThreadsPerCore", Use::Modelled),
    ("TmpDisk", Use::Modelled),
    (
        "Topology",
        Use::Refused(Neutral::Never, "network topology is not modelled"),
    ),
    ("TRESWeights", Use::NoEffect),
    ("Weight", Use::Modelled),
];

/// NodeName keys that a DEFAULT line may not set and that are never inherited.
pub(super) const NODE_LINE_ONLY: &[&str] = &["NodeHostname", "NodeAddr", "BcastAddr", "GresConf"];

/// PartitionName keys, union of Slurm 22.05 to 26.x.
pub(super) const PARTITION_KEYS: &[(&str, Use)] = &[
    // Access by submit host: the host's business, as the submitting user is (not checked).
    ("AllocNodes", Use::NoEffect),
    ("AllowAccounts", Use::Modelled),
    // Access by Unix group: hpcsched knows no groups (not checked).
    ("AllowGroups", Use::NoEffect),
    ("AllowQos", Use::Modelled),
    (
        "Alternate",
        Use::Refused(
            Neutral::Never,
            "sending jobs to an alternate partition is not modelled",
        ),
    ),
    ("CpuBind", Use::NoEffect),
    ("DefCPUPerGPU", Use::Modelled),
    ("DefMemPerCPU", Use::Modelled),
    ("DefMemPerGPU", Use::Modelled),
    ("DefMemPerNode", Use::Modelled),
    ("Default", Use::Modelled),
    ("DefaultTime", Use::Modelled),
    ("DenyAccounts", Use::Modelled),
    ("DenyQos", Use::Modelled),
    ("DisableRootJobs", Use::Modelled),
    ("Exclusive", Use::Modelled),
    ("ExclusiveTopo", Use::Modelled),
    ("ExclusiveUser", Use::Modelled),
    ("GraceTime", Use::Modelled),
    ("Hidden", Use::NoEffect),
    (
        "LLN",
        Use::Refused(
            Neutral::Values(&["NO", "0", "FALSE", "DOWN"]),
            "placing jobs on the least loaded nodes is not modelled",
        ),
    ),
    ("MaxCPUsPerNode", Use::Modelled),
    (
        "MaxCPUsPerSocket",
        Use::Refused(
            Neutral::Values(&["UNLIMITED", "INFINITE"]),
            "the socket layout of nodes is not modelled",
        ),
    ),
    ("MaxMemPerCPU", Use::Modelled),
    ("MaxMemPerNode", Use::Modelled),
    ("MaxNodes", Use::Modelled),
    ("MaxTime", Use::Modelled),
    ("MinNodes", Use::Modelled),
    ("Nodes", Use::Modelled),
    ("OverSubscribe", Use::Modelled),
    ("OverTimeLimit", Use::Modelled),
    (
        "PowerDownOnIdle",
        Use::Refused(Neutral::Values(&["NO", "0", "FALSE", "DOWN"]), POWER_SAVE),
    ),
    ("PreemptMode", Use::Modelled),
    ("Priority", Use::Modelled),
    ("PriorityJobFactor", Use::Modelled),
    ("PriorityTier", Use::Modelled),
    ("QOS", Use::Modelled),
    ("ReqResv", Use::Modelled),
    ("ResumeTimeout", Use::NoEffect),
    ("RootOnly", Use::Modelled),
    (
        "SelectTypeParameters",
        Use::Refused(
            Neutral::Values(&["CR_Core", "CR_Core_Memory", "CR_CPU", "CR_CPU_Memory"]),
            "hpcsched allocates CPUs; whole sockets are not modelled",
        ),
    ),
    ("Shared", Use::Modelled),
    ("State", Use::Modelled),
    (
        "SuspendTime",
        Use::Refused(Neutral::PowerSaveOff, POWER_SAVE),
    ),
    ("SuspendTimeout", Use::NoEffect),
    (
        "Topology",
        Use::Refused(Neutral::Never, "network topology is not modelled"),
    ),
    ("TRESBillingWeights", Use::Modelled),
];

/// PartitionName keys Slurm reads from the line only, never from `PartitionName=DEFAULT`.
pub(super) const PARTITION_LINE_ONLY: &[&str] = &[
    "ExclusiveUser",
    "ExclusiveTopo",
    "DisableRootJobs",
    "PowerDownOnIdle",
    "SuspendTime",
    "SelectTypeParameters",
];

/// Global keys hpcsched reads into [`SchedConfig`].
pub(super) const GLOBAL_MODELLED: &[&str] = &[
    "SchedulerType",
    "SelectType",
    "SelectTypeParameters",
    "SchedulerParameters",
    "PriorityType",
    "PriorityWeightAge",
    "PriorityWeightFairshare",
    "PriorityWeightJobSize",
    "PriorityWeightPartition",
    "PriorityWeightQOS",
    "PriorityWeightAssoc",
    "PriorityWeightTRES",
    "PriorityMaxAge",
    "PriorityFavorSmall",
    "PriorityFlags",
    "PreemptType",
    "PreemptMode",
    "PreemptExemptTime",
    "EnforcePartLimits",
    "DefMemPerCPU",
    "DefMemPerNode",
    "MaxMemPerNode",
    "MaxMemPerCPU",
    "MaxArraySize",
    "DependencyParameters",
    "OverTimeLimit",
    "MinJobAge",
    "DefCPUPerGPU",
    "DefMemPerGPU",
    "DisableRootJobs",
    "JobRequeue",
    "SlurmUser",
    // Fair-share (src/fairshare/), read into SchedConfig; the host runs the ticks.
    "PriorityDecayHalfLife",
    "PriorityCalcPeriod",
    "PriorityUsageResetPeriod",
    "FairShareDampeningFactor",
];

/// Global keys that change what Slurm decides in a way hpcsched does not model: refused
/// unless their value is neutral (see [`Use::Refused`]).
pub(super) const GLOBAL_REFUSED: &[(&str, Neutral, &str)] = &[
    (
        "AccountingStorageEnforce",
        Neutral::EnforcesLimits,
        "without `limits` Slurm does not enforce QOS limits, which hpcsched enforces",
    ),
    (
        "BurstBufferType",
        Neutral::Values(&["burst_buffer/none"]),
        "burst buffers (staged in before a job starts) are not modelled",
    ),
    (
        "CliFilterPlugins",
        Neutral::Values(&["cli_filter/syslog", "syslog"]),
        "client filter plugins may change any job's options, which hpcsched cannot know",
    ),
    (
        "JobSubmitPlugins",
        Neutral::Never,
        "job submit plugins may change any job, which hpcsched cannot know",
    ),
    (
        "MCSPlugin",
        Neutral::Values(&["mcs/none"]),
        "sharing nodes by MCS label is not modelled",
    ),
    (
        "NodeFeaturesPlugins",
        Neutral::Never,
        "node features changed by rebooting nodes are not modelled",
    ),
    (
        "PowerPlugin",
        Neutral::Values(&["power/none"]),
        "power capping is not modelled",
    ),
    (
        "RequeueExit",
        Neutral::Never,
        "jobs requeued by their exit code are not modelled",
    ),
    (
        "RequeueExitHold",
        Neutral::Never,
        "jobs requeued and held by their exit code are not modelled",
    ),
    ("SuspendTime", Neutral::PowerSaveOff, POWER_SAVE),
    (
        "TopologyPlugin",
        Neutral::Values(&["topology/none", "topology/default", "topology/flat"]),
        "network topology is not modelled",
    ),
];

/// Every other global key slurm.conf knows (Slurm 22.05 to 26.x): they change nothing
/// hpcsched decides (daemons, logging, accounting storage, prolog and epilog programs,
/// power-saving details with power saving off...), recorded as warnings.
pub(super) const GLOBAL_NO_EFFECT: &[&str] = &[
    "AccountingStorageBackupHost",
    "AccountingStorageExternalHost",
    "AccountingStorageHost",
    "AccountingStorageLoc",
    "AccountingStorageParameters",
    "AccountingStoragePass",
    "AccountingStoragePort",
    "AccountingStorageTRES",
    "AccountingStorageType",
    "AccountingStorageUser",
    "AccountingStoreFlags",
    "AccountingStoreJobComment",
    "AcctGatherEnergyType",
    "AcctGatherFilesystemType",
    "AcctGatherInfinibandType",
    "AcctGatherInterconnectType",
    "AcctGatherNodeFreq",
    "AcctGatherProfileType",
    "AllowSpecResourcesUsage",
    "AuthAltParameters",
    "AuthAltTypes",
    "AuthInfo",
    "AuthType",
    "BackupAddr",
    "BackupController",
    "BatchStartTimeout",
    "BcastExclude",
    "BcastParameters",
    "BurstBufferParameters",
    "CertgenParameters",
    "CertgenType",
    "CertmgrParameters",
    "CertmgrType",
    "CheckpointType",
    "CliFilterParameters",
    "ClusterName",
    "CommunicationParameters",
    "CompleteWait",
    "ControlAddr",
    "ControlMachine",
    "CoreSpecPlugin",
    "CpuFreqDef",
    "CpuFreqGovernors",
    "CredType",
    "CryptoType",
    "DataParserParameters",
    "DebugFlags",
    "DefRuntimePlugin",
    "EioTimeout",
    "Epilog",
    "EpilogMsgTime",
    "EpilogSlurmctld",
    "EpilogTimeout",
    "ExtSensorsFreq",
    "ExtSensorsType",
    "FastSchedule",
    "FederationParameters",
    "FirstJobId",
    "GetEnvTimeout",
    "GpuFreqDef",
    "GresTypes",
    "GroupUpdateForce",
    "GroupUpdateTime",
    "HashPlugin",
    "HealthCheckInterval",
    "HealthCheckNodeState",
    "HealthCheckProgram",
    "HealthCheckTimeout",
    "HttpParserType",
    "InactiveLimit",
    "InteractiveStepOptions",
    "JobAcctGatherFrequency",
    "JobAcctGatherParams",
    "JobAcctGatherType",
    "JobCompHost",
    "JobCompLoc",
    "JobCompParams",
    "JobCompPass",
    "JobCompPassScript",
    "JobCompPort",
    "JobCompType",
    "JobCompUser",
    "JobContainerType",
    "JobCredentialPrivateKey",
    "JobCredentialPublicCertificate",
    "JobFileAppend",
    "KeepAliveTime",
    "KillOnBadExit",
    "KillWait",
    "LaunchParameters",
    "LaunchType",
    "LicenseParameters",
    "Licenses",
    "LogTimeFormat",
    "MailDomain",
    "MailProg",
    "MaxBatchRequeue",
    "MaxDBDMsgs",
    // Only a controller holding that many job records refuses submissions; hpcsched
    // never does (docs/slurm-compatibility.md).
    "MaxJobCount",
    "MaxJobId",
    "MaxNodeCount",
    "MaxStepCount",
    "MaxTasksPerNode",
    "MCSParameters",
    "MessageTimeout",
    "MetricsAuthUsers",
    "MetricsParameters",
    "MetricsType",
    "MpiDefault",
    "MpiParams",
    "NamespaceType",
    "PluginDir",
    "PlugStackConfig",
    "PowerParameters",
    // Slurm 22.05 does not know PreemptParameters (23.02 brought it): its words are
    // SchedulerParameters' preempt_reorder_count, preempt_strict_order and
    // preempt_youngest_first there.
    "PreemptParameters",
    "PrEpParameters",
    "PrEpPlugins",
    "PriorityParameters",
    "PrioritySiteFactorParameters",
    "PrioritySiteFactorPlugin",
    "PrivateData",
    "ProctrackType",
    "Prolog",
    "PrologEpilogTimeout",
    "PrologFlags",
    "PrologSlurmctld",
    "PrologTimeout",
    "PropagatePrioProcess",
    "PropagateResourceLimits",
    "PropagateResourceLimitsExcept",
    "RebootProgram",
    "ReconfigFlags",
    "ResumeFailProgram",
    "ResumeProgram",
    "ResumeRate",
    "ResumeTimeout",
    "ResvEpilog",
    "ResvOverRun",
    "ResvProlog",
    "ReturnToService",
    "RoutePlugin",
    "SallocDefaultCommand",
    "SbcastParameters",
    "SchedulerTimeSlice",
    "ScronParameters",
    "SerializerParameters",
    "SerializerPlugins",
    "SlurmctldAddr",
    "SlurmctldDebug",
    "SlurmctldHttpAuthParameters",
    "SlurmctldLogFile",
    "SlurmctldParameters",
    "SlurmctldPidFile",
    "SlurmctldPlugstack",
    "SlurmctldPort",
    "SlurmctldPrimaryOffProg",
    "SlurmctldPrimaryOnProg",
    "SlurmctldSyslogDebug",
    "SlurmctldTimeout",
    "SlurmdDebug",
    "SlurmdHttpAuthParameters",
    "SlurmdLogFile",
    "SlurmdParameters",
    "SlurmdPidFile",
    "SlurmdPort",
    "SlurmdSpoolDir",
    "SlurmdSyslogDebug",
    "SlurmdTimeout",
    "SlurmdUser",
    "SlurmrestdHttpAuthParameters",
    "SlurmrestdParameters",
    "SlurmSchedLogFile",
    "SlurmSchedLogLevel",
    "SlurmstepdParameters",
    "SrunEpilog",
    "SrunPortRange",
    "SrunProlog",
    "StateSaveLocation",
    "SuspendExcNodes",
    "SuspendExcParts",
    "SuspendExcStates",
    "SuspendProgram",
    "SuspendRate",
    "SuspendTimeout",
    "SwitchParameters",
    "SwitchType",
    "TaskEpilog",
    "TaskPlugin",
    "TaskPluginParam",
    "TaskProlog",
    "TCPTimeout",
    "TLSParameters",
    "TLSType",
    "TmpFS",
    "TopologyParam",
    "TrackWCKey",
    "TreeWidth",
    "UnkillableStepProgram",
    "UnkillableStepTimeout",
    "UrlParserType",
    "UsePAM",
    "VSizeFactor",
    "WaitTime",
    "X11Parameters",
];

/// Record lines hpcsched does not model: the whole line becomes one warning.
pub(super) const RECORD_IGNORED: &[&str] =
    &["FrontendName", "NodeSet", "PowerAction", "SlurmctldHost"];

/// The canonical spelling of `key` in `table`, case-insensitively.
pub(super) fn lookup(table: &[(&'static str, Use)], key: &str) -> Option<(&'static str, Use)> {
    table
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .copied()
}

pub(super) fn find_name(table: &[&'static str], key: &str) -> Option<&'static str> {
    table.iter().find(|k| k.eq_ignore_ascii_case(key)).copied()
}

pub(super) const NOT_USED: &str = "not used by hpcsched";
