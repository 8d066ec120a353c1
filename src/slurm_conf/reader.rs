//! The reader: each logical line dispatched by its first key (a record line, `Include`, a
//! global key), `DEFAULT` lines folded into the record lines after them, and the cluster
//! built once the whole text is read: nodes, then `DownNodes`, then partitions.

use super::ConfError;
use super::keys::{
    GLOBAL_MODELLED, GLOBAL_NO_EFFECT, GLOBAL_REFUSED, NOT_USED, RECORD_IGNORED, Use, find_name,
    lookup,
};
use super::lexer::{LogicalLine, Token, tokenize};
use super::values::{Entry, node_state};
use crate::cluster::{Cluster, ConfWarning};
use crate::hostlist;
use crate::node::NodeState;
use indexmap::IndexMap;

/// The keys of one record line (or the accumulated DEFAULT), by canonical name.
pub(super) type Record = IndexMap<&'static str, Entry>;

/// A NodeName or PartitionName line with its defaults resolved.
#[derive(Debug)]
pub(super) struct Resolved {
    pub(super) line: usize,
    pub(super) name: Entry,
    pub(super) keys: Record,
}

impl Resolved {
    pub(super) fn get(&self, key: &str) -> Option<&Entry> {
        self.keys.get(key)
    }
}

#[derive(Debug, Default)]
pub(super) struct Reader {
    pub(super) node_default: Record,
    pub(super) partition_default: Record,
    pub(super) nodes: Vec<Resolved>,
    pub(super) partitions: Vec<Resolved>,
    /// `DownNodes` lines.
    pub(super) down: Vec<Resolved>,
    /// Global keys by canonical name; a later line replaces an earlier one.
    pub(super) globals: IndexMap<&'static str, Entry>,
    pub(super) warnings: Vec<ConfWarning>,
}

impl Reader {
    pub(super) fn warn(&mut self, line: usize, key: &str, message: impl Into<String>) {
        self.warnings.push(ConfWarning {
            line,
            key: key.to_string(),
            message: message.into(),
        });
    }

    pub(super) fn line(&mut self, line: &LogicalLine) -> Result<(), ConfError> {
        let trimmed = line.text.trim_start();
        if trimmed.is_empty() {
            return Ok(());
        }
        // `include FILE`: Slurm reads another file here; the core does no file I/O.
        if trimmed.len() > 7
            && trimmed
                .get(..7)
                .is_some_and(|w| w.eq_ignore_ascii_case("include"))
            && trimmed[7..].starts_with(char::is_whitespace)
        {
            self.warn(
                line.line,
                "Include",
                format!(
                    "`{}` not read: hpcsched does no file I/O; pass the included text yourself",
                    trimmed.trim_end()
                ),
            );
            return Ok(());
        }
        let tokens = tokenize(line)?;
        let Some(first) = tokens.first() else {
            return Ok(());
        };
        if first.key.eq_ignore_ascii_case("NodeName") {
            return self.node_line(line.line, &tokens);
        }
        if first.key.eq_ignore_ascii_case("PartitionName") {
            return self.partition_line(line.line, &tokens);
        }
        if first.key.eq_ignore_ascii_case("DownNodes") {
            return self.down_nodes_line(line.line, &tokens);
        }
        if let Some(k) = find_name(RECORD_IGNORED, &first.key) {
            self.warn(line.line, k, NOT_USED);
            return Ok(());
        }
        // A global key takes the whole line.
        if let Some(extra) = tokens.get(1) {
            return Err(ConfError::Syntax {
                line: line.line,
                text: line.text[extra.start..].trim_end().to_string(),
                why: format!("unexpected text after {}", first.key),
            });
        }
        let entry = Entry {
            line: line.line,
            key: first.key.clone(),
            value: first.value.clone(),
        };
        if let Some(k) = find_name(GLOBAL_MODELLED, &first.key) {
            self.globals.insert(k, entry);
        } else if find_name(GLOBAL_NO_EFFECT, &first.key).is_some() {
            self.warn(line.line, &first.key, NOT_USED);
        } else if let Some(&(key, neutral, why)) = GLOBAL_REFUSED
            .iter()
            .find(|(k, _, _)| k.eq_ignore_ascii_case(&first.key))
        {
            if !neutral.accepts(&first.value) {
                return Err(ConfError::Unsupported {
                    line: line.line,
                    key: first.key.clone(),
                    value: first.value.clone(),
                    why: why.to_owned(),
                });
            }
            if neutral == super::keys::Neutral::EnforcesLimits {
                // Its value decides what an association tree is checked for.
                self.globals.insert(key, entry);
            } else {
                self.warn(line.line, key, NOT_USED);
            }
        } else {
            return Err(ConfError::UnknownKey {
                line: line.line,
                section: "slurm.conf",
                key: first.key.clone(),
            });
        }
        Ok(())
    }

    /// Reads the keys after `NodeName=`/`PartitionName=` into a record.
    pub(super) fn record(
        &mut self,
        line: usize,
        tokens: &[Token],
        table: &[(&'static str, Use)],
        section: &'static str,
    ) -> Result<Record, ConfError> {
        let mut rec = Record::new();
        for t in tokens.iter().skip(1) {
            let Some((canon, usage)) = lookup(table, &t.key) else {
                return Err(ConfError::UnknownKey {
                    line,
                    section,
                    key: t.key.clone(),
                });
            };
            match usage {
                Use::Modelled => {}
                Use::NoEffect => self.warn(line, &t.key, NOT_USED),
                Use::Refused(neutral, why) => {
                    if !neutral.accepts(&t.value) {
                        return Err(ConfError::Unsupported {
                            line,
                            key: t.key.clone(),
                            value: t.value.clone(),
                            why: why.to_owned(),
                        });
                    }
                    self.warn(line, &t.key, NOT_USED);
                }
            }
            // The scontrol spelling is the same key as `Features`.
            let canon = if canon == "AvailableFeatures" || canon == "Feature" {
                "Features"
            } else {
                canon
            };
            rec.insert(
                canon,
                Entry {
                    line,
                    key: t.key.clone(),
                    value: t.value.clone(),
                },
            );
        }
        Ok(rec)
    }

    pub(super) fn finish(mut self) -> Result<Cluster, ConfError> {
        let config = self.config()?;
        let mut cluster = Cluster::new(config);
        let nodes = std::mem::take(&mut self.nodes);
        for rec in &nodes {
            for node in self.build_nodes(rec)? {
                cluster
                    .add_node(node)
                    .map_err(|source| ConfError::Cluster {
                        line: rec.line,
                        source,
                    })?;
            }
        }
        for rec in std::mem::take(&mut self.down) {
            let names =
                hostlist::expand(&rec.name.value).map_err(|e| rec.name.err(e.to_string()))?;
            let state = match rec.get("State") {
                Some(e) => node_state(e)?,
                None => NodeState::DOWN,
            };
            let reason = rec.get("Reason").map(|e| e.value.clone());
            for name in names {
                let Some(node) = cluster.node_mut(&name) else {
                    return Err(rec.name.err(format!("unknown node `{name}`")));
                };
                node.state = state;
                node.reason.clone_from(&reason);
            }
        }
        let partitions = std::mem::take(&mut self.partitions);
        let mut default_from: Option<(String, usize)> = None;
        for rec in &partitions {
            let mut part = self.build_partition(rec, &cluster)?;
            // Slurm lets a later `Default=YES` replace an earlier one ("Changing default
            // partition from A to B" in read_config.c); only the last one stays default.
            if part.is_default
                && let Some((first, first_line)) =
                    default_from.replace((part.name.clone(), rec.line))
            {
                self.warnings.push(ConfWarning {
                    line: rec.line,
                    key: "Default".into(),
                    message: format!(
                        "partition `{}` replaces `{first}` (line {first_line}) as the default partition, as Slurm does",
                        part.name
                    ),
                });
                cluster.clear_default_partition();
            }
            part.is_default =
                part.is_default && default_from.as_ref().is_some_and(|(n, _)| *n == part.name);
            cluster
                .add_partition(part)
                .map_err(|source| ConfError::Cluster {
                    line: rec.line,
                    source,
                })?;
        }
        // Keep warnings in line order whatever pass produced them.
        self.warnings.sort_by_key(|w| w.line);
        for w in self.warnings {
            cluster.push_warning(w);
        }
        Ok(cluster)
    }
}
