//! Evaluation: variables and their precedence, locals, functions, count, for_each,
//! dynamic blocks, local modules under full addresses, and Unknown.

use std::fs;
use std::path::{Path, PathBuf};

use wharf_terraform::{LoadOptions, Project, Value, VarArg};

mod parts;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = root.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

/// Loads a tree, and checks that a part at a time loads the same.
fn load(root: &Path, options: &LoadOptions) -> Project {
    parts::assert_parts_agree(&[root.to_path_buf()], options);
    Project::load(&[root.to_path_buf()], options).unwrap()
}

/// The value of `attr` on the resource at `address` of the only root.
fn value(project: &Project, address: &str, attr: &str) -> Value {
    assert_eq!(project.roots.len(), 1, "roots: {:?}", dirs(project));
    let r = project.roots[0]
        .resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no {address} in {:?}", addresses(project)));
    r.body.get(attr).clone()
}

fn addresses(project: &Project) -> Vec<String> {
    project
        .roots
        .iter()
        .flat_map(|r| r.resources.iter().map(|r| r.address.clone()))
        .collect()
}

fn dirs(project: &Project) -> Vec<PathBuf> {
    project.roots.iter().map(|r| r.dir.clone()).collect()
}

fn s(x: &str) -> Value {
    Value::String(x.to_string())
}

#[test]
fn variable_precedence_follows_terraform() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "main.tf",
                r#"
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { type = number }
variable "unset" {}
resource "null_resource" "this" {
  a = var.a
  b = var.b
  c = var.c
  d = var.d
  e = var.e + 1
  unset = var.unset
  joined = "${var.a}-${var.unset}"
}
"#,
            ),
            (
                "terraform.tfvars",
                "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\n",
            ),
            ("x.auto.tfvars", "b = \"auto\"\nc = \"auto\"\n"),
            ("extra.tfvars", "c = \"file\"\nd = \"file\"\n"),
        ],
    );
    let options = LoadOptions {
        var_args: vec![
            VarArg::File(dir.path().join("extra.tfvars")),
            VarArg::Value("d".into(), "flag".into()),
            VarArg::Value("e".into(), "41".into()),
        ],
        ..LoadOptions::default()
    };
    let p = load(dir.path(), &options);
    assert_eq!(value(&p, "null_resource.this", "a"), s("tfvars"));
    assert_eq!(value(&p, "null_resource.this", "b"), s("auto"));
    assert_eq!(value(&p, "null_resource.this", "c"), s("file"));
    assert_eq!(value(&p, "null_resource.this", "d"), s("flag"));
    assert_eq!(value(&p, "null_resource.this", "e"), Value::Number(42.0));
    assert_eq!(value(&p, "null_resource.this", "unset"), Value::Unknown);
    assert_eq!(value(&p, "null_resource.this", "joined"), Value::Unknown);
}

#[test]
fn locals_functions_and_references_between_resources() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
variable "env" { default = "prod" }
locals {
  name   = "app-${var.env}"
  tags   = merge({ team = "web" }, { env = var.env })
  cidrs  = [for i in range(3) : cidrsubnet("10.0.0.0/16", 8, i)]
  by_az  = { for i, c in local.cidrs : "az${i}" => c if i > 0 }
  policy = jsondecode(jsonencode({ Statement = [{ Action = "s3:*" }] }))
}
resource "aws_s3_bucket" "logs" {
  bucket = "${local.name}-logs"
  tags   = local.tags
}
resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.bucket
  arn    = aws_s3_bucket.logs.arn
  cidrs  = local.by_az
  action = local.policy.Statement[0].Action
  upper  = upper(lookup(local.tags, "team", "none"))
  size   = var.env == "prod" ? 3 : 1
  fmt    = format("%s-%02d", local.name, length(local.cidrs))
  maybe  = try(local.tags.missing, "fallback")
}
"#,
        )],
    );
    let p = load(dir.path(), &LoadOptions::default());
    let v = |a| value(&p, "aws_s3_bucket_versioning.logs", a);
    assert_eq!(v("bucket"), s("app-prod-logs"));
    assert_eq!(v("arn"), Value::Unknown, "a computed attribute is Unknown");
    assert_eq!(
        v("cidrs").to_json().unwrap(),
        r#"{"az1":"10.0.1.0/24","az2":"10.0.2.0/24"}"#
    );
    assert_eq!(v("action"), s("s3:*"));
    assert_eq!(v("upper"), s("WEB"));
    assert_eq!(v("size"), Value::Number(3.0));
    assert_eq!(v("fmt"), s("app-prod-03"));
    assert_eq!(v("maybe"), s("fallback"));
    assert_eq!(
        value(&p, "aws_s3_bucket.logs", "tags").to_json().unwrap(),
        r#"{"env":"prod","team":"web"}"#
    );
}

#[test]
fn count_for_each_and_dynamic_blocks() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
variable "enabled" { default = false }
variable "ports" { default = [80, 443] }
resource "aws_nat_gateway" "this" {
  count     = 2
  subnet_id = "subnet-${count.index}"
}
resource "aws_eip" "disabled" {
  count = var.enabled ? 1 : 0
}
resource "aws_ecr_repository" "this" {
  for_each = toset(["api", "web"])
  name     = "app/${each.key}"
}
resource "aws_security_group" "web" {
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  dynamic "egress" {
    for_each = var.ports
    iterator = rule
    content {
      to_port = rule.value + rule.key
    }
  }
}
resource "aws_instance" "unknown_count" {
  count = length(data.aws_subnets.x.ids)
  ami   = "ami-${count.index}"
  type  = "t3.micro"
}
"#,
        )],
    );
    let p = load(dir.path(), &LoadOptions::default());
    assert_eq!(
        addresses(&p),
        [
            "aws_ecr_repository.this[\"api\"]",
            "aws_ecr_repository.this[\"web\"]",
            "aws_instance.unknown_count[?]",
            "aws_nat_gateway.this[0]",
            "aws_nat_gateway.this[1]",
            "aws_security_group.web",
        ],
        "count = 0 creates nothing; an unknown count stands as one instance"
    );
    assert_eq!(
        value(&p, "aws_nat_gateway.this[1]", "subnet_id"),
        s("subnet-1")
    );
    assert_eq!(
        value(&p, "aws_ecr_repository.this[\"web\"]", "name"),
        s("app/web")
    );
    let key = |address: &str| {
        p.roots[0]
            .resources
            .iter()
            .find(|r| r.address == address)
            .and_then(|r| r.key.clone())
    };
    assert_eq!(key("aws_ecr_repository.this[\"web\"]"), Some(s("web")));
    assert_eq!(key("aws_nat_gateway.this[1]"), Some(Value::Number(1.0)));
    assert_eq!(key("aws_instance.unknown_count[?]"), Some(Value::Unknown));
    assert_eq!(key("aws_security_group.web"), None);
    assert_eq!(
        value(&p, "aws_instance.unknown_count[?]", "ami"),
        Value::Unknown
    );
    assert_eq!(
        value(&p, "aws_instance.unknown_count[?]", "type"),
        s("t3.micro")
    );
    let sg = &p.roots[0].resources.last().unwrap().body;
    let ports: Vec<Value> = sg
        .blocks("ingress")
        .map(|b| b.get("from_port").clone())
        .collect();
    assert_eq!(ports, [Value::Number(80.0), Value::Number(443.0)]);
    let egress: Vec<Value> = sg
        .blocks("egress")
        .map(|b| b.get("to_port").clone())
        .collect();
    assert_eq!(egress, [Value::Number(80.0), Value::Number(444.0)]);
}

#[test]
fn whether_a_resource_has_known_instances_is_a_property_of_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "main.tf",
                r#"
variable "zones" {}
resource "aws_nat_gateway" "unknown_count" {
  count = length(var.zones)
}
resource "aws_eip" "known" {
  count = 1
}
resource "aws_eip" "key_written_like_unknown" {
  for_each = toset(["[?]"])
}
module "per_zone" {
  source   = "./modules/zone"
  for_each = var.zones
}
"#,
            ),
            (
                "modules/zone/main.tf",
                r#"
resource "aws_subnet" "this" {}
resource "aws_route_table" "private" {
  count = 2
}
"#,
            ),
        ],
    );
    let p = load(dir.path(), &LoadOptions::default());
    let facts: Vec<(&str, bool, bool)> = p.roots[0]
        .resources
        .iter()
        .map(|r| (r.address.as_str(), r.key_unknown(), r.instances_unknown()))
        .collect();
    assert_eq!(
        facts,
        [
            ("aws_eip.key_written_like_unknown[\"[?]\"]", false, false),
            ("aws_eip.known[0]", false, false),
            ("aws_nat_gateway.unknown_count[?]", true, true),
            ("module.per_zone[?].aws_route_table.private[0]", false, true),
            ("module.per_zone[?].aws_route_table.private[1]", false, true),
            ("module.per_zone[?].aws_subnet.this", false, true),
        ],
        "(address, own key unknown, instances unknown)"
    );
}

#[test]
fn local_modules_nest_under_full_addresses_with_their_inputs() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "live/main.tf",
                r#"
module "web" {
  source = "../modules/service"
  name   = "web"
  count  = 1
}
module "api" {
  source   = "../modules/service"
  for_each = { api = 2 }
  name     = each.key
  replicas = each.value
}
module "remote" {
  source = "terraform-aws-modules/vpc/aws"
}
resource "aws_route53_record" "web" {
  name    = module.web[0].lb_name
  records = [module.remote.vpc_id]
}
"#,
            ),
            (
                "modules/service/main.tf",
                r#"
variable "name" { type = string }
variable "replicas" { default = 1 }
module "lb" {
  source = "./lb"
  name   = "${var.name}-lb"
}
resource "aws_ecs_service" "this" {
  name          = var.name
  desired_count = var.replicas
}
output "lb_name" { value = module.lb.name }
"#,
            ),
            (
                "modules/service/lb/main.tf",
                r#"
variable "name" {}
resource "aws_lb" "this" { name = var.name }
output "name" { value = aws_lb.this.name }
"#,
            ),
        ],
    );
    // Only live/ is given: the modules it calls are found and loaded.
    let p = Project::load(&[dir.path().join("live")], &LoadOptions::default()).unwrap();
    assert_eq!(
        addresses(&p),
        [
            "aws_route53_record.web",
            "module.api[\"api\"].aws_ecs_service.this",
            "module.api[\"api\"].module.lb.aws_lb.this",
            "module.web[0].aws_ecs_service.this",
            "module.web[0].module.lb.aws_lb.this",
        ]
    );
    assert_eq!(value(&p, "aws_route53_record.web", "name"), s("web-lb"));
    assert_eq!(
        value(&p, "aws_route53_record.web", "records"),
        Value::List(vec![Value::Unknown]),
        "a remote module's outputs are Unknown"
    );
    assert_eq!(
        value(
            &p,
            "module.api[\"api\"].aws_ecs_service.this",
            "desired_count"
        ),
        Value::Number(2.0)
    );
    let lb = p.roots[0]
        .resources
        .iter()
        .find(|r| r.address == "module.web[0].module.lb.aws_lb.this")
        .unwrap();
    assert_eq!(lb.call_sites.len(), 2, "both module blocks lead to it");
    assert_eq!(lb.module, "module.web[0].module.lb");
}

#[test]
fn a_directory_called_as_a_module_is_not_a_root() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "main.tf",
                "variable \"x\" {}\nresource \"aws_sqs_queue\" \"q\" { name = var.x }\n",
            ),
            (
                "examples/complete/main.tf",
                "module \"this\" {\n  source = \"../../\"\n  x      = \"jobs\"\n}\n",
            ),
        ],
    );
    let p = load(dir.path(), &LoadOptions::default());
    assert_eq!(dirs(&p), [dir.path().join("examples/complete")]);
    assert_eq!(value(&p, "module.this.aws_sqs_queue.q", "name"), s("jobs"));
}

#[test]
fn jsonencode_arguments_keep_their_structure_when_part_is_unknown() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
variable "image" {}
resource "aws_ecs_task_definition" "this" {
  container_definitions = jsonencode([{ name = "app", image = var.image, user = "root" }])
}
"#,
        )],
    );
    let p = load(dir.path(), &LoadOptions::default());
    let td = &p.roots[0].resources[0].body;
    assert_eq!(td.get("container_definitions"), &Value::Unknown);
    let defs = td.json("container_definitions");
    assert_eq!(defs.as_list().unwrap()[0].get("user"), Some(&s("root")));
}

#[test]
fn positions_are_one_based_lines_and_character_columns() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("main.tf", "# é\nresource \"a\" \"b\" {\n  x = 1\n}\n")],
    );
    let p = load(dir.path(), &LoadOptions::default());
    let r = &p.roots[0].resources[0];
    let span = r.body.span_of("x");
    assert_eq!(p.position(r.location.file, span.start), (3, 3));
    assert_eq!(p.position(r.location.file, r.location.span.start), (2, 1));
}

#[test]
fn arguments_know_which_resource_instances_they_refer_to() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "private" {
  for_each = { a = 1, b = 2 }
  vpc_id   = aws_vpc.this.id
}
locals {
  vpc_id = aws_vpc.this.id
}
resource "aws_flow_log" "this" {
  vpc_id     = local.vpc_id
  subnet_one = aws_subnet.private["a"].id
  subnet_all = [for s in aws_subnet.private : s.id]
}
"#,
        )],
    );
    let p = load(dir.path(), &LoadOptions::default());
    let flow = p.roots[0]
        .resources
        .iter()
        .find(|r| r.address == "aws_flow_log.this")
        .unwrap();
    assert_eq!(
        flow.body.get("vpc_id"),
        &Value::Unknown,
        "an id is computed"
    );
    assert_eq!(flow.body.refs("vpc_id"), ["aws_vpc.this"]);
    assert_eq!(flow.body.refs("subnet_one"), ["aws_subnet.private[\"a\"]"]);
    assert_eq!(
        flow.body.refs("subnet_all"),
        ["aws_subnet.private[\"a\"]", "aws_subnet.private[\"b\"]"]
    );

    // The same facts asked of the root: what an argument refers to, and what refers to a
    // resource through an argument.
    let root = &p.roots[0];
    let vpc = root.resource("aws_vpc.this").unwrap();
    assert!(flow.refers_to("vpc_id", vpc));
    assert!(!flow.refers_to("subnet_one", vpc));
    let named = |found: Vec<&wharf_terraform::Resource>| -> Vec<String> {
        found.iter().map(|r| r.address.clone()).collect()
    };
    assert_eq!(
        named(root.referenced(flow, "subnet_all").collect()),
        ["aws_subnet.private[\"a\"]", "aws_subnet.private[\"b\"]"]
    );
    assert_eq!(
        named(root.referring("vpc_id", vpc).collect()),
        [
            "aws_flow_log.this",
            "aws_subnet.private[\"a\"]",
            "aws_subnet.private[\"b\"]"
        ]
    );
    assert!(root.resource("aws_vpc.other").is_none());
}

#[test]
fn references_read_every_shape_of_resource_instances() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
resource "aws_subnet" "private" {
  count      = 2
  cidr_block = "10.0.${count.index}.0/24"
  tags       = { Name = "private-${count.index}" }
}
resource "aws_iam_role" "each" {
  for_each = toset(["api", "worker"])
  name     = "role-${each.key}"
}
resource "aws_lb_listener" "web" {
  port = 443
  default_action {
    type = "forward"
  }
}
resource "null_resource" "reader" {
  one_argument    = aws_subnet.private[1].cidr_block
  nested_key      = aws_subnet.private[0].tags.Name
  by_key          = aws_iam_role.each["worker"].name
  splat           = aws_subnet.private[*].cidr_block
  every_name      = [for r in aws_iam_role.each : r.name]
  nested_block    = aws_lb_listener.web.default_action[0].type
  single_instance = aws_lb_listener.web.port
  computed        = aws_lb_listener.web.arn
  out_of_range    = aws_subnet.private[5].cidr_block
  missing_key     = aws_iam_role.each["nope"].name
  count_of        = length(aws_subnet.private)
}
"#,
        )],
    );
    let p = load(dir.path(), &LoadOptions::default());
    let v = |attr| value(&p, "null_resource.reader", attr);
    assert_eq!(v("one_argument"), s("10.0.1.0/24"));
    assert_eq!(v("nested_key"), s("private-0"));
    assert_eq!(v("by_key"), s("role-worker"));
    assert_eq!(
        v("splat"),
        Value::List(vec![s("10.0.0.0/24"), s("10.0.1.0/24")])
    );
    assert_eq!(
        v("every_name"),
        Value::List(vec![s("role-api"), s("role-worker")])
    );
    assert_eq!(v("nested_block"), s("forward"));
    assert_eq!(v("single_instance"), Value::Number(443.0));
    // Known only after apply, and instances that do not exist: Unknown, never an error.
    assert_eq!(v("computed"), Value::Unknown);
    assert_eq!(v("out_of_range"), Value::Unknown);
    assert_eq!(v("missing_key"), Value::Unknown);
    assert_eq!(v("count_of"), Value::Number(2.0));
}

#[test]
fn providers_lifecycle_names_and_zones_filtered_by_id_are_known() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
variable "region" { default = "eu-west-1" }
provider "aws" {
  region = var.region
}
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
data "aws_availability_zones" "this" {
  filter {
    name   = "zone-id"
    values = ["euw1-az1", "euw1-az2", "euw1-az3"]
  }
}
resource "aws_subnet" "private" {
  count             = length(data.aws_availability_zones.this.names)
  availability_zone = data.aws_availability_zones.this.names[count.index]
}
resource "aws_ecs_service" "app" {
  desired_count = 2
  lifecycle {
    ignore_changes = [desired_count, tags["Owner"]]
  }
}
"#,
        )],
    );
    let p = load(dir.path(), &LoadOptions::default());
    let root = &p.roots[0];
    assert_eq!(root.provider("aws").unwrap().get("region"), &s("eu-west-1"));
    assert_eq!(root.providers.len(), 2);
    // Three zone IDs asked for: three subnets, in zones whose names only apply knows.
    let subnets: Vec<_> = addresses(&p)
        .into_iter()
        .filter(|a| a.starts_with("aws_subnet."))
        .collect();
    assert_eq!(
        subnets,
        [
            "aws_subnet.private[0]",
            "aws_subnet.private[1]",
            "aws_subnet.private[2]"
        ]
    );
    assert_eq!(
        value(&p, "aws_subnet.private[1]", "availability_zone"),
        Value::Unknown
    );
    let service = root
        .resources
        .iter()
        .find(|r| r.address == "aws_ecs_service.app")
        .unwrap();
    assert_eq!(
        service
            .body
            .block("lifecycle")
            .unwrap()
            .get("ignore_changes"),
        &Value::List(vec![s("desired_count"), s("tags[\"Owner\"]")])
    );
}

/// A known object or list is not null even when some of its members are Unknown, as in
/// Terraform: `count = var.scaling == null ? 1 : 0` is known before apply.
#[test]
fn a_known_object_with_unknown_members_is_not_null() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "main.tf",
                r#"
resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
module "m" {
  source  = "./m"
  scaling = { queue_url = aws_sqs_queue.jobs.url, per_task = 20 }
}
"#,
            ),
            (
                "m/main.tf",
                r#"
variable "scaling" {
  type    = object({ queue_url = string, per_task = number })
  default = null
}
resource "aws_instance" "cpu" {
  count = var.scaling == null ? 1 : 0
}
resource "aws_instance" "backlog" {
  count = var.scaling != null ? 1 : 0
  tags  = { same = var.scaling == { queue_url = "x", per_task = 20 } }
}
"#,
            ),
        ],
    );
    let p = load(dir.path(), &Default::default());
    let found = addresses(&p);
    assert!(
        found.contains(&"module.m.aws_instance.backlog[0]".to_string()),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|a| a.contains("aws_instance.cpu")),
        "{found:?}"
    );
    // Comparing the unknown member itself stays Unknown.
    let tags = value(&p, "module.m.aws_instance.backlog[0]", "tags");
    assert_eq!(tags.get("same"), Some(&Value::Unknown));
}
