//! A virtual user's variables and what templates can see.

use crate::response::ResponseView;
use crate::value::Value;

/// Root names that templates resolve to builtins, whatever the user's
/// variables hold: a capture or `set` must not use them as names.
pub const BUILTIN_NAMES: [&str; 3] = ["vu", "journey", "response"];

/// A virtual user's variables: captures, `set` values and the current data
/// rows (a row is one variable holding a map, so `{{ customers.email }}`).
///
/// A short vector searched linearly: a user holds a handful of variables,
/// and this keeps an idle user's memory to one allocation.
#[derive(Debug, Default, Clone)]
pub struct Vars {
    entries: Vec<(Box<str>, Value)>,
}

impl Vars {
    pub fn new() -> Self {
        Vars::default()
    }

    /// Sets or replaces a variable. Replacing allocates nothing.
    pub fn set(&mut self, name: &str, value: Value) {
        match self.entries.iter_mut().find(|(n, _)| &**n == name) {
            Some((_, slot)) => *slot = value,
            None => self.entries.push((name.into(), value)),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, v)| v)
    }

    pub fn remove(&mut self, name: &str) {
        if let Some(i) = self.entries.iter().position(|(n, _)| &**n == name) {
            self.entries.swap_remove(i);
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every variable, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(n, v)| (&**n, v))
    }
}

/// Which virtual user is evaluating, and its journey count: `vu.id` and
/// `vu.iteration` in templates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VuInfo {
    pub id: u64,
    pub iteration: u64,
}

/// Everything a template or expression sees when evaluated.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub vars: &'a Vars,
    pub vu: VuInfo,
    /// The running journey's name: `journey.name`.
    pub journey: &'a str,
    /// The latest response (`response.*`), after a request.
    pub response: Option<&'a ResponseView<'a>>,
}

impl<'a> Scope<'a> {
    /// A scope without a response.
    pub fn new(vars: &'a Vars, vu: VuInfo, journey: &'a str) -> Self {
        Scope {
            vars,
            vu,
            journey,
            response: None,
        }
    }

    /// The same scope with `response` in it.
    pub fn with_response(self, response: &'a ResponseView<'a>) -> Self {
        Scope {
            response: Some(response),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vars_set_replace_get_remove() {
        let mut vars = Vars::new();
        assert!(vars.is_empty());
        vars.set("a", Value::from(1));
        vars.set("b", Value::from("x"));
        vars.set("a", Value::from(2));
        assert_eq!(vars.len(), 2);
        assert_eq!(vars.get("a"), Some(&Value::from(2)));
        vars.remove("a");
        assert_eq!(vars.get("a"), None);
        assert_eq!(vars.get("b"), Some(&Value::from("x")));
        assert_eq!(vars.iter().count(), 1);
    }
}
