//! The demo's information requests, so that the guardianship officer has questions to
//! answer: one waiting, one past its due date (flagged), and one answered with a scan,
//! which the service reads on its case page.

use chrono::{DateTime, Duration, Utc};

use uuid::Uuid;

use super::records::{caller, Cast};
use crate::db::Db;
use crate::error::AppResult;
use crate::handovers::documents::Storage;
use crate::handovers::Settings;
use crate::inforequests::{self, NewAnswer, NewRequest};

/// A one-page PDF standing in for a scanned certificate.
const SCAN: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

const QUESTIONS: &str = "1. Состоит ли семья на учёте в органе опеки и попечительства?\n\
    2. Были ли у матери ранее отказы от детей или ограничения родительских прав?\n\
    3. Есть ли сведения о родственниках, готовых помочь?";

/// Asks guardianship about the case in decision work (twice) and the one in support.
pub(super) async fn seed(
    db: &Db,
    cast: &Cast,
    [deciding, supported]: [Uuid; 2],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let officer = caller(db, "guardianship@demo.caselink", now).await?;
    let Some(opeka) = officer.actor()?.agency_id else {
        return Ok(());
    };
    let days = Duration::days;
    let ask = |case_id, at: DateTime<Utc>, due_in: i64| NewRequest {
        case_id,
        receiver_agency_id: opeka,
        questions: QUESTIONS.to_owned(),
        due_date: (at + days(due_in)).date_naive(),
    };
    // Past its due date: flagged on the officer's home page.
    let at = now - days(9);
    inforequests::request(db, &cast.head, ask(deciding, at, 5), at).await?;
    // Waiting for the officer, due in a few days.
    let at = now - days(2);
    inforequests::request(db, &cast.head, ask(deciding, at, 7), at).await?;
    // Answered with a scan: the service reads it on the case page.
    let at = now - days(9);
    let asked = inforequests::request(db, &cast.head, ask(supported, at, 10), at).await?;
    let settings = Settings {
        working_days: 3,
        max_document_bytes: 1 << 20,
        max_documents: 10,
        storage: Storage::Database,
    };
    let answer = NewAnswer {
        text: "1. На учёте не состоит.\n2. Сведений об отказах и ограничениях нет.\n\
               3. Бабушка ребёнка, проживает в г. Сургуте, готова помогать."
            .to_owned(),
        documents: vec![("Справка опеки.pdf".to_owned(), SCAN.to_vec())],
    };
    let at = now - days(4);
    inforequests::answer(db, &settings, &officer, asked.id, answer, at).await?;
    Ok(())
}
