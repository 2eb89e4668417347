//! Text from the scenario (journey, request, user type, section, service
//! and threshold names, run errors) made safe for a terminal before
//! anything is drawn: a control character is shown as `\u{1b}`, never
//! sent, so a journey named `"\e]0;owned\a"` cannot set the terminal's
//! title. Done once on a copy of the summary, so no table can forget it;
//! the report's own colour codes are added later, when drawing. Failure
//! examples (server bodies, messages quoting them) are flattened to one
//! line by `format::one_line` instead, which turns every control character
//! into a space.

use std::borrow::Cow;

use starling_metrics::{Summary, ThresholdScope};

/// `text` with every control character (C0, DEL, C1) written as an escape.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn fix(text: &mut String) {
    if let Cow::Owned(escaped) = printable(text) {
        *text = escaped;
    }
}

/// Re-keys a name map (an `IndexMap`: order is kept) if a key needs it.
fn fix_keys<M, V>(map: &mut M)
where
    M: Default + IntoIterator<Item = (String, V)> + FromIterator<(String, V)>,
    for<'a> &'a M: IntoIterator<Item = (&'a String, &'a V)>,
{
    if (&*map)
        .into_iter()
        .any(|(k, _)| k.chars().any(char::is_control))
    {
        *map = std::mem::take(map)
            .into_iter()
            .map(|(k, v)| (printable(&k).into_owned(), v))
            .collect();
    }
}

/// A copy of `summary` whose every shown string is [`printable`].
pub(crate) fn summary(summary: &Summary) -> Summary {
    let mut s = summary.clone();
    fix(&mut s.run.scenario);
    if let Some(by) = &mut s.run.aborted_by {
        fix(by);
    }
    s.run.errors.iter_mut().for_each(fix);
    if let Some(export) = &mut s.run.trace_export {
        fix(&mut export.endpoint);
    }
    fix_keys(&mut s.journeys);
    for j in s.journeys.values_mut() {
        fix(&mut j.user_type);
        j.funnel.iter_mut().for_each(|f| fix(&mut f.label));
        j.failures.iter_mut().for_each(|f| fix(&mut f.label));
        for sample in j.samples.failed.iter_mut().chain(&mut j.samples.slowest) {
            if let Some(failure) = &mut sample.failure {
                fix(&mut failure.label);
            }
            for step in &mut sample.steps {
                if let Some(request) = &mut step.request {
                    fix(request);
                }
            }
        }
    }
    fix_keys(&mut s.requests);
    for r in s.requests.values_mut() {
        fix(&mut r.service);
    }
    fix_keys(&mut s.services);
    fix_keys(&mut s.sections);
    for section in s.sections.values_mut() {
        if let Some(journey) = &mut section.journey {
            fix(journey);
        }
    }
    for t in &mut s.thresholds {
        fix(&mut t.threshold.label);
        match &mut t.threshold.scope {
            ThresholdScope::All => {}
            ThresholdScope::Journey(name)
            | ThresholdScope::Service(name)
            | ThresholdScope::Request(name)
            | ThresholdScope::Group(name) => fix(name),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(printable("\u{1b}]0;owned\u{7}x"), "\\u{1b}]0;owned\\u{7}x");
        assert_eq!(printable("a\nb\u{9b}c"), "a\\u{a}b\\u{9b}c");
        assert!(matches!(
            printable("plain ✓ text"),
            Cow::Borrowed("plain ✓ text")
        ));
    }
}
