//! The core's modules stay in layers that only look down (README, "Layout"): no module
//! names (`crate::x`) a module of a later layer, so there is no dependency loop between
//! modules and no arrow back up.

use std::path::{Path, PathBuf};

/// The layers, first to last; a module may use its own layer's modules and earlier ones.
/// `cli` and `main` are the binary's, `lib` re-exports.
const LAYERS: &[&[&str]] = &[
    &[
        "time",
        "memory",
        "gres",
        "tres",
        "hostlist",
        "job_id",
        "job_state",
        "constraint",
        "dependency",
        "array",
        "output_pattern",
        "shell_words",
        "fast_hash",
        "sacctmgr_words",
    ],
    &[
        "node",
        "partition",
        "qos",
        "accounts",
        "sched_config",
        "preempt",
        "priority",
        "fairshare",
        "request",
    ],
    &["sbatch", "swf", "workload"],
    &["cluster"],
    &["slurm_conf"],
    &["resolve"],
    &["limits"],
    &["planner"],
    &["scheduler"],
    &["simulator", "metrics", "record"],
    &["replay", "squeue"],
    &["error"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn core_modules_only_look_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut unknown = Vec::new();
    let mut upward = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap_or(file);
        let top = rel
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_owned()
            })
            .unwrap_or_default();
        if ["cli", "main", "lib"].contains(&top.as_str()) || file.ends_with("tests.rs") {
            continue;
        }
        let Some(own) = layer(&top) else {
            unknown.push(top);
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap_or_default();
        // Unit tests may reach anywhere.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let used: String = line[i + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if layer(&used).is_some_and(|l| l > own) {
                    upward.push(format!(
                        "{}: {top} uses {used}: {}",
                        rel.display(),
                        line.trim()
                    ));
                }
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(
        unknown.is_empty(),
        "modules in no layer (add them to LAYERS and README): {unknown:?}"
    );
    assert!(upward.is_empty(), "arrows back up:\n{}", upward.join("\n"));
}
