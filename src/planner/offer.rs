//! What a node can give a demand (its offer): whether its capacity could ever hold it,
//! what one segment gives, what a window gives, and the offer as a function of the start.

use super::demand::MemDemand;
use super::need::Need;
use super::profile::Profile;
use super::timeline::{NodeLine, Users};
use super::{NEVER, NodeIdx};
use crate::time::{Duration, Timestamp};
use std::collections::VecDeque;

impl Profile {
    /// Whether the node's capacity could hold the demand's memory and GRES at all (for
    /// a whole-node demand this is the whole test besides idleness).
    pub(super) fn cap_fits(line: &NodeLine, need: &Need) -> bool {
        if !gres_fits(&line.cap_gres, need) {
            return false;
        }
        if need.job_gpus.is_some() && Self::free_gpus(&line.cap_gres, need) == 0 {
            return false;
        }
        if let Some((b, tasks)) = need.budget {
            let wanted = if need.whole { line.cap_cpus } else { tasks };
            if line.cap_gres.get(b).is_none_or(|&c| c < u64::from(wanted)) {
                return false;
            }
        }
        let mem = match need.mem {
            MemDemand::PerNode(m) => m.mib(),
            MemDemand::PerGpu(m) => m
                .mib()
                .saturating_mul(need.gpus + u64::from(need.job_gpus.is_some())),
            MemDemand::PerCpu(m) => {
                let cpus = if need.whole { line.cap_cpus } else { need.base };
                m.mib().saturating_mul(u64::from(cpus))
            }
            MemDemand::WholeNode => 0,
        };
        mem <= line.cap_mem
    }

    /// The CPUs segment `i` of `line` can give the demand (0: unusable).
    pub(super) fn seg_offer(line: &NodeLine, i: usize, k: usize, need: &Need) -> u32 {
        let Some(seg) = line.segs.get(i) else {
            return 0;
        };
        if seg.held || !seg.excl.at_most(need.user) || (need.excl && !seg.users.at_most(need.user))
        {
            return 0;
        }
        if need.whole {
            // Capacity was checked once in `candidate_nodes`.
            return if seg.users == Users::Nobody {
                line.cap_cpus
            } else {
                0
            };
        }
        if seg.cpus < need.base {
            return 0;
        }
        if !need.typed.is_empty() || !need.untyped.is_empty() {
            match line.gres.get(i * k..(i + 1) * k) {
                Some(free) if gres_fits(free, need) => {}
                _ => return 0,
            }
        }
        if need.job_gpus.is_some() && Self::seg_gpus(line, i, k, need) == 0 {
            return 0;
        }
        let mut cpus = seg.cpus / need.cpt * need.cpt;
        // The least the node may offer: the per-node minimum, or with a CPU budget only
        // the tasks' CPUs; the choice raises it to the per-node minimum where Slurm does
        // (see `CpuBudget` and `choose`), so the memory must pay for that many.
        let mut least = need.base;
        if let Some((b, tasks)) = need.budget {
            let free = line.gres.get(i * k + b).copied().unwrap_or(0);
            let free = u32::try_from(free).unwrap_or(u32::MAX) / need.cpt * need.cpt;
            if free < tasks {
                return 0;
            }
            cpus = cpus.min(free);
            least = tasks;
            if let MemDemand::PerCpu(m) = need.mem
                && m.mib().saturating_mul(u64::from(need.base)) > seg.mem
            {
                return 0;
            }
        }
        let mem_ok = match need.mem {
            MemDemand::PerNode(m) => m.mib() <= seg.mem,
            MemDemand::PerGpu(m) => m.mib().saturating_mul(need.gpus) <= seg.mem,
            MemDemand::WholeNode => seg.mem >= line.cap_mem,
            MemDemand::PerCpu(m) => {
                let per_task = m.mib().saturating_mul(u64::from(need.cpt));
                if let Some(tasks) = seg.mem.checked_div(per_task) {
                    let by_mem = tasks.saturating_mul(u64::from(need.cpt));
                    cpus = cpus.min(u32::try_from(by_mem).unwrap_or(u32::MAX));
                }
                true
            }
        };
        if mem_ok && cpus >= least { cpus } else { 0 }
    }

    /// The GPUs of the per-job request free in `free` (dense, profile key order), less
    /// those the per-node GRES take first.
    pub(super) fn free_gpus(free: &[u64], need: &Need) -> u64 {
        let Some(g) = &need.job_gpus else {
            return 0;
        };
        free.get(g.keys.clone())
            .unwrap_or_default()
            .iter()
            .fold(0u64, |a, &f| a.saturating_add(f))
            .saturating_sub(g.first)
    }

    /// The GPUs of the per-job request segment `i` of `line` can give: free ones, as many
    /// as the free memory pays for with memory per GPU.
    fn seg_gpus(line: &NodeLine, i: usize, k: usize, need: &Need) -> u64 {
        let (Some(g), Some(seg)) = (&need.job_gpus, line.segs.get(i)) else {
            return 0;
        };
        let free = line
            .gres
            .get(i * k..(i + 1) * k)
            .map_or(0, |f| Self::free_gpus(f, need));
        let left = seg
            .mem
            .saturating_sub(g.mem_per_gpu.saturating_mul(need.gpus));
        left.checked_div(g.mem_per_gpu)
            .map_or(free, |by_mem| free.min(by_mem))
    }

    /// The GPUs of the per-job request `line` can give over `[s, end)`: the fewest of the
    /// segments in it; a whole-node demand has all of them (0 without such a request).
    pub(super) fn window_gpus(
        &self,
        line: &NodeLine,
        need: &Need,
        s: Timestamp,
        end: Timestamp,
    ) -> u64 {
        let Some(g) = &need.job_gpus else {
            return 0;
        };
        if need.whole {
            let all = Self::free_gpus(&line.cap_gres, need);
            return line
                .cap_mem
                .checked_div(g.mem_per_gpu)
                .map_or(all, |by_mem| all.min(by_mem));
        }
        let k = self.keys.len();
        let first = line.seg_at(s);
        let mut least = u64::MAX;
        for (i, seg) in line.segs.iter().enumerate().skip(first) {
            if i > first && seg.start >= end {
                break;
            }
            least = least.min(Self::seg_gpus(line, i, k, need));
            if least == 0 {
                break;
            }
        }
        if least == u64::MAX { 0 } else { least }
    }

    /// The CPUs `line` can give over `[s, end)` (0: unusable). `s >= now`.
    pub(super) fn window_offer(
        &self,
        line: &NodeLine,
        need: &Need,
        s: Timestamp,
        end: Timestamp,
    ) -> u32 {
        let k = self.keys.len();
        let first = line.seg_at(s);
        let mut best = u32::MAX;
        for (i, seg) in line.segs.iter().enumerate().skip(first) {
            if i > first && seg.start >= end {
                break;
            }
            best = best.min(Self::seg_offer(line, i, k, need));
            if best == 0 {
                return 0;
            }
        }
        best
    }

    /// Appends to `out` the changes of `node`'s offer as a function of the start time,
    /// from `t0` to `horizon`: `(instant, pos, offer from then on)`, `pos` being the node's
    /// position in the candidate list.
    pub(super) fn offer_curve(
        &self,
        (node, pos): (NodeIdx, usize),
        need: &Need,
        t0: Timestamp,
        horizon: Timestamp,
        scratch: &mut (Vec<u32>, VecDeque<usize>),
        out: &mut Vec<(Timestamp, u32, u32)>,
    ) {
        let pos = u32::try_from(pos).unwrap_or(u32::MAX);
        let Some(line) = self.nodes.get(node as usize) else {
            return;
        };
        let k = self.keys.len();
        let first = line.seg_at(t0);
        let (offers, deque) = scratch;
        offers.clear();
        deque.clear();
        let segs = line.segs.get(first..).unwrap_or_default();
        let d_minus_1 = Duration::from_secs(need.dur - 1);
        // Only the segments that enter a window starting before the horizon matter.
        let n = segs.partition_point(|g| g.start.saturating_sub(d_minus_1) < horizon);
        offers.extend((first..first + n).map(|i| Self::seg_offer(line, i, k, need)));
        if offers.iter().all(|&o| o == 0) {
            return;
        }
        // With a per-job GPU request, a change in the GPUs a node can give is a change
        // too (its CPU offer may stay the same): its own sliding minimum.
        let gpus: Vec<u64> = if need.job_gpus.is_some() && !need.whole {
            (first..first + n)
                .map(|i| Self::seg_gpus(line, i, k, need))
                .collect()
        } else {
            Vec::new()
        };
        let mut gdeque: VecDeque<usize> = VecDeque::new();
        let gpu = |j: usize| gpus.get(j).copied().unwrap_or(0);
        // Segment j is in the window of a start s once s >= enter(j) and until s >= leave(j).
        let enter = |j: usize| {
            segs.get(j)
                .map_or(NEVER, |g| g.start.saturating_sub(d_minus_1).max(t0))
        };
        let leave = |j: usize| segs.get(j + 1).map_or(NEVER, |g| g.start);
        let offer = |j: usize| offers.get(j).copied().unwrap_or(0);
        let (mut lo, mut hi) = (0usize, 0usize);
        let mut s = t0;
        let mut last = 0u32;
        let mut last_gpus = 0u64;
        loop {
            while hi < n && enter(hi) <= s {
                while deque.back().is_some_and(|&b| offer(b) >= offer(hi)) {
                    deque.pop_back();
                }
                deque.push_back(hi);
                if !gpus.is_empty() {
                    while gdeque.back().is_some_and(|&b| gpu(b) >= gpu(hi)) {
                        gdeque.pop_back();
                    }
                    gdeque.push_back(hi);
                }
                hi += 1;
            }
            while leave(lo) <= s {
                if deque.front() == Some(&lo) {
                    deque.pop_front();
                }
                if gdeque.front() == Some(&lo) {
                    gdeque.pop_front();
                }
                lo += 1;
            }
            let cur = deque.front().map_or(0, |&j| offer(j));
            let cur_gpus = gdeque.front().map_or(0, |&j| gpu(j));
            if cur != last || (cur > 0 && cur_gpus != last_gpus) {
                out.push((s, pos, cur));
                last = cur;
            }
            last_gpus = cur_gpus;
            let next = if hi < n { enter(hi) } else { NEVER }.min(leave(lo));
            if next == NEVER || next >= horizon || next <= s {
                break;
            }
            s = next;
        }
    }
}

/// Whether the free GRES `free` (dense, profile key order) cover the demand's.
fn gres_fits(free: &[u64], need: &Need) -> bool {
    need.typed
        .iter()
        .all(|&(k, n)| free.get(k).is_some_and(|&f| f >= n))
        && need.untyped.iter().all(|(range, n, first)| {
            let have = free
                .get(range.clone())
                .unwrap_or_default()
                .iter()
                .fold(0u64, |a, &f| a.saturating_add(f));
            have >= n.saturating_add(*first)
        })
}
