//! String interning with case folding: the symbol of a string and the symbol of its fold.

use std::collections::HashMap;
use std::sync::Arc;

/// An interned string.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

/// Every distinct string of a data set once. `fold(sym)` is the symbol of
/// `text(sym).to_lowercase()` (§8: Unicode lower-casing on both sides), so two strings are
/// equal case-insensitively exactly when their folds are the same symbol.
///
/// An interner may be *layered* over a shared, frozen base ([`Interner::layered`]): the base's
/// symbols keep their numbers and meaning, new strings get numbers after them. A batch of
/// profiles interns over the catalog's interner this way, so its strings are freed with it.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    base: Option<Arc<Interner>>,
    /// Symbols below this are the base's.
    base_len: u32,
    map: HashMap<Box<str>, Sym>,
    /// The texts of this layer's own symbols.
    texts: Vec<Box<str>>,
    /// The fold of every symbol, the base's included (native code reads one flat table).
    folds: Vec<Sym>,
}

impl Interner {
    pub fn new() -> Interner {
        Interner::default()
    }

    /// An empty layer over `base`.
    pub fn layered(base: Arc<Interner>) -> Interner {
        Interner {
            base_len: base.len() as u32,
            folds: base.folds.clone(),
            base: Some(base),
            map: HashMap::new(),
            texts: Vec::new(),
        }
    }

    /// The base this interner is layered over.
    pub fn base(&self) -> Option<&Arc<Interner>> {
        self.base.as_ref()
    }

    pub fn intern(&mut self, text: &str) -> Sym {
        if let Some(sym) = self.get(text) {
            return sym;
        }
        let folded = text.to_lowercase();
        let next = Sym(self.len() as u32);
        let fold = if folded == text {
            next
        } else {
            self.intern(&folded)
        };
        let sym = Sym(self.len() as u32);
        self.texts.push(text.into());
        self.folds.push(fold);
        self.map.insert(text.into(), sym);
        sym
    }

    /// The symbol of a string if it was interned (no allocation for unseen strings).
    pub fn get(&self, text: &str) -> Option<Sym> {
        if let Some(sym) = self.base.as_ref().and_then(|base| base.get(text)) {
            return Some(sym);
        }
        self.map.get(text).copied()
    }

    pub fn text(&self, sym: Sym) -> &str {
        match sym.0.checked_sub(self.base_len) {
            Some(own) => &self.texts[own as usize],
            None => self
                .base
                .as_ref()
                .expect("a symbol below base_len has a base")
                .text(sym),
        }
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
        self.base_len as usize + self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

    #[test]
    fn a_layer_keeps_the_base_symbols() {
        let mut base = Interner::new();
        let seoul = base.intern("Seoul");
        let base = Arc::new(base);
        let mut layer = Interner::layered(base.clone());
        assert_eq!(layer.intern("Seoul"), seoul);
        assert_eq!(layer.len(), base.len());
        let upper = layer.intern("SEOUL");
        assert_eq!(upper.0 as usize, base.len());
        assert_eq!(layer.fold(upper), base.fold(seoul));
        let busan = layer.intern("Busan");
        assert_eq!(layer.text(busan), "Busan");
        assert_eq!(layer.text(layer.fold(busan)), "busan");
        assert_eq!(layer.fold_table().len(), layer.len());
        assert_eq!(base.get("Busan"), None);
    }
}
