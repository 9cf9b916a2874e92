//! What ipvsadm prints to stderr when a command line fails, and its exit
//! status: the error type of the ipvsadm parser ([`super::args`]) and of
//! the command/option matrix ([`super::matrix`]).

/// What ipvsadm would print to stderr, and its exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exit status (2 for `fail()`, 255 for the "Try ..." hint and popt
    /// errors).
    pub exit_code: i32,
    /// The exact stderr text, trailing newline included.
    pub stderr: String,
    /// `true` for popt errors, where ipvsadm *returns* −1 (exit 255) instead
    /// of exiting at once: inside `-R` input the next line still runs. For
    /// `fail()` and the "Try ..." hint it is `false`: they end even a
    /// restore.
    pub returns: bool,
}

impl Failure {
    /// ipvsadm's `fail(2, ...)`: the message plus a newline, exit 2.
    pub fn fail(msg: impl Into<String>) -> Self {
        let mut stderr = msg.into();
        stderr.push('\n');
        Failure {
            exit_code: 2,
            stderr,
            returns: false,
        }
    }

    /// The "Try `argv0 -h' ..." hint, exit 255.
    pub fn tryhelp(argv0: &str) -> Self {
        Failure {
            exit_code: 255,
            stderr: format!("Try `{argv0} -h' or '{argv0} --help' for more information.\n"),
            returns: false,
        }
    }

    /// A popt error: `WORD: reason`, exit 255.
    pub(crate) fn popt(word: &str, reason: &str) -> Self {
        Failure {
            exit_code: 255,
            stderr: format!("{word}: {reason}\n"),
            returns: true,
        }
    }
}
