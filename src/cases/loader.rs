//! Batches the people of many cases into one query per request: a page of 20 cases with
//! their persons is two queries, not twenty-one.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use uuid::Uuid;

use super::model::PersonRow;
use super::store;
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
