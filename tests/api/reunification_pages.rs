//! Reunification in a real browser: the centre's staff start the record from the case
//! page, report progress and record a joint inspection with its parties; the
//! guardianship officer, a party, confirms its part on the record's page and sees the
//! report's words hidden; the staff record the return without a positive inspection,
//! with a reason, and the warning shows on the case page and on the printable summary.

use crate::browser::Browser;
use crate::reunification::{day, reunion_hub};
use crate::workspace::sign_in;

async fn set_date(browser: &Browser, id: &str, value: &str) {
    browser
        .client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![serde_json::json!(id), serde_json::json!(value)],
        )
        .await
        .expect("set a date");
}

#[tokio::test]
async fn the_centre_reports_the_officer_confirms_and_the_return_is_warned_on_every_page() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let r = reunion_hub().await;
    let address = r.h.app().address.clone();

    sign_in(&browser, &address, "staff@srcn.example").await;
    browser.open(&format!("{address}/cases/{}", r.h.case)).await;
    browser.assert_accessible().await;
    set_date(&browser, "reunion-placed", &day(-20)).await;
    browser.click("#reunion-start").await;
    let url = browser.url().await;
    assert!(url.contains("/reunification/"), "{url}");
    let text = browser.text().await;
    assert!(text.contains("Восстановление в семье"), "{text}");
    assert!(text.contains("Контакт, «безопасное место»"), "{text}");
    browser.assert_accessible().await;

    // Diagnostics at intake, shown side by side with later ones.
    browser.fill("diag-methods", "Наблюдение, беседа").await;
    browser.fill("diag-conclusion", "Тревожность высокая").await;
    browser.click("#diag-send").await;
    let text = browser.text().await;
    assert!(
        text.contains("Диагностика: при поступлении и повторная"),
        "{text}"
    );
    assert!(text.contains("Тревожность высокая"), "{text}");

    // A report with a blank summary is refused naming the field, then sent.
    browser.fill("report-summary", "   ").await;
    browser.click("#report-send").await;
    let text = browser.text().await;
    assert!(text.contains("Проверьте поля формы: summary"), "{text}");
    browser
        .fill(
            "report-summary",
            "Ребёнок спокоен, ходит в школу, ул. Ленина",
        )
        .await;
    browser.fill("report-attitude", "Хочет домой").await;
    browser.click("#report-send").await;
    assert!(browser.text().await.contains("Хочет домой"));

    // The joint inspection with guardianship; the verdict: unfit.
    browser
        .fill("inspection-findings", "Нет спального места для ребёнка")
        .await;
    let boxes = browser
        .client
        .find_all(fantoccini::Locator::Css("input.inspection-party"))
        .await
        .expect("the parties");
    let labels = browser
        .client
        .find_all(fantoccini::Locator::Css(
            "#inspection-form label[for^=inspection-party]",
        ))
        .await
        .expect("their labels");
    for (checkbox, label) in boxes.iter().zip(labels.iter()) {
        if label.text().await.unwrap_or_default().contains("опеки") {
            checkbox.click().await.expect("tick guardianship");
        }
    }
    browser
        .client
        .execute(
            "document.getElementById('inspection-verdict').value = 'NEGATIVE';",
            vec![],
        )
        .await
        .expect("choose the verdict");
    browser.click("#inspection-send").await;
    let text = browser.text().await;
    assert!(text.contains("условия непригодны"), "{text}");
    assert!(text.contains("не подтвердил"), "{text}");
    browser.screenshot("reunification").await;
    browser.click("form.signout button").await;

    // The officer confirms on the record's page; the report's words stay hidden.
    sign_in(&browser, &address, "officer@opeka.example").await;
    browser.open(&url).await;
    let text = browser.text().await;
    assert!(!text.contains("Хочет домой"), "summary scope: {text}");
    assert!(
        text.contains("Нет спального места"),
        "a party reads the act: {text}"
    );
    browser.assert_accessible().await;
    browser.click("button.confirm-inspection").await;
    let text = browser.text().await;
    assert!(!text.contains("не подтвердил"), "{text}");
    browser.click("form.signout button").await;

    // The return without a positive inspection needs a reason, then shows the warning.
    sign_in(&browser, &address, "staff@srcn.example").await;
    browser.open(&url).await;
    browser.fill("return-by", "Специалист СРЦН").await;
    browser.fill("return-to", "Мать").await;
    browser.click("#return-send").await;
    let text = browser.text().await;
    assert!(text.contains("withoutInspectionReason"), "{text}");
    browser.fill("return-by", "Специалист СРЦН").await;
    browser.fill("return-to", "Мать").await;
    browser
        .fill("return-reason", "Решение суда о возврате ребёнка")
        .await;
    browser.click("#return-send").await;
    assert!(browser
        .text()
        .await
        .contains("Возвращён без положительного"));
    browser.open(&format!("{address}/cases/{}", r.h.case)).await;
    let text = browser.text().await;
    assert!(text.contains("ребёнок дома, сопровождение"), "{text}");
    assert!(text.contains("Возвращён без положительного"), "{text}");
    browser.open(&format!("{url}/summary")).await;
    let text = browser.text().await;
    assert!(text.contains("Справка о ходе восстановления"), "{text}");
    assert!(text.contains("Решение суда"), "{text}");
    browser.assert_accessible().await;
    browser.open(&format!("{address}/reunification")).await;
    let list = browser.text().await;
    assert!(
        list.contains("Дети на восстановлении в семье") && list.contains("CASE-"),
        "{list}"
    );
    browser.open(&format!("{address}/")).await;
    assert!(browser
        .text()
        .await
        .contains("Детей на восстановлении в семье: 1"));
    browser.close().await;
}
