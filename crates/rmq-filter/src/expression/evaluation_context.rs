//! What expressions read properties from (Java `EvaluationContext`; the broker's
//! `MessageEvaluationContext` wraps a message's property map).

use std::collections::{BTreeMap, HashMap};

/// Gives the value of a property by name; `None` when the message does not have it.
pub trait EvaluationContext {
    /// Returns the property's value (Java `EvaluationContext#get`).
    fn get(&self, name: &str) -> Option<&str>;
}

impl<S: std::hash::BuildHasher> EvaluationContext for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(String::as_str)
    }
}

impl EvaluationContext for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<&str> {
        BTreeMap::get(self, name).map(String::as_str)
    }
}

/// A context without properties (Java `EmptyEvaluationContext`).
#[derive(Debug, Clone, Copy, Default)]
pub struct EmptyEvaluationContext;

impl EvaluationContext for EmptyEvaluationContext {
    fn get(&self, _name: &str) -> Option<&str> {
        None
    }
}
