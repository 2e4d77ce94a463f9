//! Numbered parameter lists (`$1, $2, …`) for statements whose length depends on the
//! data: `IN (…)` lists and multi-row `VALUES`. Both databases read `$N`.

/// `$first, $first+1, …`: `count` parameters, for an `IN (…)` list.
pub fn list(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($first, …), (…)`: `rows` rows of `columns` parameters each, numbered row by row from
/// `first`, for a multi-row `VALUES`.
pub fn rows(first: usize, rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", list(first + row * columns, columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_counts_from_its_first_number() {
        assert_eq!(list(3, 3), "$3, $4, $5");
        assert_eq!(list(1, 0), "");
    }

    #[test]
    fn rows_number_every_value_in_row_order() {
        assert_eq!(rows(1, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(rows(2, 2, 2), "($2, $3), ($4, $5)");
    }
}
