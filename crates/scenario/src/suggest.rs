//! Did-you-mean: the nearest known word to a misspelt one, and starling's
//! name for what Locust, k6, Artillery and Gatling call a key (a newcomer's
//! habit is not a typo, and no edit distance finds `wait` from `wait_time`).

/// Levenshtein distance between two strings, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a typo:
/// at most a third of the word's length away (and at least 1 edit allowed),
/// or the same letters in a different case.
pub(crate) fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (distance(&lower, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `unknown key `x`` with `, did you mean `y`?` when one is near.
pub(crate) fn unknown(what: &str, word: &str, candidates: &[&str]) -> String {
    match nearest(word, candidates) {
        Some(near) => format!("unknown {what} `{word}`, did you mean `{near}`?"),
        None => format!("unknown {what} `{word}`"),
    }
}

/// Another tool's word for one of starling's keys, in the map where it
/// belongs. `context` is a key only that map (of the maps compiled) allows,
/// so `vus` at the top level points into `load`, and inside `load` is
/// simply `users`.
struct Alias {
    word: &'static str,
    context: &'static str,
    hint: &'static str,
}

const fn alias(word: &'static str, context: &'static str, hint: &'static str) -> Alias {
    Alias {
        word,
        context,
        hint,
    }
}

/// Context keys: `target` the top level, `spawn_rate` `load`, `rate` a
/// stage, `on_start` a user type, `steps` a journey (or a `group` or
/// `repeat` step), `capture` a request, `max_duration` an `expect`.
const ALIASES: &[Alias] = &[
    alias("host", "target", "Locust's `host` is starling's `target`"),
    alias(
        "baseUrl",
        "target",
        "Gatling's `baseUrl` is starling's `target`",
    ),
    alias(
        "vus",
        "target",
        "k6's `vus` is `users` inside `load`: `load: { users: 10, duration: 30s }`",
    ),
    alias(
        "duration",
        "target",
        "`duration` goes inside `load`: `load: { users: 10, duration: 30s }`",
    ),
    alias(
        "stages",
        "target",
        "`stages` go inside `load`: `load: { stages: [{ duration: 30s, users: 20 }] }`",
    ),
    alias(
        "phases",
        "target",
        "Artillery's `phases` are `stages` inside `load`: `load: { stages: [{ duration: 1m, rate: 10 }] }`",
    ),
    alias(
        "config",
        "target",
        "Artillery's `config` keys stand at the top level in starling: `target`, `load`, `defaults`",
    ),
    alias(
        "scenarios",
        "target",
        "starling's `users` holds the user types, each with its `journeys` (the scenarios of Artillery and k6)",
    ),
    alias("vus", "spawn_rate", "k6's `vus` is starling's `users`"),
    alias(
        "maxVUs",
        "spawn_rate",
        "k6's `maxVUs` is starling's `max_users`",
    ),
    alias(
        "arrivalRate",
        "spawn_rate",
        "Artillery's `arrivalRate` is starling's `arrival_rate`",
    ),
    alias(
        "hatch_rate",
        "spawn_rate",
        "Locust's old `hatch_rate` is starling's `spawn_rate`",
    ),
    alias(
        "phases",
        "spawn_rate",
        "Artillery's `phases` are starling's `stages`: `stages: [{ duration: 1m, rate: 10 }]`",
    ),
    alias(
        "rampTo",
        "spawn_rate",
        "Artillery's `rampTo` is written as `stages`, each moving linearly to its own `rate`: `stages: [{ duration: 1m, rate: 5 }, { duration: 2m, rate: 50 }]`",
    ),
    alias(
        "target",
        "rate",
        "k6's stage `target` is starling's `users` (or `rate` for arrivals per second)",
    ),
    alias("vus", "rate", "k6's `vus` is starling's `users`"),
    alias(
        "arrivalRate",
        "rate",
        "Artillery's `arrivalRate` is a stage's `rate`",
    ),
    alias(
        "rampTo",
        "rate",
        "Artillery's `rampTo` is the next stage's `rate`: each stage moves linearly from the previous stage's rate to its own",
    ),
    alias(
        "wait_time",
        "on_start",
        "Locust's `wait_time` is starling's `wait`: `wait: between(1s, 5s)`",
    ),
    alias(
        "tasks",
        "on_start",
        "Locust's `tasks` are starling's `journeys`",
    ),
    alias(
        "think_time",
        "on_start",
        "starling's `wait` is the pause between journeys: `wait: 2s` (inside a journey, a `think: 2s` step)",
    ),
    alias(
        "flow",
        "on_start",
        "Artillery's `flow` is a journey's `steps`: `journeys: [{ name: browse, steps: [...] }]`",
    ),
    alias("flow", "steps", "Artillery's `flow` is starling's `steps`"),
    alias(
        "check",
        "capture",
        "k6's and Gatling's `check` is starling's `expect`: `expect: { status: 200 }`",
    ),
    alias(
        "checks",
        "capture",
        "k6's `checks` are starling's `expect`: `expect: { status: 200 }`",
    ),
    alias(
        "extract",
        "capture",
        "`extract` is starling's `capture`: `capture: { id: $.id }`",
    ),
    alias(
        "url",
        "capture",
        "the method is the key and the path its value: `get: /path` or `post: /path`",
    ),
    alias(
        "method",
        "capture",
        "the method is the key and the path its value: `get: /path` or `post: /path`",
    ),
    alias(
        "params",
        "capture",
        "query parameters are starling's `query`",
    ),
    alias(
        "think_time",
        "capture",
        "starling's pause is a step of its own: `- think: 2s`",
    ),
    alias(
        "statusCode",
        "max_duration",
        "Artillery's `statusCode` is starling's `status`",
    ),
    alias(
        "status_code",
        "max_duration",
        "`status_code` is starling's `status`",
    ),
];

/// `unknown key `x``, with what starling calls it when `x` is another
/// tool's name for a key of this map, else with the nearest key.
pub(crate) fn unknown_key(word: &str, candidates: &[&str]) -> String {
    let alias = ALIASES
        .iter()
        .find(|a| a.word == word && candidates.contains(&a.context));
    match alias {
        Some(alias) => format!("unknown key `{word}`: {}", alias.hint),
        None => unknown("key", word, candidates),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_transpositions_and_typos() {
        let keys = ["expect", "capture", "headers", "name"];
        assert_eq!(nearest("expcet", &keys), Some("expect"));
        assert_eq!(nearest("captrue", &keys), Some("capture"));
        assert_eq!(nearest("header", &keys), Some("headers"));
        assert_eq!(nearest("Name", &keys), Some("name"));
        assert_eq!(nearest("zzzzzz", &keys), None);
        assert_eq!(
            unknown("key", "expcet", &keys),
            "unknown key `expcet`, did you mean `expect`?"
        );
    }
}
