//! List statements built from the filters actually given: one SQL text per combination.
//!
//! A hot list statement never carries an optional filter as `($n IS NULL OR …)`. That
//! form makes PostgreSQL plan the statement anew on every execution (a generic plan
//! cannot know which filters are off), and it hides the keyset from the index on both
//! databases. [`ListQuery`] instead appends `AND <condition>` with a bound parameter only
//! for a filter that is given, numbering the parameters `$1, $2, …` in the order they
//! are added (both databases read `$N`), so each combination of filters is one stable
//! text that the driver prepares once per connection and PostgreSQL plans once.
//!
//! Keysets are row-value comparisons, `(opened_at, id) < ($4, $5)` ([`ListQuery::keyset`]),
//! which both SQLite (3.15 on) and PostgreSQL turn into an index range: a deep page
//! seeks to its cursor instead of reading every row before it.
//!
//! Values are always bound, never formatted in.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Db;
use crate::error::AppResult;
use crate::with_db;

/// A value bound to a list statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    /// A UUID, or NULL (a hub administrator's absent agency).
    Uuid(Option<Uuid>),
    /// A time.
    Time(DateTime<Utc>),
    /// Text: a name, a LIKE pattern, an enum's stored name.
    Text(String),
    /// A 64-bit integer: a sequence number, a limit.
    Int(i64),
    /// A 32-bit integer: a scope rank.
    Int32(i32),
    /// A boolean.
    Bool(bool),
}

impl From<Uuid> for Param {
    fn from(v: Uuid) -> Param {
        Param::Uuid(Some(v))
    }
}

impl From<Option<Uuid>> for Param {
    fn from(v: Option<Uuid>) -> Param {
        Param::Uuid(v)
    }
}

impl From<DateTime<Utc>> for Param {
    fn from(v: DateTime<Utc>) -> Param {
        Param::Time(v)
    }
}

impl From<String> for Param {
    fn from(v: String) -> Param {
        Param::Text(v)
    }
}

impl From<&str> for Param {
    fn from(v: &str) -> Param {
        Param::Text(v.to_owned())
    }
}

impl From<i64> for Param {
    fn from(v: i64) -> Param {
        Param::Int(v)
    }
}

impl From<i32> for Param {
    fn from(v: i32) -> Param {
        Param::Int32(v)
    }
}

impl From<bool> for Param {
    fn from(v: bool) -> Param {
        Param::Bool(v)
    }
}

/// Which way a list runs along its keyset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Oldest (smallest) first: the next page holds the rows after the cursor.
    Ascending,
    /// Newest (largest) first: the next page holds the rows before the cursor.
    Descending,
}

/// A list statement under construction: its SQL text and its parameters in order.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    sql: String,
    params: Vec<Param>,
}

impl ListQuery {
    /// An empty statement whose first parameters are `params` (`$1`, `$2`, … in order),
    /// for fragments that bind by fixed position (the viewer of [`crate::access::sql`]).
    pub fn with_params(params: Vec<Param>) -> ListQuery {
        ListQuery {
            sql: String::new(),
            params,
        }
    }

    /// An empty statement without parameters.
    pub fn new() -> ListQuery {
        ListQuery::default()
    }

    /// Appends SQL text as it is (no values in it: bind those with [`ListQuery::param`]).
    pub fn push(&mut self, sql: &str) -> &mut ListQuery {
        self.sql.push_str(sql);
        self
    }

    /// Adds a parameter and returns its placeholder, `$N`.
    pub fn param(&mut self, value: impl Into<Param>) -> String {
        self.params.push(value.into());
        format!("${}", self.params.len())
    }

    /// Appends ` AND <condition>`, where `condition` is built from the placeholder of
    /// `value`'s parameter, only when `value` is given.
    pub fn and_if<T: Into<Param>>(
        &mut self,
        value: Option<T>,
        condition: impl FnOnce(&str) -> String,
    ) -> &mut ListQuery {
        if let Some(value) = value {
            let placeholder = self.param(value);
            self.sql.push_str(" AND ");
            self.sql.push_str(&condition(&placeholder));
        }
        self
    }

    /// Appends ` AND <column> = $N` when `value` is given.
    pub fn and_eq<T: Into<Param>>(&mut self, column: &str, value: Option<T>) -> &mut ListQuery {
        self.and_if(value, |p| format!("{column} = {p}"))
    }

    /// Appends the keyset condition ` AND (a, b) < ($N, $M)` (descending) or `>`
    /// (ascending) when a cursor is given: a row-value comparison, which both databases
    /// answer with an index range on `(…, a, b)`.
    pub fn keyset<A: Into<Param>, B: Into<Param>>(
        &mut self,
        direction: Direction,
        columns: (&str, &str),
        cursor: Option<(A, B)>,
    ) -> &mut ListQuery {
        if let Some((a, b)) = cursor {
            let a = self.param(a);
            let b = self.param(b);
            let op = match direction {
                Direction::Ascending => ">",
                Direction::Descending => "<",
            };
            self.sql.push_str(&format!(
                " AND ({}, {}) {op} ({a}, {b})",
                columns.0, columns.1
            ));
        }
        self
    }

    /// Builds a piece of SQL with this statement's parameters and returns it instead of
    /// appending it: for conditions repeated in several branches of a `UNION ALL`, which
    /// then share their placeholders.
    pub fn fragment(&mut self, build: impl FnOnce(&mut ListQuery)) -> String {
        let start = self.sql.len();
        build(self);
        self.sql.split_off(start)
    }

    /// Appends ` LIMIT $N`.
    pub fn limit(&mut self, limit: i64) -> &mut ListQuery {
        let p = self.param(limit);
        self.sql.push_str(&format!(" LIMIT {p}"));
        self
    }

    /// Appends ` LIMIT <n>` with the number written in, for a statement whose plan
    /// depends on the page size: PostgreSQL's generic plan for `LIMIT $n` assumes a tenth
    /// of the rows and may then hash-join a whole table (the cases list did). The number
    /// is ours (a clamped page size), never outside text; each size is one more text.
    pub fn limit_inline(&mut self, limit: i64) -> &mut ListQuery {
        self.sql.push_str(&format!(" LIMIT {limit}"));
        self
    }

    /// The SQL text.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The parameters, in placeholder order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// Binds the parameters to `query` (made from [`ListQuery::sql`]) in order.
    pub fn bind<'q, DB, O>(
        &'q self,
        mut query: sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>
    where
        DB: sqlx::Database,
        Option<Uuid>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
        DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
        &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
        i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
        i32: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
        bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    {
        for param in &self.params {
            query = match param {
                Param::Uuid(v) => query.bind(*v),
                Param::Time(v) => query.bind(*v),
                Param::Text(v) => query.bind(v.as_str()),
                Param::Int(v) => query.bind(*v),
                Param::Int32(v) => query.bind(*v),
                Param::Bool(v) => query.bind(*v),
            };
        }
        query
    }

    /// Runs the statement and decodes every row.
    pub async fn fetch_all<O>(&self, db: &Db) -> AppResult<Vec<O>>
    where
        O: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        Ok(with_db!(db, |pool| self
            .bind(sqlx::query_as::<_, O>(self.sql()))
            .fetch_all(pool)
            .await)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filtered(status: Option<&str>, curator: Option<Uuid>) -> ListQuery {
        let mut q = ListQuery::with_params(vec![Param::Uuid(None)]);
        q.push("SELECT id FROM cases WHERE agency_id = $1")
            .and_eq("status", status)
            .and_eq("curator_user_id", curator)
            .limit(20);
        q
    }

    #[test]
    fn a_filter_not_given_leaves_no_trace_in_the_text() {
        let q = filtered(None, None);
        assert_eq!(
            q.sql(),
            "SELECT id FROM cases WHERE agency_id = $1 LIMIT $2"
        );
        assert_eq!(q.params(), &[Param::Uuid(None), Param::Int(20)]);
        assert!(!q.sql().contains("IS NULL"));
    }

    #[test]
    fn given_filters_are_numbered_after_the_fixed_parameters_in_order() {
        let curator = Uuid::nil();
        let q = filtered(Some("OPEN"), Some(curator));
        assert_eq!(
            q.sql(),
            "SELECT id FROM cases WHERE agency_id = $1 AND status = $2 \
             AND curator_user_id = $3 LIMIT $4"
        );
        assert_eq!(q.params()[1], Param::Text("OPEN".into()));
        assert_eq!(q.params()[2], Param::Uuid(Some(curator)));
    }

    #[test]
    fn each_combination_of_filters_is_one_stable_text() {
        let a = filtered(Some("OPEN"), None);
        let b = filtered(Some("CLOSED"), None);
        let c = filtered(None, Some(Uuid::nil()));
        assert_eq!(a.sql(), b.sql());
        assert_ne!(a.sql(), c.sql());
    }

    #[test]
    fn a_keyset_is_a_row_value_comparison_in_the_list_direction() {
        let at = Utc::now();
        let id = Uuid::nil();
        let mut q = ListQuery::new();
        q.push("SELECT 1 WHERE TRUE").keyset(
            Direction::Descending,
            ("opened_at", "id"),
            Some((at, id)),
        );
        assert_eq!(
            q.sql(),
            "SELECT 1 WHERE TRUE AND (opened_at, id) < ($1, $2)"
        );
        let mut q = ListQuery::new();
        q.push("x")
            .keyset(Direction::Ascending, ("name", "id"), Some(("b", id)));
        assert_eq!(q.sql(), "x AND (name, id) > ($1, $2)");
        assert_eq!(q.params()[0], Param::Text("b".into()));
    }

    #[test]
    fn no_cursor_is_no_condition() {
        let mut q = ListQuery::new();
        q.push("x")
            .keyset::<i64, i64>(Direction::Descending, ("a", "b"), None);
        assert_eq!(q.sql(), "x");
        assert!(q.params().is_empty());
    }

    #[test]
    fn a_fragment_shares_the_numbering_but_not_the_text() {
        let mut q = ListQuery::with_params(vec![Param::Int(1)]);
        let cond = q.fragment(|q| {
            q.and_eq("status", Some("OPEN"));
        });
        assert_eq!(cond, " AND status = $2");
        q.push(&format!(
            "SELECT a WHERE x = 1{cond} UNION ALL SELECT b WHERE y = 1{cond}"
        ));
        assert_eq!(q.params().len(), 2);
        assert!(q
            .sql()
            .starts_with("SELECT a WHERE x = 1 AND status = $2 UNION"));
    }

    #[test]
    fn a_condition_may_use_its_placeholder_more_than_once() {
        let mut q = ListQuery::new();
        q.push("x")
            .and_if(Some(true), |p| format!("(a = {p} OR b = {p})"));
        assert_eq!(q.sql(), "x AND (a = $1 OR b = $1)");
    }
}
