//! The report pages (issue 18): the head's report with the journal numbers to drill down
//! to, the conclusion written and signed off in a real browser, the printable page with
//! its server-drawn charts, the CSV, the regional view without names or numbers, and the
//! hospital's monthly form.

use crate::browser::Browser;
use crate::harness::PASSWORD;
use crate::reports::report_hub;
use crate::workspace::{page_as, sign_in};

const H1: &str = "from=2026-01-01&to=2026-06-30";

#[tokio::test]
async fn the_pages_show_the_figures_to_the_agency_and_the_territory_without_names_or_numbers() {
    let h = report_hub().await;
    let hub = &h.hub;
    let app = &hub.app;
    let (status, page) = page_as(app, &hub.head, &format!("/reports?{H1}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Показатели эффективности"), "{page}");
    assert!(page.contains("Женщины, изменившие решение"), "{page}");
    assert!(page.contains("50.0 %"), "{page}");
    let main = page.split("<main").nth(1).unwrap_or_default();
    assert!(main.contains("CASE-"), "the head drills down: {page}");
    assert!(page.contains("conclusion-form"), "{page}");

    let (status, print) = page_as(app, &hub.head, &format!("/reports/print?{H1}")).await;
    assert_eq!(status, 200, "{print}");
    assert!(
        print.contains("<svg"),
        "a chart drawn on the server: {print}"
    );
    assert!(!print.contains("<script"), "no script: {print}");

    let response = app
        .http()
        .get(format!("{}/reports/report.csv?{H1}", app.address))
        .bearer_auth(&hub.head)
        .send()
        .await
        .expect("the CSV");
    assert_eq!(response.status().as_u16(), 200);
    let csv = response.text().await.expect("its text");
    assert!(csv.starts_with('\u{feff}'), "{csv}");
    assert!(
        csv.contains("Сигналы / все отказы в роддомах;3;6;50,0"),
        "{csv}"
    );

    // A bad period names its field, on the page.
    let (status, page) = page_as(app, &hub.head, "/reports?from=2026-06-30&to=2026-01-01").await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("period.to"), "{page}");

    // The regional analyst: the territory, no names, no numbers.
    let ministry = app
        .create_agency(&hub.admin, "Депсоцразвития Югры", "SOCIAL_PROTECTION")
        .await;
    app.create_user(
        &hub.admin,
        &ministry,
        "analyst@region.example",
        &["REGIONAL_ANALYST"],
    )
    .await;
    let analyst = app.login("analyst@region.example", PASSWORD).await;
    let (status, page) = page_as(app, &analyst, &format!("/reports/territory?{H1}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Служба профилактики"), "{page}");
    // The header names the signed-in analyst (the harness's users are all «Иванова»):
    // look at the content only.
    let main = page.split("<main").nth(1).unwrap_or_default();
    for private in ["Иванова", "Петрова", "SIG-", "CASE-"] {
        assert!(!main.contains(private), "{private} on the regional view");
    }
    let (status, page) = page_as(
        app,
        &analyst,
        &format!("/reports?{H1}&agency={}", hub.service),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let main = page.split("<main").nth(1).unwrap_or_default();
    assert!(
        !main.contains("CASE-") && !main.contains("conclusion-form"),
        "{page}"
    );
    // The head of the service has no territory view; a curator no report.
    let (status, _) = page_as(app, &hub.head, &format!("/reports/territory?{H1}")).await;
    assert_eq!(status, 403);
    let (status, _) = page_as(app, &hub.curator, &format!("/reports?{H1}")).await;
    assert_eq!(status, 403);

    // The hospital's months.
    let (status, page) = page_as(app, &hub.nurse, "/reports/hospital?year=2026").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("02.2026") && page.contains("0.40"), "{page}");
}

#[tokio::test]
async fn the_head_writes_signs_off_and_prints_the_conclusion_in_a_browser() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let h = report_hub().await;
    let address = h.hub.app.address.clone();
    sign_in(&browser, &address, "head@service.example").await;
    browser.click("#reports-link").await;
    assert!(browser.url().await.contains("/reports"));
    browser.open(&format!("{address}/reports?{H1}")).await;
    let text = browser.text().await;
    assert!(text.contains("Сигналы / все отказы в роддомах"), "{text}");
    assert!(
        text.contains("нет данных") || text.contains("50.0 %"),
        "{text}"
    );
    browser.assert_accessible().await;
    browser.screenshot("report").await;

    browser
        .fill(
            "analysis",
            "Отказов на 100 родов меньше, чем год назад: 0,6 против 1,8.",
        )
        .await;
    browser.click("#conclusion-form button[type=submit]").await;
    let text = browser.text().await;
    assert!(text.contains("черновик"), "{text}");
    browser.click("#conclusion-issue button[type=submit]").await;
    let text = browser.text().await;
    assert!(text.contains("Заключение утверждено"), "{text}");
    assert!(text.contains("0,6 против 1,8"), "{text}");
    browser.click("#conclusion-print").await;
    let text = browser.text().await;
    assert!(text.contains("Заключение по итогам полугодия"), "{text}");
    assert!(text.contains("Руководитель"), "{text}");
    browser.assert_accessible().await;
    browser.screenshot("report-conclusion-print").await;
    browser.close().await;
}

#[tokio::test]
async fn the_hospital_records_a_month_in_the_browser_and_a_refusal_keeps_what_was_typed() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let h = report_hub().await;
    let address = h.hub.app.address.clone();
    sign_in(&browser, &address, "nurse@perinatal.example").await;
    browser.open(&format!("{address}/reports/hospital")).await;
    browser.assert_accessible().await;
    let month = browser
        .client
        .execute(
            "return document.getElementById('hospital-month').value;",
            vec![],
        )
        .await
        .expect("the month field");
    let month = month.as_str().unwrap_or_default().to_owned();
    assert_eq!(month.len(), 7, "this month is offered: {month}");

    // More refusals than births: the server refuses (the browser's own checks are off so
    // that the server's are what is tested) and keeps the three values.
    browser
        .client
        .execute(
            "document.getElementById('hospital-form').noValidate = true;",
            vec![],
        )
        .await
        .expect("switch off the browser's checks");
    browser.fill("hospital-births", "40").await;
    browser.fill("hospital-refusals", "41").await;
    browser.click("#hospital-submit").await;
    let text = browser.text().await;
    assert!(
        text.contains("Число отказов — целое, не меньше 0 и не больше числа родов."),
        "{text}"
    );
    let kept = browser
        .client
        .execute(
            "return ['hospital-month', 'hospital-births', 'hospital-refusals']
                .map(id => document.getElementById(id).value).join(' ');",
            vec![],
        )
        .await
        .expect("the fields");
    assert_eq!(kept.as_str(), Some(format!("{month} 40 41").as_str()));
    browser.assert_accessible().await;

    // Corrected, the month is recorded and listed with its rate.
    browser.fill("hospital-refusals", "1").await;
    browser.click("#hospital-submit").await;
    assert!(browser.url().await.contains("/reports/hospital?year="));
    let row = browser
        .client
        .find(fantoccini::Locator::Css("#hospital-months tbody"))
        .await
        .expect("the months")
        .text()
        .await
        .expect("their text");
    let shown = format!("{}.{}", &month[5..7], &month[..4]);
    assert!(row.contains(&format!("{shown} 40 1 2.50")), "{row}");
    browser.close().await;
}
