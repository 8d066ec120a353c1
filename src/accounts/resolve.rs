//! A job's association and QOS at submit, as slurmctld's `_job_create()` finds them
//! (`src/slurmctld/job_mgr.c`, `src/common/assoc_mgr.c`, Slurm 22.05):
//!
//! 1. The account is `-A`, else the user's default account; the association is the one of
//!    (user, account, first partition) if there is one, else (user, account) with no
//!    partition (`_find_assoc_rec()`). None found refuses the job with
//!    `ESLURM_INVALID_ACCOUNT` when `AccountingStorageEnforce` has `associations`.
//!    A job listing several partitions is refused when a partition-specific association
//!    is involved (`_check_for_part_assocs()`, `ESLURM_PARTITION_ASSOC`).
//! 2. The QOS is `-q`, else the association's default QOS, else the only QOS of its list,
//!    else root's default QOS, else `normal` (`assoc_mgr_get_default_qos_info()`). With
//!    `qos` enforced, a QOS that does not exist or is not in the association's list
//!    refuses the job (`_determine_and_validate_qos()`, `ESLURM_INVALID_QOS`); without it,
//!    an unknown QOS leaves the job with none.

use super::{AccountError, Accounts, AssocId, Enforce};

/// What a job resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobAssoc {
    /// Its association (`None` only when associations are not enforced and the user has
    /// none).
    pub assoc: Option<AssocId>,
    /// Its account (`None` when the user has no association and named none).
    pub account: Option<String>,
    /// Its QOS (`None` when QOS are not enforced and the one asked or chosen does not
    /// exist).
    pub qos: Option<String>,
}

impl Accounts {
    /// Finds a job's association, account and QOS, or refuses it with sbatch's message.
    /// `partitions` are the job's partitions in order (the first decides a
    /// partition-specific association); `qos_exists` says which QOS the cluster has.
    ///
    /// ```
    /// use hpcsched::accounts::{AccountError, Accounts, Enforce};
    /// let mut a = Accounts::new("demo");
    /// a.apply_sacctmgr(
    ///     "add account chem\n\
    ///      add user alice Account=chem QOS=normal,gpu DefaultQOS=normal\n\
    ///      add user alice Account=chem Partition=gpu DefaultQOS=gpu QOS=normal,gpu\n",
    ///     &|q| q == "normal" || q == "gpu",
    /// )?;
    /// let exists = |q: &str| q == "normal" || q == "gpu";
    /// let job = a.resolve_job("alice", None, &["gpu".to_string()], None, exists)?;
    /// assert_eq!((job.account.as_deref(), job.qos.as_deref()), (Some("chem"), Some("gpu")));
    /// let job = a.resolve_job("alice", None, &["batch".to_string()], None, exists)?;
    /// assert_eq!(job.qos.as_deref(), Some("normal"));
    /// assert_eq!(
    ///     a.resolve_job("bob", None, &[], None, exists).unwrap_err().to_string(),
    ///     "Invalid account or account/partition combination specified"
    /// );
    /// assert_eq!(
    ///     a.resolve_job("alice", None, &[], Some("high"), exists),
    ///     Err(AccountError::InvalidQos)
    /// );
    /// a.set_enforce(Enforce::empty());
    /// assert_eq!(a.resolve_job("bob", None, &[], Some("high"), exists)?.qos, None);
    /// # Ok::<(), AccountError>(())
    /// ```
    pub fn resolve_job(
        &self,
        user: &str,
        account: Option<&str>,
        partitions: &[String],
        qos: Option<&str>,
        qos_exists: impl Fn(&str) -> bool,
    ) -> Result<JobAssoc, AccountError> {
        let enforce = self.enforce;
        let user = user.to_ascii_lowercase();
        let account = account
            .map(str::to_ascii_lowercase)
            .or_else(|| self.default_account(&user).map(str::to_string));
        let assoc = account
            .as_deref()
            .and_then(|acct| self.find_assoc(&user, acct, partitions.first().map(String::as_str)));
        if assoc.is_none() && enforce.contains(Enforce::ASSOCIATIONS) {
            return Err(AccountError::InvalidAccount);
        }
        if let (Some(acct), true) = (account.as_deref(), partitions.len() > 1) {
            let part_specific = self.user(&user).is_some_and(|r| {
                r.assocs.iter().any(|id| {
                    let a = &self.assocs[id.index()];
                    a.account == acct
                        && a.partition
                            .as_ref()
                            .is_some_and(|p| partitions.iter().any(|q| q.eq_ignore_ascii_case(p)))
                })
            });
            if part_specific {
                return Err(AccountError::PartitionAssoc);
            }
        }
        let rec = assoc.and_then(|id| self.assoc(id));
        let name = match qos {
            Some(q) => q.to_ascii_lowercase(),
            None => rec
                .and_then(|a| {
                    a.effective_default_qos
                        .clone()
                        .or_else(|| (a.qos.len() == 1).then(|| a.qos[0].clone()))
                })
                .or_else(|| {
                    self.assoc(self.root())
                        .and_then(|r| r.effective_default_qos.clone())
                })
                .unwrap_or_else(|| "normal".to_string()),
        };
        let enforce_qos = enforce.contains(Enforce::QOS);
        let qos = if qos_exists(&name) {
            if enforce_qos && rec.is_some_and(|a| !a.qos.contains(&name)) {
                return Err(AccountError::InvalidQos);
            }
            Some(name)
        } else if enforce_qos {
            return Err(AccountError::InvalidQos);
        } else {
            None
        };
        Ok(JobAssoc {
            assoc,
            account: rec.map(|a| a.account.clone()).or(account),
            qos,
        })
    }

    /// `_find_assoc_rec()`: the (user, account, partition) association, else the one
    /// with no partition.
    fn find_assoc(&self, user: &str, account: &str, partition: Option<&str>) -> Option<AssocId> {
        partition
            .and_then(|p| self.user_assoc(user, account, Some(p)))
            .or_else(|| self.user_assoc(user, account, None))
    }
}
