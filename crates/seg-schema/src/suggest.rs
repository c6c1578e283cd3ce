//! "Did you mean" for misspelt schema keys and type names, plus the Magento names people bring.

/// The candidate closest to `name`, if it is close enough to be a plausible typo: at most a
/// third of the name's length in edits (at least one), compared case-insensitively. This is the
/// rule `seg-check` uses for attribute names, so suggestions feel the same in both files.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lowered = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lowered, &c.to_lowercase()), c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// Magento's own names for attribute properties (columns of `eav_attribute` and
/// `customer_eav_attribute`/`catalog_eav_attribute`), which schemas exported from a store tend to
/// carry; they are too far from ours for edit distance to find.
pub(crate) fn magento_key(key: &str) -> Option<&'static str> {
    Some(match key {
        "attribute_code" => "code",
        "frontend_label" => "label",
        "frontend_input" | "backend_type" | "input" | "data_type" => "type",
        "is_used_for_customer_segment" | "used_in_customer_segment" => "use_in_customer_segment",
        "is_used_for_promo_rules" | "used_for_promo_rules" => "use_for_promo_rules",
        "values" | "option_values" | "source" => "options",
        _ => return None,
    })
}

/// Magento input and backend type names mapped to the Seg type that holds the same values.
pub(crate) fn magento_type(name: &str) -> Option<&'static str> {
    Some(match name.to_lowercase().as_str() {
        "text" | "textarea" | "varchar" | "str" => "string",
        "int" | "number" => "integer",
        "price" | "weight" | "float" | "double" | "money" | "numeric" => "decimal",
        "bool" | "yesno" => "boolean",
        "timestamp" => "datetime",
        "multiple" | "multi_select" | "multi-select" => "multiselect",
        "dropdown" | "enum" | "swatch_visual" | "swatch_text" => "select",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_found_and_strangers_are_not() {
        assert_eq!(
            did_you_mean("lable", ["code", "label", "type"]),
            Some("label")
        );
        assert_eq!(did_you_mean("Select", ["select", "string"]), Some("select"));
        assert_eq!(did_you_mean("colour", ["code", "label", "type"]), None);
    }

    #[test]
    fn magento_names_map_to_ours() {
        assert_eq!(magento_key("frontend_input"), Some("type"));
        assert_eq!(magento_type("Price"), Some("decimal"));
        assert_eq!(magento_type("select"), None);
    }
}
