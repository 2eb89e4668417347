//! A virtual user's cookie jar, bounded as a browser's is (RFC 6265,
//! section 6.1): a `Set-Cookie` longer than [`MAX_COOKIE_BYTES`] is dropped,
//! and past [`MAX_COOKIES_PER_DOMAIN`] for one domain or [`MAX_COOKIES`] in
//! all, the least recently set cookies go first.
//!
//! Without bounds a server that sets new cookies on every response makes
//! every later request carry all of them: 100 new cookies per response grew
//! requests to 768 KB each and the process to 299 MB in ten seconds. A
//! browser would have evicted them, so a load test that keeps them measures
//! something no real user sends.

use std::collections::{HashMap, HashSet};

use cookie_store::{Cookie, CookieStore, StoreAction};
use url::Url;

/// The largest `Set-Cookie` value kept, in bytes: name, value and
/// attributes together, the size RFC 6265 asks a user agent to support at
/// least (and what browsers keep at most).
pub const MAX_COOKIE_BYTES: usize = 4096;

/// Cookies kept per domain, the least recently set of the domain going
/// first: RFC 6265's minimum, which every browser supports (most keep more).
pub const MAX_COOKIES_PER_DOMAIN: usize = 50;

/// Cookies kept in all, over every domain a user talked to. RFC 6265 asks
/// for at least 3,000 in a browser shared by every site; a virtual user
/// talks to a few services, so a tenth of that.
pub const MAX_COOKIES: usize = 300;

/// A cookie store and the order its cookies were last set in.
#[derive(Debug, Default)]
pub(crate) struct CookieJar {
    store: CookieStore,
    /// Boxed and made on the first cookie: most virtual users of a test
    /// never get one, and an idle session should stay small.
    order: Option<Box<Order>>,
}

#[derive(Debug, Default)]
struct Order {
    /// Every cookie in the store, least recently set first.
    keys: Vec<Key>,
    /// The store was lent out mutably ([`CookieJar::store_mut`]), so `keys`
    /// may have missed cookies added or removed there; they are made to
    /// agree before the limits are next applied.
    lent: bool,
}

/// Where a cookie sits in the store: a cookie set again under the same
/// domain, path and name replaces the one before.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    domain: Box<str>,
    path: Box<str>,
    name: Box<str>,
}

impl Key {
    fn of(cookie: &Cookie<'_>) -> Key {
        Key {
            domain: String::from(&cookie.domain).into(),
            path: String::from(&cookie.path).into(),
            name: cookie.name().into(),
        }
    }

    fn remove_from(&self, store: &mut CookieStore) {
        store.remove(&self.domain, &self.path, &self.name);
    }
}

impl CookieJar {
    /// A jar holding `store`'s cookies, all as if set before any other.
    pub(crate) fn new(store: CookieStore) -> Self {
        let mut jar = CookieJar { store, order: None };
        if !jar.is_empty() {
            // The given cookies are not in the order yet.
            jar.order_mut().lent = true;
        }
        jar
    }

    pub(crate) fn store(&self) -> &CookieStore {
        &self.store
    }

    /// The store itself, to seed or edit: what is changed there counts
    /// against the limits from the next `Set-Cookie` on, as the oldest.
    pub(crate) fn store_mut(&mut self) -> &mut CookieStore {
        self.order_mut().lent = true;
        &mut self.store
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.store.iter_any().next().is_none()
    }

    fn order_mut(&mut self) -> &mut Order {
        self.order.get_or_insert_with(Box::default)
    }

    /// Stores the `Set-Cookie` values of one response from `url`, then
    /// evicts what is over the limits.
    pub(crate) fn set_all<'v>(&mut self, values: impl Iterator<Item = &'v [u8]>, url: &Url) {
        let mut order = self.order.take().unwrap_or_default();
        if order.lent {
            order.reconcile(&self.store);
        }
        for value in values {
            if value.len() > MAX_COOKIE_BYTES {
                // Too large for a browser to keep: dropped, as one would.
                continue;
            }
            if let Ok(text) = std::str::from_utf8(value) {
                order.set(&mut self.store, text, url);
            }
        }
        order.bound(&mut self.store);
        self.order = Some(order);
    }
}

impl Order {
    fn set(&mut self, store: &mut CookieStore, text: &str, url: &Url) {
        // A cookie the store refuses (bad domain, ...) is dropped, as a
        // browser would.
        let Ok(cookie) = Cookie::parse(text, url) else {
            return;
        };
        let key = Key::of(&cookie);
        match store.insert(cookie.into_owned(), url) {
            Ok(StoreAction::Inserted | StoreAction::UpdatedExisting) => {
                self.forget(&key);
                self.keys.push(key);
            }
            Ok(StoreAction::ExpiredExisting) => {
                // The server deleted it: the store only marks it expired,
                // but it will never be sent again, so it need not be kept.
                key.remove_from(store);
                self.forget(&key);
            }
            Err(_) => {}
        }
    }

    fn forget(&mut self, key: &Key) {
        if let Some(at) = self.keys.iter().position(|k| k == key) {
            self.keys.remove(at);
        }
    }

    /// Evicts the least recently set cookies over the per-domain and total
    /// limits, expired ones first.
    fn bound(&mut self, store: &mut CookieStore) {
        // Neither limit can be passed yet: the common case costs nothing.
        if self.keys.len() <= MAX_COOKIES_PER_DOMAIN {
            return;
        }
        let expired: Vec<Key> = store
            .iter_any()
            .filter(|c| c.is_expired())
            .map(Key::of)
            .collect();
        for key in &expired {
            key.remove_from(store);
            self.forget(key);
        }
        // From the most recently set back: keep while its domain and the
        // jar have room, so what is evicted is the oldest.
        let mut keep = vec![false; self.keys.len()];
        let mut per_domain: HashMap<&str, usize> = HashMap::new();
        let mut kept = 0;
        for (i, key) in self.keys.iter().enumerate().rev() {
            let n = per_domain.entry(&key.domain).or_default();
            if *n < MAX_COOKIES_PER_DOMAIN && kept < MAX_COOKIES {
                *n += 1;
                kept += 1;
                keep[i] = true;
            }
        }
        drop(per_domain);
        let mut keep = keep.into_iter();
        self.keys.retain(|key| {
            let stays = keep.next().unwrap_or(true);
            if !stays {
                key.remove_from(store);
            }
            stays
        });
    }

    /// Makes `keys` list exactly the store's cookies: ones it lacks are put
    /// first (the oldest), ones no longer stored are dropped.
    fn reconcile(&mut self, store: &CookieStore) {
        self.lent = false;
        let stored: Vec<Key> = store.iter_any().map(Key::of).collect();
        let stored_set: HashSet<&Key> = stored.iter().collect();
        self.keys.retain(|key| stored_set.contains(key));
        let known: HashSet<&Key> = self.keys.iter().collect();
        let missing: Vec<Key> = stored
            .iter()
            .filter(|key| !known.contains(key))
            .cloned()
            .collect();
        drop(known);
        self.keys.splice(0..0, missing);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(host: &str) -> Url {
        Url::parse(&format!("http://{host}/")).unwrap()
    }

    fn set(jar: &mut CookieJar, host: &str, cookies: impl Iterator<Item = String>) {
        let values: Vec<String> = cookies.collect();
        jar.set_all(values.iter().map(|v| v.as_bytes()), &url(host));
    }

    fn tracked(jar: &CookieJar) -> usize {
        jar.order.as_ref().map_or(0, |o| o.keys.len())
    }

    fn names(jar: &CookieJar, host: &str) -> Vec<String> {
        let mut names: Vec<String> = jar
            .store
            .get_request_values(&url(host))
            .map(|(n, _)| n.to_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_domain_keeps_its_most_recently_set_cookies() {
        let mut jar = CookieJar::default();
        set(&mut jar, "a.test", (0..40).map(|i| format!("old{i:02}=1")));
        set(&mut jar, "a.test", (0..40).map(|i| format!("new{i:02}=1")));
        let names = names(&jar, "a.test");
        assert_eq!(names.len(), MAX_COOKIES_PER_DOMAIN);
        // 80 set, 50 kept: the first 30 set went.
        let old: Vec<&String> = names.iter().filter(|n| n.starts_with("old")).collect();
        assert_eq!(old.len(), 10, "{names:?}");
        assert!(old.iter().all(|n| n.as_str() >= "old30"), "{names:?}");
        assert_eq!(tracked(&jar), MAX_COOKIES_PER_DOMAIN);
    }

    #[test]
    fn setting_a_cookie_again_makes_it_recent() {
        let mut jar = CookieJar::default();
        set(&mut jar, "a.test", (0..50).map(|i| format!("c{i:02}=1")));
        set(&mut jar, "a.test", std::iter::once("c00=2".to_owned()));
        set(&mut jar, "a.test", std::iter::once("extra=1".to_owned()));
        let names = names(&jar, "a.test");
        assert!(names.contains(&"c00".to_owned()), "{names:?}");
        assert!(!names.contains(&"c01".to_owned()), "{names:?}");
    }

    #[test]
    fn the_jar_keeps_at_most_max_cookies_over_all_domains() {
        let mut jar = CookieJar::default();
        for d in 0..10 {
            let host = format!("d{d}.test");
            set(&mut jar, &host, (0..40).map(|i| format!("c{i}=1")));
        }
        assert_eq!(jar.store.iter_any().count(), MAX_COOKIES);
        // The first domains set went first.
        assert!(names(&jar, "d0.test").is_empty());
        assert!(names(&jar, "d1.test").is_empty());
        assert_eq!(names(&jar, "d2.test").len(), 20);
        assert_eq!(names(&jar, "d9.test").len(), 40);
    }

    #[test]
    fn a_cookie_over_4096_bytes_is_dropped_and_one_at_it_kept() {
        let mut jar = CookieJar::default();
        let at = format!("a={}", "x".repeat(MAX_COOKIE_BYTES - 2));
        let over = format!("b={}", "x".repeat(MAX_COOKIE_BYTES - 1));
        set(&mut jar, "a.test", [at, over].into_iter());
        assert_eq!(names(&jar, "a.test"), ["a"]);
    }

    #[test]
    fn a_cookie_the_server_deletes_leaves_the_jar() {
        let mut jar = CookieJar::default();
        set(&mut jar, "a.test", std::iter::once("s=1".to_owned()));
        set(
            &mut jar,
            "a.test",
            std::iter::once("s=; Max-Age=0".to_owned()),
        );
        assert!(jar.is_empty());
        assert_eq!(tracked(&jar), 0);
    }

    #[test]
    fn cookies_seeded_through_the_store_count_as_the_oldest() {
        let mut store = CookieStore::default();
        for i in 0..50 {
            store.parse(&format!("seed{i}=1"), &url("a.test")).unwrap();
        }
        let mut jar = CookieJar::new(store);
        set(&mut jar, "a.test", (0..10).map(|i| format!("new{i}=1")));
        let names = names(&jar, "a.test");
        assert_eq!(names.len(), MAX_COOKIES_PER_DOMAIN);
        assert_eq!(names.iter().filter(|n| n.starts_with("new")).count(), 10);
    }
}
