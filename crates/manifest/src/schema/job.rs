//! `[jobs.*]`: one scheduled job per table: when it runs, whose image, what command, and
//! what it uses.

use wharf_aws::scheduler;

use crate::naming::is_key;
use crate::read::{closest, Sink, TableReader};
use crate::types::*;
use crate::Diagnostic;

use super::key_rule_help;
use super::service::{read_cpu_memory, read_env, read_secrets, read_uses};

/// Retries of a failed RunTask call: EventBridge Scheduler allows 0 to 185.
/// <https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html>
const RETRIES: std::ops::RangeInclusive<i64> = 0..=185;

pub(super) fn read_job(
    key: Spanned<String>,
    mut t: TableReader,
    services: &[String],
    sink: &mut Sink,
) -> Option<Job> {
    sink.check(
        is_key(&key) && key.len() <= 32,
        &key.span,
        format!("`{}` is not a valid job name", key.value),
        key_rule_help("job names") + ", at most 32 characters",
    );
    let schedule = t.string(sink, "schedule");
    t.require(
        sink,
        "schedule",
        &schedule,
        "say when it runs, e.g. `schedule = \"cron(0 3 * * ? *)\"` (03:00 every day) or `schedule = \"rate(1 hour)\"`",
    );
    let timezone = t.string(sink, "timezone");
    let service = t.string(sink, "service");
    t.require(
        sink,
        "service",
        &service,
        "name the service whose image the job runs, e.g. `service = \"api\"`",
    );
    let command = t.string_list(sink, "command");
    t.require(
        sink,
        "command",
        &command,
        "say what the job runs in that image, e.g. `command = [\"python\", \"-m\", \"app.nightly\"]`",
    );
    let (cpu, memory) = read_cpu_memory(&mut t, sink);
    let env_raw = t.string_map(sink, "env").unwrap_or_default();
    let secrets_raw = t.string_map(sink, "secrets").unwrap_or_default();
    let not_secret = t.string_list(sink, "not_secret");
    let uses = read_uses(&mut t, sink);
    let retries = t.integer_in(
        sink,
        "retries",
        RETRIES,
        "EventBridge Scheduler retries a failed run 0 to 185 times",
    );
    t.finish(sink);
    let env = read_env(env_raw, &not_secret, sink);
    let secrets = read_secrets(secrets_raw, &env, sink);
    let schedule = schedule.filter(|s| check_schedule(s, sink));
    check_timezone(&timezone, sink);
    if let Some(s) = &service {
        check_service(&key, s, services, sink);
    }
    if let Some(c) = command.as_ref().filter(|c| c.value.is_empty()) {
        sink.check(
            false,
            &c.span,
            "`command` is empty",
            "list the program and its arguments",
        );
    }
    Some(Job {
        key,
        schedule: schedule?,
        timezone,
        service: service?,
        command: command?.value,
        cpu,
        memory,
        env,
        secrets,
        uses,
        retries,
    })
}

/// Whether Scheduler accepts the expression; reported when it does not.
fn check_schedule(s: &Spanned<String>, sink: &mut Sink) -> bool {
    let checked = scheduler::check_expression(s);
    let ok = checked.is_ok();
    if let Err(help) = checked {
        sink.push(
            Diagnostic::new(
                format!(
                    "`{}` is not a schedule EventBridge Scheduler accepts",
                    s.value
                ),
                s.span.clone(),
            )
            .with_help(help),
        );
    }
    ok
}

/// An IANA time zone name (`Europe/Paris`, `UTC`) as Scheduler takes it.
fn check_timezone(tz: &Option<Spanned<String>>, sink: &mut Sink) {
    let Some(tz) = tz else { return };
    let ok = tz.value == "UTC"
        || (tz.contains('/')
            && tz.split('/').all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c))
            }));
    sink.check(
        ok,
        &tz.span,
        format!("`{}` is not a time zone name", tz.value),
        "write an IANA time zone such as \"Europe/Paris\" or \"America/New_York\"; the default is UTC",
    );
}

fn check_service(job: &Spanned<String>, s: &Spanned<String>, services: &[String], sink: &mut Sink) {
    if services.contains(&s.value) {
        return;
    }
    let names: Vec<&str> = services.iter().map(String::as_str).collect();
    let mut d = Diagnostic::new(
        format!(
            "job `{}` runs the image of service `{}`, which is not declared",
            job.value, s.value
        ),
        s.span.clone(),
    );
    if let Some(c) = closest(&s.value, &names) {
        d = d.with_label(format!("did you mean `{c}`?"));
    }
    sink.push(d.with_help(
        "name one of the manifest's services: the job runs its image, built and pushed with it",
    ));
}

/// A job's AWS names follow a service's (`{app}-{env}-{job}`), so its key may not be a
/// service's, and the names of its roles and rule must fit their limits in every
/// environment.
pub(super) fn check_jobs(manifest: &Manifest, sink: &mut Sink) {
    for job in manifest.jobs.values() {
        sink.check(
            !manifest.services.contains_key(&job.key.value),
            &job.key.span,
            format!("job `{}` has the name of a service", job.key.value),
            "give the job a name of its own: its roles, log group and task family are named after it",
        );
        for env in manifest.environments.values() {
            let name = crate::naming::service_name(&manifest.app.name, &env.key, &job.key);
            // The longest name derived from it is its EventBridge rule, `{name}-failed-runs`;
            // rules, like IAM roles, allow 64 characters.
            let longest = name.len() + "-failed-runs".len();
            sink.check(
                longest <= crate::naming::IAM_ROLE_NAME_MAX,
                &job.key.span,
                format!(
                    "job `{}` in environment `{}` would have an EventBridge rule named `{name}-failed-runs` ({longest} characters); EventBridge and IAM allow {}",
                    job.key.value,
                    env.key.value,
                    crate::naming::IAM_ROLE_NAME_MAX
                ),
                "shorten the job, environment or app name",
            );
        }
    }
}
