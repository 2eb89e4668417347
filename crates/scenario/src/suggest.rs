//! Did-you-mean: the nearest known word to a misspelt one.

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
