//! Golden snapshots of whole rendered trees, one per bundled example. Review a change to
//! these like code: it is exactly what users' Terraform will change by.

use wharf_manifest::examples::EXAMPLES;

fn render(text: &str) -> wharf_render::Tree {
    let platform =
        wharf_model::load("wharf.toml", text).unwrap_or_else(|d| panic!("{}", d.render()));
    wharf_render::render(&platform, "wharf.toml", &[])
}

fn concat<'a>(files: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    files
        .map(|(path, text)| format!("=== {path}\n{text}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn environments_of_every_example() {
    for (name, _, text) in EXAMPLES {
        let tree = render(text);
        let roots = concat(
            tree.files
                .iter()
                .filter(|(p, _)| p.starts_with("environments/")),
        );
        insta::assert_snapshot!(format!("example_{name}"), roots);
    }
}

/// Choices a manifest can make beyond its profile (its own health check command, no
/// container health check, its own interface endpoints), each rendered with the trade-off
/// suppression wharf's review expects.
#[test]
fn manifest_choices() {
    let text = include_str!("../../../tests/platform/manifests/choices.toml");
    let tree = render(text);
    let roots = concat(
        tree.files
            .iter()
            .filter(|(p, _)| p.starts_with("environments/")),
    );
    insta::assert_snapshot!("choices", roots);
}

/// A trade-off a root documents is one its component declares, and every trade-off a
/// component declares is documented by some example or test manifest: the list that
/// `wharf render --format json` prints cannot drift from what the roots carry.
#[test]
fn documented_trade_offs_are_the_declared_ones() {
    let choices = include_str!("../../../tests/platform/manifests/choices.toml");
    let data = include_str!("../../../tests/platform/manifests/data.toml");
    let releases = include_str!("../../../tests/platform/manifests/releases.toml");
    let texts = EXAMPLES
        .iter()
        .map(|(_, _, t)| *t)
        .chain([choices, data, releases]);
    let mut seen = Vec::new();
    for text in texts {
        for env in render(text).environments {
            for d in &env.trade_offs {
                let c = wharf_render::COMPONENTS
                    .iter()
                    .find(|c| c.name() == d.component)
                    .unwrap();
                assert!(
                    c.trade_offs().contains(&d.trade_off),
                    "{} documents {:?}, which {} does not declare",
                    d.address,
                    d.trade_off,
                    c.name()
                );
                seen.push(d.trade_off);
            }
        }
    }
    for c in wharf_render::COMPONENTS {
        for t in c.trade_offs() {
            assert!(
                seen.contains(t),
                "{} declares {t:?}, which no root documents",
                c.name()
            );
        }
    }
}

/// Data resources (queues, tables): what each renders, what the services that use it may
/// do, and the variable that tells them where it is.
#[test]
fn data_resources() {
    let text = include_str!("../../../tests/platform/manifests/data.toml");
    let tree = render(text);
    let roots = concat(
        tree.files
            .iter()
            .filter(|(p, _)| p.starts_with("environments/")),
    );
    insta::assert_snapshot!("data", roots);
}

/// Blue/green, canary and linear releases: the second target groups, the test listener and
/// its rules, the CodeDeploy deployment groups with their alarms, and a configuration for
/// steps CodeDeploy does not predefine.
#[test]
fn releases() {
    let text = include_str!("../../../tests/platform/manifests/releases.toml");
    let tree = render(text);
    let roots = concat(
        tree.files
            .iter()
            .filter(|(p, _)| p.starts_with("environments/")),
    );
    insta::assert_snapshot!("releases", roots);
}

/// The workflows of `[delivery]`: the pull request checks and the release of the same
/// image through dev, staging and prod, each action pinned from the one table.
#[test]
fn workflows() {
    let text = include_str!("../../../tests/platform/manifests/releases.toml");
    let platform =
        wharf_model::load("wharf.toml", text).unwrap_or_else(|d| panic!("{}", d.render()));
    let layout = wharf_render::workflows::Layout {
        manifest: "wharf.toml".into(),
        infra: "infra".into(),
    };
    let tree = wharf_render::project_tree(&platform, &layout, "wharf.toml");
    let names: Vec<&str> = tree.files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            ".github/workflows/wharf-checks.yml",
            ".github/workflows/wharf-deploy.yml"
        ]
    );
    insta::assert_snapshot!("workflows", concat(tree.files.iter()));
}

/// Every `uses:` of every workflow is `ACTION@SHA # VERSION` of the table's entry for that
/// action, and every entry is used: a SHA is written in one place.
#[test]
fn workflows_pin_every_action_from_the_table() {
    let text = include_str!("../../../tests/platform/manifests/releases.toml");
    let platform = wharf_model::load("wharf.toml", text).unwrap();
    let layout = wharf_render::workflows::Layout {
        manifest: "deploy/wharf.toml".into(),
        infra: ".".into(),
    };
    let tree = wharf_render::project_tree(&platform, &layout, "wharf.toml");
    let mut used = std::collections::BTreeSet::new();
    for (path, body) in &tree.files {
        for line in body.lines() {
            let Some((_, rest)) = line.split_once("uses: ") else {
                continue;
            };
            let (reference, version) = rest
                .split_once(" # ")
                .unwrap_or_else(|| panic!("{path}: `{line}` has no version comment"));
            let (action, sha) = reference.split_once('@').unwrap();
            let pinned = wharf_render::workflows::ACTIONS
                .iter()
                .find(|a| a.uses == action)
                .unwrap_or_else(|| panic!("{path}: {action} is not in the table"));
            assert_eq!(
                (sha, version),
                (pinned.sha, pinned.version),
                "{path}: {line}"
            );
            used.insert(action);
        }
        assert!(!body.contains("pull_request_target"), "{path}");
        assert!(!body.contains(":latest"), "{path}");
        assert!(body.contains("\npermissions: {}\n"), "{path}");
        // The manifest's path and the Terraform directory are the layout's.
        assert!(body.contains("'deploy/wharf.toml'"), "{path}");
    }
    let table: std::collections::BTreeSet<&str> = wharf_render::workflows::ACTIONS
        .iter()
        .map(|a| a.uses)
        .collect();
    assert_eq!(used, table, "every pinned action is used, and only those");
}

#[test]
fn modules_are_the_same_for_every_example() {
    let trees: Vec<_> = EXAMPLES.iter().map(|(_, _, t)| render(t)).collect();
    let modules =
        |t: &wharf_render::Tree| concat(t.files.iter().filter(|(p, _)| p.starts_with("modules/")));
    for t in &trees[1..] {
        assert_eq!(modules(t), modules(&trees[0]));
    }
    insta::assert_snapshot!("modules", modules(&trees[0]));
}

#[test]
fn rendering_is_deterministic() {
    for (_, _, text) in EXAMPLES {
        assert_eq!(render(text).files, render(text).files);
    }
}

#[test]
fn every_file_starts_with_the_header_and_has_no_machine_paths() {
    for (_, _, text) in EXAMPLES {
        for (path, body) in render(text).files {
            let first = body.lines().next().unwrap_or_default();
            assert!(
                first.contains("Generated by wharf from wharf.toml"),
                "{path}: {first}"
            );
            assert!(
                !body.contains("/home/") && !body.contains("/tmp/") && !body.contains("/work/"),
                "{path}"
            );
        }
    }
}

/// A component added through the registry, in this test only, appears in the module list,
/// the summary, the root and the README without any other file being edited.
mod throw_away {
    use wharf_model::{Environment, Platform};
    use wharf_render::hcl::{Body, Expr};
    use wharf_render::{Call, Component, Readme, TradeOff, COMPONENTS};

    struct Greeting;

    static NO_ALARM_ACTIONS: TradeOff = TradeOff {
        rule: &wharf_review::rules::alarm_without_actions::RULE,
        reason: "the greeting is only ever read",
    };
    static TRADE_OFFS: [&TradeOff; 1] = [&NO_ALARM_ACTIONS];

    impl Component for Greeting {
        fn name(&self) -> &'static str {
            "greeting"
        }

        fn module(&self) -> &'static [(&'static str, &'static str)] {
            &[(
                "main.tf",
                "variable \"text\" {\n  type = string\n}\n\nresource \"terraform_data\" \"this\" {\n  input = var.text\n}\n",
            )]
        }

        fn calls(&self, _p: &Platform, env: &Environment) -> Vec<Call> {
            let body = Body::new().attr("text", Expr::str(format!("hello from {}", env.name)));
            vec![Call::new(self, "greeting", body).trade_off(true, &NO_ALARM_ACTIONS)]
        }

        fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
            readme
                .choices
                .push_str(&format!("- **Greeting** from {}.\n", env.name));
        }

        fn trade_offs(&self) -> &'static [&'static TradeOff] {
            &TRADE_OFFS
        }
    }

    #[test]
    fn appears_in_the_summary_the_module_list_and_the_readme() {
        let text = wharf_manifest::examples::EXAMPLES[0].2;
        let platform = wharf_model::load("wharf.toml", text).unwrap();
        let mut components: Vec<&dyn Component> = COMPONENTS.to_vec();
        components.push(&Greeting);
        let before = wharf_render::render(&platform, "wharf.toml", &[]);
        let after = wharf_render::render_with(&components, &platform, "wharf.toml", &[]);

        assert_eq!(after.modules.last(), Some(&"greeting"));
        assert_eq!(after.modules.len(), before.modules.len() + 1);
        assert!(after.files["modules/greeting/main.tf"].contains("resource \"terraform_data\""));
        for (b, a) in before.environments.iter().zip(&after.environments) {
            assert_eq!(a.modules, b.modules + 1, "{}", a.name);
            assert_eq!(a.resource_blocks, b.resource_blocks + 1, "{}", a.name);
            let documented = a.trade_offs.last().unwrap();
            assert_eq!(
                (documented.address.as_str(), documented.trade_off.rule.code),
                ("module.greeting", "WH306")
            );
            let root = format!("environments/{}", a.name);
            let main = &after.files[&format!("{root}/main.tf")];
            assert!(main.contains(&format!(
                "# wharf:ignore[WH306] chosen in wharf.toml: the greeting is only ever read\nmodule \"greeting\" {{\n  source = \"../../modules/greeting\"\n\n  text = \"hello from {}\"\n}}",
                a.name
            )), "{main}");
            let readme = &after.files[&format!("{root}/README.md")];
            assert!(readme.contains(&format!("- **Greeting** from {}.\n", a.name)));
        }
    }
}
