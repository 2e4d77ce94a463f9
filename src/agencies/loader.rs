//! Batches agency look-ups from nested fields (`User.agency`) into one query per request.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use uuid::Uuid;

use super::{store, AgencyRow};
use crate::db::Db;

/// Loads agencies by id, many at a time.
pub struct AgencyLoader(pub Db);

impl Loader<Uuid> for AgencyLoader {
    type Value = AgencyRow;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, AgencyRow>, Self::Error> {
        let rows = store::get_many(&self.0, keys).await?;
        Ok(rows.into_iter().map(|row| (row.id, row)).collect())
    }
}
