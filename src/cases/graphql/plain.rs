//! The fields of `Case` a lean page writes itself ([`crate::graphql::lean`]): the
//! headline's own columns, each converted as its `#[Object]` resolver's type converts it,
//! and the case's people (`persons`), read for the whole page in one statement behind the
//! same gate, noting the same reads, as [`CaseNode`]'s `persons` resolver.

use std::collections::HashMap;

use async_graphql::{ContextSelectionSet, InputType, Value};
use uuid::Uuid;

use super::{id, CaseNode, CasePerson};
use crate::cases::reads;
use crate::graphql::lean::{PlainFields, PlainItem};
use crate::graphql::ContextExt;

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

    const ITEM_LIST: Option<&'static str> = Some("persons");
    type Item = CasePerson;

    /// The people of the page's cases, in one statement: for each case whose personal
    /// gate opens for the caller (FULL scope, the read noted, as `persons` notes it) its
    /// people in the statement's order, which is the resolver's; null for the others.
    async fn item_lists<'a>(
        ctx: &'a ContextSelectionSet<'a>,
        nodes: Vec<&'a Self>,
    ) -> Option<Vec<Option<Vec<CasePerson>>>> {
        let (caller, db) = (ctx.caller(), &ctx.state().db);
        let opened: Vec<Option<Uuid>> = nodes
            .iter()
            .map(|node| node.personal_gate.open(caller).map(|_| node.headline.id))
            .collect();
        let case_ids: Vec<Uuid> = opened.iter().flatten().copied().collect();
        let rows = reads::persons_of_cases(db, caller, &case_ids, crate::db::now())
            .await
            .ok()?;
        let mut people: HashMap<Uuid, Vec<CasePerson>> = HashMap::with_capacity(case_ids.len());
        for row in rows {
            let case_id = row.case_id;
            people
                .entry(case_id)
                .or_default()
                .push(CasePerson::from(row));
        }
        // A page lists each case once, so each case's people are taken once.
        Some(
            opened
                .iter()
                .map(|case| case.map(|id| people.remove(&id).unwrap_or_default()))
                .collect(),
        )
    }
}

impl PlainItem for CasePerson {
    const TYPE_NAME: &'static str = "CasePerson";
    const PLAIN_FIELDS: &'static [&'static str] = &[
        "id",
        "role",
        "fullName",
        "birthDate",
        "phone",
        "registeredAddress",
        "actualAddress",
        "stance",
        "notes",
    ];

    fn plain_field(&self, name: &str) -> Value {
        match name {
            "id" => self.id.to_value(),
            "role" => self.role.to_value(),
            "fullName" => Value::String(self.full_name.clone()),
            "birthDate" => self.birth_date.to_value(),
            "phone" => self.phone.to_value(),
            "registeredAddress" => self.registered_address.to_value(),
            "actualAddress" => self.actual_address.to_value(),
            "stance" => self.stance.to_value(),
            "notes" => self.notes.to_value(),
            // Not a field of `CasePerson`: the lean page never asks.
            _ => Value::Null,
        }
    }
}
