//! `wharf deploy`, `rollback`, `status`, `verify` and `run`: names from the manifest (or
//! given outright), then `wharf-deploy` against the AWS SDK.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use wharf_deploy::{
    Aws, Clock, CodeDeployNames, DeployRequest, Progress, Retrying, RunRequest, SdkAws,
    SystemClock, Target, Wait,
};

/// Which service: by environment and service key from the manifest, or by ECS names.
#[derive(clap::Args)]
pub struct Where {
    /// The environment, as named in the manifest.
    #[arg(long = "env", value_name = "NAME")]
    env: Option<String>,
    /// The service's key in the manifest (`[services.KEY]`).
    #[arg(long, value_name = "KEY")]
    service: Option<String>,
    /// The manifest for --env.
    #[arg(long, short, default_value = "wharf.toml")]
    manifest: PathBuf,
    /// The ECS cluster, by name or ARN, for a service wharf did not render (no manifest).
    #[arg(long, conflicts_with = "env", requires = "service_name")]
    cluster: Option<String>,
    /// The ECS service's name, with --cluster.
    #[arg(
        long = "service-name",
        value_name = "NAME",
        conflicts_with = "service",
        requires = "cluster"
    )]
    service_name: Option<String>,
    /// The AWS Region, instead of the manifest's (with --env) or the AWS configuration's.
    #[arg(long)]
    region: Option<String>,
    /// The CodeDeploy application of a service on the CODE_DEPLOY controller (default:
    /// the cluster's name, as `wharf render` names it).
    #[arg(long = "codedeploy-application", value_name = "NAME")]
    codedeploy_application: Option<String>,
    /// The CodeDeploy deployment group (default: the service's name).
    #[arg(long = "deployment-group", value_name = "NAME")]
    deployment_group: Option<String>,
}

impl Where {
    /// The CodeDeploy names given on the command line, each falling back to `default`.
    fn code_deploy(&self, default: CodeDeployNames) -> Option<CodeDeployNames> {
        if self.codedeploy_application.is_none() && self.deployment_group.is_none() {
            return None;
        }
        Some(CodeDeployNames {
            application: self
                .codedeploy_application
                .clone()
                .unwrap_or(default.application),
            deployment_group: self
                .deployment_group
                .clone()
                .unwrap_or(default.deployment_group),
        })
    }
}

#[derive(clap::Args)]
pub struct WaitArgs {
    /// How long to wait for the deployment: 90s, 15m, 1h.
    #[arg(long, default_value = "15m", value_parser = parse_duration)]
    timeout: Duration,
    /// How often to look at the service while waiting.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    poll: Duration,
    /// Start it and return without waiting.
    #[arg(long)]
    no_wait: bool,
}

impl WaitArgs {
    fn wait(&self) -> Option<Wait> {
        (!self.no_wait).then_some(Wait {
            timeout: self.timeout,
            poll: self.poll,
        })
    }
}

#[derive(clap::Args)]
pub struct DeployArgs {
    #[command(flatten)]
    at: Where,
    /// The image tag to release; it must be in the service's ECR repository.
    #[arg(long, value_name = "TAG")]
    image_tag: String,
    /// The container whose image changes (default: the one behind the load balancer, or
    /// the only one).
    #[arg(long)]
    container: Option<String>,
    #[command(flatten)]
    wait: WaitArgs,
    /// Print the revision diff and change nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(clap::Args)]
pub struct RollbackArgs {
    #[command(flatten)]
    at: Where,
    /// The revision to go back to: a number of the service's family, `family:revision` or
    /// an ARN (default: the newest revision before the running one).
    #[arg(long, value_name = "REVISION")]
    to: Option<String>,
    #[command(flatten)]
    wait: WaitArgs,
}

#[derive(clap::Args)]
pub struct StatusArgs {
    #[command(flatten)]
    at: Where,
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    at: Where,
    /// Check this tag instead of the running one.
    #[arg(long, value_name = "TAG")]
    image_tag: Option<String>,
    /// The container to check (default: the one behind the load balancer, or the only one).
    #[arg(long)]
    container: Option<String>,
}

#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    at: Where,
    /// The container whose command is replaced (default: the one behind the load
    /// balancer, or the only one).
    #[arg(long)]
    container: Option<String>,
    #[command(flatten)]
    wait: WaitArgs,
    /// The command, after `--`: wharf run --env prod --service api -- ./migrate up
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<String>,
}

/// `15m`, `90s`, `1h30m`, or seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("`{s}` is not a duration; write it like 90s, 15m or 1h30m");
    if let Ok(seconds) = s.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().map_err(|_| bad())?;
        number.clear();
        total += n * match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
    }
    if !number.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// The services a command acts on, the Region to use, and the alarm name prefix.
struct Resolved {
    targets: Vec<Target>,
    region: Option<String>,
    alarm_prefix: String,
}

fn resolve(at: &Where, need_service: bool) -> Result<Resolved, String> {
    if let (Some(cluster), Some(service)) = (&at.cluster, &at.service_name) {
        return Ok(Resolved {
            targets: vec![{
                let target = Target {
                    cluster: cluster.clone(),
                    service: service.clone(),
                    code_deploy: None,
                };
                Target {
                    code_deploy: at.code_deploy(target.code_deploy_names()),
                    ..target
                }
            }],
            region: at.region.clone(),
            alarm_prefix: service.clone(),
        });
    }
    let Some(env_name) = &at.env else {
        return Err("error: which service?\nhelp: pass --env NAME and --service KEY (names from the manifest), or --cluster NAME and --service-name NAME".to_string());
    };
    let platform = crate::load(&at.manifest).map_err(|f| f.0)?;
    let env = crate::environment(&platform, &at.manifest, env_name)?;
    let keys = || {
        env.services
            .iter()
            .map(|s| s.key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let services: Vec<_> = match &at.service {
        Some(key) => match env.services.iter().find(|s| &s.key == key) {
            Some(s) => vec![s],
            None => {
                return Err(format!(
                    "error: {} has no service `{key}`\nhelp: services are: {}",
                    at.manifest.display(),
                    keys()
                ))
            }
        },
        None if need_service => {
            return Err(format!(
                "error: which service of `{env_name}`?\nhelp: pass --service KEY; services are: {}",
                keys()
            ))
        }
        None => env.services.iter().collect(),
    };
    Ok(Resolved {
        targets: services
            .iter()
            .map(|s| {
                // The names `wharf render` gave the application and the group.
                let rendered = CodeDeployNames {
                    application: env
                        .code_deploy
                        .as_ref()
                        .map_or_else(|| env.cluster.name.clone(), |c| c.application.clone()),
                    deployment_group: s.name.clone(),
                };
                Target {
                    cluster: env.cluster.name.clone(),
                    service: s.name.clone(),
                    code_deploy: Some(at.code_deploy(rendered.clone()).unwrap_or(rendered)),
                }
            })
            .collect(),
        region: at.region.clone().or(Some(platform.region.clone())),
        alarm_prefix: env.prefix.clone(),
    })
}

/// Progress on standard output, redrawn in place when it is a terminal.
fn progress() -> Progress {
    let live = std::io::stdout().is_terminal();
    Progress::new(Box::new(std::io::stdout()), live)
}

/// Seeds the retry jitter and names one-off tasks; not security-relevant.
fn seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    nanos ^ u64::from(std::process::id()) << 32
}

/// Connects to AWS in `region` and gives `work` the client, with retries, and the clock.
fn session<T>(
    region: Option<&str>,
    work: impl FnOnce(&dyn Aws, &dyn Clock) -> Result<T, wharf_deploy::Error>,
) -> Result<T, String> {
    let sdk = SdkAws::load(region).map_err(|e| format!("error: {e}"))?;
    let clock = SystemClock::new();
    let aws = Retrying::new(&sdk, &clock, seed());
    work(&aws, &clock).map_err(|e| format!("error: {e}"))
}

pub fn deploy(args: &DeployArgs) -> Result<ExitCode, String> {
    let resolved = resolve(&args.at, true)?;
    let outcome = session(resolved.region.as_deref(), |aws, clock| {
        wharf_deploy::deploy(
            aws,
            clock,
            &mut progress(),
            &DeployRequest {
                target: &resolved.targets[0],
                image_tag: &args.image_tag,
                container: args.container.as_deref(),
                wait: args.wait.wait(),
                dry_run: args.dry_run,
            },
        )
    })?;
    Ok(ExitCode::from(outcome.exit_code()))
}

pub fn rollback(args: &RollbackArgs) -> Result<ExitCode, String> {
    let resolved = resolve(&args.at, true)?;
    let outcome = session(resolved.region.as_deref(), |aws, clock| {
        wharf_deploy::rollback(
            aws,
            clock,
            &mut progress(),
            &resolved.targets[0],
            args.to.as_deref(),
            args.wait.wait(),
        )
    })?;
    Ok(ExitCode::from(outcome.exit_code()))
}

pub fn status(args: &StatusArgs) -> Result<ExitCode, String> {
    let resolved = resolve(&args.at, false)?;
    let report = session(resolved.region.as_deref(), |aws, _| {
        wharf_deploy::status(aws, &resolved.targets, Some(&resolved.alarm_prefix))
    })?;
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}

pub fn verify(args: &VerifyArgs) -> Result<ExitCode, String> {
    let resolved = resolve(&args.at, false)?;
    let failed = session(resolved.region.as_deref(), |aws, _| {
        let mut failed = 0;
        for target in &resolved.targets {
            println!("{} (cluster {})", target.service, target.cluster);
            let checks = wharf_deploy::verify(
                aws,
                target,
                args.image_tag.as_deref(),
                args.container.as_deref(),
            )?;
            for check in checks {
                println!(
                    "  {} {}",
                    if check.ok { "ok  " } else { "FAIL" },
                    check.what
                );
                if !check.ok {
                    failed += 1;
                    if let Some(help) = check.help {
                        println!("       help: {help}");
                    }
                }
            }
        }
        Ok(failed)
    })?;
    if failed > 0 {
        println!(
            "{failed} check{} failed.",
            if failed == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::from(1));
    }
    println!("Every check passed.");
    Ok(ExitCode::SUCCESS)
}

pub fn run(args: &RunArgs) -> Result<ExitCode, String> {
    let resolved = resolve(&args.at, true)?;
    let code = session(resolved.region.as_deref(), |aws, clock| {
        wharf_deploy::run(
            aws,
            clock,
            &mut progress(),
            &RunRequest {
                target: &resolved.targets[0],
                container: args.container.as_deref(),
                command: &args.command,
                wait: args.wait.wait(),
                client_token: format!("wharf-run-{:x}", seed()),
            },
        )
    })?;
    Ok(ExitCode::from(code.clamp(0, 255) as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("120"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("10x").is_err());
        assert!(parse_duration("5m3").is_err());
        assert!(parse_duration("0s").is_err());
    }
}
