//! `--output`/`--error` filename patterns: `%j`, `%x`, `%A`, `%a`, `%u`, `%N`, `%%`, and zero
//! padding such as `%4j` (sbatch.1, "FILENAME PATTERN").

use serde::{Deserialize, Serialize};

/// A filename pattern as written by the user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OutputPattern(pub String);
