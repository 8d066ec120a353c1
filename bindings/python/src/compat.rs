//! TEMPORARY stand-ins for core API still being merged (remove after `git merge main`).
#![allow(dead_code)]

pub(crate) fn add_qos_text(c: &mut hpcsched::Cluster, text: &str) -> Result<(), hpcsched::Error> {
    let list = hpcsched::qos::parse_sacctmgr(text)?;
    let mut next = c.clone();
    for q in list {
        next.add_qos(q)?;
    }
    *c = next;
    Ok(())
}

pub(crate) fn text<T: std::fmt::Debug>(x: &T) -> String {
    format!("{x:?}")
}
