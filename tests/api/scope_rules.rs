//! One set of scope rules: the Rust rule ([`scope_of`], [`Viewer::cap`]) and the SQL that
//! decides in every query ([`sql::scope_rank`]) agree on one table of participations,
//! built in the database and asked of both.

use chrono::{Duration, Utc};
use uuid::Uuid;

use caselink::access::participation::{scope_of, Participation, ParticipationKind};
use caselink::access::sql::{self, ViewerParams};
use caselink::access::store::scope_of_rank;
use caselink::access::{Scope, Viewer};

use crate::handovers::handover_hub;

/// One participation to store: its scope, and when it was revoked and runs out, in hours
/// from now (negative: in the past).
#[derive(Clone, Copy, Debug)]
struct Grant {
    scope: Scope,
    revoked_in_hours: Option<i64>,
    expires_in_hours: Option<i64>,
}

fn grants() -> Vec<Vec<Grant>> {
    let times = [None, Some(-5), Some(5)];
    let mut table = Vec::new();
    // Every single participation: each scope, revoked never / before / "after" now,
    // running out never / before / after now.
    for scope in [Scope::Full, Scope::Summary] {
        for revoked in times {
            for expires in times {
                table.push(vec![Grant {
                    scope,
                    revoked_in_hours: revoked,
                    expires_in_hours: expires,
                }]);
            }
        }
    }
    // Two at once: the widest active one counts.
    let live = |scope| Grant {
        scope,
        revoked_in_hours: None,
        expires_in_hours: None,
    };
    let lapsed_full = Grant {
        expires_in_hours: Some(-1),
        ..live(Scope::Full)
    };
    let full_revoked_later = Grant {
        revoked_in_hours: Some(24),
        ..live(Scope::Full)
    };
    let full_for_a_month = Grant {
        expires_in_hours: Some(24 * 30),
        ..live(Scope::Full)
    };
    table.push(vec![live(Scope::Summary), lapsed_full]);
    table.push(vec![live(Scope::Summary), full_revoked_later]);
    table.push(vec![live(Scope::Summary), full_for_a_month]);
    table.push(vec![live(Scope::Summary), live(Scope::Full)]);
    table.push(Vec::new());
    table
}

#[tokio::test]
async fn the_rust_rule_and_the_sql_agree_on_every_participation() {
    let h = handover_hub().await;
    let app = h.app();
    let case_id: Uuid = h.case.parse().expect("a case id");
    let now = caselink::db::now();
    let rank_sql = format!(
        "SELECT {} AS scope_rank",
        sql::scope_rank("$4", ViewerParams::from(1))
    );
    let mut checks = 0;
    for (row, grants) in grants().into_iter().enumerate() {
        let agency: Uuid = app
            .create_agency(&h.hub.admin, &format!("Агентство {row}"), "NGO")
            .await
            .parse()
            .expect("an agency id");
        for grant in &grants {
            let at = |hours: Option<i64>| hours.map(|h| now + Duration::hours(h));
            let insert = "INSERT INTO participations (id, case_id, agency_id, kind, scope, \
                          granted_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
            caselink::with_db!(&app.db, |pool| sqlx::query(insert)
                .bind(Uuid::now_v7())
                .bind(case_id)
                .bind(agency)
                .bind(ParticipationKind::MrgMember.as_str())
                .bind(grant.scope.as_str())
                .bind(now - Duration::days(1))
                .bind(at(grant.expires_in_hours))
                .bind(at(grant.revoked_in_hours))
                .execute(pool)
                .await
                .map(|_| ()))
            .expect("store the participation");
        }
        // The Rust rule reads the stored rows back, as the service would hold them.
        type Stored = (
            String,
            Option<chrono::DateTime<Utc>>,
            Option<chrono::DateTime<Utc>>,
        );
        let stored: Vec<Stored> = caselink::with_db!(&app.db, |pool| sqlx::query_as(
            "SELECT scope, expires_at, revoked_at FROM participations WHERE agency_id = $1"
        )
        .bind(agency)
        .fetch_all(pool)
        .await)
        .expect("read the participations");
        let participations: Vec<Participation> = stored
            .into_iter()
            .map(|(scope, expires_at, revoked_at)| Participation {
                agency_id: agency,
                kind: ParticipationKind::MrgMember,
                scope: if scope == "FULL" {
                    Scope::Full
                } else {
                    Scope::Summary
                },
                expires_at,
                revoked_at,
            })
            .collect();
        for ceiling in [Scope::Full, Scope::Summary] {
            let viewer = Viewer {
                agency_id: Some(agency),
                ceiling,
            };
            let rust = viewer.cap(scope_of(&participations, agency, now));
            let rank: Option<i32> =
                caselink::with_db!(&app.db, |pool| sqlx::query_scalar(&rank_sql)
                    .bind(viewer.agency_id)
                    .bind(now)
                    .bind(viewer.ceiling_rank())
                    .bind(case_id)
                    .fetch_one(pool)
                    .await)
                .expect("ask the SQL");
            assert_eq!(
                rust,
                scope_of_rank(rank),
                "row {row}, ceiling {ceiling:?}: {grants:?}"
            );
            checks += 1;
        }
    }
    println!("scope rules: {checks} checks, Rust and SQL agree");
    assert_eq!(checks, grants().len() * 2);
}
