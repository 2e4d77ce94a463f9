-- The search key of each person's name (src/cases/names.rs): folded in Rust, the same on
-- both databases, since SQLite's lower() folds only ASCII. Rows written before this
-- migration get theirs from `cases::store::fill_name_keys`, which `migrate` runs after it.
ALTER TABLE case_persons ADD COLUMN name_key TEXT;
-- Finds the rows still without a key at once, at every start, however many people there are.
CREATE INDEX case_persons_without_name_key ON case_persons (id) WHERE name_key IS NULL;
