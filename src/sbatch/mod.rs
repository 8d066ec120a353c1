//! sbatch's input languages: command-line options, `#SBATCH` batch scripts, and rendering a
//! [`JobRequest`] back to both.
//!
//! Precedence is sbatch's: options in the script are applied first, then the command line
//! overrides them.

mod options;
mod render;
mod script;
mod values;

use crate::request::JobRequest;

pub use options::{ArgKind, OptionError, SBATCH_OPTIONS, SbatchOption, find_option};
pub use script::ScriptError;

/// Parses sbatch command-line options (without the program name). Parsing stops at the
/// first argument that is not an option (the script path); it and what follows are ignored.
///
/// ```
/// use hpcsched::sbatch::parse_args;
/// let req = parse_args(&["-J", "sim", "--part=debug,long", "-Hv", "run.sh", "-N", "9"]).unwrap();
/// assert_eq!(req.job_name.as_deref(), Some("sim"));
/// assert_eq!(req.partitions, ["debug", "long"]);
/// assert!(req.hold);
/// assert!(req.nodes.is_none()); // `-N 9` belongs to run.sh
/// ```
pub fn parse_args<S: AsRef<str>>(args: &[S]) -> Result<JobRequest, OptionError> {
    let mut req = JobRequest::default();
    options::apply_args(&mut req, args)?;
    Ok(req)
}

impl JobRequest {
    /// Reads a batch script: shebang, then `#SBATCH` directives up to the first command line.
    /// The script minus its directive lines is kept in [`JobRequest::script`].
    ///
    /// ```
    /// use hpcsched::JobRequest;
    /// let req = JobRequest::from_script(
    ///     "#!/bin/sh\n#SBATCH --job-name=\"my job\" # a comment\nsrun hostname\n#SBATCH -J ignored\n",
    /// )
    /// .unwrap();
    /// assert_eq!(req.job_name.as_deref(), Some("my job"));
    /// assert_eq!(req.script.as_deref(), Some("#!/bin/sh\nsrun hostname\n#SBATCH -J ignored\n"));
    /// ```
    pub fn from_script(text: &str) -> Result<Self, ScriptError> {
        script::parse(text, &[] as &[&str])
    }

    /// Reads a batch script, then applies command-line options over it, as
    /// `sbatch ARGS... script` does.
    ///
    /// ```
    /// use hpcsched::JobRequest;
    /// let script = "#!/bin/sh\n#SBATCH -J fromscript -A physics\nhostname\n";
    /// let req = JobRequest::from_script_with_args(script, &["-J", "fromcli"]).unwrap();
    /// assert_eq!(req.job_name.as_deref(), Some("fromcli"));
    /// assert_eq!(req.account.as_deref(), Some("physics"));
    /// ```
    pub fn from_script_with_args<S: AsRef<str>>(
        text: &str,
        args: &[S],
    ) -> Result<Self, ScriptError> {
        script::parse(text, args)
    }

    /// Renders the request as a batch script with one `#SBATCH` line per option, after the
    /// kept shebang (or `#!/bin/bash`) and before the rest of the kept script.
    ///
    /// ```
    /// use hpcsched::JobRequest;
    /// let req = JobRequest::from_script("#!/bin/sh\n#SBATCH -J 'a b' -H\necho hi\n").unwrap();
    /// assert_eq!(req.to_script(), "#!/bin/sh\n#SBATCH \"--job-name=a b\"\n#SBATCH --hold\necho hi\n");
    /// ```
    #[must_use]
    pub fn to_script(&self) -> String {
        render::to_script(self)
    }

    /// Renders the request as sbatch command-line arguments (without `sbatch` itself), long
    /// form, in a fixed order.
    ///
    /// ```
    /// use hpcsched::sbatch::parse_args;
    /// let req = parse_args(&["--mail-type=END", "-H", "-J", "x"]).unwrap();
    /// assert_eq!(req.to_args(), ["--job-name=x", "--hold", "--mail-type=END"]);
    /// ```
    #[must_use]
    pub fn to_args(&self) -> Vec<String> {
        render::to_args(self)
    }

    /// Renders the request as an `sbatch ...` shell command line (arguments quoted for a
    /// POSIX shell; no script path).
    ///
    /// ```
    /// use hpcsched::sbatch::parse_args;
    /// let req = parse_args(&["-J", "it's", "--hold"]).unwrap();
    /// assert_eq!(req.to_shell_command(), r"sbatch '--job-name=it'\''s' --hold");
    /// ```
    #[must_use]
    pub fn to_shell_command(&self) -> String {
        render::to_shell_command(self)
    }
}
