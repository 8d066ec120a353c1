//! The planner's side of node choice: usable nodes and their offers handed to
//! select/cons_tres's choice ([`choose`]), from a list or from a group's pieces.

use super::NodeIdx;
use super::choose;
use super::groups::Group;
use super::need::Need;
use super::profile::Profile;
use crate::time::{Duration, Timestamp};

impl Profile {
    /// Chooses the nodes among `usable` (node, offer), as select/cons_tres does (see
    /// [`choose`]); `None` if the demand does not fit on them or Slurm's choice fails
    /// there. `usable` must hold every usable node, not a sample: the sets of consecutive
    /// nodes Slurm prefers depend on all of them. The result is in node order with the
    /// CPUs (and per-job GPUs) each gives over the demand's window from `at`.
    pub(super) fn choose(
        &self,
        usable: &[(NodeIdx, u32)],
        need: &Need,
        at: Timestamp,
    ) -> Option<choose::Chosen> {
        if usable.len() < need.min_nodes as usize {
            return None;
        }
        let end = at.saturating_add(Duration::from_secs(need.dur));
        let mut nodes: Vec<choose::Usable> = usable
            .iter()
            .filter(|&&(_, offer)| offer > 0)
            .map(|&(node, offer)| {
                let line = self.nodes.get(node as usize);
                choose::Usable {
                    node,
                    count: 1,
                    offer,
                    weight: line.map_or(u32::MAX, |l| l.weight),
                    gpus: line.map_or(0, |l| self.window_gpus(l, need, at, end)),
                }
            })
            .collect();
        nodes.sort_unstable_by_key(|u| u.node);
        nodes.dedup_by_key(|u| u.node);
        choose::choose(&nodes, &Self::ask(need))
    }

    /// The demand in the terms of [`choose`].
    fn ask(need: &Need) -> choose::Ask<'_> {
        choose::Ask {
            min_nodes: need.min_nodes,
            max_nodes: need.max_nodes,
            req_nodes: need.req_nodes,
            total: need.total,
            base: need.base,
            cpt: need.cpt,
            whole: need.whole,
            required: &need.required,
            gpus: need.job_gpus.as_ref().map(|g| choose::GpuAsk {
                count: g.count,
                cpus_per_gpu: g.cpus_per_gpu,
            }),
        }
    }

    /// The nodes Slurm chooses in a group over `[s, end)`: `others` are the usable
    /// members that are not pristine, with their offers; every pristine run of a kind
    /// that can serve the demand joins them as one piece.
    pub(super) fn group_choice(
        &self,
        group: &Group,
        need: &Need,
        s: Timestamp,
        end: Timestamp,
        others: &[(NodeIdx, u32)],
    ) -> Option<choose::Chosen> {
        let mut pieces: Vec<choose::Usable> = others
            .iter()
            .filter(|&&(_, offer)| offer > 0)
            .filter_map(|&(node, offer)| {
                let line = self.nodes.get(node as usize).filter(|l| !l.pristine())?;
                Some(choose::Usable {
                    node,
                    count: 1,
                    offer,
                    weight: line.weight,
                    gpus: self.window_gpus(line, need, s, end),
                })
            })
            .collect();
        // Offer of each pristine kind (u32::MAX: not worked out yet).
        let mut kinds: Vec<u32> = Vec::new();
        for (&first, &(last, kind)) in &group.pristine_runs {
            let Some(line) = self.nodes.get(first as usize) else {
                continue;
            };
            let k = kind as usize;
            if kinds.len() <= k {
                kinds.resize(k + 1, u32::MAX);
            }
            let offer = match kinds.get(k).copied() {
                Some(o) if o != u32::MAX => o,
                _ => {
                    let o = if line.cap_cpus >= need.base && Self::cap_fits(line, need) {
                        self.window_offer(line, need, s, end)
                    } else {
                        0
                    };
                    if let Some(slot) = kinds.get_mut(k) {
                        *slot = o;
                    }
                    o
                }
            };
            if offer > 0 {
                pieces.push(choose::Usable {
                    node: first,
                    count: last - first + 1,
                    offer,
                    weight: line.weight,
                    gpus: self.window_gpus(line, need, s, end),
                });
            }
        }
        pieces.sort_unstable_by_key(|u| u.node);
        choose::choose(&pieces, &Self::ask(need))
    }
}
