//! Evaluating one HCL expression to a [`Value`], with Unknown for what cannot be known.

use std::collections::BTreeMap;

use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::template::{Directive, Element, HeredocTemplate, Template};
use hcl_edit::visit_mut::{visit_heredoc_template_mut, VisitMut};
use hcl_edit::Span;

use crate::budget::{self, Sum};
use crate::functions;
use crate::value::Value;

/// An expression that is wrong for its values (a missing key, a type mismatch). `try` and
/// `can` catch it; elsewhere it becomes Unknown, because the loader is not a validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fail;

pub type Eval = Result<Value, Fail>;

/// How names that are not local bindings are looked up: `var.x`, `local.y`, resources,
/// module outputs. The module evaluator implements it; tfvars files use [`NoRefs`].
pub trait Resolve {
    /// The value of a reference whose first name is `root` (`var`, `local`, `aws_lb`,
    /// `module`, ...) followed by `ops`. Returns the value and how many operators it used.
    fn reference(&self, root: &str, ops: &[Op<'_>], scope: &Scope) -> (Value, usize);
}

/// A traversal step with its index evaluated.
#[derive(Debug, Clone)]
pub enum Op<'x> {
    Attr(&'x str),
    Index(Value),
    Splat,
}

/// Names bound by `count`, `for_each`, `for` expressions and `dynamic` iterators.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub count_index: Option<Value>,
    pub each: Option<(Value, Value)>,
    pub(crate) binds: Vec<(String, Value)>,
}

impl Scope {
    pub fn with(&self, name: &str, value: Value) -> Scope {
        let mut s = self.clone();
        s.binds.push((name.to_string(), value));
        s
    }

    fn lookup(&self, name: &str) -> Option<&Value> {
        self.binds
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// A resolver for contexts with no references: tfvars files and variable defaults.
pub struct NoRefs;

impl Resolve for NoRefs {
    fn reference(&self, _: &str, _: &[Op<'_>], _: &Scope) -> (Value, usize) {
        (Value::Unknown, usize::MAX)
    }
}

/// Evaluates `expr`; failures become Unknown.
pub fn eval(expr: &Expression, r: &dyn Resolve, scope: &Scope) -> Value {
    try_eval(expr, r, scope).unwrap_or(Value::Unknown)
}

/// Evaluates `expr`, keeping failures for `try` and `can`. Every call is a step of the
/// evaluation budget; once a budget has run out, every evaluation fails at once.
pub fn try_eval(expr: &Expression, r: &dyn Resolve, scope: &Scope) -> Eval {
    if !budget::step(|| expr.span()) {
        return Err(Fail);
    }
    match expr {
        Expression::Null(_) => Ok(Value::Null),
        Expression::Bool(b) => Ok(Value::Bool(*b.value())),
        Expression::Number(n) => Ok(n.value().as_f64().map_or(Value::Unknown, Value::Number)),
        Expression::String(s) => Ok(Value::String(s.value().clone())),
        Expression::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut sum = Sum::default();
            for item in items.iter() {
                let v = try_eval(item, r, scope)?;
                sum.add(&v, || item.span())?;
                out.push(v);
            }
            Ok(Value::List(out))
        }
        Expression::Object(object) => {
            let mut map = BTreeMap::new();
            let mut sum = Sum::default();
            for (key, value) in object.iter() {
                let key = match key {
                    ObjectKey::Ident(ident) => ident.as_str().to_string(),
                    ObjectKey::Expression(e) => match try_eval(e, r, scope)? {
                        Value::Unknown => return Ok(Value::Unknown),
                        v => v.to_template_string().ok_or(Fail)?,
                    },
                };
                let v = try_eval(value.expr(), r, scope)?;
                sum.add_bytes(key.len() as u64, || value.expr().span())?;
                sum.add(&v, || value.expr().span())?;
                map.insert(key, v);
            }
            Ok(Value::Object(map))
        }
        Expression::StringTemplate(t) => template(t, r, scope),
        // Its strip markers and indentation were applied to its text when it was parsed
        // ([`prepare`]), once, as HCL does.
        Expression::HeredocTemplate(h) => {
            template_within(&h.template, (false, false), Markers::Applied, r, scope)
        }
        Expression::Parenthesis(p) => try_eval(p.inner(), r, scope),
        Expression::Variable(name) => match scope.lookup(name.as_str()) {
            Some(v) => Ok(v.clone()),
            None => Ok(r.reference(name.as_str(), &[], scope).0),
        },
        Expression::Conditional(c) => {
            let cond = try_eval(&c.cond_expr, r, scope)?;
            match cond {
                Value::Unknown => {
                    let a = try_eval(&c.true_expr, r, scope).unwrap_or(Value::Unknown);
                    let b = try_eval(&c.false_expr, r, scope).unwrap_or(Value::Unknown);
                    Ok(if a == b && !a.contains_unknown() {
                        a
                    } else {
                        Value::Unknown
                    })
                }
                other => match other.as_bool() {
                    Some(true) => try_eval(&c.true_expr, r, scope),
                    Some(false) => try_eval(&c.false_expr, r, scope),
                    None => Err(Fail),
                },
            }
        }
        Expression::FuncCall(call) => {
            let name = call.name.name.as_str();
            if !call.name.namespace.is_empty() {
                // Provider-defined functions (`provider::aws::arn_parse`) run in the provider.
                return Ok(Value::Unknown);
            }
            match name {
                "try" => {
                    for arg in call.args.iter() {
                        if let Ok(v) = try_eval(arg, r, scope) {
                            return Ok(v);
                        }
                    }
                    Err(Fail)
                }
                "can" => Ok(match call.args.get(0).map(|a| try_eval(a, r, scope)) {
                    Some(Ok(Value::Unknown)) => Value::Unknown,
                    Some(Ok(_)) => Value::Bool(true),
                    _ => Value::Bool(false),
                }),
                _ => {
                    let mut args = Vec::with_capacity(call.args.len());
                    let mut sum = Sum::default();
                    for arg in call.args.iter() {
                        let v = try_eval(arg, r, scope)?;
                        sum.add(&v, || arg.span())?;
                        args.push(v);
                    }
                    if call.args.expand_final() {
                        match args.pop() {
                            Some(Value::List(items)) => args.extend(items),
                            Some(Value::Unknown) => return Ok(Value::Unknown),
                            _ => return Err(Fail),
                        }
                    }
                    // A result that would be too large is refused before it is made.
                    if let Some(bytes) = functions::output_bound(name, &args) {
                        if !budget::reserve(bytes, || expr.span()) {
                            return Err(Fail);
                        }
                    }
                    let v = functions::call(name, args)?;
                    if !budget::weigh(&v, || expr.span()) {
                        return Err(Fail);
                    }
                    Ok(v)
                }
            }
        }
        Expression::Traversal(t) => {
            let mut ops = Vec::with_capacity(t.operators.len());
            for op in &t.operators {
                ops.push(match op.value() {
                    TraversalOperator::GetAttr(name) => Op::Attr(name.as_str()),
                    TraversalOperator::Index(e) => Op::Index(try_eval(e, r, scope)?),
                    TraversalOperator::LegacyIndex(i) => {
                        Op::Index(Value::Number(*i.value() as f64))
                    }
                    TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => Op::Splat,
                });
            }
            if let Expression::Variable(name) = &t.expr {
                if let Some(v) = scope.lookup(name.as_str()) {
                    return apply(v.clone(), &ops, false);
                }
                let (value, used) = r.reference(name.as_str(), &ops, scope);
                if used == usize::MAX || value.is_unknown() {
                    return Ok(Value::Unknown);
                }
                // Resources and modules have attributes the configuration does not set
                // (computed ones): reading one is Unknown, not a failure.
                let lenient = !matches!(name.as_str(), "var" | "local" | "count" | "each");
                return apply(value, &ops[used.min(ops.len())..], lenient);
            }
            let base = try_eval(&t.expr, r, scope)?;
            apply(base, &ops, false)
        }
        Expression::UnaryOp(op) => {
            let v = try_eval(&op.expr, r, scope)?;
            match (op.operator.value(), v) {
                (_, Value::Unknown) => Ok(Value::Unknown),
                (UnaryOperator::Neg, v) => v.as_f64().map(|n| Value::Number(-n)).ok_or(Fail),
                (UnaryOperator::Not, v) => v.as_bool().map(|b| Value::Bool(!b)).ok_or(Fail),
            }
        }
        Expression::BinaryOp(op) => binary(*op.operator.value(), op, r, scope),
        Expression::ForExpr(f) => for_expr(f, r, scope),
    }
}

/// Applies traversal steps to a value. `lenient`: a missing attribute is Unknown rather
/// than a failure (resource attributes the configuration does not set are computed).
pub fn apply(mut value: Value, ops: &[Op<'_>], lenient: bool) -> Eval {
    for (i, op) in ops.iter().enumerate() {
        value = match (op, value) {
            (_, Value::Unknown) => return Ok(Value::Unknown),
            (Op::Splat, v) => {
                let items = match v {
                    Value::List(items) => items,
                    Value::Null => Vec::new(),
                    other => vec![other],
                };
                let rest = &ops[i + 1..];
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(apply(item, rest, lenient)?);
                }
                return Ok(Value::List(out));
            }
            (Op::Attr(name), Value::Object(mut map)) => match map.remove(*name) {
                Some(v) => v,
                None if lenient => Value::Unknown,
                None => return Err(Fail),
            },
            (Op::Index(Value::Unknown), _) => return Ok(Value::Unknown),
            (Op::Index(key), Value::Object(mut map)) => {
                let key = key.to_template_string().ok_or(Fail)?;
                match map.remove(&key) {
                    Some(v) => v,
                    None if lenient => Value::Unknown,
                    None => return Err(Fail),
                }
            }
            (Op::Index(key), Value::List(mut items)) => {
                let n = key.as_f64().ok_or(Fail)?;
                if n < 0.0 || n.fract() != 0.0 || n as usize >= items.len() {
                    return Err(Fail);
                }
                items.swap_remove(n as usize)
            }
            _ => return Err(Fail),
        };
    }
    Ok(value)
}

/// [`apply`] on a borrowed value: walks to the result and clones only that, so that reading
/// one attribute of a large resource or module does not copy all of it.
pub fn apply_ref(value: &Value, ops: &[Op<'_>], lenient: bool) -> Eval {
    let mut current = value;
    for (i, op) in ops.iter().enumerate() {
        let next = match (op, current) {
            (_, Value::Unknown) => return Ok(Value::Unknown),
            (Op::Splat, v) => return apply(v.clone(), &ops[i..], lenient),
            (Op::Attr(name), Value::Object(map)) => map.get(*name),
            (Op::Index(Value::Unknown), _) => return Ok(Value::Unknown),
            (Op::Index(key), Value::Object(map)) => map.get(&key.to_template_string().ok_or(Fail)?),
            (Op::Index(key), Value::List(items)) => {
                let n = key.as_f64().ok_or(Fail)?;
                if n < 0.0 || n.fract() != 0.0 {
                    return Err(Fail);
                }
                items.get(n as usize)
            }
            _ => return Err(Fail),
        };
        current = match next {
            Some(v) => v,
            None if lenient => return Ok(Value::Unknown),
            None => return Err(Fail),
        };
    }
    Ok(current.clone())
}

fn template(t: &Template, r: &dyn Resolve, scope: &Scope) -> Eval {
    template_within(t, (false, false), Markers::Pending, r, scope)
}

/// Whether a template's `~` markers are still to be applied when it is evaluated (a quoted
/// string) or have been applied to its text already (a heredoc, see [`heredoc_text`]).
#[derive(Clone, Copy, PartialEq)]
enum Markers {
    Pending,
    Applied,
}

/// Makes a parsed body's heredocs what HCL makes of them before evaluation (see
/// [`heredoc_text`]): done once per file, since it depends on the text alone.
pub(crate) fn prepare(body: &mut hcl_edit::structure::Body) {
    struct Heredocs;
    impl VisitMut for Heredocs {
        fn visit_heredoc_template_mut(&mut self, node: &mut HeredocTemplate) {
            // A heredoc in one of its interpolations first.
            visit_heredoc_template_mut(self, node);
            node.template = heredoc_text(&node.template, node.indent().is_some());
        }
    }
    Heredocs.visit_body_mut(body);
}

/// One piece of a template's text as HCL's scanner cuts it: a literal up to and including
/// a newline, or a `${ }` / `%{ }` sequence with its strip markers.
enum Token {
    Text(String),
    Sequence {
        strips_before: bool,
        strips_after: bool,
    },
}

/// A heredoc's template with its text as HCL makes it before evaluation. HCL cuts a
/// heredoc's literals after each newline, so a `~` strips only the line beside its
/// sequence (`${x ~}` then a newline drops that newline, not the next line's indentation).
/// Then, for `<<-` (`flush`), the smallest indentation of the lines is removed from every
/// line, in `%{if}` and `%{for}` bodies too: a line whose text starts with a sequence
/// counts as indented by what precedes it, and lines of whitespace alone neither count nor
/// change. Each rule is held to `terraform apply` by `tests/corners/strip-markers`.
fn heredoc_text(t: &Template, flush: bool) -> Template {
    let mut tokens = Vec::new();
    // For each literal, in order, how many tokens it was cut into.
    let mut cuts = Vec::new();
    flatten(t, &mut tokens, &mut cuts);
    for i in 0..tokens.len() {
        let Token::Sequence {
            strips_before,
            strips_after,
        } = tokens[i]
        else {
            continue;
        };
        if strips_before && i > 0 {
            if let Token::Text(text) = &mut tokens[i - 1] {
                text.truncate(text.trim_end().len());
            }
        }
        if strips_after {
            if let Some(Token::Text(text)) = tokens.get_mut(i + 1) {
                *text = text.trim_start().to_string();
            }
        }
    }
    if flush {
        dedent(&mut tokens);
    }
    let mut texts = tokens.into_iter().filter_map(|t| match t {
        Token::Text(text) => Some(text),
        Token::Sequence { .. } => None,
    });
    let mut out = t.clone();
    let mut cuts = cuts.into_iter();
    rewrite(&mut out, &mut || {
        let n = cuts.next().unwrap_or(0);
        texts.by_ref().take(n).collect()
    });
    out
}

fn flatten(t: &Template, tokens: &mut Vec<Token>, cuts: &mut Vec<usize>) {
    let sequence = |strip: hcl_edit::template::Strip| Token::Sequence {
        strips_before: strip.strip_start(),
        strips_after: strip.strip_end(),
    };
    for element in t.iter() {
        match element {
            Element::Literal(s) => {
                let lines: Vec<&str> = s.value().split_inclusive('\n').collect();
                cuts.push(lines.len().max(1));
                if lines.is_empty() {
                    tokens.push(Token::Text(String::new()));
                }
                tokens.extend(lines.into_iter().map(|l| Token::Text(l.to_string())));
            }
            Element::Interpolation(x) => tokens.push(sequence(x.strip)),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    tokens.push(sequence(d.if_expr.strip));
                    flatten(&d.if_expr.template, tokens, cuts);
                    if let Some(e) = &d.else_expr {
                        tokens.push(sequence(e.strip));
                        flatten(&e.template, tokens, cuts);
                    }
                    tokens.push(sequence(d.endif_expr.strip));
                }
                Directive::For(d) => {
                    tokens.push(sequence(d.for_expr.strip));
                    flatten(&d.for_expr.template, tokens, cuts);
                    tokens.push(sequence(d.endfor_expr.strip));
                }
            },
        }
    }
}

/// Removes the smallest indentation of the heredoc's lines from each (see [`heredoc_text`]).
fn dedent(tokens: &mut [Token]) {
    let indent = |text: &str| {
        text.chars()
            .take_while(|c| c.is_whitespace() && *c != '\n')
            .count()
    };
    let blank = |text: &str| text.ends_with('\n') && text.trim().is_empty();
    // The tokens that start a line: the first, and each after a newline.
    let starts: Vec<usize> = (0..tokens.len())
        .filter(|&i| i == 0 || matches!(&tokens[i - 1], Token::Text(t) if t.ends_with('\n')))
        .collect();
    let least = starts
        .iter()
        .filter_map(|&i| match &tokens[i] {
            Token::Text(t) if blank(t) => None,
            Token::Text(t) => Some(indent(t)),
            Token::Sequence { .. } => Some(0),
        })
        .min()
        .unwrap_or(0);
    for i in starts {
        if let Token::Text(text) = &mut tokens[i] {
            if !blank(text) {
                let cut: usize = text
                    .chars()
                    .take(least.min(indent(text)))
                    .map(char::len_utf8)
                    .sum();
                text.replace_range(..cut, "");
            }
        }
    }
}

/// Gives each literal of `t`, in the order [`flatten`] met them, the text `next` returns.
fn rewrite(t: &mut Template, next: &mut dyn FnMut() -> String) {
    for element in t.iter_mut() {
        match element {
            Element::Literal(s) => *s.as_mut() = next(),
            Element::Interpolation(_) => {}
            Element::Directive(d) => match d.as_mut() {
                Directive::If(d) => {
                    rewrite(&mut d.if_expr.template, next);
                    if let Some(e) = &mut d.else_expr {
                        rewrite(&mut e.template, next);
                    }
                }
                Directive::For(d) => rewrite(&mut d.for_expr.template, next),
            },
        }
    }
}

/// A template, whose first literal loses its leading whitespace when `strip.0` and whose
/// last loses its trailing whitespace when `strip.1`: what the `~` markers of the
/// directive around it ask. Within, a literal loses what the `~` of its neighbours ask
/// (`${~ x}` strips before itself, `${x ~}` after).
/// <https://developer.hashicorp.com/terraform/language/expressions/strings#whitespace-stripping>
fn template_within(
    t: &Template,
    strip: (bool, bool),
    mode: Markers,
    r: &dyn Resolve,
    scope: &Scope,
) -> Eval {
    let mut out = String::new();
    // Counted as it grows: a `%{for}` over a large value repeats it.
    let mut sum = Sum::default();
    let elements: Vec<&Element> = t.iter().collect();
    for (i, element) in elements.iter().enumerate() {
        match element {
            Element::Literal(s) => {
                let mut text = s.value().as_str();
                let pending = mode == Markers::Pending;
                if pending
                    && i.checked_sub(1)
                        .map_or(strip.0, |p| strips_after(elements[p]))
                {
                    text = text.trim_start();
                }
                if pending && elements.get(i + 1).map_or(strip.1, |n| strips_before(n)) {
                    text = text.trim_end();
                }
                out.push_str(text);
            }
            Element::Interpolation(x) => match try_eval(&x.expr, r, scope)? {
                Value::Unknown => return Ok(Value::Unknown),
                v => {
                    out.push_str(&v.to_template_string().ok_or(Fail)?);
                    sum.grow_to(out.len(), || x.expr.span())?;
                }
            },
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    let cond = try_eval(&d.if_expr.cond_expr, r, scope)?;
                    let branch = match cond {
                        Value::Unknown => return Ok(Value::Unknown),
                        c => c.as_bool().ok_or(Fail)?,
                    };
                    let endif = d.endif_expr.strip.strip_start();
                    let chosen = match (branch, &d.else_expr) {
                        (true, Some(e)) => Some((&d.if_expr.template, e.strip.strip_start())),
                        (true, None) => Some((&d.if_expr.template, endif)),
                        (false, Some(e)) => Some((&e.template, endif)),
                        (false, None) => None,
                    };
                    if let Some((chosen, strip_last)) = chosen {
                        let strip_first = if branch {
                            d.if_expr.strip.strip_end()
                        } else {
                            d.else_expr.as_ref().is_some_and(|e| e.strip.strip_end())
                        };
                        match template_within(chosen, (strip_first, strip_last), mode, r, scope)? {
                            Value::String(s) => {
                                out.push_str(&s);
                                sum.grow_to(out.len(), || None)?;
                            }
                            _ => return Ok(Value::Unknown),
                        }
                    }
                }
                Directive::For(d) => {
                    let e = &d.for_expr;
                    let items = match try_eval(&e.collection_expr, r, scope)? {
                        Value::Unknown => return Ok(Value::Unknown),
                        c => pairs(c).ok_or(Fail)?,
                    };
                    let body_strip = (e.strip.strip_end(), d.endfor_expr.strip.strip_start());
                    for (k, v) in items {
                        let mut s = scope.with(e.value_var.as_str(), v);
                        if let Some(kv) = &e.key_var {
                            s = s.with(kv.as_str(), k);
                        }
                        match template_within(&e.template, body_strip, mode, r, &s)? {
                            Value::String(part) => {
                                out.push_str(&part);
                                sum.grow_to(out.len(), || e.collection_expr.span())?;
                            }
                            _ => return Ok(Value::Unknown),
                        }
                    }
                }
            },
        }
    }
    Ok(Value::String(out))
}

/// Whether the element strips the whitespace after it (`~}` on its closing tag).
fn strips_after(element: &Element) -> bool {
    match element {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_end(),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(d) => d.endif_expr.strip.strip_end(),
            Directive::For(d) => d.endfor_expr.strip.strip_end(),
        },
    }
}

/// Whether the element strips the whitespace before it (`${~` or `%{~` on its opening tag).
fn strips_before(element: &Element) -> bool {
    match element {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_start(),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(d) => d.if_expr.strip.strip_start(),
            Directive::For(d) => d.for_expr.strip.strip_start(),
        },
    }
}

/// The (key, value) pairs a `for` iterates: index and element for lists, key and value for
/// objects.
pub(crate) fn pairs(collection: Value) -> Option<Vec<(Value, Value)>> {
    match collection {
        Value::List(items) => Some(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v))
                .collect(),
        ),
        Value::Object(map) => Some(
            map.into_iter()
                .map(|(k, v)| (Value::String(k), v))
                .collect(),
        ),
        _ => None,
    }
}

fn for_expr(f: &ForExpr, r: &dyn Resolve, scope: &Scope) -> Eval {
    let items = match try_eval(&f.intro.collection_expr, r, scope)? {
        Value::Unknown => return Ok(Value::Unknown),
        Value::Null => return Err(Fail),
        c => pairs(c).ok_or(Fail)?,
    };
    let mut list = Vec::new();
    let mut map: BTreeMap<String, Value> = BTreeMap::new();
    let mut sum = Sum::default();
    for (k, v) in items {
        let mut s = scope.with(f.intro.value_var.as_str(), v);
        if let Some(kv) = &f.intro.key_var {
            s = s.with(kv.as_str(), k);
        }
        if let Some(cond) = &f.cond {
            match try_eval(&cond.expr, r, &s)? {
                Value::Unknown => return Ok(Value::Unknown),
                c => {
                    if !c.as_bool().ok_or(Fail)? {
                        continue;
                    }
                }
            }
        }
        let value = try_eval(&f.value_expr, r, &s)?;
        sum.add(&value, || f.value_expr.span())?;
        match &f.key_expr {
            None => list.push(value),
            Some(key_expr) => {
                let key = match try_eval(key_expr, r, &s)? {
                    Value::Unknown => return Ok(Value::Unknown),
                    k => k.to_template_string().ok_or(Fail)?,
                };
                if f.grouping {
                    if let Value::List(group) =
                        map.entry(key).or_insert_with(|| Value::List(Vec::new()))
                    {
                        group.push(value);
                    }
                } else if map.insert(key, value).is_some() {
                    // Terraform rejects duplicate keys without the `...` grouping mode.
                    return Err(Fail);
                }
            }
        }
    }
    Ok(if f.key_expr.is_some() {
        Value::Object(map)
    } else {
        Value::List(list)
    })
}

fn binary(
    op: BinaryOperator,
    e: &hcl_edit::expr::BinaryOp,
    r: &dyn Resolve,
    scope: &Scope,
) -> Eval {
    let lhs = try_eval(&e.lhs_expr, r, scope)?;
    // `false && x` and `true || x` do not need x.
    match (op, lhs.as_bool()) {
        (BinaryOperator::And, Some(false)) => return Ok(Value::Bool(false)),
        (BinaryOperator::Or, Some(true)) => return Ok(Value::Bool(true)),
        _ => {}
    }
    let rhs = try_eval(&e.rhs_expr, r, scope)?;
    if matches!(op, BinaryOperator::And | BinaryOperator::Or) {
        return match (lhs.as_bool(), rhs.as_bool(), op) {
            (_, Some(false), BinaryOperator::And) => Ok(Value::Bool(false)),
            (_, Some(true), BinaryOperator::Or) => Ok(Value::Bool(true)),
            (Some(a), Some(b), BinaryOperator::And) => Ok(Value::Bool(a && b)),
            (Some(a), Some(b), _) => Ok(Value::Bool(a || b)),
            _ if lhs.is_unknown() || rhs.is_unknown() => Ok(Value::Unknown),
            _ => Err(Fail),
        };
    }
    // A known collection or object is not null, whatever its elements are: Terraform
    // answers `{ a = aws_x.y.id } == null` before apply, as `count` and `for_each` need.
    let known_non_null = |v: &Value| !v.is_null() && !v.is_unknown();
    if matches!(op, BinaryOperator::Eq | BinaryOperator::NotEq)
        && ((lhs.is_null() && known_non_null(&rhs)) || (rhs.is_null() && known_non_null(&lhs)))
    {
        return Ok(Value::Bool(op == BinaryOperator::NotEq));
    }
    if lhs.contains_unknown() || rhs.contains_unknown() {
        return Ok(Value::Unknown);
    }
    match op {
        BinaryOperator::Eq => Ok(Value::Bool(lhs == rhs)),
        BinaryOperator::NotEq => Ok(Value::Bool(lhs != rhs)),
        _ => {
            let (a, b) = (lhs.as_f64().ok_or(Fail)?, rhs.as_f64().ok_or(Fail)?);
            Ok(match op {
                BinaryOperator::Less => Value::Bool(a < b),
                BinaryOperator::LessEq => Value::Bool(a <= b),
                BinaryOperator::Greater => Value::Bool(a > b),
                BinaryOperator::GreaterEq => Value::Bool(a >= b),
                BinaryOperator::Plus => Value::Number(a + b),
                BinaryOperator::Minus => Value::Number(a - b),
                BinaryOperator::Mul => Value::Number(a * b),
                BinaryOperator::Div if b != 0.0 => Value::Number(a / b),
                BinaryOperator::Mod if b != 0.0 => Value::Number(a % b),
                _ => return Err(Fail),
            })
        }
    }
}
