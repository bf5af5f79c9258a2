//! Releases on ECS: `wharf deploy`, `rollback`, `status`, `verify` and `run`.
//!
//! This is the only crate of wharf that talks to AWS, and it does so through the [`Aws`]
//! trait: [`SdkAws`] implements it on the AWS SDK, and the tests implement it with a fake
//! that fails the ways AWS does. Every call goes through [`Retrying`], the one retry policy.
//! A release never changes more than the image of one container, never prints secrets (task
//! definitions are read only for names, images and ports), and can be run again after an
//! interruption: a deploy of the tag the service already has follows the deployment in
//! progress instead of starting another.

pub mod aws;
pub mod clock;
pub mod codedeploy;
mod deploy;
pub mod image;
pub mod progress;
pub mod release_check;
pub mod retry;
mod run;
pub mod sdk;
mod status;
mod verify;

pub use aws::{Aws, AwsError, ErrorKind};
pub use clock::{Clock, SystemClock, VirtualClock};
pub use codedeploy::CodeDeployNames;
pub use deploy::{deploy, failure_threshold, rollback, DeployRequest, Wait};
pub use progress::Progress;
pub use retry::Retrying;
pub use run::{run, RunRequest};
pub use sdk::SdkAws;
pub use status::status;
pub use verify::{verify, Check};

/// The service a command acts on, by the names ECS knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub cluster: String,
    pub service: String,
    /// The CodeDeploy application and group of a service on the CODE_DEPLOY controller,
    /// when they are not the names `wharf render` gives them.
    pub code_deploy: Option<codedeploy::CodeDeployNames>,
}

/// How a release ended. [`Outcome::exit_code`] is the process's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The deployment completed.
    Completed,
    /// The service already ran what was asked.
    Unchanged,
    /// Started without waiting (`--no-wait`).
    Started,
    /// Shown, not changed (`--dry-run`).
    DryRun,
    /// The deployment failed or timed out; the previous revision was put back.
    Failed,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Failed => 1,
            _ => 0,
        }
    }
}

/// Why a command could not do its work: a usage mistake or an AWS error, with what to do.
/// Exit code 2.
pub use wharf_diagnostic::Error;

impl From<AwsError> for Error {
    fn from(e: AwsError) -> Error {
        let help = match e.kind {
            ErrorKind::Denied => format!(
                "check the AWS credentials (AWS_PROFILE, `aws sts get-caller-identity`) and that the identity may call {}",
                e.operation
            ),
            ErrorKind::Throttling | ErrorKind::Transient => {
                "AWS (or the endpoint in AWS_ENDPOINT_URL, if set) kept failing this call; run the command again in a minute (it is safe to repeat)".to_string()
            }
            ErrorKind::Other => "check the names and the AWS account and Region".to_string(),
        };
        Error::new(e.to_string()).with_help(help)
    }
}
