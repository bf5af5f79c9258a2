//! Loading trees: located errors, the rest still loaded, no input panics.

use std::fs;
use std::path::PathBuf;

use wharf_terraform::{load, parse_text};

mod parts;

#[test]
fn a_broken_file_is_located_and_the_rest_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("good.tf"),
        "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"x\"\n}\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("bad.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \n}\n",
    )
    .unwrap();
    fs::write(dir.path().join("latin1.tf"), b"# caf\xe9\n").unwrap();
    let loaded = load(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(loaded.files.len(), 1);
    assert_eq!(loaded.files[0].0.path.file_name().unwrap(), "good.tf");
    let errors: Vec<String> = loaded
        .errors
        .iter()
        .map(|e| {
            format!(
                "{}:{}:{}",
                e.path.file_name().unwrap().to_string_lossy(),
                e.line,
                e.column
            )
        })
        .collect();
    assert_eq!(errors, ["bad.tf:2:12", "latin1.tf:1:1"]);
    assert!(loaded.errors[1].message.contains("not UTF-8"));
}

#[test]
fn loads_every_rendered_example_without_errors() {
    // The modules wharf ships are the largest Terraform in the repository.
    let modules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../render/terraform/modules");
    let on_disk = std::fs::read_dir(&modules)
        .unwrap()
        .flat_map(|m| std::fs::read_dir(m.unwrap().path()).unwrap())
        .filter(|f| {
            f.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|e| e == "tf")
        })
        .count();
    let loaded = load(&[modules]).unwrap();
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(on_disk >= 40, "{on_disk} module files");
    assert_eq!(loaded.files.len(), on_disk);
}

/// A small deterministic generator, so the test needs no dependency and always sees the
/// same inputs.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn arbitrary_text_never_panics_the_parser() {
    let seed = fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../render/terraform/modules/service/main.tf"),
    )
    .unwrap();
    let alphabet: Vec<char> = "{}[]()\"'$%=:?,.<>!*-+/\\#\n\t abcx019_${}%{~}<<EOT\u{e9}\u{1F600}"
        .chars()
        .collect();
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let path = PathBuf::from("fuzz.tf");
    for _ in 0..1000 {
        // Random text, and the seed file with random splices: both shallow and deep inputs.
        let len = (rng.next() % 200) as usize;
        let random: String = (0..len)
            .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
            .collect();
        let _ = parse_text(&path, &random);
        let mut spliced: Vec<char> = seed.chars().collect();
        for _ in 0..(1 + rng.next() % 4) {
            let at = (rng.next() % spliced.len() as u64) as usize;
            let cut = (rng.next() % 16) as usize;
            spliced.drain(at..(at + cut).min(spliced.len()));
            spliced.insert(
                at.min(spliced.len()),
                alphabet[(rng.next() % alphabet.len() as u64) as usize],
            );
        }
        let text: String = spliced.into_iter().collect();
        if let Err(e) = parse_text(&path, &text) {
            assert!(e.line >= 1 && e.column >= 1);
        }
    }
}

/// Mutated copies of real configuration go through the whole loader, parse and evaluation:
/// whatever parses must evaluate without a panic.
#[test]
fn mutated_configuration_never_panics_the_evaluator() {
    let modules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../render/terraform/modules");
    let seeds: Vec<String> = [
        "service",
        "network",
        "load-balancer",
        "alarms",
        "queue",
        "topic",
        "bucket",
    ]
    .iter()
    .map(|m| fs::read_to_string(modules.join(m).join("main.tf")).unwrap())
    .collect();
    // Pieces that change meaning rather than syntax: references, indexes, function calls.
    let pieces = [
        "var.x",
        "local.a",
        "count.index",
        "each.value",
        "[0]",
        "[\"k\"]",
        "[*]",
        "null",
        "-1",
        "1e308",
        "\"${var.y}\"",
        "jsondecode(\"{\")",
        "cidrsubnet(\"10.0.0.0/8\", 40, 1)",
        "format(\"%999999999d\", 1)",
        "range(-5)",
        "element([], 3)",
        "module.m.o",
        "self.x",
    ];
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let dir = tempfile::tempdir().unwrap();
    let mut evaluated = 0;
    for i in 0..300 {
        let mut text = seeds[i % seeds.len()].clone();
        for _ in 0..(1 + rng.next() % 6) {
            // Replace a word of the seed by a piece, on a char boundary.
            let at = (rng.next() % text.len() as u64) as usize;
            let Some(start) = (at..text.len()).find(|&j| text.is_char_boundary(j)) else {
                continue;
            };
            let end = text[start..]
                .find(|c: char| !c.is_alphanumeric() && c != '_')
                .map_or(text.len(), |n| start + n);
            let piece = pieces[(rng.next() % pieces.len() as u64) as usize];
            text.replace_range(start..end, piece);
        }
        let root = dir.path().join(format!("case{i}"));
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("main.tf"), &text).unwrap();
        fs::write(
            root.join("caller.tf"),
            "module \"m\" {\n  source = \"./sub\"\n  x = 1\n}\nlocals {\n  a = local.a\n}\n",
        )
        .unwrap();
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("sub/main.tf"), &text).unwrap();
        parts::assert_parts_agree(std::slice::from_ref(&root), &Default::default());
        let project = wharf_terraform::Project::load(&[root], &Default::default()).unwrap();
        if project.parse_errors.is_empty() {
            evaluated += 1;
        }
    }
    assert!(evaluated > 30, "only {evaluated} mutated trees parsed");
}

#[test]
fn deep_nesting_and_long_chains_do_not_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 20_000;
    let nested = format!("x = {}1{}\n", "[".repeat(depth), "]".repeat(depth));
    let mut chain = String::from("locals {\n  l0 = 1\n");
    for i in 1..5_000 {
        chain.push_str(&format!("  l{i} = local.l{}\n", i - 1));
    }
    chain.push_str("}\nresource \"a\" \"b\" {\n  v = local.l4999\n}\n");
    fs::write(dir.path().join("nested.tf"), nested).unwrap();
    fs::write(dir.path().join("chain.tf"), chain).unwrap();
    parts::assert_parts_agree(&[dir.path().to_path_buf()], &Default::default());
    let project =
        wharf_terraform::Project::load(&[dir.path().to_path_buf()], &Default::default()).unwrap();
    assert_eq!(project.roots.len(), 1);
    // The chain is longer than the loader follows: its end is Unknown, not a crash.
    let r = &project.roots[0].resources[0];
    assert_eq!(r.body.get("v"), &wharf_terraform::Value::Unknown);
}

/// A tree with what loading has to get right: a module called from another directory, a
/// variable file, a module that calls itself, a module that is not there, a hidden
/// directory, a file that does not parse, and a root over its budget.
fn small_tree() -> std::collections::BTreeMap<String, String> {
    let files = [
        (
            "environments/prod/main.tf",
            r#"
provider "aws" {
  region = "us-east-1"
}
variable "zones" {}
module "network" {
  source = "../../modules/network"
  zones  = var.zones
}
module "loop" {
  source = "../../modules/loop"
}
module "missing" {
  source = "../../modules/missing"
}
resource "aws_eip" "nat" {
  count  = length(var.zones)
  domain = "vpc"
}
"#,
        ),
        ("environments/prod/terraform.tfvars", "zones = [\"a\", \"b\"]\n"),
        ("environments/prod/README.md", "Not Terraform.\n"),
        (
            "environments/prod/.terraform/modules/x/main.tf",
            "resource \"aws_vpc\" \"downloaded\" {}\n",
        ),
        (
            "environments/staging/main.tf",
            "resource \"aws_vpc\" \"this\" {\n  cidr_block = \n}\n",
        ),
        (
            "environments/big/main.tf",
            "resource \"aws_eip\" \"many\" {\n  count = 1000\n}\n",
        ),
        (
            "modules/network/main.tf",
            r#"
variable "zones" {}
resource "aws_subnet" "private" {
  for_each          = toset(var.zones)
  availability_zone = each.key
}
"#,
        ),
        (
            "modules/loop/main.tf",
            "module \"again\" {\n  source = \"../loop\"\n}\nresource \"aws_sns_topic\" \"this\" {}\n",
        ),
    ];
    files
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect()
}

#[test]
fn a_tree_in_memory_loads_as_the_same_tree_on_disk() {
    use wharf_terraform::{Budget, LoadOptions, Project};

    let files = small_tree();
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in &files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let mut options = LoadOptions::default();
    options.budgets.set(Budget::Instances, 100);

    parts::assert_parts_agree(&[dir.path().join("environments")], &options);
    let on_disk = Project::load(&[dir.path().join("environments")], &options).unwrap();
    let in_memory = Project::load_in_memory(&files, &["environments"], &options).unwrap();
    // Everything the project holds, with paths as each names them: under the temporary
    // directory on disk, as the tree writes them in memory.
    let facts = |p: &Project| {
        format!(
            "{:#?}\n{:#?}\n{:#?}\n{:#?}",
            p.files, p.parse_errors, p.problems, p.roots
        )
    };
    let prefix = format!("{}/", dir.path().display());
    assert_eq!(facts(&on_disk).replace(&prefix, ""), facts(&in_memory));

    // The tree has what the comparison is meant to cover.
    let roots: Vec<String> = in_memory
        .roots
        .iter()
        .map(|r| r.dir.display().to_string())
        .collect();
    // Staging's only file does not parse: it declares nothing to evaluate.
    assert_eq!(roots, ["environments/big", "environments/prod"]);
    let prod = &in_memory.roots[1];
    let addresses: Vec<&str> = prod.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "aws_eip.nat[0]",
            "aws_eip.nat[1]",
            "module.loop.aws_sns_topic.this",
            "module.network.aws_subnet.private[\"a\"]",
            "module.network.aws_subnet.private[\"b\"]",
        ]
    );
    let messages: Vec<&str> = in_memory
        .all_problems()
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(messages[0].ends_with("modules/loop → modules/loop"));
    assert!(messages[1].contains("`instances` budget"));
    assert_eq!(
        messages[2],
        "module `missing` calls modules/missing, which has no .tf files; its resources are not reviewed"
    );
    assert_eq!(
        in_memory.parse_errors[0].path,
        PathBuf::from("environments/staging/main.tf")
    );
}

#[test]
fn a_root_not_in_the_tree_in_memory_is_an_error() {
    let files = small_tree();
    let options = wharf_terraform::LoadOptions::default();
    let err = wharf_terraform::Project::load_in_memory(&files, &["environments/dev"], &options)
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    // A path that is only the beginning of another's name is not a directory of it.
    assert!(
        wharf_terraform::Project::load_in_memory(&files, &["environments/pro"], &options).is_err()
    );
}
