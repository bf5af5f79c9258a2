//! What a platform component is to the renderer: its Terraform module, its wiring in an
//! environment root (module calls, root variables and outputs), the README it contributes
//! and the review trade-offs it documents. `components::COMPONENTS` lists them in order.

use std::fmt;

use wharf_model::{Environment, Platform};
use wharf_review::Rule;

use crate::hcl::{Block, Body, Expr};

/// One platform component. Its name (`load-balancer`) is its directory under `modules/`;
/// with `-` as `_`, it is also the name of its file in each crate: its keys in
/// `manifest/src/schema/`, its type and resolver in `model/src/`, this trait's
/// implementation in `render/src/components/`.
pub trait Component: Sync {
    /// `load-balancer`: the module directory, and the component's name in every layer.
    fn name(&self) -> &'static str;

    /// The files of its Terraform module: `(file name, contents)`, written to
    /// `modules/<name>/`.
    fn module(&self) -> &'static [(&'static str, &'static str)];

    /// Data sources the root needs before any module call.
    fn data(&self, _p: &Platform, _env: &Environment) -> Vec<Block> {
        Vec::new()
    }

    /// Whether an ARN its calls write holds the deploying account's id (`ACCOUNT`, written
    /// with `root::arn`): the root then looks the account up once, as `local.account_id`.
    fn uses_account_id(&self, _env: &Environment) -> bool {
        false
    }

    /// Its module calls in the environment's `main.tf`: none when the environment has no
    /// use for it, one per instance (a service each).
    fn calls(&self, p: &Platform, env: &Environment) -> Vec<Call>;

    /// Root variables it needs, in `variables.tf`.
    fn variables(&self, _env: &Environment) -> Vec<Block> {
        Vec::new()
    }

    /// Root outputs it offers, in `outputs.tf`.
    fn outputs(&self, _env: &Environment) -> Vec<Block> {
        Vec::new()
    }

    /// What it says in the environment's README.
    fn readme(&self, _p: &Platform, _env: &Environment, _readme: &mut Readme) {}

    /// Every trade-off it may document: what the manifest can choose that `wharf review`
    /// would otherwise report.
    fn trade_offs(&self) -> &'static [&'static TradeOff] {
        &[]
    }
}

/// A review finding a manifest may choose to accept, with the reason the rendered root gives.
pub struct TradeOff {
    pub rule: &'static Rule,
    /// Why the choice is acceptable and what it costs, after "chosen in wharf.toml: ".
    pub reason: &'static str,
}

impl fmt::Debug for TradeOff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.rule.code)
    }
}

/// One module call of a root, with the trade-offs it documents.
#[derive(Debug)]
pub struct Call {
    /// The module block, `source` first.
    pub block: Block,
    /// The module directory it calls (the component's name).
    pub module: &'static str,
    pub trade_offs: Vec<&'static TradeOff>,
}

impl Call {
    /// `module "<label>" { source = "../../modules/<name>" … }`: a call of `component`'s
    /// module.
    pub fn new(component: &dyn Component, label: &str, body: Body) -> Call {
        let module = component.name();
        let mut b = Body::new()
            .attr("source", Expr::str(format!("../../modules/{module}")))
            .blank();
        b.items.extend(body.items);
        Call {
            block: Block::new("module", &[label], b),
            module,
            trade_offs: Vec::new(),
        }
    }

    /// Documents `trade_off` on the call when `chosen`: a suppression comment that
    /// `wharf review` reads, with its reason.
    pub fn trade_off(mut self, chosen: bool, trade_off: &'static TradeOff) -> Call {
        if chosen {
            self.block = self.block.comment(&format!(
                "wharf:ignore[{}] chosen in wharf.toml: {}",
                trade_off.rule.code, trade_off.reason
            ));
            self.trade_offs.push(trade_off);
        }
        self
    }

    /// `module.<label>`.
    pub fn address(&self) -> String {
        format!("module.{}", self.block.labels.join("."))
    }
}

/// An environment README, as the components write it: each part is Markdown that the
/// README places in order, after its title and before how to apply.
#[derive(Debug, Default)]
pub struct Readme {
    /// Sections about what runs there (`## Services`), before the choices.
    pub overview: String,
    /// Bullets (`- **…**`) of `## Choices this environment makes`.
    pub choices: String,
    /// Sections after the choices (`## Secrets`).
    pub details: String,
}

/// `(module directory, file name, contents)` of every module of `components`, in order.
pub fn module_files<'a>(
    components: &'a [&'a dyn Component],
) -> impl Iterator<Item = (&'static str, &'static str, &'static str)> + 'a {
    components
        .iter()
        .flat_map(|c| c.module().iter().map(move |(f, t)| (c.name(), *f, *t)))
}
