//! The root value a compiled expression is evaluated against, built from a
//! `Scope`.
//!
//! Why a small object per evaluation instead of one map of every variable:
//! each expression knows at compile time which root names it reads (almost
//! always one to three). The context holds only those, looked up in the
//! user's `Vars` and cloned (a minijinja `Value` clone is a copy or a
//! reference-count bump, never a deep copy). So an evaluation costs two
//! small allocations whatever the number of variables a user holds, and no
//! map is rebuilt. A minijinja `Object` cannot borrow the `Scope` itself:
//! values given to minijinja must be `'static`.

use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};

use crate::scope::{Scope, VuInfo};

/// Which parts of `response` an expression reads. Each part is converted
/// from the response once (and cached in the `ResponseView`) and only if
/// some expression reads it: a 1 MiB body is not copied for `status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ResponseFields {
    pub(crate) headers: bool,
    pub(crate) json: bool,
    pub(crate) body: bool,
}

impl ResponseFields {
    pub(crate) const ALL: ResponseFields = ResponseFields {
        headers: true,
        json: true,
        body: true,
    };
}

/// The root names an expression reads, resolved against a `Scope`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Roots {
    /// User variables, as minijinja string keys.
    pub(crate) vars: Box<[(Box<str>, Value)]>,
    pub(crate) vu: bool,
    pub(crate) journey: bool,
    pub(crate) response: Option<ResponseFields>,
}

impl Roots {
    /// The context for one evaluation. `extra` binds one more name (the
    /// matched `value` of an expectation) ahead of the user's variables.
    pub(crate) fn context(&self, scope: &Scope<'_>, extra: Option<(&str, &Value)>) -> Value {
        let mut entries = Vec::with_capacity(self.vars.len() + 3);
        if self.vu {
            entries.push((Value::from("vu"), Value::from_object(VuObject(scope.vu))));
        }
        if self.journey {
            entries.push((
                Value::from("journey"),
                Value::from_object(JourneyObject(Value::from(scope.journey))),
            ));
        }
        if let (Some(fields), Some(response)) = (self.response, scope.response) {
            entries.push((Value::from("response"), response.to_value(fields)));
        }
        for (name, key) in &*self.vars {
            let value = match extra {
                Some((extra_name, value)) if extra_name == &**name => Some(value),
                _ => scope.vars.get(name),
            };
            if let Some(value) = value {
                entries.push((key.clone(), value.clone()));
            }
        }
        Value::from_object(Context(entries))
    }

    /// The first user variable this expression reads that is not set.
    pub(crate) fn first_missing<'r>(
        &'r self,
        scope: &Scope<'_>,
        extra: Option<(&str, &Value)>,
    ) -> Option<&'r str> {
        self.vars.iter().map(|(name, _)| &**name).find(|name| {
            scope.vars.get(name).is_none() && extra.is_none_or(|(extra, _)| extra != *name)
        })
    }

    pub(crate) fn is_missing(&self, name: &str, scope: &Scope<'_>) -> bool {
        self.vars.iter().any(|(n, _)| &**n == name) && scope.vars.get(name).is_none()
    }
}

/// The root of an evaluation: a few (name, value) pairs, searched linearly.
#[derive(Debug)]
struct Context(Vec<(Value, Value)>);

impl Object for Context {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.0.iter().map(|(k, _)| k.clone()).collect())
    }
}

/// `vu.id` and `vu.iteration`.
#[derive(Debug)]
struct VuObject(VuInfo);

impl Object for VuObject {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str()? {
            "id" => Some(Value::from(self.0.id)),
            "iteration" => Some(Value::from(self.0.iteration)),
            _ => None,
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["id", "iteration"])
    }
}

/// `journey.name`.
#[derive(Debug)]
struct JourneyObject(Value);

impl Object for JourneyObject {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        (key.as_str()? == "name").then(|| self.0.clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["name"])
    }
}
