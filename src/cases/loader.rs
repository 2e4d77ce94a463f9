//! Batches look-ups into one query per request: a page of 20 cases with their persons is
//! two queries, not twenty-one; a page of 20 handovers with their cases likewise.
//!
//! Each key names the viewer who asks ([`ViewedCase`]), and the loaders read only what
//! that viewer may, in the SQL: no loader hands out a row for a caller to check.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use uuid::Uuid;

use super::model::{CaseRow, PersonRow};
use super::{reads, store};
use crate::access::{Caller, Scope, Viewer};
use crate::db::Db;

/// A case's id and the viewer asking for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ViewedCase {
    /// Who reads.
    pub viewer: Viewer,
    /// The case.
    pub case_id: Uuid,
}

/// The keys' case ids grouped by viewer (one viewer per request, in practice).
fn by_viewer(keys: &[ViewedCase]) -> HashMap<Viewer, Vec<Uuid>> {
    let mut groups: HashMap<Viewer, Vec<Uuid>> = HashMap::new();
    for key in keys {
        groups.entry(key.viewer).or_default().push(key.case_id);
    }
    groups
}

/// Loads the persons of cases the request's caller reads in FULL; other cases get none.
/// Made for one request: it reads as that request's caller, and notes what it loads on the
/// caller's read log ([`super::reads`]).
pub struct PersonsLoader {
    /// The database.
    pub db: Db,
    /// The request's caller; a key naming another viewer gets nothing.
    pub caller: Caller,
}

impl Loader<ViewedCase> for PersonsLoader {
    type Value = Vec<PersonRow>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[ViewedCase],
    ) -> Result<HashMap<ViewedCase, Vec<PersonRow>>, Self::Error> {
        let mut found: HashMap<ViewedCase, Vec<PersonRow>> = HashMap::new();
        let now = crate::db::now();
        let caller_viewer = self.caller.viewer()?;
        for (viewer, case_ids) in by_viewer(keys) {
            if viewer != caller_viewer {
                continue;
            }
            for person in reads::persons_of_cases(&self.db, &self.caller, &case_ids, now).await? {
                let key = ViewedCase {
                    viewer,
                    case_id: person.case_id,
                };
                found.entry(key).or_default().push(person);
            }
        }
        Ok(found)
    }
}

/// Loads cases by id as a viewer sees them (out of scope: absent), for records that point
/// at a case, such as a handover.
pub struct VisibleCasesLoader {
    /// The database.
    pub db: Db,
    /// The agency of the request's viewer (`None`: a hub administrator, who sees no case).
    /// A key naming another agency's viewer gets nothing: a loader made for one request
    /// never reads as anyone else.
    pub agency: Option<Uuid>,
}

impl Loader<ViewedCase> for VisibleCasesLoader {
    type Value = (CaseRow, Scope);
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[ViewedCase],
    ) -> Result<HashMap<ViewedCase, (CaseRow, Scope)>, Self::Error> {
        let mut found = HashMap::new();
        let now = crate::db::now();
        for (viewer, ids) in by_viewer(keys) {
            if viewer.agency_id != self.agency {
                continue;
            }
            for (case, scope) in store::get_visible_many(&self.db, viewer, &ids, now).await? {
                let key = ViewedCase {
                    viewer,
                    case_id: case.id,
                };
                found.insert(key, (case, scope));
            }
        }
        Ok(found)
    }
}
