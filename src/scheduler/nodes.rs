//! What each node has free right now, which jobs run on it, and which GRES devices are in
//! use, so start decisions can name device indices.

use super::decision::GresAllocation;
use crate::gres::GresKey;
use crate::job_id::JobId;
use crate::memory::Memory;
use crate::node::Node;
use crate::tres::Tres;
use std::collections::BTreeMap;

/// A `no_consume` GRES is never depleted: its capacity is set out of reach.
const UNBOUNDED: u64 = u64::MAX / 4;

/// Runtime state of one node.
#[derive(Debug, Clone)]
pub(crate) struct NodeRuntime {
    /// Configured capacity.
    pub(crate) capacity: Tres,
    /// Free now.
    pub(crate) free: Tres,
    /// Per configured GRES entry: which device indices are in use.
    devices: Vec<(GresKey, Vec<bool>, bool)>,
    /// Running jobs, in start order.
    pub(crate) jobs: Vec<JobId>,
}

impl NodeRuntime {
    pub(crate) fn new(node: &Node) -> Self {
        let mut gres = BTreeMap::new();
        let mut devices = Vec::new();
        for g in &node.gres {
            let count = if g.no_consume { UNBOUNDED } else { g.count };
            *gres.entry(g.key.clone()).or_insert(0) += count;
            let n = usize::try_from(g.count.min(4096)).unwrap_or(4096);
            devices.push((g.key.clone(), vec![false; n], g.no_consume));
        }
        let capacity = Tres {
            nodes: 1,
            cpus: node.cpus,
            // MemSpecLimit is the system's: jobs get the rest.
            memory: node.usable_memory(),
            gres,
        };
        Self {
            free: capacity.clone(),
            capacity,
            devices,
            jobs: Vec::new(),
        }
    }

    /// The GRES a whole-node job takes: every consumable device of the node.
    pub(crate) fn all_gres(&self) -> Vec<(GresKey, u64)> {
        self.devices
            .iter()
            .filter(|(_, _, no_consume)| !no_consume)
            .map(|(k, d, _)| (k.clone(), d.len() as u64))
            .collect()
    }

    /// Takes `used` from the free resources and picks device indices for the GRES in
    /// `gres` (lowest free indices first; an untyped request takes from any type in
    /// configuration order). Returns the devices, or `None` (and changes nothing) if the
    /// node does not have them.
    pub(crate) fn allocate(
        &mut self,
        job: JobId,
        cpus: u32,
        memory: Memory,
        gres: &[(GresKey, u64)],
    ) -> Option<(Tres, Vec<GresAllocation>)> {
        let mut devices = self.devices.clone();
        let mut picked: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
        let mut used_gres: BTreeMap<GresKey, u64> = BTreeMap::new();
        for (want_key, count) in gres {
            let mut left = *count;
            for (i, (key, used, no_consume)) in devices.iter_mut().enumerate() {
                if left == 0 {
                    break;
                }
                if !want_key.matches(key) {
                    continue;
                }
                if *no_consume {
                    left = 0;
                    break;
                }
                for (idx, slot) in used.iter_mut().enumerate() {
                    if left == 0 {
                        break;
                    }
                    if !*slot {
                        *slot = true;
                        left -= 1;
                        picked.entry(i).or_default().push(idx as u32);
                        *used_gres.entry(key.clone()).or_insert(0) += 1;
                    }
                }
            }
            if left > 0 {
                return None;
            }
        }
        let used = Tres {
            nodes: 0,
            cpus,
            memory,
            gres: used_gres,
        };
        let free = self.free.checked_sub(&used).ok()?;
        self.free = free;
        self.devices = devices;
        self.jobs.push(job);
        // Slurm numbers a node's devices of one GRES name across its types, in
        // configuration order (`gpu:a100` 0-3, then `gpu:v100` 4-5), as `IDX` shows them.
        let allocations = picked
            .into_iter()
            .filter_map(|(i, indices)| {
                let (key, _, _) = self.devices.get(i)?;
                let offset: u32 = self.devices[..i]
                    .iter()
                    .filter(|(k, _, _)| k.name == key.name)
                    .map(|(_, d, _)| d.len() as u32)
                    .sum();
                Some(GresAllocation {
                    key: key.clone(),
                    indices: indices.into_iter().map(|x| x + offset).collect(),
                })
            })
            .collect();
        Some((used, allocations))
    }

    /// Gives back what a job held.
    pub(crate) fn release(&mut self, job: JobId, used: &Tres, gres: &[GresAllocation]) {
        self.jobs.retain(|j| *j != job);
        // Free never exceeds capacity, whatever the caller passes.
        if let Ok(free) = self.free.checked_add(used) {
            self.free = if free.fits_in(&self.capacity) {
                free
            } else {
                self.capacity.clone()
            };
        }
        for g in gres {
            let Some(pos) = self.devices.iter().position(|(k, _, _)| *k == g.key) else {
                continue;
            };
            let offset: u32 = self.devices[..pos]
                .iter()
                .filter(|(k, _, _)| k.name == g.key.name)
                .map(|(_, d, _)| d.len() as u32)
                .sum();
            if let Some((_, used, _)) = self.devices.get_mut(pos) {
                for &i in &g.indices {
                    if let Some(slot) = i.checked_sub(offset).and_then(|x| used.get_mut(x as usize))
                    {
                        *slot = false;
                    }
                }
            }
        }
        if self.jobs.is_empty() {
            self.free = self.capacity.clone();
            for (_, used, _) in &mut self.devices {
                used.fill(false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gres::GresSpec;

    fn two_types() -> NodeRuntime {
        let mut node = Node::new("g1");
        node.cpus = 8;
        node.real_memory = Memory::from_mib(8000);
        node.gres = vec![
            GresSpec {
                key: GresKey::typed("gpu", "a100"),
                count: 2,
                no_consume: false,
            },
            GresSpec {
                key: GresKey::typed("gpu", "v100"),
                count: 2,
                no_consume: false,
            },
        ];
        NodeRuntime::new(&node)
    }

    #[test]
    fn device_indices_run_across_types_and_come_back() {
        let mut n = two_types();
        let (_, a) = n
            .allocate(
                JobId(1),
                1,
                Memory::from_mib(1),
                &[(GresKey::typed("gpu", "v100"), 1)],
            )
            .unwrap_or_else(|| panic!("fits"));
        assert_eq!(
            a,
            [GresAllocation {
                key: GresKey::typed("gpu", "v100"),
                indices: vec![2]
            }]
        );
        // An untyped request takes the a100s first (configuration order), then the v100 left.
        let (used, b) = n
            .allocate(
                JobId(2),
                1,
                Memory::from_mib(1),
                &[(GresKey::new("gpu"), 3)],
            )
            .unwrap_or_else(|| panic!("fits"));
        let idx: Vec<Vec<u32>> = b.iter().map(|g| g.indices.clone()).collect();
        assert_eq!(idx, [vec![0, 1], vec![3]]);
        assert!(
            n.allocate(
                JobId(3),
                1,
                Memory::from_mib(1),
                &[(GresKey::new("gpu"), 1)]
            )
            .is_none()
        );
        n.release(JobId(2), &used, &b);
        let (_, c) = n
            .allocate(
                JobId(4),
                1,
                Memory::from_mib(1),
                &[(GresKey::typed("gpu", "v100"), 1)],
            )
            .unwrap_or_else(|| panic!("fits"));
        assert_eq!(c[0].indices, [3]);
    }
}
