//! SQL for the MRG. Reads take the viewer ([`Seer`]) and filter in SQL with the
//! fragments of [`crate::access::mrg`]: a group and its meetings exist only for its
//! member agencies, full minutes only for its chair and secretary, extracts only for the
//! case's lead and the agencies answering for its recommendations, and recommendations
//! only for their agency, the group's officers and agencies reading the case in FULL.
//! Everyone else finds nothing: `NOT_FOUND`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::*;
use crate::access::mrg::{extract_visible, group_officer, group_visible};
use crate::access::{Actor, Viewer};
use crate::db::list_query::{Direction, ListQuery};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::{with_db, with_tx};

/// Who reads: the viewer (agency, ceiling), its user, and when.
#[derive(Clone, Copy, Debug)]
pub struct Seer {
    pub viewer: Viewer,
    pub user: Uuid,
    pub now: DateTime<Utc>,
}

impl Seer {
    /// The actor reading at `now`.
    pub fn of(actor: &Actor, now: DateTime<Utc>) -> Seer {
        Seer {
            viewer: actor.viewer(),
            user: actor.user_id,
            now,
        }
    }

    /// The values [`seen!`] binds, for a list statement that starts with them.
    pub fn params(&self) -> Vec<crate::db::list_query::Param> {
        vec![
            self.viewer.agency_id.into(),
            self.now.into(),
            self.viewer.ceiling_rank().into(),
            self.user.into(),
        ]
    }
}

/// Binds a [`Seer`] at `$1..$4`.
macro_rules! seen {
    ($q:expr, $s:expr) => {
        $q.bind($s.viewer.agency_id)
            .bind($s.now)
            .bind($s.viewer.ceiling_rank())
            .bind($s.user)
    };
}

mod actions;
mod attachments;
mod recommendations;

pub use actions::*;
pub use attachments::*;
pub use recommendations::*;

async fn exec(tx: &mut Tx, q: &str, f: impl FnOnce(Binder) -> Binder) -> AppResult<u64> {
    let binder = f(Binder::default());
    with_tx!(tx, |conn| {
        let mut query = sqlx::query(q);
        for v in &binder.0 {
            query = match v {
                Val::Uuid(x) => query.bind(*x),
                Val::Text(x) => query.bind(x.clone()),
                Val::Time(x) => query.bind(*x),
                Val::Date(x) => query.bind(*x),
                Val::Int(x) => query.bind(*x),
                Val::Bool(x) => query.bind(*x),
            };
        }
        query.execute(conn).await.map(|r| r.rows_affected())
    })
    .map_err(AppError::from)
}

/// Values for [`exec`], in order.
#[derive(Default)]
struct Binder(Vec<Val>);

enum Val {
    Uuid(Option<Uuid>),
    Text(Option<String>),
    Time(Option<DateTime<Utc>>),
    Date(Option<chrono::NaiveDate>),
    Int(i32),
    Bool(Option<bool>),
}

impl Binder {
    fn id(mut self, v: impl Into<Option<Uuid>>) -> Binder {
        self.0.push(Val::Uuid(v.into()));
        self
    }
    fn text(mut self, v: Option<&str>) -> Binder {
        self.0.push(Val::Text(v.map(str::to_owned)));
        self
    }
    fn time(mut self, v: impl Into<Option<DateTime<Utc>>>) -> Binder {
        self.0.push(Val::Time(v.into()));
        self
    }
    fn date(mut self, v: chrono::NaiveDate) -> Binder {
        self.0.push(Val::Date(Some(v)));
        self
    }
    fn int(mut self, v: i32) -> Binder {
        self.0.push(Val::Int(v));
        self
    }
    fn flag(mut self, v: impl Into<Option<bool>>) -> Binder {
        self.0.push(Val::Bool(v.into()));
        self
    }
}

// ---- groups ---------------------------------------------------------------------------

const GROUP_COLUMNS: &str =
    "g.id, g.name, g.territory, g.agency_id, g.created_by_user_id, g.created_at";

/// Writes a new group.
pub async fn insert_group(tx: &mut Tx, g: &GroupRow) -> AppResult<()> {
    const SQL: &str = "INSERT INTO mrg_groups (id, name, territory, agency_id, created_by_user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
    exec(tx, SQL, |b| {
        b.id(g.id)
            .text(Some(&g.name))
            .text(Some(&g.territory))
            .id(g.agency_id)
            .id(g.created_by_user_id)
            .time(g.created_at)
    })
    .await?;
    Ok(())
}

/// Adds a member (`CONFLICT` when the user is one already).
pub async fn insert_member(tx: &mut Tx, m: &MemberRow) -> AppResult<()> {
    const SQL: &str = "INSERT INTO mrg_group_members (id, group_id, user_id, agency_id, role, added_at) VALUES ($1, $2, $3, $4, $5, $6)";
    exec(tx, SQL, |b| {
        b.id(m.id)
            .id(m.group_id)
            .id(m.user_id)
            .id(m.agency_id)
            .text(Some(m.role.as_str()))
            .time(m.added_at)
    })
    .await?;
    Ok(())
}

/// Adds an external participant.
pub async fn insert_external(tx: &mut Tx, e: &ExternalRow) -> AppResult<()> {
    const SQL: &str = "INSERT INTO mrg_external_participants (id, group_id, full_name, organisation, position, added_at) VALUES ($1, $2, $3, $4, $5, $6)";
    exec(tx, SQL, |b| {
        b.id(e.id)
            .id(e.group_id)
            .text(Some(&e.full_name))
            .text(Some(&e.organisation))
            .text(Some(&e.position))
            .time(e.added_at)
    })
    .await?;
    Ok(())
}

/// A group the viewer's agency is a member of, or `NOT_FOUND`.
pub async fn get_group(db: &Db, s: Seer, id: Uuid) -> AppResult<GroupRow> {
    let sql = format!(
        "SELECT {GROUP_COLUMNS} FROM mrg_groups g WHERE g.id = $5 AND {}",
        group_visible("g.id")
    );
    with_db!(db, |pool| seen!(sqlx::query_as(&sql), s)
        .bind(id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("working group"))
}

/// The groups the viewer's agency is a member of, by name.
pub async fn list_groups(db: &Db, s: Seer) -> AppResult<Vec<GroupRow>> {
    let sql = format!(
        "SELECT {GROUP_COLUMNS} FROM mrg_groups g WHERE {} ORDER BY g.name, g.id LIMIT 100",
        group_visible("g.id")
    );
    Ok(with_db!(db, |pool| seen!(sqlx::query_as(&sql), s)
        .fetch_all(pool)
        .await)?)
}

/// The role of `user` in group `group`, if a member.
pub async fn member_role(tx: &mut Tx, group: Uuid, user: Uuid) -> AppResult<Option<MrgRole>> {
    const SQL: &str = "SELECT role FROM mrg_group_members WHERE group_id = $1 AND user_id = $2";
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(SQL)
        .bind(group)
        .bind(user)
        .fetch_optional(conn)
        .await)?)
}

/// The role of `user` in group `group`, if a member (outside a transaction).
pub async fn member_role_in(db: &Db, group: Uuid, user: Uuid) -> AppResult<Option<MrgRole>> {
    const SQL: &str = "SELECT role FROM mrg_group_members WHERE group_id = $1 AND user_id = $2";
    Ok(with_db!(db, |pool| sqlx::query_scalar(SQL)
        .bind(group)
        .bind(user)
        .fetch_optional(pool)
        .await)?)
}

/// The group's member agencies.
pub async fn group_agencies(tx: &mut Tx, group: Uuid) -> AppResult<Vec<Uuid>> {
    const SQL: &str = "SELECT DISTINCT agency_id FROM mrg_group_members WHERE group_id = $1";
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(SQL)
        .bind(group)
        .fetch_all(conn)
        .await)?)
}

/// The group's members, chair and secretary first. Only for a group the caller sees.
pub async fn members(db: &Db, group: Uuid) -> AppResult<Vec<MemberRow>> {
    const SQL: &str = "
        SELECT m.id, m.group_id, m.user_id, m.agency_id, m.role, m.added_at, u.name
        FROM mrg_group_members m JOIN users u ON u.id = m.user_id
        WHERE m.group_id = $1
        ORDER BY CASE m.role WHEN 'CHAIR' THEN 0 WHEN 'SECRETARY' THEN 1 ELSE 2 END, u.name, m.id";
    Ok(with_db!(db, |pool| sqlx::query_as(SQL)
        .bind(group)
        .fetch_all(pool)
        .await)?)
}

/// The group's external participants, by name. Only for a group the caller sees.
pub async fn externals(db: &Db, group: Uuid) -> AppResult<Vec<ExternalRow>> {
    const SQL: &str = "
        SELECT id, group_id, full_name, organisation, position, added_at
        FROM mrg_external_participants WHERE group_id = $1 ORDER BY full_name, id";
    Ok(with_db!(db, |pool| sqlx::query_as(SQL)
        .bind(group)
        .fetch_all(pool)
        .await)?)
}

// ---- submissions ----------------------------------------------------------------------

const SUBMISSION_COLUMNS: &str = "s.id, s.group_id, s.case_id, s.lead_agency_id,
    s.submitted_by_user_id, s.question, s.needs, s.capacity, s.resources, s.status,
    s.meeting_id, s.submitted_at";

/// Writes a new submission.
pub async fn insert_submission(tx: &mut Tx, s: &SubmissionRow) -> AppResult<()> {
    const SQL: &str = "INSERT INTO mrg_submissions (id, group_id, case_id, lead_agency_id, submitted_by_user_id, question, needs, capacity, resources, status, meeting_id, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11)";
    exec(tx, SQL, |b| {
        b.id(s.id)
            .id(s.group_id)
            .id(s.case_id)
            .id(s.lead_agency_id)
            .id(s.submitted_by_user_id)
            .text(s.question.as_deref())
            .text(s.needs.as_deref())
            .text(s.capacity.as_deref())
            .text(s.resources.as_deref())
            .text(Some(s.status.as_str()))
            .time(s.submitted_at)
    })
    .await?;
    Ok(())
}

/// The submissions of a group the viewer reads: all of them for its chair and secretary,
/// its own for a lead agency; waiting ones first, then newest.
pub async fn submissions(db: &Db, s: Seer, group: Uuid) -> AppResult<Vec<SubmissionRow>> {
    let sql = format!(
        "SELECT {SUBMISSION_COLUMNS} FROM mrg_submissions s WHERE s.group_id = $5 \
         AND ($3 = 2 AND (s.lead_agency_id = $1 OR {})) \
         ORDER BY CASE s.status WHEN 'SUBMITTED' THEN 0 ELSE 1 END, s.submitted_at DESC, s.id LIMIT 200",
        group_officer("s.group_id")
    );
    Ok(with_db!(db, |pool| seen!(sqlx::query_as(&sql), s)
        .bind(group)
        .fetch_all(pool)
        .await)?)
}

/// A waiting submission of group `group`, inside a transaction; `NOT_FOUND` otherwise.
pub async fn waiting_submission(tx: &mut Tx, group: Uuid, id: Uuid) -> AppResult<SubmissionRow> {
    let sql = format!(
        "SELECT {SUBMISSION_COLUMNS} FROM mrg_submissions s \
         WHERE s.id = $1 AND s.group_id = $2 AND s.status = 'SUBMITTED'"
    );
    with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .bind(group)
        .fetch_optional(conn)
        .await)?
    .ok_or_else(|| AppError::bad_input("submissionId", "no waiting submission of this group"))
}

/// Marks a submission as on a meeting's agenda.
pub async fn submission_on_agenda(tx: &mut Tx, id: Uuid, meeting: Uuid) -> AppResult<()> {
    const SQL: &str = "UPDATE mrg_submissions SET status = 'ON_AGENDA', meeting_id = $2 WHERE id = $1 AND status = 'SUBMITTED'";
    let n = exec(tx, SQL, |b| b.id(id).id(meeting)).await?;
    if n == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "the submission was put on an agenda a moment ago".into(),
        ))
    }
}

// ---- meetings -------------------------------------------------------------------------

/// Writes a new meeting.
pub async fn insert_meeting(tx: &mut Tx, m: &MeetingRow) -> AppResult<()> {
    const SQL: &str = "INSERT INTO mrg_meetings (id, group_id, journal_no, starts_at, place, remote_link, kind, format, family_attends, minutes_status, approved_at, approved_by_user_id, created_by_user_id, created_at, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, $11, $12, 1, $12)";
    exec(tx, SQL, |b| {
        b.id(m.id)
            .id(m.group_id)
            .text(Some(&m.journal_no))
            .time(m.starts_at)
            .text(m.place.as_deref())
            .text(m.remote_link.as_deref())
            .text(Some(m.kind.as_str()))
            .text(Some(m.format.as_str()))
            .flag(m.family_attends)
            .text(Some(m.minutes_status.as_str()))
            .id(m.created_by_user_id)
            .time(m.created_at)
    })
    .await?;
    Ok(())
}

/// A meeting of a group the viewer's agency is a member of, or `NOT_FOUND`.
pub async fn get_meeting(db: &Db, s: Seer, id: Uuid) -> AppResult<MeetingRow> {
    let sql = format!(
        "SELECT {MEETING_COLUMNS} FROM mrg_meetings m WHERE m.id = $5 AND {}",
        group_visible("m.group_id")
    );
    with_db!(db, |pool| seen!(sqlx::query_as(&sql), s)
        .bind(id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("meeting"))
}

/// The same inside a transaction, locked for update on PostgreSQL.
pub async fn get_meeting_for_update(tx: &mut Tx, s: Seer, id: Uuid) -> AppResult<MeetingRow> {
    let lock = crate::db::dialect::for_update(tx);
    let sql = format!(
        "SELECT {MEETING_COLUMNS} FROM mrg_meetings m WHERE m.id = $5 AND {}{lock}",
        group_visible("m.group_id")
    );
    with_tx!(tx, |conn| seen!(sqlx::query_as(&sql), s)
        .bind(id)
        .fetch_optional(conn)
        .await)?
    .ok_or(AppError::NotFound("meeting"))
}

/// A meeting as a list shows it: the row and the reader's own role in its group.
#[derive(sqlx::FromRow)]
pub struct ListedMeeting {
    #[sqlx(flatten)]
    pub meeting: MeetingRow,
    /// The reader's role in the meeting's group, if a member in person.
    pub role: Option<MrgRole>,
}

/// One page of the meetings of the groups the viewer's agency is a member of (of one
/// group if given), latest first, before the `(starts_at, id)` keyset, each with the
/// reader's role in its group (one statement, not one more per meeting). Only the filter
/// given appears in the text ([`ListQuery`]); the keyset seeks in `mrg_meetings_by_start`
/// or, for one group, `mrg_meetings_by_group`.
pub async fn list_meetings(
    db: &Db,
    s: Seer,
    group: Option<Uuid>,
    before: Option<&(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> AppResult<Vec<ListedMeeting>> {
    meetings_query(s, group, before, limit).fetch_all(db).await
}

fn meetings_query(
    s: Seer,
    group: Option<Uuid>,
    before: Option<&(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> ListQuery {
    let mut q = ListQuery::with_params(s.params());
    q.push(&format!(
        "SELECT {MEETING_COLUMNS}, me.role AS role FROM mrg_meetings m \
         LEFT JOIN mrg_group_members me ON me.group_id = m.group_id AND me.user_id = $4 \
         WHERE {}",
        group_visible("m.group_id")
    ));
    q.and_eq("m.group_id", group)
        .keyset(
            Direction::Descending,
            ("m.starts_at", "m.id"),
            before.copied(),
        )
        .push(" ORDER BY m.starts_at DESC, m.id DESC")
        .limit(limit);
    q
}

/// The group's meeting before `at`, if any (its start).
pub async fn previous_meeting(
    db: &Db,
    group: Uuid,
    at: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    const SQL: &str =
        "SELECT MAX(starts_at) FROM mrg_meetings WHERE group_id = $1 AND starts_at < $2";
    Ok(with_db!(db, |pool| sqlx::query_scalar(SQL)
        .bind(group)
        .bind(at)
        .fetch_one(pool)
        .await)?)
}

/// Approves a meeting's minutes if still a draft; `CONFLICT` otherwise.
pub async fn approve_meeting(tx: &mut Tx, m: &MeetingRow) -> AppResult<()> {
    const SQL: &str = "UPDATE mrg_meetings SET minutes_status = 'APPROVED', approved_at = $2, approved_by_user_id = $3, version = version + 1, updated_at = $2 WHERE id = $1 AND minutes_status = 'DRAFT'";
    let n = exec(tx, SQL, |b| {
        b.id(m.id).time(m.approved_at).id(m.approved_by_user_id)
    })
    .await?;
    if n != 1 {
        return Err(AppError::Conflict(
            "the minutes were approved a moment ago".into(),
        ));
    }
    const RECS: &str =
        "UPDATE mrg_recommendations SET approved = TRUE, updated_at = $2 WHERE meeting_id = $1";
    exec(tx, RECS, |b| b.id(m.id).time(m.approved_at)).await?;
    Ok(())
}

// ---- agenda items ---------------------------------------------------------------------

/// Writes a new agenda item (empty minutes).
pub async fn insert_item(tx: &mut Tx, i: &ItemRow) -> AppResult<()> {
    const SQL: &str = "INSERT INTO mrg_agenda_items (id, meeting_id, position, case_id, submission_id, lead_agency_id, topic, information, services, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, '[]', '[]', 1, $8)";
    exec(tx, SQL, |b| {
        b.id(i.id)
            .id(i.meeting_id)
            .int(i.position)
            .id(i.case_id)
            .id(i.submission_id)
            .id(i.lead_agency_id)
            .text(i.topic.as_deref())
            .time(i.updated_at)
    })
    .await?;
    Ok(())
}

/// A meeting's agenda items in order, with their minutes. Only for a meeting the caller
/// may read in full (the service decides; callers of other kinds use [`extract_items`]).
pub async fn items_of(db: &Db, meeting: Uuid) -> AppResult<Vec<ItemRow>> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM mrg_agenda_items i WHERE i.meeting_id = $1 ORDER BY i.position, i.id"
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(meeting)
        .fetch_all(pool)
        .await)?)
}

/// The agenda (items without minutes: case, lead, topic) of a meeting the viewer sees.
pub async fn agenda_of(db: &Db, s: Seer, meeting: Uuid) -> AppResult<Vec<ItemRow>> {
    let sql = format!(
        "SELECT i.id, i.meeting_id, i.position, i.case_id, i.submission_id, i.lead_agency_id, \
           i.topic, '[]' AS information, NULL AS child_opinion, NULL AS child_not_heard_reason, \
           NULL AS family_participated, NULL AS family_position, '[]' AS services, \
           NULL AS long_term_goal, NULL AS decision, i.version, i.updated_at, i.updated_by_user_id \
         FROM mrg_agenda_items i JOIN mrg_meetings m ON m.id = i.meeting_id \
         WHERE i.meeting_id = $5 AND {} ORDER BY i.position, i.id",
        group_visible("m.group_id")
    );
    Ok(with_db!(db, |pool| seen!(sqlx::query_as(&sql), s)
        .bind(meeting)
        .fetch_all(pool)
        .await)?)
}

/// The items of a meeting whose extract the viewer reads (see [`extract_visible`]).
pub async fn extract_items(db: &Db, s: Seer, meeting: Uuid) -> AppResult<Vec<ItemRow>> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM mrg_agenda_items i JOIN mrg_meetings m ON m.id = i.meeting_id \
         WHERE i.meeting_id = $5 AND {} AND {} ORDER BY i.position, i.id",
        group_visible("m.group_id"),
        extract_visible()
    );
    Ok(with_db!(db, |pool| seen!(sqlx::query_as(&sql), s)
        .bind(meeting)
        .fetch_all(pool)
        .await)?)
}

/// An item of a meeting, inside a transaction.
pub async fn get_item_in(tx: &mut Tx, meeting: Uuid, id: Uuid) -> AppResult<ItemRow> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM mrg_agenda_items i WHERE i.id = $1 AND i.meeting_id = $2"
    );
    with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .bind(meeting)
        .fetch_optional(conn)
        .await)?
    .ok_or(AppError::NotFound("agenda item"))
}

/// The meeting an item belongs to.
pub async fn meeting_of_item(db: &Db, item: Uuid) -> AppResult<Uuid> {
    const SQL: &str = "SELECT meeting_id FROM mrg_agenda_items WHERE id = $1";
    with_db!(db, |pool| sqlx::query_scalar(SQL)
        .bind(item)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("agenda item"))
}

/// The number of items on a meeting's agenda.
pub async fn item_count(tx: &mut Tx, meeting: Uuid) -> AppResult<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM mrg_agenda_items WHERE meeting_id = $1";
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(SQL)
        .bind(meeting)
        .fetch_one(conn)
        .await)?)
}

/// Saves an item's minutes if its version is still `expected`; `CONFLICT` when someone
/// saved it meanwhile.
pub async fn save_item(tx: &mut Tx, i: &ItemRow, expected: i32) -> AppResult<()> {
    const SQL: &str = "UPDATE mrg_agenda_items SET information = $3, child_opinion = $4, child_not_heard_reason = $5, family_participated = $6, family_position = $7, services = $8, long_term_goal = $9, decision = $10, version = version + 1, updated_at = $11, updated_by_user_id = $12 WHERE id = $1 AND version = $2";
    let n = exec(tx, SQL, |b| {
        b.id(i.id)
            .int(expected)
            .text(Some(&i.information))
            .text(i.child_opinion.as_deref())
            .text(i.child_not_heard_reason.as_deref())
            .flag(i.family_participated)
            .text(i.family_position.as_deref())
            .text(Some(&i.services))
            .text(i.long_term_goal.map(LongTermGoal::as_str))
            .text(i.decision.as_deref())
            .time(i.updated_at)
            .id(i.updated_by_user_id)
    })
    .await?;
    if n == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "someone else saved these minutes meanwhile: reload and edit again".into(),
        ))
    }
}

// ---- attendance -----------------------------------------------------------------------

/// Replaces a meeting's attendance.
pub async fn replace_attendance(
    tx: &mut Tx,
    meeting: Uuid,
    rows: &[AttendanceRow],
) -> AppResult<()> {
    exec(
        tx,
        "DELETE FROM mrg_attendance WHERE meeting_id = $1",
        |b| b.id(meeting),
    )
    .await?;
    const SQL: &str = "INSERT INTO mrg_attendance (id, meeting_id, position, user_id, agency_id, external_participant_id, full_name, organisation, position_title) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    for a in rows {
        exec(tx, SQL, |b| {
            b.id(a.id)
                .id(meeting)
                .int(a.position)
                .id(a.user_id)
                .id(a.agency_id)
                .id(a.external_participant_id)
                .text(Some(&a.full_name))
                .text(Some(&a.organisation))
                .text(a.position_title.as_deref())
        })
        .await?;
    }
    Ok(())
}

/// A meeting's attendance in order. Only for a meeting the caller sees.
pub async fn attendance_of(db: &Db, meeting: Uuid) -> AppResult<Vec<AttendanceRow>> {
    const SQL: &str = "SELECT id, meeting_id, position, user_id, agency_id, external_participant_id, full_name, organisation, position_title FROM mrg_attendance WHERE meeting_id = $1 ORDER BY position, id";
    Ok(with_db!(db, |pool| sqlx::query_as(SQL)
        .bind(meeting)
        .fetch_all(pool)
        .await)?)
}

// ---- amendments -----------------------------------------------------------------------

/// Adds an amendment.
pub async fn insert_amendment(tx: &mut Tx, a: &AmendmentRow) -> AppResult<()> {
    const SQL: &str = "INSERT INTO mrg_amendments (id, meeting_id, item_id, author_user_id, reason, text, amended_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    exec(tx, SQL, |b| {
        b.id(a.id)
            .id(a.meeting_id)
            .id(a.item_id)
            .id(a.author_user_id)
            .text(Some(&a.reason))
            .text(Some(&a.text))
            .time(a.amended_at)
    })
    .await?;
    Ok(())
}

/// A meeting's amendments, oldest first. Only for a caller reading the full minutes.
pub async fn amendments_of(db: &Db, meeting: Uuid) -> AppResult<Vec<AmendmentRow>> {
    const SQL: &str = "SELECT id, meeting_id, item_id, author_user_id, reason, text, amended_at FROM mrg_amendments WHERE meeting_id = $1 ORDER BY amended_at, id";
    Ok(with_db!(db, |pool| sqlx::query_as(SQL)
        .bind(meeting)
        .fetch_all(pool)
        .await)?)
}

/// The amendments of items, oldest first. Only for items the caller reads.
pub async fn amendments_of_items(db: &Db, items: &[Uuid]) -> AppResult<Vec<AmendmentRow>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = ListQuery::new();
    let list: Vec<String> = items.iter().map(|i| q.param(*i)).collect();
    q.push(&format!(
        "SELECT id, meeting_id, item_id, author_user_id, reason, text, amended_at FROM mrg_amendments WHERE item_id IN ({}) ORDER BY amended_at, id",
        list.join(", ")
    ));
    q.fetch_all(db).await
}

// ---- participations -------------------------------------------------------------------

/// The group's member agencies that hold no active MRG participation on `case` and do
/// not lead it: those the agenda grants the case's summary to.
pub async fn agencies_to_grant(
    tx: &mut Tx,
    group: Uuid,
    case: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    let sql = format!(
        "SELECT DISTINCT gm.agency_id FROM mrg_group_members gm \
         WHERE gm.group_id = $1 AND NOT EXISTS (SELECT 1 FROM participations p \
           WHERE p.case_id = $2 AND p.agency_id = gm.agency_id \
             AND p.kind IN ('MRG_MEMBER', 'LEAD') AND {})",
        crate::access::sql::participation_active("p", 3)
    );
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(&sql)
        .bind(group)
        .bind(case)
        .bind(now)
        .fetch_all(conn)
        .await)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Scope;
    use crate::db::query_plans::assert_sqlite_seeks;

    /// The meetings list walks an index in its order from the cursor, with the group
    /// given or not, instead of sorting every meeting of the hub for each page.
    #[tokio::test]
    async fn the_meetings_list_seeks_its_keyset_in_an_index() {
        let s = Seer {
            viewer: Viewer {
                agency_id: Some(Uuid::now_v7()),
                ceiling: Scope::Full,
            },
            user: Uuid::now_v7(),
            now: Utc::now(),
        };
        let cursor = (Utc::now(), Uuid::now_v7());
        let all = [
            meetings_query(s, None, None, 21),
            meetings_query(s, None, Some(&cursor), 21),
        ];
        assert_sqlite_seeks("mrg_meetings_by_start", &all).await;
        let group = Uuid::now_v7();
        let one = [
            meetings_query(s, Some(group), None, 21),
            meetings_query(s, Some(group), Some(&cursor), 21),
        ];
        assert_sqlite_seeks("mrg_meetings_by_group", &one).await;
    }
}
