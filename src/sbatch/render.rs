//! Rendering a [`JobRequest`] back to sbatch syntax that real sbatch accepts.

use crate::request::JobRequest;

pub(crate) fn to_script(req: &JobRequest) -> String {
    let _ = req;
    todo!("sbatch helper")
}

pub(crate) fn to_args(req: &JobRequest) -> Vec<String> {
    let _ = req;
    todo!("sbatch helper")
}
