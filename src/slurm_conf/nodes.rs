//! `NodeName` and `DownNodes` lines: a line's keys with `NodeName=DEFAULT`'s, and the nodes
//! a line defines (their CPU layout checked and fixed as slurmctld does).

use super::ConfError;
use super::keys::{NODE_KEYS, NODE_LINE_ONLY};
use super::lexer::Token;
use super::reader::{Reader, Record, Resolved};
use super::values::{Entry, node_state};
use crate::cluster::ConfWarning;
use crate::gres;
use crate::hostlist;
use crate::memory::Memory;
use crate::node::{Node, NodeState};

impl Reader {
    /// `DownNodes=LIST [State=DOWN|DRAIN|FAIL|FAILING|FUTURE] [Reason=...]`: the state
    /// (DOWN by default) and reason of nodes defined on NodeName lines, applied once every
    /// node is built, as slurmctld does (`_handle_downnodes_line()`).
    pub(super) fn down_nodes_line(
        &mut self,
        line: usize,
        tokens: &[Token],
    ) -> Result<(), ConfError> {
        let mut keys = Record::new();
        for t in tokens {
            let canon = ["DownNodes", "State", "Reason"]
                .into_iter()
                .find(|k| k.eq_ignore_ascii_case(&t.key))
                .ok_or_else(|| ConfError::UnknownKey {
                    line,
                    section: "DownNodes",
                    key: t.key.clone(),
                })?;
            keys.insert(
                canon,
                Entry {
                    line,
                    key: t.key.clone(),
                    value: t.value.clone(),
                },
            );
        }
        let Some(name) = keys.shift_remove("DownNodes") else {
            return Ok(());
        };
        self.down.push(Resolved { line, name, keys });
        Ok(())
    }

    pub(super) fn node_line(&mut self, line: usize, tokens: &[Token]) -> Result<(), ConfError> {
        let Some(first) = tokens.first() else {
            return Ok(());
        };
        let rec = self.record(line, tokens, NODE_KEYS, "NodeName")?;
        let name = Entry {
            line,
            key: first.key.clone(),
            value: first.value.clone(),
        };
        if name.value.eq_ignore_ascii_case("DEFAULT") {
            if let Some(e) = NODE_LINE_ONLY.iter().find_map(|k| rec.get(k)) {
                return Err(ConfError::Syntax {
                    line,
                    text: format!("{}={}", e.key, e.value),
                    why: format!("{} not allowed with NodeName=DEFAULT", e.key),
                });
            }
            self.node_default.extend(rec);
            return Ok(());
        }
        if name.value.eq_ignore_ascii_case("ALL") {
            return Err(name.err("`ALL` is a reserved word for NodeName"));
        }
        let mut keys = rec;
        for (k, v) in &self.node_default {
            if !keys.contains_key(k) {
                keys.insert(k, v.clone());
            }
        }
        self.nodes.push(Resolved { line, name, keys });
        Ok(())
    }

    pub(super) fn build_nodes(&mut self, rec: &Resolved) -> Result<Vec<Node>, ConfError> {
        let names = hostlist::expand(&rec.name.value).map_err(|e| rec.name.err(e.to_string()))?;
        if names.is_empty() {
            return Err(rec.name.err("no node names"));
        }
        let name_list = &rec.name.value;
        let mut fix = |key: &str, what: &str| {
            self.warnings.push(ConfWarning {
                line: rec.line,
                key: key.to_string(),
                message: format!("NodeName={name_list} {what}"),
            });
        };

        let get16 = |k: &str| rec.get(k).map(Entry::u16).transpose();
        let mut boards = get16("Boards")?.unwrap_or(1);
        let mut cores = get16("CoresPerSocket")?.unwrap_or(1);
        let mut threads = get16("ThreadsPerCore")?.unwrap_or(1);
        let cpus_given = match get16("CPUs")? {
            Some(c) => Some(c),
            None => get16("Procs")?,
        };
        let sockets_given = get16("Sockets")?;
        let spb_given = get16("SocketsPerBoard")?;

        // Zero counts are reset to 1, as slurmctld does (with an error in its log).
        if cores == 0 {
            fix("CoresPerSocket", "CoresPerSocket=0 is invalid, reset to 1");
            cores = 1;
        }
        let mut cpus = cpus_given.map(|c| {
            if c == 0 {
                fix("CPUs", "CPUs=0 is invalid, reset to 1");
                1
            } else {
                c
            }
        });
        if threads == 0 {
            fix("ThreadsPerCore", "ThreadsPerCore=0 is invalid, reset to 1");
            threads = 1;
        }
        let spb = spb_given.map(|s| {
            if s == 0 {
                fix(
                    "SocketsPerBoard",
                    "SocketsPerBoard=0 is invalid, reset to 1",
                );
                1
            } else {
                s
            }
        });
        let mut sockets = sockets_given.map(|s| {
            if s == 0 {
                fix("Sockets", "Sockets=0 is invalid, reset to 1");
                1
            } else {
                s
            }
        });
        if spb.is_some() && sockets.is_some() {
            fix(
                "Sockets",
                "Sockets and SocketsPerBoard are both set: using SocketsPerBoard",
            );
            sockets = None;
        }
        if boards == 0 {
            fix("Boards", "Boards=0 is invalid, reset to 1");
            boards = 1;
        }
        let (boards, cores, threads) = (u32::from(boards), u32::from(cores), u32::from(threads));
        let tot_sockets = match (sockets, spb) {
            (Some(s), _) => u32::from(s),
            (None, Some(per_board)) => boards * u32::from(per_board),
            (None, None) => match cpus {
                // Infer Sockets from CPUs when they divide evenly.
                Some(c)
                    if u32::from(c) / (cores * threads) > 0
                        && u32::from(c) % (cores * threads) == 0 =>
                {
                    u32::from(c) / (cores * threads)
                }
                _ => boards,
            },
        };
        let full = tot_sockets.saturating_mul(cores).saturating_mul(threads);
        let mut cpus = match cpus.take() {
            Some(c) => u32::from(c),
            None => full,
        };
        if cpus != tot_sockets && cpus != tot_sockets.saturating_mul(cores) && cpus != full {
            fix(
                "CPUs",
                &format!(
                    "CPUs={cpus} matches neither Sockets, Sockets*CoresPerSocket nor \
                     Sockets*CoresPerSocket*ThreadsPerCore: reset to {full}"
                ),
            );
            cpus = full;
        }

        let real_memory = rec
            .get("RealMemory")
            .map(Entry::u64)
            .transpose()?
            .unwrap_or(1);
        let gres = match rec.get("Gres") {
            Some(e) => gres::parse_list(&e.value).map_err(|err| e.err(err.to_string()))?,
            None => Vec::new(),
        };
        let tmp_disk = rec.get("TmpDisk").map(Entry::u64).transpose()?.unwrap_or(0);
        let mem_spec = rec
            .get("MemSpecLimit")
            .map(Entry::u64)
            .transpose()?
            .unwrap_or(0);
        let features = rec.get("Features").map(Entry::list).unwrap_or_default();
        let weight = match rec.get("Weight") {
            // INFINITE is one less, so that it still compares as a weight.
            Some(e) => e.u32()?.min(u32::MAX - 1),
            None => 1,
        };
        let state = match rec.get("State") {
            Some(e) => node_state(e)?,
            None => NodeState::empty(),
        };
        let reason = rec.get("Reason").map(|e| e.value.clone());

        Ok(names
            .into_iter()
            .map(|name| {
                let mut n = Node::new(name);
                n.cpus = cpus;
                n.sockets = tot_sockets;
                n.cores_per_socket = cores;
                n.threads_per_core = threads;
                n.real_memory = Memory::from_mib(real_memory);
                n.tmp_disk = Memory::from_mib(tmp_disk);
                n.mem_spec_limit = Memory::from_mib(mem_spec);
                n.gres.clone_from(&gres);
                n.features.clone_from(&features);
                n.weight = weight;
                n.state = state;
                n.reason.clone_from(&reason);
                n
            })
            .collect())
    }
}
