//! "Did you mean" suggestions for misspelt names and options.

/// The candidate closest to `name`, if it is close enough to be a plausible typo: at most a
/// third of the name's length in edits (at least one), compared case-insensitively.
pub fn did_you_mean<'a>(
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

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn close_names_are_suggested() {
        assert_eq!(
            did_you_mean("gropu", ["group", "gender", "dob"]),
            Some("group")
        );
        assert_eq!(did_you_mean("xyz", ["group", "gender"]), None);
        assert_eq!(did_you_mean("vip", ["VIP", "General"]), Some("VIP"));
    }
}
