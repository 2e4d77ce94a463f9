//! Names as people search for them. SQLite's `lower()` folds only ASCII, and PostgreSQL's
//! depends on the cluster's locale, so the hub keeps a search key of its own beside each
//! person's name, folded in Rust the same way for both databases: lower case, «ё» as «е»,
//! anything but letters as one space. «Иванова  Мария-Петровна» and «иванова мария
//! петровна» have the same key.

use crate::error::{AppError, AppResult};

/// Longest name a search takes.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words a search takes: a surname, a first name and a patronymic, and one to spare.
pub const MAX_QUERY_WORDS: usize = 4;

/// The search key of a name.
pub fn search_key(name: &str) -> String {
    let folded: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ё' => 'е',
            c if c.is_alphabetic() => c,
            _ => ' ',
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of a search, each to match the start of a word of the name, in any order.
/// Bad input names the field: empty, too long, too many words, or no letters.
pub fn query_words(field: &str, query: &str) -> AppResult<Vec<String>> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let key = search_key(query);
    let words: Vec<String> = key
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        return Err(AppError::bad_input(field, "give a name to look for"));
    }
    if words.len() > MAX_QUERY_WORDS {
        return Err(AppError::bad_input(
            field,
            format!("at most {MAX_QUERY_WORDS} words"),
        ));
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_case_yo_and_punctuation_the_same_way() {
        assert_eq!(
            search_key("Иванова  Мария-Петровна"),
            "иванова мария петровна"
        );
        assert_eq!(search_key("СЕМЁНОВА Дарья"), "семенова дарья");
        assert_eq!(search_key(" O'Brien, Anna "), "o brien anna");
    }

    #[test]
    fn a_search_takes_one_to_four_words_with_letters() {
        assert_eq!(
            query_words("name", "Иванова М.").unwrap(),
            vec!["иванова", "м"]
        );
        assert!(query_words("name", "  1234 ").is_err());
        assert!(query_words("name", "а б в г д").is_err());
        assert!(query_words("name", &"я".repeat(201)).is_err());
    }
}
