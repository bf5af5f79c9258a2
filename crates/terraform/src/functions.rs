//! Terraform's built-in functions that can be computed before apply. Any other function,
//! and any call with an Unknown argument where the result depends on it, gives Unknown.
//!
//! Reference: <https://developer.hashicorp.com/terraform/language/functions>

use std::collections::BTreeMap;

use crate::expr::{Eval, Fail};
use crate::value::Value;

/// The weight of a value's node, as the evaluation budget counts it.
const NODE_BYTES: u64 = crate::budget::NODE_BYTES;

/// An upper bound of the size in bytes of a call's result, for the functions whose result
/// can be far larger than their arguments (`replace("aaaa", "a", big)`, a long separator in
/// `join`), so that the evaluation budget refuses it before it is made. None for the rest,
/// whose results are weighed once made.
pub fn output_bound(name: &str, args: &[Value]) -> Option<u64> {
    let len = |v: &Value| v.as_str().map_or(0, str::len) as u64;
    let items = |vs: &[Value]| -> u64 {
        vs.iter()
            .map(|v| v.as_list().map_or(1, <[Value]>::len) as u64)
            .sum()
    };
    match (name, args) {
        ("replace", [Value::String(s), Value::String(from), to]) => {
            let n = if from.is_empty() {
                s.chars().count() + 1
            } else {
                s.matches(from.as_str()).count()
            };
            Some((s.len() as u64).saturating_add((n as u64).saturating_mul(len(to))))
        }
        ("join", [sep, rest @ ..]) => Some(len(sep).saturating_mul(items(rest))),
        // Each part is a new string value: its bytes and a node.
        ("split", [sep, s]) => {
            let parts = match (sep.as_str(), s.as_str()) {
                (Some(""), Some(s)) => s.chars().count(),
                (Some(sep), Some(s)) => s.matches(sep).count() + 1,
                _ => 0,
            };
            Some(len(s).saturating_add((parts as u64).saturating_mul(NODE_BYTES)))
        }
        // A JSON text decodes to at most a node for every two of its bytes (`0,`).
        ("jsondecode", [s]) => Some(len(s).saturating_mul(NODE_BYTES / 2)),
        ("format" | "formatlist", [spec, rest @ ..]) => {
            let row = spec.as_str().map_or(0, format_bound);
            let rows = match name {
                "format" => 1,
                _ => rest
                    .iter()
                    .filter_map(|v| v.as_list().map(<[Value]>::len))
                    .max()
                    .unwrap_or(1) as u64,
            };
            Some(row.saturating_mul(rows))
        }
        _ => None,
    }
}

/// Calls a function on evaluated arguments.
pub fn call(name: &str, args: Vec<Value>) -> Eval {
    // Functions that look inside collections handle Unknown members themselves; for the
    // rest, an Unknown argument means an Unknown result.
    let tolerant = matches!(
        name,
        "merge"
            | "concat"
            | "length"
            | "lookup"
            | "coalesce"
            | "compact"
            | "keys"
            | "tolist"
            | "toset"
            | "tomap"
            | "flatten"
            | "element"
            | "jsonencode"
            | "coalescelist"
            | "values"
            | "zipmap"
            | "one"
            | "distinct"
            | "contains"
            | "slice"
            | "reverse"
    );
    // These merge or drop elements by comparing them: with an Unknown element, which ones
    // remain is not known.
    if matches!(name, "flatten" | "compact" | "toset" | "distinct")
        && args.iter().any(Value::contains_unknown)
    {
        return Ok(Value::Unknown);
    }
    if !tolerant && args.iter().any(Value::contains_unknown) {
        return Ok(Value::Unknown);
    }
    if args.iter().any(Value::is_unknown) && name != "coalesce" && name != "lookup" {
        return Ok(Value::Unknown);
    }
    let mut args = args.into_iter();
    let mut next = || args.next().ok_or(Fail);
    Ok(match name {
        "merge" => {
            let mut out = BTreeMap::new();
            let mut rest = Vec::new();
            while let Ok(v) = next() {
                rest.push(v);
            }
            for v in rest {
                match v {
                    Value::Object(map) => out.extend(map),
                    Value::Null => {}
                    _ => return Err(Fail),
                }
            }
            Value::Object(out)
        }
        "concat" => {
            let mut out = Vec::new();
            while let Ok(v) = next() {
                match v {
                    Value::List(items) => out.extend(items),
                    _ => return Err(Fail),
                }
            }
            Value::List(out)
        }
        "length" => match next()? {
            Value::List(items) => Value::Number(items.len() as f64),
            Value::Object(map) => Value::Number(map.len() as f64),
            Value::String(s) => Value::Number(s.chars().count() as f64),
            _ => return Err(Fail),
        },
        "lookup" => {
            let (map, key) = (next()?, next()?);
            let default = next().ok();
            match (map, key) {
                (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
                (Value::Object(map), key) => {
                    let key = key.to_template_string().ok_or(Fail)?;
                    match (map.get(&key), default) {
                        (Some(v), _) => v.clone(),
                        (None, Some(d)) => d,
                        (None, None) => return Err(Fail),
                    }
                }
                _ => return Err(Fail),
            }
        }
        "coalesce" => {
            let mut result = Err(Fail);
            while let Ok(v) = next() {
                match v {
                    Value::Unknown => return Ok(Value::Unknown),
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    v => {
                        result = Ok(v);
                        break;
                    }
                }
            }
            result?
        }
        "coalescelist" => {
            let mut result = Value::List(Vec::new());
            while let Ok(v) = next() {
                match v {
                    Value::List(items) if items.is_empty() => {}
                    v => {
                        result = v;
                        break;
                    }
                }
            }
            result
        }
        "compact" => match next()? {
            Value::List(items) => Value::List(
                items
                    .into_iter()
                    .filter(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
                    .collect(),
            ),
            _ => return Err(Fail),
        },
        "keys" => match next()? {
            Value::Object(map) => Value::List(map.into_keys().map(Value::String).collect()),
            _ => return Err(Fail),
        },
        "values" => match next()? {
            Value::Object(map) => Value::List(map.into_values().collect()),
            _ => return Err(Fail),
        },
        "tolist" => match next()? {
            v @ Value::List(_) => v,
            Value::Null => Value::Null,
            _ => return Err(Fail),
        },
        "toset" | "distinct" => match next()? {
            Value::List(items) => {
                // Seen values by their JSON text: comparing each with all before it would
                // take time quadratic in the list, for one evaluation step.
                let mut seen: rustc_hash::FxHashSet<String> = Default::default();
                let mut out: Vec<Value> = Vec::with_capacity(items.len());
                for item in items {
                    let key = item.to_json().unwrap_or_else(|| format!("{item:?}"));
                    if seen.insert(key) {
                        out.push(item);
                    }
                }
                if name == "toset" {
                    // Terraform orders a set of strings lexically.
                    if out.iter().all(|v| v.as_str().is_some()) {
                        out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                    }
                }
                Value::List(out)
            }
            Value::Null => Value::Null,
            _ => return Err(Fail),
        },
        "tomap" => match next()? {
            v @ (Value::Object(_) | Value::Null) => v,
            _ => return Err(Fail),
        },
        "tostring" => match next()? {
            Value::Null => Value::Null,
            v => Value::String(v.to_template_string().ok_or(Fail)?),
        },
        "tonumber" => match next()? {
            Value::Null => Value::Null,
            v => Value::Number(v.as_f64().ok_or(Fail)?),
        },
        "tobool" => match next()? {
            Value::Null => Value::Null,
            v => Value::Bool(v.as_bool().ok_or(Fail)?),
        },
        "flatten" => {
            fn flat(v: Value, out: &mut Vec<Value>) {
                match v {
                    Value::List(items) => items.into_iter().for_each(|i| flat(i, out)),
                    other => out.push(other),
                }
            }
            match next()? {
                Value::List(items) => {
                    let mut out = Vec::new();
                    items.into_iter().for_each(|i| flat(i, &mut out));
                    Value::List(out)
                }
                _ => return Err(Fail),
            }
        }
        "element" => {
            let (list, index) = (next()?, next()?);
            match (list, index.as_f64()) {
                (Value::List(items), Some(i)) if !items.is_empty() && i >= 0.0 => {
                    items[i as usize % items.len()].clone()
                }
                (_, None) if index.is_unknown() => Value::Unknown,
                _ => return Err(Fail),
            }
        }
        "one" => match next()? {
            Value::List(mut items) if items.len() <= 1 => items.pop().unwrap_or(Value::Null),
            Value::Null => Value::Null,
            _ => return Err(Fail),
        },
        "contains" => {
            let (list, item) = (next()?, next()?);
            match list {
                Value::List(items) if !item.contains_unknown() => {
                    if items.contains(&item) {
                        Value::Bool(true)
                    } else if items.iter().any(Value::contains_unknown) {
                        Value::Unknown
                    } else {
                        Value::Bool(false)
                    }
                }
                Value::List(_) => Value::Unknown,
                _ => return Err(Fail),
            }
        }
        "reverse" => match next()? {
            Value::List(mut items) => {
                items.reverse();
                Value::List(items)
            }
            _ => return Err(Fail),
        },
        "slice" => {
            let (list, start, end) = (next()?, next()?, next()?);
            match (list, start.as_f64(), end.as_f64()) {
                (Value::List(items), Some(s), Some(e))
                    if s >= 0.0 && s <= e && (e as usize) <= items.len() =>
                {
                    Value::List(items[s as usize..e as usize].to_vec())
                }
                _ if start.is_unknown() || end.is_unknown() => Value::Unknown,
                _ => return Err(Fail),
            }
        }
        "zipmap" => match (next()?, next()?) {
            (Value::List(keys), Value::List(values)) if keys.len() == values.len() => {
                let mut map = BTreeMap::new();
                for (k, v) in keys.into_iter().zip(values) {
                    match k {
                        Value::Unknown => return Ok(Value::Unknown),
                        k => map.insert(k.to_template_string().ok_or(Fail)?, v),
                    };
                }
                Value::Object(map)
            }
            _ => return Err(Fail),
        },
        "jsonencode" => match next()?.to_json() {
            Some(json) => Value::String(json),
            None => Value::Unknown,
        },
        "jsondecode" => match next()? {
            Value::String(s) => serde_json::from_str::<serde_json::Value>(&s)
                .map(|j| Value::from_json(&j))
                .map_err(|_| Fail)?,
            _ => return Err(Fail),
        },
        "format" => {
            let spec = next()?;
            let mut rest = Vec::new();
            while let Ok(v) = next() {
                rest.push(v);
            }
            Value::String(format(spec.as_str().ok_or(Fail)?, &rest)?)
        }
        "formatlist" => {
            let spec = next()?;
            let spec = spec.as_str().ok_or(Fail)?;
            let mut rest = Vec::new();
            while let Ok(v) = next() {
                rest.push(v);
            }
            let n = rest
                .iter()
                .filter_map(|v| v.as_list().map(<[Value]>::len))
                .max()
                .unwrap_or(1);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let row: Vec<Value> = rest
                    .iter()
                    .map(|v| match v {
                        Value::List(items) => items.get(i).cloned().unwrap_or(Value::Null),
                        other => other.clone(),
                    })
                    .collect();
                out.push(Value::String(format(spec, &row)?));
            }
            Value::List(out)
        }
        "join" => {
            let sep = next()?;
            let sep = sep.as_str().ok_or(Fail)?;
            let mut parts = Vec::new();
            while let Ok(v) = next() {
                for item in v.as_list().ok_or(Fail)? {
                    parts.push(item.to_template_string().ok_or(Fail)?);
                }
            }
            Value::String(parts.join(sep))
        }
        "split" => {
            let (sep, s) = (next()?, next()?);
            let (sep, s) = (sep.as_str().ok_or(Fail)?, s.as_str().ok_or(Fail)?);
            if sep.is_empty() {
                // Terraform splits into characters on an empty separator.
                Value::List(s.chars().map(|c| Value::String(c.to_string())).collect())
            } else {
                Value::List(s.split(sep).map(|p| Value::String(p.to_string())).collect())
            }
        }
        "lower" | "upper" | "trimspace" | "title" => {
            let s = next()?;
            let s = s.as_str().ok_or(Fail)?;
            Value::String(match name {
                "lower" => s.to_lowercase(),
                "upper" => s.to_uppercase(),
                "trimspace" => s.trim().to_string(),
                _ => s
                    .split(' ')
                    .map(|w| {
                        let mut c = w.chars();
                        c.next()
                            .map(|f| f.to_uppercase().chain(c).collect())
                            .unwrap_or_default()
                    })
                    .collect::<Vec<String>>()
                    .join(" "),
            })
        }
        "trimprefix" | "trimsuffix" | "startswith" | "endswith" | "strcontains" => {
            let (s, affix) = (next()?, next()?);
            let (s, affix) = (s.as_str().ok_or(Fail)?, affix.as_str().ok_or(Fail)?);
            match name {
                "trimprefix" => Value::String(s.strip_prefix(affix).unwrap_or(s).to_string()),
                "trimsuffix" => Value::String(s.strip_suffix(affix).unwrap_or(s).to_string()),
                "startswith" => Value::Bool(s.starts_with(affix)),
                "endswith" => Value::Bool(s.ends_with(affix)),
                _ => Value::Bool(s.contains(affix)),
            }
        }
        "replace" => {
            let (s, from, to) = (next()?, next()?, next()?);
            let (s, from, to) = (
                s.as_str().ok_or(Fail)?,
                from.as_str().ok_or(Fail)?,
                to.as_str().ok_or(Fail)?,
            );
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                // A regular expression: not evaluated here.
                Value::Unknown
            } else {
                Value::String(s.replace(from, to))
            }
        }
        "substr" => {
            let (s, offset, length) = (next()?, next()?, next()?);
            let s = s.as_str().ok_or(Fail)?;
            let chars: Vec<char> = s.chars().collect();
            let offset = offset.as_f64().ok_or(Fail)?;
            let length = length.as_f64().ok_or(Fail)?;
            let start = if offset < 0.0 {
                chars.len().saturating_sub((-offset) as usize)
            } else {
                (offset as usize).min(chars.len())
            };
            let end = if length < 0.0 {
                chars.len()
            } else {
                start.saturating_add(length as usize).min(chars.len())
            };
            Value::String(chars[start..end].iter().collect())
        }
        "min" | "max" | "sum" => {
            let mut nums = Vec::new();
            while let Ok(v) = next() {
                match v {
                    Value::List(items) if name == "sum" => {
                        for i in items {
                            nums.push(i.as_f64().ok_or(Fail)?);
                        }
                    }
                    v => nums.push(v.as_f64().ok_or(Fail)?),
                }
            }
            if nums.is_empty() {
                return Err(Fail);
            }
            Value::Number(match name {
                "min" => nums.iter().cloned().fold(f64::INFINITY, f64::min),
                "max" => nums.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
                _ => nums.iter().sum(),
            })
        }
        "abs" | "ceil" | "floor" => {
            let n = next()?.as_f64().ok_or(Fail)?;
            Value::Number(match name {
                "abs" => n.abs(),
                "ceil" => n.ceil(),
                _ => n.floor(),
            })
        }
        "range" => {
            let mut nums = Vec::new();
            while let Ok(v) = next() {
                nums.push(v.as_f64().ok_or(Fail)?);
            }
            let (start, end, step) = match nums[..] {
                [end] => (0.0, end, 1.0),
                [start, end] => (start, end, if end >= start { 1.0 } else { -1.0 }),
                [start, end, step] if step != 0.0 => (start, end, step),
                _ => return Err(Fail),
            };
            let mut out = Vec::new();
            let mut i = start;
            while (step > 0.0 && i < end) || (step < 0.0 && i > end) {
                out.push(Value::Number(i));
                i += step;
                if out.len() > 1024 {
                    // Terraform itself refuses ranges longer than 1024 elements.
                    return Err(Fail);
                }
            }
            Value::List(out)
        }
        "sort" => match next()? {
            Value::List(items) => {
                let mut strings = items
                    .into_iter()
                    .map(|v| v.to_template_string().ok_or(Fail))
                    .collect::<Result<Vec<String>, Fail>>()?;
                strings.sort();
                Value::List(strings.into_iter().map(Value::String).collect())
            }
            _ => return Err(Fail),
        },
        "index" => {
            let (list, item) = (next()?, next()?);
            match list {
                Value::List(items) => match items.iter().position(|v| *v == item) {
                    Some(i) => Value::Number(i as f64),
                    None => return Err(Fail),
                },
                _ => return Err(Fail),
            }
        }
        "cidrsubnet" => {
            let (prefix, newbits, netnum) = (next()?, next()?, next()?);
            let (addr, len) = parse_cidr(prefix.as_str().ok_or(Fail)?)?;
            let newbits = whole(newbits.as_f64().ok_or(Fail)?, 32.0)? as u32;
            let netnum = whole(netnum.as_f64().ok_or(Fail)?, u32::MAX as f64)? as u64;
            let new_len = len + newbits;
            if new_len > 32 || netnum >= (1u64 << newbits) {
                return Err(Fail);
            }
            let shifted = (netnum << (32 - new_len)) as u32;
            Value::String(format!("{}/{}", ipv4(addr | shifted), new_len))
        }
        "cidrhost" => {
            let (prefix, hostnum) = (next()?, next()?);
            let (addr, len) = parse_cidr(prefix.as_str().ok_or(Fail)?)?;
            let host = hostnum.as_f64().ok_or(Fail)?;
            let size = 1u64 << (32 - len);
            let host = if host < 0.0 {
                size as i64 + host as i64
            } else {
                host as i64
            };
            if host < 0 || host as u64 >= size {
                return Err(Fail);
            }
            Value::String(ipv4(addr | host as u32))
        }
        "cidrnetmask" => {
            let (_, len) = parse_cidr(next()?.as_str().ok_or(Fail)?)?;
            Value::String(ipv4(mask(len)))
        }
        _ => Value::Unknown,
    })
}

/// `n` as a whole number from 0 to `max`, or a failure.
fn whole(n: f64, max: f64) -> Result<f64, Fail> {
    if n.fract() == 0.0 && (0.0..=max).contains(&n) {
        Ok(n)
    } else {
        Err(Fail)
    }
}

fn mask(len: u32) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - len)
    }
}

fn parse_cidr(s: &str) -> Result<(u32, u32), Fail> {
    let (ip, len) = s.split_once('/').ok_or(Fail)?;
    let len: u32 = len.parse().map_err(|_| Fail)?;
    if len > 32 {
        return Err(Fail);
    }
    let octets: Vec<u32> = ip
        .split('.')
        .map(|o| o.parse::<u8>().map(u32::from).map_err(|_| Fail))
        .collect::<Result<_, _>>()?;
    if octets.len() != 4 {
        return Err(Fail);
    }
    let addr = octets.iter().fold(0u32, |acc, o| (acc << 8) | o);
    Ok((addr & mask(len), len))
}

fn ipv4(addr: u32) -> String {
    let o = addr.to_be_bytes();
    format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3])
}

/// At most how long `format(spec, ...)` is beyond its string arguments: the spec, each
/// verb's padding, and a number's digits (a double has at most 309 before the point and
/// `format` at most 100 after it).
fn format_bound(spec: &str) -> u64 {
    let mut total = spec.len() as u64;
    let mut rest = spec;
    while let Some(i) = rest.find('%') {
        rest = &rest[i + 1..];
        let flags = rest.trim_start_matches(['-', '+', '#', ' ', '0']);
        let digits: String = flags.chars().take_while(char::is_ascii_digit).collect();
        let width = digits
            .parse::<usize>()
            .map_or(0, |w| w.min(MAX_FORMAT_WIDTH));
        total = total.saturating_add(width as u64 + 420);
    }
    total
}

/// The widest padding `format` applies.
const MAX_FORMAT_WIDTH: usize = 4096;

/// Terraform's `format` verbs: `%s %d %f %v %q %t %%`, with an optional width/precision.
fn format(spec: &str, args: &[Value]) -> Result<String, Fail> {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if f.is_ascii_digit() || f == '.' || f == '-' || f == '+' || f == '#' || f == ' ' {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let verb = chars.next().ok_or(Fail)?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = args.next().ok_or(Fail)?;
        let precision = flags
            .split_once('.')
            .and_then(|(_, p)| p.parse::<usize>().ok());
        if precision.is_some_and(|p| p > 100) {
            // Not a real format; and `%.3000000000f` must not allocate gigabytes.
            return Err(Fail);
        }
        let width: usize = flags
            .split('.')
            .next()
            .unwrap_or("")
            .trim_start_matches(['-', '+', '#', ' '])
            .parse()
            .unwrap_or(0);
        // Terraform would honour any width; a few thousand columns is plenty to review, and
        // a hostile `%999999999d` must not allocate gigabytes.
        let width = width.min(MAX_FORMAT_WIDTH);
        let zero_pad = flags.starts_with('0');
        let text = match verb {
            's' | 'v' => match arg {
                Value::String(s) => s.clone(),
                v => v.to_template_string().or_else(|| v.to_json()).ok_or(Fail)?,
            },
            'd' => format!("{}", arg.as_f64().ok_or(Fail)?.trunc() as i64),
            'f' => format!("{:.*}", precision.unwrap_or(6), arg.as_f64().ok_or(Fail)?),
            'q' => serde_json::Value::String(arg.to_template_string().ok_or(Fail)?).to_string(),
            't' => arg.as_bool().ok_or(Fail)?.to_string(),
            _ => return Err(Fail),
        };
        if text.chars().count() < width {
            let pad = width - text.chars().count();
            if flags.starts_with('-') {
                out.push_str(&text);
                out.extend(std::iter::repeat_n(' ', pad));
            } else {
                out.extend(std::iter::repeat_n(if zero_pad { '0' } else { ' ' }, pad));
                out.push_str(&text);
            }
        } else {
            out.push_str(&text);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::String(x.to_string())
    }

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    #[test]
    fn cidrsubnet_matches_terraform() {
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(4.0), n(2.0)]),
            Ok(s("10.0.32.0/20"))
        );
        assert_eq!(
            call("cidrsubnet", vec![s("10.1.2.0/24"), n(4.0), n(15.0)]),
            Ok(s("10.1.2.240/28"))
        );
        assert_eq!(
            call("cidrhost", vec![s("10.12.112.0/20"), n(16.0)]),
            Ok(s("10.12.112.16"))
        );
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(4.0), n(16.0)]),
            Err(Fail)
        );
    }

    #[test]
    fn format_verbs() {
        assert_eq!(
            call(
                "format",
                vec![s("%s-%03d %.2f %q %%"), s("a"), n(7.0), n(1.5), s("x")]
            ),
            Ok(s("a-007 1.50 \"x\" %"))
        );
    }

    #[test]
    fn unknown_arguments() {
        assert_eq!(call("upper", vec![Value::Unknown]), Ok(Value::Unknown));
        assert_eq!(call("coalesce", vec![Value::Null, s("b")]), Ok(s("b")));
        assert_eq!(
            call("coalesce", vec![Value::Unknown, s("b")]),
            Ok(Value::Unknown)
        );
        assert_eq!(
            call("length", vec![Value::List(vec![Value::Unknown, n(1.0)])]),
            Ok(n(2.0))
        );
        assert_eq!(call("timestamp", vec![]), Ok(Value::Unknown));
    }
}
