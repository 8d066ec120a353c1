//! Helpers shared by the tests that run the `hpcsched` binary (`tests/cli.rs`,
//! `tests/json_schema.rs`): each test crate uses some of them.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository's root, where the binary runs.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `hpcsched ARGS...` from the repository's root.
pub fn hpcsched(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hpcsched"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("the hpcsched binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The bundled Inserm cluster.
pub const INSERM: &str = "examples/clusters/inserm.conf";

/// Every example script, sorted.
pub fn example_scripts() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("examples/scripts"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| format!("examples/scripts/{}", e.file_name().to_string_lossy()))
        .filter(|p| {
            std::path::Path::new(p)
                .extension()
                .is_some_and(|e| e == "sh")
        })
        .collect();
    v.sort();
    v
}

/// A scratch directory for one test's files, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// `prefix` names the test file, `test` the test.
    pub fn new(prefix: &str, test: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("hpcsched-{prefix}-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Writes `text` to `name` in the directory and returns its path.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }

    /// The path `name` would have in the directory.
    pub fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
