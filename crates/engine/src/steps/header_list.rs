//! The header pairs one request hands the client, kept on the stack when
//! they are few (as nearly all are): a request of a plain scenario plus
//! its `traceparent` allocates nothing for its header list.

/// Pairs held inline before the list moves to the heap.
const INLINE: usize = 6;

#[derive(Debug)]
pub(crate) struct HeaderList<'a> {
    inline: [(&'a str, &'a str); INLINE],
    len: usize,
    /// Every pair, once there are more than `INLINE`.
    spilled: Vec<(&'a str, &'a str)>,
}

impl<'a> HeaderList<'a> {
    pub(crate) fn with_capacity(n: usize) -> Self {
        HeaderList {
            inline: [("", ""); INLINE],
            len: 0,
            spilled: if n > INLINE {
                Vec::with_capacity(n)
            } else {
                Vec::new()
            },
        }
    }

    pub(crate) fn push(&mut self, name: &'a str, value: &'a str) {
        if self.spilled.capacity() == 0 && self.len < INLINE {
            self.inline[self.len] = (name, value);
            self.len += 1;
        } else {
            if self.spilled.is_empty() {
                self.spilled.extend_from_slice(&self.inline[..self.len]);
            }
            self.spilled.push((name, value));
        }
    }

    pub(crate) fn as_slice(&self) -> &[(&'a str, &'a str)] {
        if self.spilled.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spilled
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_inline_and_spilled() {
        let names: Vec<String> = (0..20).map(|i| format!("h{i}")).collect();
        for (n, reserve) in [(0, 0), (3, 3), (8, 8), (9, 2), (20, 20), (20, 0)] {
            let mut list = HeaderList::with_capacity(reserve);
            for name in &names[..n] {
                list.push(name, "v");
            }
            let got: Vec<&str> = list.as_slice().iter().map(|(k, _)| *k).collect();
            let want: Vec<&str> = names[..n].iter().map(String::as_str).collect();
            assert_eq!(got, want, "{n} headers, {reserve} reserved");
        }
    }
}
