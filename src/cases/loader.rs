//! Batches look-ups into one query per request: a page of 20 cases with their persons is
//! two queries, not twenty-one; a page of 20 handovers with their cases likewise.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use uuid::Uuid;

use super::model::{CaseRow, PersonRow};
use super::store;
use crate::access::Scope;
use crate::db::Db;

/// Loads the persons of cases by case id. Only resolvers that have checked FULL scope
/// call it.
pub struct PersonsLoader(pub Db);

impl Loader<Uuid> for PersonsLoader {
    type Value = Vec<PersonRow>;
    type Error = async_graphql::Error;

    async fn load(&self, case_ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<PersonRow>>, Self::Error> {
        let mut by_case: HashMap<Uuid, Vec<PersonRow>> = HashMap::new();
        for person in store::persons_of_cases(&self.0, case_ids).await? {
            by_case.entry(person.case_id).or_default().push(person);
        }
        Ok(by_case)
    }
}

/// Loads cases by id as one agency sees them (out of scope: absent), for records that
/// point at a case, such as a handover.
pub struct VisibleCasesLoader {
    /// The database.
    pub db: Db,
    /// The viewing agency (`None`: a hub administrator, who sees no case).
    pub agency: Option<Uuid>,
}

impl Loader<Uuid> for VisibleCasesLoader {
    type Value = (CaseRow, Scope);
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, (CaseRow, Scope)>, Self::Error> {
        let rows = store::get_visible_many(&self.db, self.agency, ids, crate::db::now()).await?;
        Ok(rows
            .into_iter()
            .map(|(case, scope)| (case.id, (case, scope)))
            .collect())
    }
}
