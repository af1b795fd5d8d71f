//! A limit on the number of field selections in a document, counting every
//! alias, every `__typename` and every field a fragment spread expands to.
//! async-graphql's depth and complexity limits skip `__typename`, so a
//! document of 100,000 aliased `__typename` fields would pass them.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, ServerError, ServerResult, Variables};

/// Extension factory: refuses documents with more than `max` field selections.
pub struct FieldLimit {
    /// Largest number of field selections accepted.
    pub max: usize,
}

impl ExtensionFactory for FieldLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FieldLimitExtension { max: self.max })
    }
}

struct FieldLimitExtension {
    max: usize,
}

#[async_graphql::async_trait::async_trait]
impl Extension for FieldLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let count = count_fields(&document, self.max);
        if count > self.max {
            let mut err = ServerError::new(
                format!(
                    "the document selects more than {} fields (aliases and __typename included)",
                    self.max
                ),
                None,
            );
            err.extensions = Some({
                let mut ext = async_graphql::ErrorExtensionValues::default();
                ext.set("code", "QUERY_TOO_LARGE");
                ext
            });
            return Err(err);
        }
        Ok(document)
    }
}

/// Counts field selections with fragments expanded, stopping early past `cap`.
pub fn count_fields(document: &ExecutableDocument, cap: usize) -> usize {
    let mut memo: HashMap<Name, usize> = HashMap::new();
    document
        .operations
        .iter()
        .map(|(_, op)| {
            count_set(
                &op.node.selection_set.node,
                &document.fragments,
                &mut memo,
                &mut Vec::new(),
                cap,
            )
        })
        .fold(0usize, |acc, n| acc.saturating_add(n))
}

fn count_set(
    set: &SelectionSet,
    fragments: &HashMap<Name, Positioned<FragmentDefinition>>,
    memo: &mut HashMap<Name, usize>,
    stack: &mut Vec<Name>,
    cap: usize,
) -> usize {
    let mut total = 0usize;
    for item in &set.items {
        let n = match &item.node {
            Selection::Field(field) => 1usize.saturating_add(count_set(
                &field.node.selection_set.node,
                fragments,
                memo,
                stack,
                cap,
            )),
            Selection::InlineFragment(inline) => {
                count_set(&inline.node.selection_set.node, fragments, memo, stack, cap)
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                if let Some(n) = memo.get(name) {
                    *n
                } else if stack.contains(name) {
                    0 // a cycle: validation rejects it later
                } else if let Some(fragment) = fragments.get(name) {
                    stack.push(name.clone());
                    let n = count_set(
                        &fragment.node.selection_set.node,
                        fragments,
                        memo,
                        stack,
                        cap,
                    );
                    stack.pop();
                    memo.insert(name.clone(), n);
                    n
                } else {
                    0
                }
            }
        };
        total = total.saturating_add(n);
        if total > cap {
            return total;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(query: &str) -> usize {
        count_fields(
            &async_graphql::parser::parse_query(query).unwrap(),
            usize::MAX,
        )
    }

    #[test]
    fn counts_aliases_typename_and_fragments() {
        assert_eq!(count("{ a: __typename b: __typename }"), 2);
        assert_eq!(count("{ projects { edges { node { slug } } } }"), 4);
        assert_eq!(
            count("query { ...F ...F } fragment F on Query { __typename x: __typename }"),
            4
        );
        // Fragments that spread each other grow exponentially; the count keeps up.
        let q = "{ ...F3 } fragment F3 on Query { ...F2 ...F2 } fragment F2 on Query { ...F1 ...F1 } fragment F1 on Query { a: __typename b: __typename }";
        assert_eq!(count(q), 8);
    }
}
