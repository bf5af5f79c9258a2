//! The registry's keys: how an environment's ECR repositories are encrypted, how many images
//! they keep, and whether `terraform destroy` may delete them with their images.

use crate::read::{Sink, TableReader};
use crate::types::*;

use super::quoted_or;

pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    o.ecr_encryption = read_ecr_encryption(t, sink);
    o.ecr_force_delete = t.boolean(sink, "ecr_force_delete");
    o.images_to_keep = t.integer_in(sink, "images_to_keep", 1..=10_000, "keep 1 to 10000 images");
}

fn read_ecr_encryption(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<EcrEncryption>> {
    let s = t.string(sink, "ecr_encryption")?;
    let found = EcrEncryption::ALL.iter().find(|e| e.as_str() == s.value);
    let names = EcrEncryption::ALL.map(EcrEncryption::as_str);
    sink.check(
        found.is_some(),
        &s.span,
        format!(
            "`ecr_encryption = \"{}\"` is not an ECR encryption type",
            s.value
        ),
        format!("use {}", quoted_or(&names, "\"", "\"")),
    );
    found.map(|e| Spanned::new(*e, s.span))
}
