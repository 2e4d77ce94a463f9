//! How an agency reaches a case: a participation with a scope.
//!
//! Participations change only through workflow events ([`changes_for`]): a case opened,
//! a handover accepted, a referral ended, consent withdrawn. Nobody edits them by hand,
//! and the service that applies the changes writes an audit event for each.

use async_graphql::Enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How much of a case an agency sees.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Scope {
    /// Case number, status, dates, the child's age band: no names, addresses or notes.
    Summary,
    /// Everything, personal data included (each read of it is audited).
    Full,
}

impl Scope {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Summary => "SUMMARY",
            Scope::Full => "FULL",
        }
    }
}

/// Why an agency takes part in a case.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ParticipationKind {
    /// Leads the case (the prevention service, or whoever accepted a transfer).
    Lead,
    /// Asked to take over the case; sees the summary and the package until it decides.
    HandoverRecipient,
    /// Gives a service on referral while the lead stays.
    ReferralRecipient,
    /// Member of the MRG reviewing the case.
    MrgMember,
    /// The hospital (or other source) that sent the signal.
    SignalSender,
    /// The former lead after a transfer, keeping read-only access for a set period.
    FormerLead,
    /// Worked on the case with `FULL` scope until the consent covering it was withdrawn:
    /// keeps the summary only.
    ConsentWithdrawn,
}

impl ParticipationKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipationKind::Lead => "LEAD",
            ParticipationKind::HandoverRecipient => "HANDOVER_RECIPIENT",
            ParticipationKind::ReferralRecipient => "REFERRAL_RECIPIENT",
            ParticipationKind::MrgMember => "MRG_MEMBER",
            ParticipationKind::SignalSender => "SIGNAL_SENDER",
            ParticipationKind::FormerLead => "FORMER_LEAD",
            ParticipationKind::ConsentWithdrawn => "CONSENT_WITHDRAWN",
        }
    }
}

/// One agency's standing on one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participation {
    /// The participating agency.
    pub agency_id: Uuid,
    /// Why it participates.
    pub kind: ParticipationKind,
    /// What it sees.
    pub scope: Scope,
    /// When the grant ends by itself (a former lead's read-only period), if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was: a fact, written by the event that revoked it.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Participation {
    /// Whether the participation grants anything at `now`: it is not revoked, and its
    /// period (if it has one) has not run out.
    ///
    /// A revoked participation grants nothing, whatever time its `revoked_at` holds: a
    /// revocation is recorded when it happens, never scheduled. A grant that ends by itself
    /// (the former lead's read-only `FULL`, `formerLeadFullDays`) is written with an
    /// `expires_at` instead (see [`changes_for`], `TransferAccepted`). The SQL that decides
    /// in queries, [`super::sql::participation_active`], is the same rule, and
    /// `tests/api/scope_rules.rs` checks the two against each other on one table of cases.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|t| t > now)
    }
}

/// The widest scope `agency` holds on a case at `now`, or `None`: then the case does not
/// exist for that agency. [`super::sql::scope_rank`] says the same in SQL.
pub fn scope_of(
    participations: &[Participation],
    agency: Uuid,
    now: DateTime<Utc>,
) -> Option<Scope> {
    participations
        .iter()
        .filter(|p| p.agency_id == agency && p.is_active(now))
        .map(|p| p.scope)
        .max()
}

/// A workflow event that changes who takes part in a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkflowEvent {
    /// A case was opened from a signal: the service leads, the sender keeps a summary.
    CaseOpened {
        lead: Uuid,
        signal_sender: Option<Uuid>,
    },
    /// A handover was requested: the receiver sees the summary (and package) to decide.
    HandoverRequested { to: Uuid },
    /// The receiver declined, or the sender cancelled: the receiver's view ends.
    HandoverWithdrawn { to: Uuid },
    /// A transfer was accepted: the lead moves. The former lead keeps `SUMMARY`, and
    /// read-only `FULL` until `keep_full_until` when its agency set such a period.
    TransferAccepted {
        from: Uuid,
        to: Uuid,
        keep_full_until: Option<DateTime<Utc>>,
    },
    /// A notice's receipt was registered: the lead stays, and the receiver keeps the
    /// case's summary (its package stays readable to it, see `package_visible`).
    NoticeAcknowledged { to: Uuid },
    /// A referral was accepted: the receiver works with `FULL` scope for its purpose.
    ReferralAccepted { to: Uuid },
    /// The referral's service was recorded and the referral closed.
    ReferralClosed { to: Uuid },
    /// The case was put before the MRG: members see the summary.
    MrgReviewScheduled { member: Uuid },
    /// Consent was withdrawn for these agencies, each of which works on the case with
    /// `FULL` scope and is not the lead: they stop seeing personal data.
    ConsentWithdrawn { agencies: Vec<Uuid> },
}

/// One change to apply to a case's participations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Add a participation.
    Grant {
        agency_id: Uuid,
        kind: ParticipationKind,
        scope: Scope,
        expires_at: Option<DateTime<Utc>>,
    },
    /// End the agency's participations of this kind.
    Revoke {
        agency_id: Uuid,
        kind: ParticipationKind,
    },
}

/// The participation changes a workflow event causes: the one rule book for scopes.
pub fn changes_for(event: &WorkflowEvent) -> Vec<Change> {
    use ParticipationKind as K;
    let grant = |agency_id, kind, scope| Change::Grant {
        agency_id,
        kind,
        scope,
        expires_at: None,
    };
    let revoke = |agency_id, kind| Change::Revoke { agency_id, kind };
    match event {
        WorkflowEvent::CaseOpened {
            lead,
            signal_sender,
        } => {
            let mut changes = vec![grant(*lead, K::Lead, Scope::Full)];
            if let Some(sender) = signal_sender.filter(|s| s != lead) {
                changes.push(grant(sender, K::SignalSender, Scope::Summary));
            }
            changes
        }
        WorkflowEvent::HandoverRequested { to } => {
            vec![grant(*to, K::HandoverRecipient, Scope::Summary)]
        }
        WorkflowEvent::HandoverWithdrawn { to } => vec![revoke(*to, K::HandoverRecipient)],
        WorkflowEvent::TransferAccepted {
            from,
            to,
            keep_full_until,
        } => {
            let mut changes = vec![
                revoke(*to, K::HandoverRecipient),
                revoke(*from, K::Lead),
                grant(*to, K::Lead, Scope::Full),
                // The summary stays for good; read-only FULL only for the set period.
                grant(*from, K::FormerLead, Scope::Summary),
            ];
            if let Some(until) = keep_full_until {
                changes.push(Change::Grant {
                    agency_id: *from,
                    kind: K::FormerLead,
                    scope: Scope::Full,
                    expires_at: Some(*until),
                });
            }
            changes
        }
        WorkflowEvent::ReferralAccepted { to } => vec![
            revoke(*to, K::HandoverRecipient),
            grant(*to, K::ReferralRecipient, Scope::Full),
        ],
        WorkflowEvent::ReferralClosed { to } => vec![revoke(*to, K::ReferralRecipient)],
        WorkflowEvent::NoticeAcknowledged { .. } => vec![],
        WorkflowEvent::MrgReviewScheduled { member } => {
            vec![grant(*member, K::MrgMember, Scope::Summary)]
        }
        WorkflowEvent::ConsentWithdrawn { agencies } => agencies
            .iter()
            .flat_map(|a| {
                [
                    revoke(*a, K::ReferralRecipient),
                    revoke(*a, K::FormerLead),
                    grant(*a, K::ConsentWithdrawn, Scope::Summary),
                ]
            })
            .collect(),
    }
}

/// Applies changes to an in-memory list (what the store does in SQL), for rules and tests.
pub fn apply(participations: &mut Vec<Participation>, changes: &[Change], now: DateTime<Utc>) {
    for change in changes {
        match change {
            Change::Grant {
                agency_id,
                kind,
                scope,
                expires_at,
            } => participations.push(Participation {
                agency_id: *agency_id,
                kind: *kind,
                scope: *scope,
                expires_at: *expires_at,
                revoked_at: None,
            }),
            Change::Revoke { agency_id, kind } => {
                for p in participations.iter_mut() {
                    if p.agency_id == *agency_id && p.kind == *kind && p.revoked_at.is_none() {
                        p.revoked_at = Some(now);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, hour, 0, 0).unwrap()
    }

    fn ids() -> (Uuid, Uuid, Uuid, Uuid) {
        (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        )
    }

    fn opened(service: Uuid, hospital: Uuid) -> Vec<Participation> {
        let mut ps = Vec::new();
        let event = WorkflowEvent::CaseOpened {
            lead: service,
            signal_sender: Some(hospital),
        };
        apply(&mut ps, &changes_for(&event), at(8));
        ps
    }

    #[test]
    fn the_lead_sees_everything_and_the_sending_hospital_only_the_summary() {
        let (service, hospital, ngo, _) = ids();
        let ps = opened(service, hospital);
        assert_eq!(scope_of(&ps, service, at(9)), Some(Scope::Full));
        assert_eq!(scope_of(&ps, hospital, at(9)), Some(Scope::Summary));
        assert_eq!(scope_of(&ps, ngo, at(9)), None);
    }

    #[test]
    fn a_handover_receiver_sees_the_summary_until_it_accepts_then_everything() {
        let (service, hospital, guardianship, _) = ids();
        let mut ps = opened(service, hospital);
        apply(
            &mut ps,
            &changes_for(&WorkflowEvent::HandoverRequested { to: guardianship }),
            at(9),
        );
        assert_eq!(scope_of(&ps, guardianship, at(10)), Some(Scope::Summary));
        let accepted = WorkflowEvent::TransferAccepted {
            from: service,
            to: guardianship,
            keep_full_until: None,
        };
        apply(&mut ps, &changes_for(&accepted), at(11));
        assert_eq!(scope_of(&ps, guardianship, at(12)), Some(Scope::Full));
        assert_eq!(scope_of(&ps, service, at(12)), Some(Scope::Summary));
    }

    #[test]
    fn a_former_lead_keeps_full_scope_only_for_the_period_its_agency_set() {
        let (service, hospital, guardianship, _) = ids();
        let mut ps = opened(service, hospital);
        let until = at(11) + Duration::days(30);
        let accepted = WorkflowEvent::TransferAccepted {
            from: service,
            to: guardianship,
            keep_full_until: Some(until),
        };
        apply(&mut ps, &changes_for(&accepted), at(11));
        assert_eq!(
            scope_of(&ps, service, until - Duration::seconds(1)),
            Some(Scope::Full)
        );
        assert_eq!(scope_of(&ps, service, until), Some(Scope::Summary));
    }

    #[test]
    fn a_declined_handover_leaves_the_receiver_with_nothing() {
        let (service, hospital, guardianship, _) = ids();
        let mut ps = opened(service, hospital);
        apply(
            &mut ps,
            &changes_for(&WorkflowEvent::HandoverRequested { to: guardianship }),
            at(9),
        );
        apply(
            &mut ps,
            &changes_for(&WorkflowEvent::HandoverWithdrawn { to: guardianship }),
            at(10),
        );
        assert_eq!(scope_of(&ps, guardianship, at(11)), None);
        assert_eq!(scope_of(&ps, service, at(11)), Some(Scope::Full));
    }

    #[test]
    fn a_referral_gives_full_scope_until_it_is_closed() {
        let (service, hospital, social, _) = ids();
        let mut ps = opened(service, hospital);
        apply(
            &mut ps,
            &changes_for(&WorkflowEvent::ReferralAccepted { to: social }),
            at(9),
        );
        assert_eq!(scope_of(&ps, social, at(10)), Some(Scope::Full));
        apply(
            &mut ps,
            &changes_for(&WorkflowEvent::ReferralClosed { to: social }),
            at(11),
        );
        assert_eq!(scope_of(&ps, social, at(12)), None);
        assert_eq!(scope_of(&ps, service, at(12)), Some(Scope::Full));
    }

    #[test]
    fn withdrawn_consent_stops_personal_data_reaching_the_agencies_it_covered() {
        let (service, hospital, social, rehab) = ids();
        let mut ps = opened(service, hospital);
        apply(
            &mut ps,
            &changes_for(&WorkflowEvent::ReferralAccepted { to: social }),
            at(9),
        );
        apply(
            &mut ps,
            &changes_for(&WorkflowEvent::ReferralAccepted { to: rehab }),
            at(9),
        );
        apply(
            &mut ps,
            &changes_for(&WorkflowEvent::ConsentWithdrawn {
                agencies: vec![social],
            }),
            at(10),
        );
        assert_eq!(scope_of(&ps, social, at(11)), Some(Scope::Summary));
        assert_eq!(scope_of(&ps, rehab, at(11)), Some(Scope::Full));
    }

    #[test]
    fn a_revoked_participation_grants_nothing_whatever_time_it_names() {
        let agency = Uuid::now_v7();
        let revoked_later = Participation {
            agency_id: agency,
            kind: ParticipationKind::ReferralRecipient,
            scope: Scope::Full,
            expires_at: None,
            revoked_at: Some(at(20)),
        };
        assert!(!revoked_later.is_active(at(9)));
        assert_eq!(scope_of(&[revoked_later], agency, at(9)), None);
    }

    #[test]
    fn an_mrg_member_sees_the_summary_only() {
        let (service, hospital, member, _) = ids();
        let mut ps = opened(service, hospital);
        apply(
            &mut ps,
            &changes_for(&WorkflowEvent::MrgReviewScheduled { member }),
            at(9),
        );
        assert_eq!(scope_of(&ps, member, at(10)), Some(Scope::Summary));
    }

    #[test]
    fn a_service_that_recorded_its_own_signal_is_not_also_a_summary_sender() {
        let (service, _, _, _) = ids();
        let changes = changes_for(&WorkflowEvent::CaseOpened {
            lead: service,
            signal_sender: Some(service),
        });
        assert_eq!(changes.len(), 1);
    }
}
