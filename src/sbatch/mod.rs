//! sbatch's input languages: command-line options, `#SBATCH` batch scripts, and rendering a
//! [`JobRequest`] back to both.
//!
//! Precedence is sbatch's: options in the script are applied first, then the command line
//! overrides them.

mod options;
mod render;
mod script;

use crate::request::JobRequest;

pub use options::OptionError;
pub use script::ScriptError;

/// Parses sbatch command-line options (without the program name). Parsing stops at the
/// first argument that is not an option (the script path); it and what follows are ignored.
pub fn parse_args<S: AsRef<str>>(args: &[S]) -> Result<JobRequest, OptionError> {
    let mut req = JobRequest::default();
    options::apply_args(&mut req, args)?;
    Ok(req)
}

impl JobRequest {
    /// Reads a batch script: shebang, then `#SBATCH` directives up to the first command line.
    pub fn from_script(text: &str) -> Result<Self, ScriptError> {
        script::parse(text, &[] as &[&str])
    }

    /// Reads a batch script, then applies command-line options over it, as
    /// `sbatch ARGS... script` does.
    pub fn from_script_with_args<S: AsRef<str>>(
        text: &str,
        args: &[S],
    ) -> Result<Self, ScriptError> {
        script::parse(text, args)
    }

    /// Renders the request as a batch script with one `#SBATCH` line per option.
    #[must_use]
    pub fn to_script(&self) -> String {
        render::to_script(self)
    }

    /// Renders the request as sbatch command-line arguments (without `sbatch` itself).
    #[must_use]
    pub fn to_args(&self) -> Vec<String> {
        render::to_args(self)
    }
}
