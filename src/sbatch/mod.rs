//! The input languages of job submission: sbatch's command-line options and `#SBATCH`
//! batch scripts, srun and salloc command lines, and rendering a [`JobRequest`] back to
//! them.
//!
//! Precedence is sbatch's: options in the script are applied first, then the command line
//! overrides them. An srun or salloc command line is its options, then the command it
//! runs; the job it asks for is read into the same [`JobRequest`] and scheduled like a
//! batch job. Options are those of the command ([`options`]) and of the cluster's SPANK
//! plugins ([`Parser`], [`crate::sbatch::spank`]).

mod apply;
mod command_line;
mod interactive_options;
mod lookup;
mod options;
mod refusals;
mod render;
mod sbatch_options;
mod script;
pub mod spank;
mod values;

use crate::request::{Client, JobRequest};
use crate::sbatch::spank::SpankPlugin;

pub use command_line::split_words;
pub(crate) use lookup::{Spec, Table, is_slurm_option};
pub use lookup::{find_option, options};
pub use options::{ArgKind, OptionError, SbatchOption};
pub use sbatch_options::SBATCH_OPTIONS;
pub use script::ScriptError;

/// Reads requests with the options of a cluster's SPANK plugins (see [`crate::sbatch::spank`]);
/// [`crate::Cluster::parser`] gives a cluster's. `Parser::default()` knows no plugin, like
/// [`parse_args`] and [`JobRequest::from_script`].
///
/// ```
/// use hpcsched::Cluster;
/// use hpcsched::request::Client;
/// let mut cluster = Cluster::default();
/// cluster.add_builtin_spank_plugin("pyxis")?;
/// let req = cluster.parser().command_line_text("srun --gres=gpu:1 --container-image=ubuntu nvidia-smi -L")?;
/// assert_eq!(req.client, Client::Srun);
/// assert_eq!(req.command, ["nvidia-smi", "-L"]);
/// assert_eq!(req.to_shell_command(), "srun --gres=gpu:1 --container-image=ubuntu nvidia-smi -L");
/// # Ok::<(), hpcsched::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Parser<'p> {
    plugins: &'p [SpankPlugin],
}

impl<'p> Parser<'p> {
    /// A parser that accepts the options of these plugins as well as Slurm's.
    #[must_use]
    pub fn new(plugins: &'p [SpankPlugin]) -> Self {
        Self { plugins }
    }

    /// The plugins whose options it accepts.
    pub(crate) fn plugins(&self) -> &'p [SpankPlugin] {
        self.plugins
    }

    /// Reads sbatch command-line options, as [`parse_args`] does.
    pub fn args<S: AsRef<str>>(&self, args: &[S]) -> Result<JobRequest, OptionError> {
        let mut req = JobRequest::default();
        apply::apply_args(&mut req, args, Client::Sbatch, self.plugins)?;
        Ok(req)
    }

    /// Reads a batch script, then applies sbatch command-line options over it, as
    /// [`JobRequest::from_script_with_args`] does.
    pub fn script<S: AsRef<str>>(&self, text: &str, args: &[S]) -> Result<JobRequest, ScriptError> {
        script::parse(text, args, self.plugins)
    }

    /// Reads a command line split into words: `sbatch`, `srun` or `salloc` (a path to one
    /// is fine), its options, then the words it does not read as options, kept in
    /// [`JobRequest::command`] (the program srun runs or salloc starts, sbatch's script
    /// and its arguments). Options are read with the command's own table: srun refuses
    /// sbatch's `--array`, salloc refuses `--output`, as they do.
    ///
    /// ```
    /// use hpcsched::request::Client;
    /// use hpcsched::sbatch::{OptionError, Parser};
    /// let req = Parser::default().command_line(&["srun", "--pty", "-N", "2", "bash", "-i"])?;
    /// assert_eq!(req.client, Client::Srun);
    /// assert_eq!(req.command, ["bash", "-i"]);
    /// assert_eq!(req.other_options, [("pty".to_owned(), None)]);
    /// assert_eq!(
    ///     Parser::default().command_line(&["salloc", "-o", "out.log"]),
    ///     Err(OptionError::Unknown("-o".into()))
    /// );
    /// assert_eq!(Parser::default().command_line(&["srun", "-N2"]), Err(OptionError::NoCommand));
    /// # Ok::<(), OptionError>(())
    /// ```
    pub fn command_line<S: AsRef<str>>(&self, words: &[S]) -> Result<JobRequest, OptionError> {
        let (program, rest) = words.split_first().ok_or(OptionError::EmptyCommandLine)?;
        let program = program.as_ref();
        let base = program.rsplit('/').next().unwrap_or(program);
        let client: Client = base
            .parse()
            .map_err(|_| OptionError::NotAClient(program.to_owned()))?;
        let mut req = JobRequest {
            client,
            ..JobRequest::default()
        };
        let stop = apply::apply_args(&mut req, rest, client, self.plugins)?;
        req.command = rest
            .get(stop..)
            .unwrap_or_default()
            .iter()
            .map(|w| w.as_ref().to_owned())
            .collect();
        // srun runs a command ("No command given to execute").
        if client == Client::Srun && req.command.is_empty() {
            return Err(OptionError::NoCommand);
        }
        Ok(req)
    }

    /// [`Parser::command_line`] on a line of text, split into words as a POSIX shell
    /// would ([`split_words`]).
    pub fn command_line_text(&self, line: &str) -> Result<JobRequest, OptionError> {
        self.command_line(&split_words(line)?)
    }
}

impl crate::Cluster {
    /// A parser that knows this cluster's SPANK plugins.
    ///
    /// ```
    /// let mut c = hpcsched::Cluster::default();
    /// assert!(c.parser().args(&["--container-name=x"]).is_err());
    /// c.add_builtin_spank_plugin("pyxis")?;
    /// assert!(c.parser().args(&["--container-name=x"]).is_ok());
    /// # Ok::<(), hpcsched::spank::SpankError>(())
    /// ```
    #[must_use]
    pub fn parser(&self) -> Parser<'_> {
        Parser::new(self.spank_plugins())
    }
}

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
    Parser::default().args(args)
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
        script::parse(text, &[] as &[&str], &[])
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
        script::parse(text, args, &[])
    }

    /// Renders the request as a batch script with one `#SBATCH` line per option, after the
    /// kept shebang (or `#!/bin/bash`) and before the rest of the kept script. The options
    /// of a request read from srun or salloc are written as they are, so an option sbatch
    /// does not have (`--pty`) makes a script sbatch refuses.
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

    /// Renders the request as a shell command line (arguments quoted for a POSIX shell):
    /// its command (`sbatch`, `srun` or `salloc`), the arguments of
    /// [`JobRequest::to_args`], then the words of [`JobRequest::command`] (for sbatch, the
    /// script path if one was given).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sbatch::spank::SpankPlugin;

    fn line(text: &str) -> Result<JobRequest, OptionError> {
        Parser::default().command_line_text(text)
    }

    fn pyxis() -> Vec<SpankPlugin> {
        vec![SpankPlugin::pyxis()]
    }

    #[test]
    fn srun_and_salloc_lines_of_the_user_guides() {
        let r = line("srun --gres=gpu:1 nvidia-smi -L").unwrap();
        assert_eq!(r.client, Client::Srun);
        assert_eq!(r.gres, values::gres_list("gpu:1").unwrap());
        assert_eq!(r.command, ["nvidia-smi", "-L"]);
        assert_eq!(r.to_shell_command(), "srun --gres=gpu:1 nvidia-smi -L");

        let r = line("srun --pty bash -i").unwrap();
        assert_eq!(r.other_options, [("pty".to_owned(), None)]);
        assert_eq!(r.command, ["bash", "-i"]);
        assert_eq!(r.to_shell_command(), "srun --pty bash -i");

        let r = line("salloc -N 2 -t 1:00:00 -p debug").unwrap();
        assert_eq!(r.client, Client::Salloc);
        assert!(r.command.is_empty());
        assert_eq!(
            r.to_shell_command(),
            "salloc --partition=debug --nodes=2 --time=01:00:00"
        );
        let r = line("/usr/bin/salloc --no-shell -n 4 -- -weird-program x").unwrap();
        assert_eq!(r.command, ["-weird-program", "x"]);
        assert_eq!(
            r.to_shell_command(),
            "salloc --ntasks=4 --no-shell -- -weird-program x"
        );
        // srun's `-K` and `-W` are not salloc's or sbatch's.
        let r = line("srun -K -W 30 -l -u ./a.out").unwrap();
        let s = |n: &str, v: Option<&str>| (n.to_owned(), v.map(str::to_owned));
        assert_eq!(
            r.other_options,
            [
                s("kill-on-bad-exit", None),
                s("wait", Some("30")),
                s("label", None),
                s("unbuffered", None)
            ]
        );
        let r = line("salloc -K --bell").unwrap();
        assert_eq!(r.other_options, [s("kill-command", None), s("bell", None)]);
        // Parsed back through the renderer.
        for text in [
            "srun -N 2 --ntasks-per-node=4 --mpi=pmix ./mpi_app --flag",
            "salloc --exclusive -w n[1-2] --x11",
            "sbatch -J x --wrap=hostname",
        ] {
            let r = line(text).unwrap();
            assert_eq!(line(&r.to_shell_command()), Ok(r), "{text}");
        }
    }

    #[test]
    fn each_command_refuses_what_it_does_not_have() {
        let unknown = |o: &str| Err(OptionError::Unknown(o.into()));
        assert_eq!(line("srun --array=1-3 hostname"), unknown("--array"));
        assert_eq!(line("srun --wrap=hostname"), unknown("--wrap"));
        assert_eq!(
            line("srun --get-user-env hostname"),
            unknown("--get-user-env")
        );
        assert_eq!(line("salloc -o out.log"), unknown("-o"));
        assert_eq!(line("salloc --error=e"), unknown("--error"));
        assert_eq!(line("salloc --parsable"), unknown("--parsable"));
        assert_eq!(line("salloc --pty"), unknown("--pty"));
        assert_eq!(line("sbatch --pty x.sh"), unknown("--pty"));
        assert_eq!(line("sbatch -l x.sh"), unknown("-l"));
        assert_eq!(
            line("srun -N1 hostname : -N2 hostname"),
            Err(OptionError::HetJobUnsupported)
        );
        assert_eq!(line("srun -p debug"), Err(OptionError::NoCommand));
        // `--test-only` prints an estimate: there is no job.
        assert_eq!(
            line("srun --test-only -p debug"),
            Err(OptionError::Informational("--test-only".into()))
        );
        assert_eq!(line(""), Err(OptionError::EmptyCommandLine));
        assert_eq!(
            line("mpirun -n 4 x"),
            Err(OptionError::NotAClient("mpirun".into()))
        );
        assert!(matches!(
            line("srun --jobid=42 hostname"),
            Err(OptionError::Unsupported { ref option, .. }) if option == "--jobid"
        ));
        assert!(matches!(
            line("salloc -I"),
            Err(OptionError::Unsupported { ref option, .. }) if option == "--immediate"
        ));
        // Pairs the commands refuse (observed on 22.05).
        let incompatible = |a: &str, b: &str| {
            Err(OptionError::Incompatible {
                first: a.into(),
                second: b.into(),
            })
        };
        assert_eq!(
            line("srun --exact --whole x"),
            incompatible("--exact", "--whole")
        );
        assert_eq!(
            line("srun --overlap --exclusive x"),
            incompatible("--exclusive", "--overlap")
        );
        assert_eq!(
            line("srun -w n1 -r 1 x"),
            incompatible("--relative", "--nodelist")
        );
        assert_eq!(
            line("sbatch -v -Q x.sh"),
            incompatible("--verbose", "--quiet")
        );
        assert_eq!(line("salloc -Q -v"), incompatible("--verbose", "--quiet"));
        assert!(line("sbatch --exclusive --overlap x").is_err()); // not an sbatch option
        assert!(line("salloc --exclusive -w n1").is_ok());
    }

    #[test]
    fn plugin_options_are_read_kept_and_rendered() {
        let plugins = pyxis();
        let p = Parser::new(&plugins);
        // The pyxis guide's directives, with `#` escaped as pyxis's README says.
        let script = "#!/bin/bash\n#SBATCH --gres=gpu:1 --container-name=myimage --container-mounts=.:/workspace --container-workdir=/workspace -o sbatch.log -e sbatch.log\n#SBATCH --container-image nvcr.io\\#nvidia/pytorch:21.12-py3\npython -c 'import torch'\n";
        let r = p.script(script, &[] as &[&str]).unwrap();
        let s = |n: &str, v: &str| (n.to_owned(), Some(v.to_owned()));
        assert_eq!(
            r.plugin_options,
            [
                s("container-name", "myimage"),
                s("container-mounts", ".:/workspace"),
                s("container-workdir", "/workspace"),
                s("container-image", "nvcr.io#nvidia/pytorch:21.12-py3"),
            ]
        );
        assert!(r.other_options.is_empty());
        assert_eq!(p.script(&r.to_script(), &[] as &[&str]), Ok(r.clone()));
        assert_eq!(
            Parser::default().script(script, &[] as &[&str]),
            Err(ScriptError::Option {
                line: 2,
                source: OptionError::Unknown("--container-name".into())
            })
        );
        // A prefix of a plugin option, as getopt reads it; the exact `--container` is sbatch's.
        let r = p.args(&["--container-n=x", "--container=/bundle"]).unwrap();
        assert_eq!(r.plugin_options, [s("container-name", "x")]);
        assert_eq!(r.other_options, [s("container", "/bundle")]);
        assert!(matches!(
            p.args(&["--container-w"]),
            Err(OptionError::Ambiguous { .. })
        ));
        // pyxis refuses a second image, from the command line over the script too.
        assert_eq!(
            p.script(
                "#!/bin/sh\n#SBATCH --container-image=a\nx\n",
                &["--container-image=b"]
            ),
            Err(ScriptError::Args(OptionError::InvalidValue {
                option: "--container-image".into(),
                value: "b".into(),
                why: "pyxis: --container-image specified multiple times".into()
            }))
        );
        assert_eq!(
            p.args(&["--container-writable", "--container-readonly"]),
            Err(OptionError::Conflict {
                first: "--container-writable".into(),
                second: "--container-readonly".into()
            })
        );
        assert_eq!(
            p.args(&["--container-remap-root=yes"]),
            Err(OptionError::UnexpectedValue {
                option: "--container-remap-root".into(),
                value: "yes".into()
            })
        );
        // srun and salloc see pyxis's options; with sbatch_support=0, sbatch and salloc do not.
        let r = p
            .command_line_text("srun --container-image=ubuntu:24.04 --container-mounts=/data:/data cat /etc/os-release")
            .unwrap();
        assert_eq!(r.plugin_options.len(), 2);
        assert!(p.command_line_text("salloc --container-name=x").is_ok());
        let srun_only = vec![SpankPlugin::pyxis().in_allocator(false)];
        let p = Parser::new(&srun_only);
        assert!(
            p.command_line_text("srun --container-name=x hostname")
                .is_ok()
        );
        assert_eq!(
            p.command_line_text("salloc --container-name=x"),
            Err(OptionError::Unknown("--container-name".into()))
        );
        assert_eq!(
            p.args(&["--container-name=x"]),
            Err(OptionError::Unknown("--container-name".into()))
        );
    }
}
