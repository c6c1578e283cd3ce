//! The typing rules every reader shares, whatever the source (JSON text, an SQL column):
//! how an option's text finds its index, how a set of options is held, how text becomes a
//! string value. `load` (JSON) and the store's reader (SQLite) both type through these, so a
//! value means the same wherever it was read from.

use std::collections::HashMap;

use crate::intern::Interner;
use crate::layout::Value;

/// A select attribute's options, found by exact text first and then by Unicode lower-case fold
/// (§8: options compare case-insensitively; an exact match wins when two options fold alike).
#[derive(Clone, Debug, Default)]
pub struct Options {
    list: Vec<String>,
    exact: HashMap<String, u32>,
    folded: HashMap<String, u32>,
}

impl Options {
    pub fn new(list: &[String]) -> Options {
        let mut options = Options {
            list: list.to_vec(),
            ..Options::default()
        };
        for (index, option) in list.iter().enumerate() {
            let index = index as u32;
            options.exact.entry(option.clone()).or_insert(index);
            options.folded.entry(option.to_lowercase()).or_insert(index);
        }
        options
    }

    /// The index of an option's text.
    pub fn find(&self, text: &str) -> Option<u32> {
        self.exact
            .get(text)
            .or_else(|| self.folded.get(&text.to_lowercase()))
            .copied()
    }

    /// The text of an option, as the schema spells it.
    pub fn text(&self, index: u32) -> Option<&str> {
        self.list.get(index as usize).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The options for an error message, the first few of a long list.
    pub fn listing(&self) -> String {
        const SHOWN: usize = 12;
        let mut shown = self
            .list
            .iter()
            .take(SHOWN)
            .map(|o| format!("{o:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        if self.list.len() > SHOWN {
            shown.push_str(&format!(", … ({} in all)", self.list.len()));
        }
        shown
    }
}

/// A multiselect's value: the indices sorted and distinct; no option at all is empty.
pub fn option_set(mut indices: Vec<u32>) -> Value {
    indices.sort_unstable();
    indices.dedup();
    if indices.is_empty() {
        Value::Missing
    } else {
        Value::Options(indices.into_boxed_slice())
    }
}

/// A string value: the empty string is empty (§8), any other text (whitespace included) a
/// value.
pub fn text(interner: &mut Interner, text: &str) -> Value {
    if text.is_empty() {
        Value::Missing
    } else {
        Value::Str(interner.intern(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_text_wins_then_the_fold() {
        let options = Options::new(&["VIP".into(), "vip".into(), "Général".into()]);
        assert_eq!(options.find("VIP"), Some(0));
        assert_eq!(options.find("vip"), Some(1));
        assert_eq!(options.find("Vip"), Some(0));
        assert_eq!(options.find("GÉNÉRAL"), Some(2));
        assert_eq!(options.find("General"), None);
        assert_eq!(options.text(2), Some("Général"));
        assert_eq!(option_set(vec![2, 0, 2]), Value::Options(vec![0, 2].into()));
        assert_eq!(option_set(Vec::new()), Value::Missing);
    }
}
