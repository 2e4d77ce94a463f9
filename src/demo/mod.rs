//! `caselink demo`: a living hub for newcomers, modelled on the seeds' practices — a
//! perinatal centre, an abandonment-prevention service, social protection, a guardianship
//! authority, a children's rehabilitation centre and a crisis shelter — with a user for
//! each role. Every domain adds its records here.

use chrono::{DateTime, Utc};

use crate::access::{Actor, Caller, Role};
use crate::agencies::{self, AgencyKind, NewAgency, NotificationLanguage};
use crate::config::Config;
use crate::db::{self, Db};
use crate::error::AppResult;
use crate::users::{self, CreateUser};

mod casefiles;
mod casework;
mod handovers;
mod inforequests;
mod mrg;
mod mrg_plan;
mod plans;
mod records;
mod reports;
mod reunification;

/// Where the demo lives unless `DATABASE_URL` says otherwise.
pub const DATABASE_URL: &str = "sqlite://caselink-demo.db";
/// Every demo user's password.
pub const PASSWORD: &str = "demo-password-2026";
/// The demo hub administrator.
pub const ADMIN_EMAIL: &str = "admin@demo.caselink";

struct DemoAgency {
    name: &'static str,
    kind: AgencyKind,
    region: &'static str,
    time_zone: &'static str,
    email: &'static str,
    people: &'static [(&'static str, &'static str, &'static [Role])],
}

const HMAO: &str = "Ханты-Мансийский автономный округ – Югра";
const YEKATERINBURG: &str = "Asia/Yekaterinburg";

const AGENCIES: &[DemoAgency] = &[
    DemoAgency {
        name: "Перинатальный центр г. Сургута",
        kind: AgencyKind::Maternity,
        region: HMAO,
        time_zone: YEKATERINBURG,
        email: "perinatal@demo.caselink",
        people: &[(
            "Смирнова Ольга Викторовна",
            "hospital@demo.caselink",
            &[Role::HospitalSpecialist],
        )],
    },
    DemoAgency {
        name: "Служба профилактики отказов от новорождённых",
        kind: AgencyKind::PreventionService,
        region: HMAO,
        time_zone: YEKATERINBURG,
        email: "prevention@demo.caselink",
        people: &[
            (
                "Кузнецова Елена Андреевна",
                "head@demo.caselink",
                &[Role::HeadOfService, Role::AgencyAdmin],
            ),
            (
                "Волкова Наталья Сергеевна",
                "curator@demo.caselink",
                &[Role::Curator],
            ),
            (
                "Морозова Ирина Павловна",
                "curator2@demo.caselink",
                &[Role::Curator],
            ),
            (
                "Лебедева Светлана Игоревна",
                "psychologist@demo.caselink",
                &[Role::Specialist],
            ),
            (
                "Новикова Татьяна Юрьевна",
                "analyst@demo.caselink",
                &[Role::Analyst],
            ),
        ],
    },
    DemoAgency {
        name: "Комплексный центр социального обслуживания населения",
        kind: AgencyKind::SocialProtection,
        region: HMAO,
        time_zone: YEKATERINBURG,
        email: "kcson@demo.caselink",
        people: &[(
            "Соколова Марина Олеговна",
            "social@demo.caselink",
            &[Role::HeadOfService, Role::Specialist, Role::MrgSecretary],
        )],
    },
    DemoAgency {
        name: "Отдел опеки и попечительства Администрации г. Сургута",
        kind: AgencyKind::Guardianship,
        region: HMAO,
        time_zone: YEKATERINBURG,
        email: "opeka@demo.caselink",
        people: &[(
            "Петрова Анна Николаевна",
            "guardianship@demo.caselink",
            &[Role::GuardianshipOfficer, Role::MrgChair],
        )],
    },
    DemoAgency {
        name: "Социально-реабилитационный центр для несовершеннолетних",
        kind: AgencyKind::RehabilitationCentre,
        region: HMAO,
        time_zone: YEKATERINBURG,
        email: "srcn@demo.caselink",
        people: &[(
            "Фёдорова Людмила Ивановна",
            "rehab@demo.caselink",
            &[Role::HeadOfService, Role::RehabilitationStaff],
        )],
    },
    DemoAgency {
        name: "Департамент социального развития ХМАО – Югры",
        kind: AgencyKind::SocialProtection,
        region: HMAO,
        time_zone: YEKATERINBURG,
        email: "depsoc@demo.caselink",
        people: &[(
            "Григорьева Вера Алексеевна",
            "region@demo.caselink",
            &[Role::RegionalAnalyst],
        )],
    },
    DemoAgency {
        name: "Кризисный центр для мам с детьми «Тёплый дом»",
        kind: AgencyKind::Ngo,
        region: "Москва",
        time_zone: "Europe/Moscow",
        email: "warmhouse@demo.caselink",
        people: &[(
            "Орлова Дарья Михайловна",
            "shelter@demo.caselink",
            &[Role::HeadOfService, Role::Curator, Role::AgencyAdmin],
        )],
    },
];

/// Seeds the demo unless it is already there (then it is reused as it is). Refuses a
/// database that holds anything else: the demo's published password must never land in
/// a real hub because `DATABASE_URL` pointed at it.
pub async fn seed(db: &Db) -> AppResult<()> {
    if users::store::find_by_email(db, ADMIN_EMAIL)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let people: i64 = crate::with_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await)?;
    if people > 0 {
        return Err(crate::error::AppError::Conflict(
            "this database is not a demo database: refusing to add demo users to it".into(),
        ));
    }
    let now = db::now();
    let admin_id =
        users::create_hub_admin(db, "Администратор хаба", ADMIN_EMAIL, PASSWORD, now).await?;
    let admin = Actor {
        user_id: admin_id,
        agency_id: None,
        roles: Default::default(),
        hub_admin: true,
        session_id: uuid::Uuid::nil(),
    };
    let admin = demo_caller(admin, now);
    for agency in AGENCIES {
        seed_agency(db, &admin, agency, now).await?;
    }
    records::seed(db, now).await?;
    reports::seed(db, now).await?;
    crate::audit::sealer::seal_all(db).await?;
    Ok(())
}

async fn seed_agency(
    db: &Db,
    admin: &Caller,
    demo: &DemoAgency,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let new = NewAgency::parse(
        demo.name,
        demo.kind,
        demo.region,
        demo.time_zone,
        demo.email,
        Some(NotificationLanguage::Ru),
    )?;
    let agency = agencies::create(db, admin, new, now).await?;
    // The seed creates its people one after another: one place is enough.
    let seeding = crate::auth::hashing::HashingPool::new(1, 0);
    for (name, email, roles) in demo.people {
        let input = CreateUser {
            agency_id: agency.id,
            name,
            email,
            password: PASSWORD,
            roles,
        };
        users::create(db, &seeding, admin, input, now).await?;
    }
    Ok(())
}

/// The caller the demo seeds as: `actor` in the request `demo`. The demo calls the same
/// service functions the API does, each with its own (backdated) time.
fn demo_caller(actor: Actor, now: DateTime<Utc>) -> Caller {
    Caller::new(Some(actor), "demo", now)
}

/// What `caselink demo` prints: where to go and how to sign in.
pub fn welcome(config: &Config) -> String {
    let mut text = format!(
        "CaseLink demo\n  Workspace: http://{0}/  (try guardianship@demo.caselink: its inbox waits)\n  GraphiQL:  http://{0}/graphql\n  every password: {PASSWORD}\n\n  {1:<28} hub administrator\n",
        config.addr, ADMIN_EMAIL
    );
    for agency in AGENCIES {
        for (_, email, roles) in agency.people {
            let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            text.push_str(&format!(
                "  {:<28} {} — {}\n",
                email,
                roles.join(", "),
                agency.name
            ));
        }
    }
    text.push_str("\n  Sign in: mutation { login(email: \"curator@demo.caselink\", password: \"demo-password-2026\") { token } }\n");
    text.push_str("  then send the token as the header  Authorization: Bearer <token>\n");
    text
}
