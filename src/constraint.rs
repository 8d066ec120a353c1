//! `--constraint` expressions over node features: `a&b`, `a|b`, `[a|b]`, `a*2`, `(a|b)&c`.
//!
//! Grammar and rules follow sbatch.1 `--constraint` and `_feature_string2list()` in Slurm's
//! `src/slurmctld/job_scheduler.c`:
//! - A feature name is any run of characters other than `&`, `|`, `*`, `[`, `]`, `(`, `)`,
//!   `,` and whitespace (hpcsched rejects whitespace, which can never name a real feature).
//! - `&` is AND, `|` is OR; `,` is accepted as AND (Slurm rewrites this common mistake).
//! - Without parentheses the expression is read strictly left to right, with no
//!   precedence: `foo|bar&baz` means `(foo|bar)&baz` — "nodes with foo and baz, or bar
//!   and baz" — and `foo&bar|baz` means `(foo&bar)|baz`.
//! - `( )` groups; parentheses do not nest.
//! - `[ ]` holds a matching OR (`[rack1|rack2]`: every node gets the same choice) and/or
//!   multiple counts (`[rack1*2&rack2*4]`: `&` inside brackets, outside parentheses, asks
//!   for *different* nodes for each part). Only one bracket set per expression, never inside
//!   parentheses.
//! - `feat*N` / `(group)*N` (N > 0) asks for at least N nodes matching; outside brackets a
//!   count is only allowed when the whole expression names one feature. A count is not
//!   allowed inside parentheses or after `]`.
//!
//! hpcsched is stricter than Slurm on a trailing operator (`a&`), which Slurm ignores.
//!
//! [`Constraint::matches`] answers the node-level question ("can this node be part of an
//! allocation satisfying the expression?"). The set-level rules — one matching-OR choice
//! for all nodes, and node counts — are the scheduler's job; it gets them from
//! [`Constraint::alternatives`] and [`Constraint::counts`].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why a constraint expression was rejected.
///
/// ```
/// use hpcsched::Constraint;
/// let err = "a&&b".parse::<Constraint>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "invalid constraint `a&&b` at offset 2: expected a feature name, found `&`"
/// );
/// ```
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
///
/// ```
/// use hpcsched::Constraint;
/// let c: Constraint = "intel&(gpu|fpga)".parse()?;
/// assert!(c.matches(&["intel", "fpga"]));
/// assert!(!c.matches(&["amd", "gpu"]));
/// assert_eq!(c.to_string(), "intel&(gpu|fpga)");
/// # Ok::<(), hpcsched::constraint::ConstraintError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Constraint {
    expr: Seq,
}

/// Operands combined strictly left to right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
struct Seq {
    first: Box<Term>,
    rest: Vec<(Op, Term)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
enum Op {
    And,
    Or,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
enum Term {
    /// A feature name.
    Feature(String),
    /// `term*N`.
    Counted(Box<Term>, u32),
    /// `( ... )`.
    Group(Seq),
    /// `[ ... ]`.
    Bracket(Seq),
}

impl Seq {
    fn terms(&self) -> impl Iterator<Item = &Term> {
        std::iter::once(self.first.as_ref()).chain(self.rest.iter().map(|(_, t)| t))
    }

    /// Node-level evaluation. Inside brackets (outside parentheses) both `|` (matching OR)
    /// and `&` (multiple counts: different nodes for different parts) let one node match
    /// any single part.
    fn matches(&self, has: &dyn Fn(&str) -> bool, in_bracket: bool) -> bool {
        let mut acc = self.first.matches(has);
        for (op, term) in &self.rest {
            let m = term.matches(has);
            acc = if in_bracket {
                acc || m
            } else {
                match op {
                    Op::And => acc && m,
                    Op::Or => acc || m,
                }
            };
        }
        acc
    }
}

impl Term {
    fn matches(&self, has: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Term::Feature(name) => has(name),
            Term::Counted(t, _) => t.matches(has),
            Term::Group(seq) => seq.matches(has, false),
            Term::Bracket(seq) => seq.matches(has, true),
        }
    }

    fn features<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Term::Feature(name) => out.push(name),
            Term::Counted(t, _) => t.features(out),
            Term::Group(seq) | Term::Bracket(seq) => seq.terms().for_each(|t| t.features(out)),
        }
    }
}

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first)?;
        for (op, term) in &self.rest {
            let c = match op {
                Op::And => '&',
                Op::Or => '|',
            };
            write!(f, "{c}{term}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Feature(name) => f.write_str(name),
            Term::Counted(t, n) => write!(f, "{t}*{n}"),
            Term::Group(seq) => write!(f, "({seq})"),
            Term::Bracket(seq) => write!(f, "[{seq}]"),
        }
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Top,
    Bracket,
    Paren { in_bracket: bool },
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    brackets_seen: bool,
    /// Offset of the first `*` outside brackets, checked once the whole text is read.
    count_outside_bracket: Option<usize>,
}

fn is_name_char(c: char) -> bool {
    !matches!(c, '&' | '|' | '*' | '[' | ']' | '(' | ')' | ',') && !c.is_whitespace()
}

impl Parser<'_> {
    fn err(&self, offset: usize, why: impl Into<String>) -> ConstraintError {
        ConstraintError::Invalid {
            text: self.text.to_owned(),
            offset,
            why: why.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn describe(c: Option<char>) -> String {
        c.map_or_else(|| "the end".to_owned(), |c| format!("`{c}`"))
    }

    fn seq(&mut self, ctx: Ctx) -> Result<Seq, ConstraintError> {
        let first = Box::new(self.term(ctx)?);
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Some('&' | ',') => Op::And,
                Some('|') => Op::Or,
                _ => break,
            };
            self.pos += 1;
            rest.push((op, self.term(ctx)?));
        }
        Ok(Seq { first, rest })
    }

    fn term(&mut self, ctx: Ctx) -> Result<Term, ConstraintError> {
        let start = self.pos;
        let term = match self.peek() {
            Some('(') => {
                if matches!(ctx, Ctx::Paren { .. }) {
                    return Err(self.err(start, "parentheses cannot nest"));
                }
                self.pos += 1;
                let seq = self.seq(Ctx::Paren {
                    in_bracket: ctx == Ctx::Bracket,
                })?;
                if self.peek() != Some(')') {
                    let why = format!(
                        "expected `)` (for the `(` at offset {start}), found {}",
                        Self::describe(self.peek())
                    );
                    return Err(self.err(self.pos, why));
                }
                self.pos += 1;
                Term::Group(seq)
            }
            Some('[') => {
                if ctx != Ctx::Top {
                    return Err(self.err(
                        start,
                        "brackets cannot appear inside brackets or parentheses",
                    ));
                }
                if self.brackets_seen {
                    return Err(self.err(start, "only one set of brackets is allowed"));
                }
                self.brackets_seen = true;
                self.pos += 1;
                let seq = self.seq(Ctx::Bracket)?;
                if self.peek() != Some(']') {
                    let why = format!(
                        "expected `]` (for the `[` at offset {start}), found {}",
                        Self::describe(self.peek())
                    );
                    return Err(self.err(self.pos, why));
                }
                self.pos += 1;
                Term::Bracket(seq)
            }
            Some(c) if is_name_char(c) => {
                let rest = self.text.get(start..).unwrap_or_default();
                let len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
                self.pos += len;
                Term::Feature(rest.get(..len).unwrap_or_default().to_owned())
            }
            Some(c) if c.is_whitespace() => {
                return Err(self.err(start, "whitespace is not allowed"));
            }
            other => {
                let why = format!("expected a feature name, found {}", Self::describe(other));
                return Err(self.err(start, why));
            }
        };
        if self.peek() != Some('*') {
            return Ok(term);
        }
        let star = self.pos;
        if matches!(term, Term::Bracket(_)) {
            return Err(self.err(star, "a count cannot follow `]`"));
        }
        if matches!(ctx, Ctx::Paren { .. }) {
            return Err(self.err(star, "a count is not allowed inside parentheses"));
        }
        self.pos += 1;
        let digits_text = self.text.get(self.pos..).unwrap_or_default();
        let digits = digits_text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits_text.len());
        let n = digits_text
            .get(..digits)
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|&n| n > 0)
            .ok_or_else(|| self.err(star, "`*` must be followed by a positive node count"))?;
        self.pos += digits;
        if ctx == Ctx::Top && self.count_outside_bracket.is_none() {
            self.count_outside_bracket = Some(star);
        }
        Ok(Term::Counted(Box::new(term), n))
    }
}

impl FromStr for Constraint {
    type Err = ConstraintError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut p = Parser {
            text,
            pos: 0,
            brackets_seen: false,
            count_outside_bracket: None,
        };
        let expr = p.seq(Ctx::Top)?;
        if p.pos < text.len() {
            let why = format!(
                "expected `&`, `|` or the end, found {}",
                Parser::describe(p.peek())
            );
            return Err(p.err(p.pos, why));
        }
        let c = Constraint { expr };
        if let Some(star) = p.count_outside_bracket
            && c.features().count() > 1
        {
            return Err(p.err(
                star,
                "with more than one feature, node counts must be inside brackets",
            ));
        }
        Ok(c)
    }
}

impl Constraint {
    /// Whether ONE node with `features` can be part of an allocation that satisfies the
    /// expression (feature names compare exactly, case included).
    ///
    /// Node counts and matching-OR choices are set-level rules and are ignored here: a node
    /// matches `[a|b]` if it has `a` or `b`, and `[a*2&b*4]` if it has `a` or `b`. Use
    /// [`alternatives`](Self::alternatives) and [`counts`](Self::counts) for those.
    ///
    /// ```
    /// use hpcsched::Constraint;
    /// let c: Constraint = "foo|bar&baz".parse()?; // (foo|bar)&baz
    /// assert!(c.matches(&["bar", "baz"]));
    /// assert!(!c.matches(&["foo"]));
    /// let counts: Constraint = "[rack1*2&rack2*4]".parse()?;
    /// assert!(counts.matches(&["rack2"]));
    /// # Ok::<(), hpcsched::constraint::ConstraintError>(())
    /// ```
    #[must_use]
    pub fn matches<S: AsRef<str>>(&self, features: &[S]) -> bool {
        let has = |name: &str| features.iter().any(|f| f.as_ref() == name);
        self.expr.matches(&has, false)
    }

    /// Every feature name the expression mentions, in written order (repeats kept).
    ///
    /// ```
    /// use hpcsched::Constraint;
    /// let c: Constraint = "[(knl&snc4)*4&haswell*1]".parse()?;
    /// assert_eq!(c.features().collect::<Vec<_>>(), ["knl", "snc4", "haswell"]);
    /// # Ok::<(), hpcsched::constraint::ConstraintError>(())
    /// ```
    pub fn features(&self) -> impl Iterator<Item = &str> {
        let mut out = Vec::new();
        self.expr.terms().for_each(|t| t.features(&mut out));
        out.into_iter()
    }

    /// The matching-OR choices: one constraint per `|`-separated part of the bracket, with
    /// the rest of the expression kept. Every node of an allocation must match the SAME
    /// alternative. Without a bracket holding `|`, this is just the expression itself.
    ///
    /// ```
    /// use hpcsched::Constraint;
    /// let c: Constraint = "intel&[rack1|rack2*2&rack3*1]".parse()?;
    /// let alts: Vec<String> = c.alternatives().iter().map(ToString::to_string).collect();
    /// assert_eq!(alts, ["intel&[rack1]", "intel&[rack2*2&rack3*1]"]);
    /// # Ok::<(), hpcsched::constraint::ConstraintError>(())
    /// ```
    #[must_use]
    pub fn alternatives(&self) -> Vec<Constraint> {
        let bracket = self
            .expr
            .terms()
            .position(|t| matches!(t, Term::Bracket(_)));
        let Some(index) = bracket else {
            return vec![self.clone()];
        };
        let Some(Term::Bracket(inner)) = self.expr.terms().nth(index) else {
            return vec![self.clone()];
        };
        // Split the bracket at its `|` operators.
        let mut parts: Vec<Seq> = vec![Seq {
            first: inner.first.clone(),
            rest: Vec::new(),
        }];
        for (op, term) in &inner.rest {
            match (op, parts.last_mut()) {
                (Op::And, Some(last)) => last.rest.push((Op::And, term.clone())),
                _ => parts.push(Seq {
                    first: Box::new(term.clone()),
                    rest: Vec::new(),
                }),
            }
        }
        parts
            .into_iter()
            .map(|part| {
                let mut expr = self.expr.clone();
                let slot = if index == 0 {
                    Some(expr.first.as_mut())
                } else {
                    expr.rest.get_mut(index - 1).map(|(_, t)| t)
                };
                if let Some(slot) = slot {
                    *slot = Term::Bracket(part);
                }
                Constraint { expr }
            })
            .collect()
    }

    /// The counted parts (`feat*N`, `(group)*N`) as `(part, N)`: at least N nodes of the
    /// allocation must match `part`. Call it on one of [`alternatives`](Self::alternatives)
    /// when the expression holds a matching OR.
    ///
    /// ```
    /// use hpcsched::Constraint;
    /// let c: Constraint = "[(rack1|rack2)*1&rack3*2]".parse()?;
    /// let counts: Vec<(String, u32)> =
    ///     c.counts().into_iter().map(|(part, n)| (part.to_string(), n)).collect();
    /// assert_eq!(counts, [("(rack1|rack2)".to_owned(), 1), ("rack3".to_owned(), 2)]);
    /// # Ok::<(), hpcsched::constraint::ConstraintError>(())
    /// ```
    #[must_use]
    pub fn counts(&self) -> Vec<(Constraint, u32)> {
        let mut out = Vec::new();
        let mut visit = |t: &Term| {
            if let Term::Counted(inner, n) = t {
                // A counted group keeps its parentheses: `(a|b)` stays readable and parses
                // back to the same value.
                let first = inner.clone();
                out.push((
                    Constraint {
                        expr: Seq {
                            first,
                            rest: Vec::new(),
                        },
                    },
                    *n,
                ));
            }
        };
        for t in self.expr.terms() {
            match t {
                Term::Bracket(seq) => seq.terms().for_each(&mut visit),
                other => visit(other),
            }
        }
        out
    }

    /// Whether the expression holds a matching OR (`|` inside brackets).
    ///
    /// ```
    /// use hpcsched::Constraint;
    /// assert!("[a|b]".parse::<Constraint>()?.has_matching_or());
    /// assert!(!"a|b".parse::<Constraint>()?.has_matching_or());
    /// # Ok::<(), hpcsched::constraint::ConstraintError>(())
    /// ```
    #[must_use]
    pub fn has_matching_or(&self) -> bool {
        self.expr.terms().any(|t| match t {
            Term::Bracket(seq) => seq.rest.iter().any(|(op, _)| *op == Op::Or),
            _ => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(s: &str) -> Constraint {
        s.parse().unwrap()
    }

    fn err(s: &str) -> (usize, String) {
        match s.parse::<Constraint>() {
            Err(ConstraintError::Invalid { text, offset, why }) => {
                assert_eq!(text, s);
                (offset, why)
            }
            Ok(v) => panic!("`{s}` parsed as {v}"),
        }
    }

    #[test]
    fn sbatch_doc_examples() {
        assert!(c("intel").matches(&["intel", "x"]));
        assert!(!c("intel").matches(&["amd"]));
        assert!(c("graphics*4").matches(&["graphics"]));
        assert_eq!(c("graphics*4").counts().len(), 1);
        assert!(c("intel&gpu").matches(&["gpu", "intel"]));
        assert!(!c("intel&gpu").matches(&["gpu"]));
        assert!(c("intel|amd").matches(&["amd"]));
        // "foo|bar&baz": nodes with foo and baz, or bar and baz.
        let fbb = c("foo|bar&baz");
        assert!(fbb.matches(&["foo", "baz"]) && fbb.matches(&["bar", "baz"]));
        assert!(!fbb.matches(&["foo"]) && !fbb.matches(&["bar"]));
        // "foo&bar|baz": foo and bar, or baz.
        let fbz = c("foo&bar|baz");
        assert!(fbz.matches(&["baz"]) && fbz.matches(&["foo", "bar"]));
        assert!(!fbz.matches(&["foo"]));
        // "foo&(bar|baz)": foo and at least one of bar or baz.
        let grouped = c("foo&(bar|baz)");
        assert!(grouped.matches(&["foo", "baz"]));
        assert!(!grouped.matches(&["baz"]) && !grouped.matches(&["foo"]));
        let racks = c("[rack1|rack2|rack3|rack4]");
        assert!(racks.matches(&["rack3"]) && !racks.matches(&["rack5"]));
        assert_eq!(racks.alternatives().len(), 4);
        assert!(racks.has_matching_or());
        let counts = c("[rack1*2&rack2*4]");
        assert!(counts.matches(&["rack1"]) && counts.matches(&["rack2"]));
        assert_eq!(
            counts
                .counts()
                .iter()
                .map(|(p, n)| (p.to_string(), *n))
                .collect::<Vec<_>>(),
            [("rack1".to_owned(), 2), ("rack2".to_owned(), 4)]
        );
        assert!(!counts.has_matching_or());
        let knl = c("[(knl&snc4&flat)*4&haswell*1]");
        assert!(knl.matches(&["knl", "snc4", "flat"]) && knl.matches(&["haswell"]));
        assert!(!knl.matches(&["knl", "snc4"]));
        let mixed = c("[(rack1|rack2)*1&(rack3)*2]");
        assert!(mixed.matches(&["rack2"]) && mixed.matches(&["rack3"]));
    }

    #[test]
    fn display_and_commas() {
        assert_eq!(c("a,b").to_string(), "a&b");
        assert_eq!(c("a,b"), c("a&b"));
        for s in [
            "a",
            "a&b|c",
            "(a|b)&c",
            "x&[a|b]&y",
            "[(a&b)*2&c*1]",
            "(a)*3",
            "gpu.v100&mem=big&x-y_z",
            "[a]",
        ] {
            assert_eq!(c(s).to_string(), s);
        }
    }

    #[test]
    fn alternatives_keep_context() {
        let alts: Vec<String> = c("[a|b]&c")
            .alternatives()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(alts, ["[a]&c", "[b]&c"]);
        assert_eq!(c("a|b").alternatives(), vec![c("a|b")]);
    }

    #[test]
    fn malformed() {
        for (s, offset, why) in [
            ("", 0, "expected a feature name, found the end"),
            ("&a", 0, "expected a feature name, found `&`"),
            ("a&", 2, "expected a feature name, found the end"),
            ("a&&b", 2, "expected a feature name, found `&`"),
            ("a||b", 2, "expected a feature name, found `|`"),
            ("()", 1, "expected a feature name, found `)`"),
            ("[]", 1, "expected a feature name, found `]`"),
            (
                "(a",
                2,
                "expected `)` (for the `(` at offset 0), found the end",
            ),
            (
                "[a|b",
                4,
                "expected `]` (for the `[` at offset 0), found the end",
            ),
            ("a)", 1, "expected `&`, `|` or the end, found `)`"),
            ("a]", 1, "expected `&`, `|` or the end, found `]`"),
            ("(a)b", 3, "expected `&`, `|` or the end, found `b`"),
            ("a(b)", 1, "expected `&`, `|` or the end, found `(`"),
            ("a[b]", 1, "expected `&`, `|` or the end, found `[`"),
            ("((a))", 1, "parentheses cannot nest"),
            (
                "[[a]]",
                1,
                "brackets cannot appear inside brackets or parentheses",
            ),
            (
                "([a])",
                1,
                "brackets cannot appear inside brackets or parentheses",
            ),
            ("[a]&[b]", 4, "only one set of brackets is allowed"),
            ("a*", 1, "`*` must be followed by a positive node count"),
            ("a*0", 1, "`*` must be followed by a positive node count"),
            ("a*x", 1, "`*` must be followed by a positive node count"),
            (
                "a*99999999999",
                1,
                "`*` must be followed by a positive node count",
            ),
            ("*2", 0, "expected a feature name, found `*`"),
            (
                "a*2&b",
                1,
                "with more than one feature, node counts must be inside brackets",
            ),
            (
                "(a&b)*2",
                5,
                "with more than one feature, node counts must be inside brackets",
            ),
            ("[(a*2)]", 3, "a count is not allowed inside parentheses"),
            ("[a]*2", 3, "a count cannot follow `]`"),
            ("a b", 1, "expected `&`, `|` or the end, found ` `"),
            (" a", 0, "whitespace is not allowed"),
            ("a*2*3", 3, "expected `&`, `|` or the end, found `*`"),
        ] {
            assert_eq!(err(s), (offset, why.to_owned()), "{s}");
        }
        let e = "a&&b".parse::<Constraint>().unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid constraint `a&&b` at offset 2: expected a feature name, found `&`"
        );
    }

    fn name() -> impl Strategy<Value = String> {
        "[a-d][a-d0-9_.=-]{0,3}"
    }

    fn op() -> impl Strategy<Value = &'static str> {
        prop_oneof![Just("&"), Just("|")]
    }

    /// A plain operand sequence (no brackets, no counts), optionally with one group.
    fn plain_seq(depth: u32) -> BoxedStrategy<String> {
        let term = if depth == 0 {
            name().boxed()
        } else {
            prop_oneof![3 => name(), 1 => plain_seq(0).prop_map(|s| format!("({s})"))].boxed()
        };
        (term.clone(), proptest::collection::vec((op(), term), 0..4))
            .prop_map(|(first, rest)| {
                let mut s = first;
                for (o, t) in rest {
                    s.push_str(o);
                    s.push_str(&t);
                }
                s
            })
            .boxed()
    }

    fn valid_expr() -> impl Strategy<Value = String> {
        let counted = (name(), 1u32..9).prop_map(|(n, c)| format!("{n}*{c}"));
        let bracket = proptest::collection::vec((op(), prop_oneof![name(), counted]), 1..4)
            .boxed()
            .prop_map(|parts| {
                let mut s = String::from("[");
                for (i, (o, t)) in parts.into_iter().enumerate() {
                    if i > 0 {
                        s.push_str(o);
                    }
                    s.push_str(&t);
                }
                s.push(']');
                s
            });
        prop_oneof![
            plain_seq(1),
            (plain_seq(1), op(), bracket.clone()).prop_map(|(a, o, b)| format!("{a}{o}{b}")),
            bracket,
            (name(), 1u32..50).prop_map(|(n, c)| format!("{n}*{c}")),
        ]
    }

    /// Reference evaluation of a bracket-free, count-free expression: strict left fold.
    fn reference(s: &str, feats: &[String]) -> bool {
        fn fold(tokens: &[String], feats: &[String]) -> bool {
            let mut acc = None::<bool>;
            let mut op = "&";
            let mut i = 0;
            while let Some(tok) = tokens.get(i) {
                let v = if tok == "(" {
                    let end = tokens[i..].iter().position(|t| t == ")").unwrap() + i;
                    let v = fold(&tokens[i + 1..end], feats);
                    i = end;
                    Some(v)
                } else if tok == "&" || tok == "|" {
                    op = if tok == "&" { "&" } else { "|" };
                    None
                } else {
                    Some(feats.contains(tok))
                };
                if let Some(v) = v {
                    acc = Some(match (acc, op) {
                        (None, _) => v,
                        (Some(a), "&") => a && v,
                        (Some(a), _) => a || v,
                    });
                }
                i += 1;
            }
            acc.unwrap_or(false)
        }
        let mut tokens = Vec::new();
        let mut cur = String::new();
        for ch in s.chars() {
            if "()&|".contains(ch) {
                if !cur.is_empty() {
                    tokens.push(std::mem::take(&mut cur));
                }
                tokens.push(ch.to_string());
            } else {
                cur.push(ch);
            }
        }
        if !cur.is_empty() {
            tokens.push(cur);
        }
        fold(&tokens, feats)
    }

    proptest! {
        #[test]
        fn round_trip(s in valid_expr()) {
            let parsed: Constraint = s.parse().unwrap();
            prop_assert_eq!(parsed.to_string(), s.clone());
            prop_assert_eq!(parsed.to_string().parse::<Constraint>(), Ok(parsed));
        }

        #[test]
        fn left_to_right_semantics(
            s in plain_seq(1),
            feats in proptest::collection::vec("[a-d][a-d0-9]{0,1}", 0..6),
        ) {
            let parsed: Constraint = s.parse().unwrap();
            prop_assert_eq!(parsed.matches(&feats), reference(&s, &feats));
        }

        #[test]
        fn alternatives_partition_matching(s in valid_expr(), feats in proptest::collection::vec(name(), 0..6)) {
            // A node matches the expression iff it matches one of its alternatives.
            let parsed: Constraint = s.parse().unwrap();
            let any = parsed.alternatives().iter().any(|a| a.matches(&feats));
            prop_assert_eq!(parsed.matches(&feats), any);
            for alt in parsed.alternatives() {
                prop_assert_eq!(alt.to_string().parse::<Constraint>(), Ok(alt));
            }
        }

        #[test]
        fn never_panics(s in "\\PC*") {
            if let Ok(parsed) = s.parse::<Constraint>() {
                prop_assert_eq!(parsed.to_string().parse::<Constraint>(), Ok(parsed));
            }
        }

        #[test]
        fn never_panics_targeted(s in "[a-c&|*\\[\\]()0-9,]{0,16}") {
            if let Ok(parsed) = s.parse::<Constraint>() {
                let _ = parsed.matches(&["a", "b"]);
                let _ = parsed.alternatives();
                let _ = parsed.counts();
                prop_assert_eq!(parsed.to_string().parse::<Constraint>(), Ok(parsed));
            }
        }
    }
}
