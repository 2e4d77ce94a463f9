//! Column types that are parsed where a row is read, so that domain code holds a time
//! zone or a typed JSON value, never the text it came from.
//!
//! Both are stored as `TEXT` on SQLite and PostgreSQL. A value that does not parse is a
//! decode error: sqlx reports it as `ColumnDecode`, which [`crate::error::AppError`] turns
//! into `INTERNAL` (logged with the column's name). Nothing falls back to a default: a
//! stored time zone that silently became UTC moved legal deadlines by hours
//! (docs/decisions.md, "Typed rows").

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

/// An IANA time zone (`Asia/Yekaterinburg`) as an agency or a message keeps it.
///
/// A newtype because sqlx's traits cannot be implemented on [`chrono_tz::Tz`] here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeZone(pub chrono_tz::Tz);

impl TimeZone {
    /// UTC, for what belongs to no agency (a hub administrator, the auditor's mail).
    pub const UTC: TimeZone = TimeZone(chrono_tz::UTC);

    /// The zone, for `with_timezone`.
    pub fn tz(self) -> chrono_tz::Tz {
        self.0
    }

    /// Its IANA name, as stored and as the API shows it.
    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl From<chrono_tz::Tz> for TimeZone {
    fn from(tz: chrono_tz::Tz) -> Self {
        TimeZone(tz)
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A stored time zone that is not an IANA name.
#[derive(Debug)]
struct UnknownTimeZone(String);

impl fmt::Display for UnknownTimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A zone name is no personal data; cut it anyway, the column may hold anything.
        let shown: String = self.0.chars().take(64).collect();
        write!(f, "the stored time zone {shown:?} is not an IANA time zone")
    }
}

impl std::error::Error for UnknownTimeZone {}

impl<DB: Database> Type<DB> for TimeZone
where
    String: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: Database> Decode<'r, DB> for TimeZone
where
    &'r str: Decode<'r, DB>,
{
    fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<DB>>::decode(value)?;
        text.parse::<chrono_tz::Tz>()
            .map(TimeZone)
            .map_err(|_| UnknownTimeZone(text.to_owned()).into())
    }
}

impl<'q, DB: Database> Encode<'q, DB> for TimeZone
where
    &'q str: Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut <DB as Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        // The name is `'static`, so it outlives any query it is bound to.
        let name: &'q str = self.name();
        name.encode(buf)
    }
}

/// A JSON value of type `T` kept in a `TEXT` column, (de)serialised with serde where the
/// row is read or written.
///
/// Not [`sqlx::types::Json`]: on PostgreSQL that one only accepts `json`/`jsonb` columns,
/// and ours are `TEXT` on both databases (the audit log MACs the stored text byte for
/// byte, so its column must keep exactly what was written).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonText<T>(pub T);

impl<T> JsonText<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Stored JSON that does not parse as the row's type. Says where and what kind of error,
/// never the text: signal sheets and visit reports hold personal data, and serde's own
/// messages quote the values they reject.
#[derive(Debug)]
struct UnreadableJson {
    type_name: &'static str,
    error: serde_json::Error,
}

impl fmt::Display for UnreadableJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.error.classify() {
            serde_json::error::Category::Io => "an I/O error",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "JSON of another shape",
            serde_json::error::Category::Eof => "cut short",
        };
        write!(
            f,
            "the stored JSON is not a {}: {kind} at line {} column {}",
            self.type_name,
            self.error.line(),
            self.error.column()
        )
    }
}

impl std::error::Error for UnreadableJson {}

impl<DB: Database, T> Type<DB> for JsonText<T>
where
    String: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: Database, T: DeserializeOwned> Decode<'r, DB> for JsonText<T>
where
    &'r str: Decode<'r, DB>,
{
    fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<DB>>::decode(value)?;
        serde_json::from_str(text).map(JsonText).map_err(|error| {
            UnreadableJson {
                type_name: std::any::type_name::<T>(),
                error,
            }
            .into()
        })
    }
}

impl<'q, DB: Database, T: Serialize> Encode<'q, DB> for JsonText<T>
where
    String: Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut <DB as Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        serde_json::to_string(&self.0)?.encode(buf)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use sqlx::{Connection as _, PgConnection, SqliteConnection};

    use super::*;

    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    struct Sheet {
        note: Option<String>,
        tags: Vec<String>,
    }

    /// One row of the test table, decoded as the stores decode theirs.
    #[derive(Debug, sqlx::FromRow)]
    struct Row {
        zone: TimeZone,
        sheet: JsonText<Sheet>,
        extra: Option<JsonText<BTreeMap<String, i64>>>,
    }

    const CREATE: &str =
        "CREATE TEMPORARY TABLE typed (id INTEGER, zone TEXT NOT NULL, sheet TEXT NOT NULL, extra TEXT)";
    const INSERT: &str = "INSERT INTO typed (id, zone, sheet, extra) VALUES ($1, $2, $3, $4)";
    const INSERT_RAW: &str = "INSERT INTO typed (id, zone, sheet) VALUES ($1, $2, $3)";
    const SELECT: &str = "SELECT zone, sheet, extra FROM typed WHERE id = $1";

    fn written() -> Row {
        Row {
            zone: TimeZone(chrono_tz::Asia::Yekaterinburg),
            sheet: JsonText(Sheet {
                note: Some("Мать «согласна»".into()),
                tags: vec!["a".into(), "b".into()],
            }),
            extra: Some(JsonText(BTreeMap::from([("count".into(), 3)]))),
        }
    }

    /// What each database returns for a written row, a corrupted zone, corrupted JSON
    /// and JSON of another shape.
    macro_rules! round_trip {
        ($conn:expr) => {{
            let conn = $conn;
            sqlx::query(CREATE).execute(&mut *conn).await.unwrap();
            let row = written();
            sqlx::query(INSERT)
                .bind(1)
                .bind(row.zone)
                .bind(&row.sheet)
                .bind(&row.extra)
                .execute(&mut *conn)
                .await
                .unwrap();
            let read: Row = sqlx::query_as(SELECT)
                .bind(1)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(read.zone, row.zone);
            assert_eq!(read.sheet, row.sheet);
            assert_eq!(read.extra, row.extra);
            let stored: String = sqlx::query_scalar("SELECT zone FROM typed WHERE id = 1")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(stored, "Asia/Yekaterinburg");

            for (id, zone, sheet, expected) in [
                (2, "Mars/Olympus", "{\"tags\":[]}", "Mars/Olympus"),
                (3, "UTC", "{\"tags\":[", "cut short"),
                (5, "UTC", "{\"tags\": Мать}", "not JSON"),
                (4, "UTC", "{\"tags\":\"Мать\"}", "JSON of another shape"),
            ] {
                sqlx::query(INSERT_RAW)
                    .bind(id)
                    .bind(zone)
                    .bind(sheet)
                    .execute(&mut *conn)
                    .await
                    .unwrap();
                let error = sqlx::query_as::<_, Row>(SELECT)
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                assert!(error.contains(expected), "row {id}: {error}");
                // Never the stored text itself: it may be personal data.
                assert!(!error.contains("Мать"), "row {id}: {error}");
            }
        }};
    }

    #[tokio::test]
    async fn time_zones_and_json_round_trip_on_sqlite_and_bad_values_are_errors() {
        // As every SQLite connection of the process does (Db::connect): SQLite takes its
        // allocator only before the first connection opens.
        crate::db::sqlite_memory::install();
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        round_trip!(&mut conn);
    }

    /// On PostgreSQL when the suite runs there (`scripts/test-all` sets the URL).
    #[tokio::test]
    async fn time_zones_and_json_round_trip_on_postgres_and_bad_values_are_errors() {
        let Some(url) = std::env::var("CASELINK_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            return;
        };
        let mut conn = PgConnection::connect(&url).await.unwrap();
        round_trip!(&mut conn);
    }

    #[test]
    fn a_time_zone_shows_its_iana_name() {
        let zone = TimeZone(chrono_tz::Europe::Moscow);
        assert_eq!(zone.name(), "Europe/Moscow");
        assert_eq!(zone.to_string(), "Europe/Moscow");
        assert_eq!(TimeZone::UTC.name(), "UTC");
    }
}
