//! `--constraint` expressions over node features: `a&b`, `a|b`, `[a|b]`, `a*2`, `(a|b)&c`.

use serde::{Deserialize, Serialize};

/// Why a constraint expression was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConstraintError {
    /// The text is not a constraint expression.
    #[error("invalid constraint `{text}` at offset {offset}: {why}")]
    Invalid {
        /// The whole expression.
        text: String,
        /// Byte offset of the problem.
        offset: usize,
        /// What is wrong.
        why: String,
    },
}

/// A parsed `--constraint` expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Constraint {
    expr: Expr,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
enum Expr {
    Feature(String),
}
