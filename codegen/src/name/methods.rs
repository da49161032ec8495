//! Operation method names without their group's noun: `conversations().reply`, not
//! `conversations().reply_to_conversation`.

/// Words that may be left dangling when the noun after them goes: `reply_to_conversation`.
const PREPOSITIONS: &[&str] = &["to", "from", "of", "for", "in", "on", "into", "onto", "with", "by", "at", "as"];

/// The group's noun in snake-case words: the tag as it is (usually plural) first, then the
/// singular forms its last word may have (`companies`: `company`; `statuses`: `status`, `statuse`).
pub fn group_nouns(group_word: &str) -> Vec<Vec<String>> {
    let words: Vec<String> = group_word.split('_').filter(|w| !w.is_empty()).map(str::to_owned).collect();
    let Some(last) = words.last() else { return Vec::new() };
    let mut singulars = Vec::new();
    if let Some(stem) = last.strip_suffix("ies") {
        singulars.push(format!("{stem}y"));
    }
    if ["ses", "xes", "ches", "shes"].iter().any(|suffix| last.ends_with(suffix)) {
        singulars.push(last[..last.len() - 2].to_owned());
    }
    if let Some(stem) = last.strip_suffix('s').filter(|stem| !stem.is_empty() && !stem.ends_with('s')) {
        singulars.push(stem.to_owned());
    }
    let mut out = vec![words.clone()];
    for singular in singulars {
        let mut form = words.clone();
        if let Some(slot) = form.last_mut() {
            *slot = singular;
        }
        if !out.contains(&form) {
            out.push(form);
        }
    }
    out
}

/// Articles, which go with the noun after them: `attach_contact_to_a_company`.
const ARTICLES: &[&str] = &["a", "an", "the"];

/// `full` (a snake-case method name) without the group's noun, when it reads as well without:
/// the noun right after the first word (the verb: `list_contacts`,
/// `retrieve_contact_by_external_id`), after a preposition, which goes too when it ends up last
/// (`attach_contact_to_company`), or after verbs joined by `or`/`and` (`create_or_update_company`).
/// Anywhere else it may head a noun phrase and stays (`notes`: `list_company_notes`; `calls`:
/// `register_fin_voice_call`). `None` when nothing goes or nothing would be left.
pub fn without_group_noun(full: &str, nouns: &[Vec<String>]) -> Option<String> {
    let words: Vec<&str> = full.split('_').collect();
    for start in 1..words.len() {
        // An article before the noun goes with it.
        let lead = if ARTICLES.contains(&words[start - 1]) { start - 1 } else { start };
        if lead == 0 {
            continue;
        }
        for noun in nouns {
            let end = start + noun.len();
            if end > words.len() || words[start..end].iter().zip(noun).any(|(a, b)| a != b) {
                continue;
            }
            let after_preposition = PREPOSITIONS.contains(&words[lead - 1]);
            let after_verbs = lead >= 3 && matches!(words[lead - 2], "or" | "and");
            if lead > 1 && !after_preposition && !after_verbs {
                continue;
            }
            let mut kept: Vec<&str> = words[..lead].to_vec();
            if end == words.len() && after_preposition {
                kept.pop();
            }
            kept.extend(&words[end..]);
            // Nothing or only a preposition left says nothing.
            if kept.is_empty() || (kept.len() == 1 && PREPOSITIONS.contains(&kept[0])) {
                return None;
            }
            return Some(kept.join("_"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(full: &str, group: &str) -> Option<String> {
        without_group_noun(full, &group_nouns(group))
    }

    #[test]
    fn group_nouns_go_where_the_name_stays_clear() {
        let cases = [
            ("list_contacts", "contacts", Some("list")),
            ("retrieve_contact", "contacts", Some("retrieve")),
            ("retrieve_contact_by_external_id", "contacts", Some("retrieve_by_external_id")),
            ("list_contact_segments", "contacts", Some("list_segments")),
            ("reply_to_conversation", "conversations", Some("reply")),
            ("auto_assign_conversation", "conversations", None),
            ("register_fin_voice_call", "calls", None),
            ("retrieve_a_company_by_id", "companies", Some("retrieve_by_id")),
            ("list_companies_for_a_contact", "contacts", Some("list_companies")),
            ("list_attached_segments_for_companies", "companies", Some("list_attached_segments")),
            ("attach_contact_to_company", "companies", Some("attach_contact")),
            ("create_or_update_company", "companies", Some("create_or_update")),
            ("attach_subscription_type_to_contact", "subscription_types", Some("attach_to_contact")),
            ("detach_tag_from_ticket", "tags", Some("detach_from_ticket")),
            ("set_admin_away", "admins", Some("set_away")),
            ("list_company_notes", "notes", None),
            ("notify_new_message", "custom_channel_events", None),
            ("contacts", "contacts", None),
            ("to_contact", "contacts", None),
            ("list_statuses", "statuses", Some("list")),
            ("get_status", "statuses", Some("get")),
        ];
        for (full, group, expected) in cases {
            assert_eq!(short(full, group).as_deref(), expected, "{full} in {group}");
        }
    }
}
