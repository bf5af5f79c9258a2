//! `[tables.*]`: one DynamoDB table per table, with its key, TTL and indexes; and the
//! tables' key an environment may set.

use crate::naming::is_key;
use crate::read::{Sink, TableReader};
use crate::types::*;

use super::{key_rule_help, quoted_or};

/// The types a key attribute may have.
/// <https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeDefinition.html>
const KEY_TYPES: [&str; 3] = ["S", "N", "B"];

/// A key attribute: `<prefix>` names it, `<prefix>_type` gives its type (default `S`).
fn read_key(
    t: &mut TableReader,
    sink: &mut Sink,
    name: &'static str,
    kind: &'static str,
) -> Option<Spanned<KeyAttribute>> {
    let attr = t.string(sink, name);
    let written = t.string(sink, kind);
    let kind = match &written {
        None => "S",
        Some(k) => match KEY_TYPES.iter().find(|known| **known == k.value) {
            Some(known) => known,
            None => {
                sink.check(
                    false,
                    &k.span,
                    format!("`{}` is not a DynamoDB key type", k.value),
                    format!(
                        "use {} (string, number, binary)",
                        quoted_or(&KEY_TYPES, "\"", "\"")
                    ),
                );
                return None;
            }
        },
    };
    if let (None, Some(k)) = (&attr, &written) {
        sink.check(
            false,
            &k.span,
            "a key type is set without its key",
            "name the attribute too, or remove the type",
        );
    }
    let attr = attr?;
    let ok = sink.check(
        !attr.trim().is_empty() && attr.len() <= 255,
        &attr.span,
        format!("`{}` is not an attribute name", attr.value),
        "name the attribute: 1 to 255 characters",
    );
    ok.then(|| {
        Spanned::new(
            KeyAttribute {
                name: attr.value.clone(),
                kind,
            },
            attr.span,
        )
    })
}

pub(super) fn read_table(
    key: Spanned<String>,
    mut t: TableReader,
    sink: &mut Sink,
) -> Option<Table> {
    sink.check(
        is_key(&key) && key.len() <= 32,
        &key.span,
        format!("`{}` is not a valid table name", key.value),
        key_rule_help("table names") + ", at most 32 characters",
    );
    let partition_key = read_key(&mut t, sink, "partition_key", "partition_key_type");
    t.require(
        sink,
        "partition_key",
        &partition_key,
        "name the partition key attribute, e.g. `partition_key = \"id\"`",
    );
    let sort_key = read_key(&mut t, sink, "sort_key", "sort_key_type");
    let ttl_attribute = t.string(sink, "ttl_attribute");
    let mut indexes = Vec::new();
    for (index, mut it) in t.tables(sink, "indexes").unwrap_or_default() {
        sink.check(
            is_key(&index),
            &index.span,
            format!("`{}` is not a valid index name", index.value),
            key_rule_help("index names"),
        );
        let partition = read_key(&mut it, sink, "partition_key", "partition_key_type");
        it.require(
            sink,
            "partition_key",
            &partition,
            "name the index's partition key attribute",
        );
        let sort = read_key(&mut it, sink, "sort_key", "sort_key_type");
        it.finish(sink);
        if let Some(partition_key) = partition {
            indexes.push(TableIndex {
                key: index,
                partition_key,
                sort_key: sort,
            });
        }
    }
    t.finish(sink);
    check_attribute_types(&partition_key, &sort_key, &indexes, sink);
    Some(Table {
        key,
        partition_key: partition_key?,
        sort_key,
        ttl_attribute,
        indexes,
    })
}

/// DynamoDB defines each key attribute once: two keys naming one attribute give it one type.
fn check_attribute_types(
    partition: &Option<Spanned<KeyAttribute>>,
    sort: &Option<Spanned<KeyAttribute>>,
    indexes: &[TableIndex],
    sink: &mut Sink,
) {
    let mut seen: Vec<&KeyAttribute> = Vec::new();
    let keys = partition.iter().chain(sort).chain(
        indexes
            .iter()
            .flat_map(|i| std::iter::once(&i.partition_key).chain(&i.sort_key)),
    );
    for k in keys {
        if let Some(other) = seen.iter().find(|o| o.name == k.name) {
            sink.check(
                other.kind == k.kind,
                &k.span,
                format!(
                    "`{}` is a key of type {} here and {} elsewhere",
                    k.name, k.kind, other.kind
                ),
                "give the attribute one type wherever it is a key",
            );
        }
        seen.push(k);
    }
}

/// `point_in_time_recovery`: whether an environment's tables keep 35 days of continuous
/// backups.
pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    o.point_in_time_recovery = t.boolean(sink, "point_in_time_recovery");
}
