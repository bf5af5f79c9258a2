//! The bootstrap root, `bootstrap/`: what an AWS account needs once, before any of the
//! app's environments, applied by hand once per account. Today that is the IAM OIDC
//! provider for GitHub Actions, when the manifest has `[delivery]`: IAM allows one provider
//! per URL in an account, and Terraform cannot create a resource only when it is missing,
//! so the environments read it with a data source instead of making it.

use std::fmt::Write as _;

use wharf_model::{Platform, GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST};

use crate::hcl::{file, Block, Body, Expr};
use crate::root::{output, provider, versions};

/// The bootstrap root's directory in the output.
pub const DIR: &str = "bootstrap";

/// The bootstrap root's files, by file name; none without `[delivery]`.
pub fn files(p: &Platform, header: &str) -> Vec<(&'static str, String)> {
    let Some(repository) = p.pipeline.as_ref().map(|d| &d.repository) else {
        return Vec::new();
    };
    let oidc = Block::new(
        "resource",
        &["aws_iam_openid_connect_provider", "github"],
        Body::new()
            .comment("IAM trusts GitHub's issuer through its root certificate authorities, so no\nthumbprint is pinned here.\nhttps://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services")
            .attr("url", Expr::str(format!("https://{GITHUB_OIDC_HOST}")))
            .attr("client_id_list", Expr::strs([GITHUB_OIDC_AUDIENCE])),
    );
    let outputs = output(
        "github_oidc_provider_arn",
        "ARN of the account's OIDC provider for GitHub Actions; each environment's deploy role trusts it.",
        Expr::raw("aws_iam_openid_connect_provider.github.arn"),
    );
    vec![
        (
            "versions.tf",
            file(header, &[versions(p, &format!("{DIR}/terraform.tfstate"))]),
        ),
        ("providers.tf", file(header, &[provider(p, DIR)])),
        ("main.tf", file(header, &[oidc])),
        ("outputs.tf", file(header, &[outputs])),
        ("README.md", readme(p, repository, header)),
    ]
}

fn readme(p: &Platform, repository: &str, header: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "<!-- {header} -->");
    let _ = writeln!(o, "# {} — bootstrap\n", p.app);
    let _ = writeln!(o, "What the AWS account needs once, before any environment of `{}`: the IAM OIDC provider for GitHub Actions (`{GITHUB_OIDC_HOST}`, audience `{GITHUB_OIDC_AUDIENCE}`), which each environment's deploy role trusts for jobs of `{repository}`. Terraform state: `s3://{}/{DIR}/terraform.tfstate`.\n", p.app, p.state_bucket);
    let _ = writeln!(o, "Apply it once per account, before the environments:\n");
    let _ = writeln!(o, "```sh\nterraform init\nterraform apply\n```\n");
    let _ = writeln!(o, "IAM allows one provider per URL in an account. If the account has one already (`aws iam list-open-id-connect-providers` lists `{GITHUB_OIDC_HOST}`), made by another app or by hand, do not apply this root: the environments find that provider by its URL. To manage it here instead, import it first: `terraform import aws_iam_openid_connect_provider.github arn:aws:iam::ACCOUNT:oidc-provider/{GITHUB_OIDC_HOST}`. Destroying this root breaks every deploy role in the account that trusts the provider, other apps' included.");
    o
}
