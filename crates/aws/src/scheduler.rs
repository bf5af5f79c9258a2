//! EventBridge Scheduler's schedule expressions for recurring schedules: `rate(…)` and
//! `cron(…)`, checked the way Scheduler checks them, so that a manifest is refused before
//! `terraform apply` would be.
//! <https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html>

/// Why `expression` is not a recurring schedule Scheduler accepts, or `Ok`.
pub fn check_expression(expression: &str) -> Result<(), String> {
    let inner = |prefix: &str| {
        expression
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(')'))
    };
    if let Some(rate) = inner("rate(") {
        check_rate(rate)
    } else if let Some(cron) = inner("cron(") {
        check_cron(cron)
    } else if expression.starts_with("at(") {
        Err("`at(…)` runs once; a job recurs: write `rate(…)` or `cron(…)`".into())
    } else {
        Err("write `rate(1 day)`, `rate(15 minutes)` or `cron(0 3 * * ? *)` (minutes hours day-of-month month day-of-week year)".into())
    }
}

/// `value unit`: a positive whole number, and a unit that is singular for 1.
fn check_rate(rate: &str) -> Result<(), String> {
    let (value, unit) = rate
        .split_once(' ')
        .ok_or("a rate is a number and a unit, e.g. `rate(5 minutes)`")?;
    let n: u32 = value
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(format!("`{value}` is not a positive whole number of units"))?;
    let singular = ["minute", "hour", "day"];
    let plural = ["minutes", "hours", "days"];
    match (n, unit) {
        (1, u) if singular.contains(&u) => Ok(()),
        (1, u) if plural.contains(&u) => Err(format!(
            "a rate of 1 takes the singular: `rate(1 {})`",
            u.trim_end_matches('s')
        )),
        (_, u) if plural.contains(&u) => Ok(()),
        (_, u) if singular.contains(&u) => {
            Err(format!("a rate above 1 takes the plural: `rate({n} {u}s)`"))
        }
        (_, u) => Err(format!("`{u}` is not a unit; use minutes, hours or days")),
    }
}

/// One of cron's six fields: its name, its range, its names (months, days), and the
/// special characters it takes besides `, - * /`.
struct Field {
    name: &'static str,
    range: (u32, u32),
    names: &'static [&'static str],
    special: &'static [char],
}

const FIELDS: [Field; 6] = [
    Field {
        name: "minutes",
        range: (0, 59),
        names: &[],
        special: &[],
    },
    Field {
        name: "hours",
        range: (0, 23),
        names: &[],
        special: &[],
    },
    Field {
        name: "day-of-month",
        range: (1, 31),
        names: &[],
        special: &['?', 'L', 'W'],
    },
    Field {
        name: "month",
        range: (1, 12),
        names: &[
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ],
        special: &[],
    },
    Field {
        name: "day-of-week",
        range: (1, 7),
        names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
        special: &['?', 'L', '#'],
    },
    Field {
        name: "year",
        range: (1970, 2199),
        names: &[],
        special: &[],
    },
];

fn check_cron(cron: &str) -> Result<(), String> {
    let fields: Vec<&str> = cron.split(' ').collect();
    if fields.len() != 6 {
        return Err(format!(
            "a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this one {}",
            fields.len()
        ));
    }
    for (value, field) in fields.iter().zip(&FIELDS) {
        check_field(value, field)?;
    }
    // Scheduler refuses a schedule that names both a day of the month and a day of the week.
    match (fields[2] == "?", fields[4] == "?") {
        (true, true) => Err("only one of day-of-month and day-of-week may be `?`".into()),
        (false, false) => Err(format!(
            "one of day-of-month (`{}`) and day-of-week (`{}`) must be `?`, e.g. `cron({} {} {} {} ? {})`",
            fields[2], fields[4], fields[0], fields[1], fields[2], fields[3], fields[5]
        )),
        _ => Ok(()),
    }
}

fn check_field(value: &str, field: &Field) -> Result<(), String> {
    let bad = || format!("`{value}` is not a value of the {} field", field.name);
    if value == "?" {
        return field.special.contains(&'?').then_some(()).ok_or_else(bad);
    }
    for item in value.split(',') {
        let (base, step) = match item.split_once('/') {
            Some((b, s)) => (b, Some(s)),
            None => (item, None),
        };
        if let Some(s) = step {
            s.parse::<u32>().ok().filter(|s| *s > 0).ok_or_else(bad)?;
        }
        if base == "*" {
            continue;
        }
        let parts: Vec<&str> = base.split('-').collect();
        if parts.len() > 2 {
            return Err(bad());
        }
        for part in parts {
            if !single(part, field) {
                return Err(bad());
            }
        }
    }
    Ok(())
}

/// A number or name in the field's range, or one of its special forms (`L`, `15W`, `6#3`).
fn single(part: &str, field: &Field) -> bool {
    let number = |p: &str| {
        p.parse::<u32>()
            .ok()
            .filter(|n| (field.range.0..=field.range.1).contains(n))
            .is_some()
            || field.names.iter().any(|n| n.eq_ignore_ascii_case(p))
    };
    if number(part) {
        return true;
    }
    if field.special.contains(&'L') && (part == "L" || part.strip_suffix('L').is_some_and(number)) {
        return true;
    }
    if field.special.contains(&'W') && part.strip_suffix('W').is_some_and(number) {
        return true;
    }
    if field.special.contains(&'#') {
        if let Some((day, nth)) = part.split_once('#') {
            return number(day) && nth.parse::<u32>().is_ok_and(|n| (1..=5).contains(&n));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::check_expression;

    #[test]
    fn accepted() {
        for e in [
            "rate(1 day)",
            "rate(15 minutes)",
            "rate(2 hours)",
            "cron(0 3 * * ? *)",
            "cron(0/15 9-17 ? * MON-FRI *)",
            "cron(30 2 L * ? *)",
            "cron(0 8 ? * 2#1 2027)",
            "cron(0 0 1,15 JAN,JUL ? *)",
        ] {
            assert_eq!(check_expression(e), Ok(()), "{e}");
        }
    }

    #[test]
    fn refused() {
        for e in [
            "rate(1 days)",
            "rate(5 minute)",
            "rate(0 hours)",
            "rate(5 weeks)",
            "cron(0 3 * * * *)",
            "cron(0 3 ? * ? *)",
            "cron(0 3 * * ?)",
            "cron(60 3 * * ? *)",
            "cron(0 24 * * ? *)",
            "cron(0 3 ? * FOO *)",
            "cron(0 3 ? * 8 *)",
            "at(2027-01-01T00:00:00)",
            "0 3 * * *",
        ] {
            assert!(check_expression(e).is_err(), "{e}");
        }
    }
}
