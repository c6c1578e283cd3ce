//! String interning with case folding: the symbol of a string and the symbol of its fold.

use std::collections::HashMap;

/// An interned string.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

/// Every distinct string of a data set once. `fold(sym)` is the symbol of
/// `text(sym).to_lowercase()` (§8: Unicode lower-casing on both sides), so two strings are
/// equal case-insensitively exactly when their folds are the same symbol.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    map: HashMap<Box<str>, Sym>,
    texts: Vec<Box<str>>,
    folds: Vec<Sym>,
}

impl Interner {
    pub fn new() -> Interner {
        Interner::default()
    }

    pub fn intern(&mut self, text: &str) -> Sym {
        if let Some(&sym) = self.map.get(text) {
            return sym;
        }
        let folded = text.to_lowercase();
        let fold = if folded == text {
            Sym(self.texts.len() as u32)
        } else {
            self.intern(&folded)
        };
        let sym = Sym(self.texts.len() as u32);
        self.texts.push(text.into());
        self.folds.push(fold);
        self.map.insert(text.into(), sym);
        sym
    }

    /// The symbol of a string if it was interned (no allocation for unseen strings).
    pub fn get(&self, text: &str) -> Option<Sym> {
        self.map.get(text).copied()
    }

    pub fn text(&self, sym: Sym) -> &str {
        &self.texts[sym.0 as usize]
    }

    pub fn fold(&self, sym: Sym) -> Sym {
        self.folds[sym.0 as usize]
    }

    /// The fold of every symbol, indexed by symbol number (what native code reads).
    pub fn fold_table(&self) -> &[u32] {
        // SAFETY: `Sym` is `repr(transparent)` over `u32`.
        unsafe { std::slice::from_raw_parts(self.folds.as_ptr().cast::<u32>(), self.folds.len()) }
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_shared() {
        let mut i = Interner::new();
        let a = i.intern("Seoul");
        let b = i.intern("SEOUL");
        let c = i.intern("seoul");
        assert_ne!(a, b);
        assert_eq!(i.fold(a), c);
        assert_eq!(i.fold(b), c);
        assert_eq!(i.fold(c), c);
        let s = i.intern("STRASSE");
        assert_eq!(i.text(i.fold(s)), "strasse");
        let d = i.intern("İstanbul");
        assert_eq!(i.text(i.fold(d)), "i̇stanbul");
    }
}
