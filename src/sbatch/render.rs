//! Rendering a [`JobRequest`] back to sbatch syntax that real sbatch accepts.
//!
//! Arguments are long-form `--name=value` in a fixed order (the field order of
//! [`JobRequest`], then [`JobRequest::other_options`] and the SPANK plugins'
//! [`JobRequest::plugin_options`] as written), so equal requests render to equal text.
//! Scripts carry the same arguments, one `#SBATCH` line each, quoted for sbatch's
//! directive tokenizer when needed. A command line is the request's command (sbatch, srun
//! or salloc), the arguments, then [`JobRequest::command`].
//!
//! A value containing a newline cannot be written in an `#SBATCH` line (directives are
//! read line by line); such a request renders to a script that does not read back.

use super::values;
use super::values::gpus_value;
use crate::request::{Exclusive, JobRequest, MemoryRequest};

fn push(out: &mut Vec<String>, name: &str, value: impl AsRef<str>) {
    out.push(format!("--{name}={}", value.as_ref()));
}

pub(crate) fn to_args(req: &JobRequest) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = &req.job_name {
        push(&mut out, "job-name", v);
    }
    if let Some(v) = &req.user {
        push(&mut out, "uid", v);
    }
    if let Some(v) = &req.account {
        push(&mut out, "account", v);
    }
    if !req.partitions.is_empty() {
        push(&mut out, "partition", req.partitions.join(","));
    }
    if let Some(v) = &req.qos {
        push(&mut out, "qos", v);
    }
    if let Some(n) = req.nodes {
        if n.min == n.max {
            push(&mut out, "nodes", n.min.to_string());
        } else {
            push(&mut out, "nodes", format!("{}-{}", n.min, n.max));
        }
    }
    if let Some(v) = req.ntasks {
        push(&mut out, "ntasks", v.to_string());
    }
    if let Some(v) = req.ntasks_per_node {
        push(&mut out, "ntasks-per-node", v.to_string());
    }
    if let Some(v) = req.cpus_per_task {
        push(&mut out, "cpus-per-task", v.to_string());
    }
    if let Some(v) = req.mincpus {
        push(&mut out, "mincpus", v.to_string());
    }
    match req.memory {
        Some(MemoryRequest::PerNode(m)) => push(&mut out, "mem", values::memory_str(m)),
        Some(MemoryRequest::PerCpu(m)) => push(&mut out, "mem-per-cpu", values::memory_str(m)),
        Some(MemoryRequest::PerGpu(m)) => push(&mut out, "mem-per-gpu", values::memory_str(m)),
        None => {}
    }
    if let Some(t) = req.tmp {
        push(&mut out, "tmp", values::memory_str(t));
    }
    if !req.gres.is_empty() {
        push(&mut out, "gres", values::gres_list_str(&req.gres));
    }
    if let Some(g) = &req.gpus {
        push(&mut out, "gpus", gpus_value(g));
    }
    if let Some(g) = &req.gpus_per_node {
        push(&mut out, "gpus-per-node", gpus_value(g));
    }
    if let Some(c) = req.cpus_per_gpu {
        push(&mut out, "cpus-per-gpu", c.to_string());
    }
    if req.overcommit {
        out.push("--overcommit".into());
    }
    if req.use_min_nodes {
        out.push("--use-min-nodes".into());
    }
    if let Some(t) = req.time_limit {
        push(&mut out, "time", values::time_str(t));
    }
    if let Some(t) = req.time_min {
        push(&mut out, "time-min", values::time_str(t));
    }
    if let Some(b) = &req.begin {
        push(&mut out, "begin", values::begin_str(b));
    }
    if let Some(b) = &req.deadline {
        push(&mut out, "deadline", values::begin_str(b));
    }
    if let Some(n) = req.nice {
        push(&mut out, "nice", n.to_string());
    }
    if let Some(p) = req.priority {
        push(&mut out, "priority", p.to_string());
    }
    if req.hold {
        out.push("--hold".into());
    }
    match req.exclusive {
        Some(Exclusive::Node) => out.push("--exclusive".into()),
        Some(Exclusive::User) => push(&mut out, "exclusive", "user"),
        Some(Exclusive::Mcs) => push(&mut out, "exclusive", "mcs"),
        Some(Exclusive::Topo) => push(&mut out, "exclusive", "topo"),
        None => {}
    }
    if req.oversubscribe {
        out.push("--oversubscribe".into());
    }
    if let Some(c) = &req.constraint {
        push(&mut out, "constraint", values::constraint_str(c));
    }
    if !req.nodelist.is_empty() {
        push(&mut out, "nodelist", values::hostlist_str(&req.nodelist));
    }
    if !req.exclude.is_empty() {
        push(&mut out, "exclude", values::hostlist_str(&req.exclude));
    }
    if let Some(d) = &req.dependency {
        push(&mut out, "dependency", values::dependency_str(d));
    }
    if let Some(k) = req.kill_on_invalid_dep {
        push(
            &mut out,
            "kill-on-invalid-dep",
            if k { "yes" } else { "no" },
        );
    }
    if let Some(a) = &req.array {
        push(&mut out, "array", values::array_str(a));
    }
    if let Some(o) = &req.output {
        push(&mut out, "output", &o.0);
    }
    if let Some(e) = &req.error {
        push(&mut out, "error", &e.0);
    }
    match req.requeue {
        Some(true) if req.expedited_requeue => push(&mut out, "requeue", "expedite"),
        Some(true) => out.push("--requeue".into()),
        Some(false) => out.push("--no-requeue".into()),
        None => {}
    }
    if let Some(c) = &req.comment {
        push(&mut out, "comment", c);
    }
    for (name, value) in req.other_options.iter().chain(&req.plugin_options) {
        match value {
            Some(v) => push(&mut out, name, v),
            None => out.push(format!("--{name}")),
        }
    }
    out
}

/// Bytes that sbatch's directive tokenizer treats specially.
fn needs_directive_quotes(s: &str) -> bool {
    s.is_empty()
        || s.bytes().any(|b| {
            matches!(
                b,
                b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b'"' | b'\'' | b'\\' | b'#'
            )
        })
}

/// Quotes one argument for an `#SBATCH` line: inside `"..."`, a backslash makes the next
/// character literal, so only `\` and `"` need escaping.
pub(crate) fn directive_quote(s: &str) -> String {
    if !needs_directive_quotes(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

pub(crate) fn to_script(req: &JobRequest) -> String {
    let (shebang, rest) = match req.script.as_deref() {
        Some(s) if s.starts_with("#!") => match s.split_once('\n') {
            Some((first, rest)) => (first, rest),
            None => (s, ""),
        },
        Some(s) => ("#!/bin/bash", s),
        None => ("#!/bin/bash", ""),
    };
    let mut out = String::with_capacity(rest.len() + 64);
    out.push_str(shebang);
    out.push('\n');
    for arg in to_args(req) {
        out.push_str("#SBATCH ");
        out.push_str(&directive_quote(&arg));
        out.push('\n');
    }
    out.push_str(rest);
    out
}

/// Quotes one word for a POSIX shell.
pub(crate) fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'_' | b'=' | b'.' | b',' | b':' | b'/' | b'+' | b'@' | b'%'
                )
        });
    if safe {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

pub(crate) fn to_shell_command(req: &JobRequest) -> String {
    let mut out = String::from(req.client.name());
    let args = to_args(req);
    // A command word that looks like an option would be read as one: `--` ends them.
    let needs_end = req
        .command
        .first()
        .is_some_and(|w| w.starts_with('-') && w != "-");
    let end = needs_end.then(|| "--".to_owned());
    for word in args.iter().chain(end.as_ref()).chain(&req.command) {
        out.push(' ');
        out.push_str(&shell_quote(word));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sbatch::parse_args;
    use crate::sbatch::script::tokenize;
    use proptest::prelude::*;

    #[test]
    fn directive_quoting() {
        assert_eq!(directive_quote("--job-name=x"), "--job-name=x");
        assert_eq!(directive_quote("--job-name=a b"), "\"--job-name=a b\"");
        assert_eq!(
            directive_quote(r#"--comment=a"b\c#d'"#),
            r#""--comment=a\"b\\c#d'""#
        );
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("--nodes=2-4"), "--nodes=2-4");
        assert_eq!(shell_quote("--job-name=a b"), "'--job-name=a b'");
        assert_eq!(shell_quote("--comment=it's"), r"'--comment=it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("--comment=$HOME"), "'--comment=$HOME'");
    }

    #[test]
    fn canonical_order_and_long_forms() {
        let r = parse_args(&[
            "--mail-type=END",
            "-H",
            "--requeue",
            "-c",
            "2",
            "-p",
            "b,a",
            "-J",
            "j",
            "--nice",
            "-v",
            "--exclusive=oversubscribe",
        ])
        .unwrap();
        assert_eq!(
            r.to_args(),
            [
                "--job-name=j",
                "--partition=b,a",
                "--cpus-per-task=2",
                "--nice=100",
                "--hold",
                "--oversubscribe",
                "--requeue",
                "--mail-type=END",
                "--verbose",
            ]
        );
        assert_eq!(parse_args(&r.to_args()).unwrap(), r);
    }

    #[test]
    fn script_rendering_keeps_shebang_and_body() {
        let r =
            JobRequest::from_script("#!/bin/zsh\n# note\n#SBATCH -J 'x y' --comment=\"#1\"\nrun\n")
                .unwrap();
        let text = r.to_script();
        assert_eq!(
            text,
            "#!/bin/zsh\n#SBATCH \"--job-name=x y\"\n#SBATCH \"--comment=#1\"\n# note\nrun\n"
        );
        assert_eq!(JobRequest::from_script(&text).unwrap(), r);
        let r = parse_args(&["-H"]).unwrap();
        assert_eq!(r.to_script(), "#!/bin/bash\n#SBATCH --hold\n");
        assert_eq!(r.to_shell_command(), "sbatch --hold");
    }

    proptest! {
        #[test]
        fn quoted_directive_reads_back(s in "[^\n\0]*") {
            let arg = format!("--comment={s}");
            prop_assert_eq!(tokenize(&format!(" {}", directive_quote(&arg)), 1).unwrap(), vec![arg]);
        }
    }
}
