//! People: each user belongs to one agency and holds roles there; hub administrators
//! belong to none.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::access::Role;
use crate::agencies::AgencyKind;
use crate::auth::password;
use crate::error::{AppError, AppResult};
use crate::input;

/// A user as stored (roles live in `user_roles`).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    /// Their id.
    pub id: Uuid,
    /// Their agency; `None` for hub administrators.
    pub agency_id: Option<Uuid>,
    /// Manages agencies and every agency's users.
    pub hub_admin: bool,
    /// Full name.
    pub name: String,
    /// E-mail address as given (unique without regard to case).
    pub email: String,
    /// Inactive users cannot sign in; their sessions ended when they were deactivated.
    pub active: bool,
    /// Bumped on every change.
    pub version: i32,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// When the user last changed.
    pub updated_at: DateTime<Utc>,
    /// The language the user chose for the workspace; `None`: their agency's.
    pub language: Option<crate::agencies::NotificationLanguage>,
}

/// A user with their roles.
#[derive(Clone, Debug)]
pub struct User {
    /// The stored row.
    pub row: UserRow,
    /// Their roles, in a stable order.
    pub roles: Vec<Role>,
}

/// A valid new user.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Trimmed, 1–200 characters.
    pub name: String,
    /// As given, trimmed.
    pub email: String,
    /// Lowercased, the unique key.
    pub email_normalized: String,
    /// The initial password (checked against the policy, not yet hashed).
    pub password: String,
    /// At least one, each allowed in the agency's kind.
    pub roles: Vec<Role>,
}

impl NewUser {
    /// Checks raw input for a user of an agency of `kind`.
    pub fn parse(
        kind: AgencyKind,
        name: &str,
        email: &str,
        password: &str,
        roles: &[Role],
    ) -> AppResult<NewUser> {
        let name = input::name("name", name)?;
        let (email, email_normalized) = input::email("email", email)?;
        password::check_policy("password", password)?;
        let roles = roles_for(kind, roles)?;
        Ok(NewUser {
            name,
            email,
            email_normalized,
            password: password.to_owned(),
            roles,
        })
    }
}

/// Checks a set of roles for an agency of `kind`: at least one, each allowed there.
pub fn roles_for(kind: AgencyKind, roles: &[Role]) -> AppResult<Vec<Role>> {
    if roles.is_empty() {
        return Err(AppError::bad_input("roles", "name at least one role"));
    }
    if let Some(role) = roles
        .iter()
        .find(|r| r.required_agency_kind().is_some_and(|k| k != kind))
    {
        return Err(AppError::bad_input(
            "roles",
            format!(
                "{} belongs to a {} agency",
                role.as_str(),
                role.required_agency_kind().unwrap_or(kind).as_str()
            ),
        ));
    }
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: AppResult<NewUser>) -> String {
        match result {
            Err(AppError::BadUserInput { field, .. }) => field,
            _ => String::new(),
        }
    }

    #[test]
    fn a_valid_user_is_accepted_with_roles_deduplicated() {
        let user = NewUser::parse(
            AgencyKind::Guardianship,
            "Петрова Анна",
            "A.Petrova@Opeka.example",
            "twelve chars!",
            &[Role::GuardianshipOfficer, Role::GuardianshipOfficer],
        )
        .ok()
        .unwrap();
        assert_eq!(user.email_normalized, "a.petrova@opeka.example");
        assert_eq!(user.roles, vec![Role::GuardianshipOfficer]);
    }

    #[test]
    fn each_bad_field_is_named() {
        let k = AgencyKind::PreventionService;
        let ok_roles = [Role::Curator];
        assert_eq!(
            field(NewUser::parse(k, "", "a@b.ru", "twelve chars!", &ok_roles)),
            "name"
        );
        assert_eq!(
            field(NewUser::parse(k, "N", "a@b", "twelve chars!", &ok_roles)),
            "email"
        );
        assert_eq!(
            field(NewUser::parse(k, "N", "a@b.ru", "short", &ok_roles)),
            "password"
        );
        assert_eq!(
            field(NewUser::parse(k, "N", "a@b.ru", "twelve chars!", &[])),
            "roles"
        );
    }

    #[test]
    fn a_guardianship_officer_cannot_work_in_a_hospital() {
        assert!(roles_for(AgencyKind::Maternity, &[Role::GuardianshipOfficer]).is_err());
        assert!(roles_for(
            AgencyKind::Maternity,
            &[Role::HospitalSpecialist, Role::MrgSecretary]
        )
        .is_ok());
    }
}
