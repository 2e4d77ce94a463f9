//! The fields of `Case` a lean page writes itself ([`crate::graphql::lean`]): the
//! headline's own columns, each converted as its `#[Object]` resolver's type converts it.

use async_graphql::{InputType, Value};

use super::{id, CaseNode};
use crate::graphql::lean::PlainFields;

impl PlainFields for CaseNode {
    const PLAIN_FIELDS: &'static [&'static str] = &[
        "id",
        "journalNumber",
        "scope",
        "status",
        "openedAt",
        "decisionDueAt",
        "nextMonitoringAt",
        "nextDeadline",
        "monitoringOverdue",
    ];

    fn plain_field(&self, name: &str) -> Value {
        let headline = &self.headline;
        match name {
            "id" => id(headline.id).to_value(),
            "journalNumber" => Value::String(headline.journal_no.clone()),
            "scope" => self.scope.to_value(),
            "status" => headline.status.to_value(),
            "openedAt" => headline.opened_at.to_value(),
            "decisionDueAt" => headline.decision_due_at.to_value(),
            "nextMonitoringAt" => headline.next_monitoring_at.to_value(),
            "nextDeadline" => headline.next_deadline().to_value(),
            "monitoringOverdue" => headline.monitoring_overdue(crate::db::now()).to_value(),
            // Not a plain field: the lean page never asks (its selection is checked
            // against `PLAIN_FIELDS` first).
            _ => Value::Null,
        }
    }
}
