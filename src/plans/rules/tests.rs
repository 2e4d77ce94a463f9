use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

fn case(status: CaseStatus) -> CaseFacts {
    CaseFacts {
        status,
        shelter: false,
        lead_kind: AgencyKind::PreventionService,
        decision_started_on: Some(day("2026-12-01")),
        support_started_on: Some(day("2026-01-31")),
    }
}

fn field(result: AppResult<impl std::fmt::Debug>) -> String {
    match result {
        Err(AppError::BadUserInput { field, .. }) => field,
        other => panic!("expected bad input, got {other:?}"),
    }
}

fn task(agency: Uuid, due: &str) -> NewTask {
    NewTask {
        id: None,
        area: TaskArea::Psychological,
        client_action: Some("  Посещает консультации психолога ".into()),
        specialist_action: None,
        responsible_agency_id: agency,
        due_on: day(due),
        recommendation_id: None,
    }
}

#[test]
fn a_decision_change_plan_fits_decision_work_only() {
    assert!(check_fits_case(PlanKind::DecisionChange, &case(CaseStatus::DecisionWork)).is_ok());
    assert_eq!(
        field(check_fits_case(
            PlanKind::DecisionChange,
            &case(CaseStatus::Support)
        )),
        "kind"
    );
    assert_eq!(
        field(check_fits_case(
            PlanKind::Support,
            &case(CaseStatus::Assessment)
        )),
        "kind"
    );
}

#[test]
fn a_shelter_plan_needs_a_shelter_case_and_the_child_s_ipsr_a_rehabilitation_centre() {
    let mut facts = case(CaseStatus::Assessment);
    assert_eq!(field(check_fits_case(PlanKind::Shelter, &facts)), "kind");
    assert_eq!(field(check_fits_case(PlanKind::IpsrChild, &facts)), "kind");
    assert!(check_fits_case(PlanKind::IpsrFamily, &facts).is_ok());
    facts.shelter = true;
    facts.lead_kind = AgencyKind::RehabilitationCentre;
    assert!(check_fits_case(PlanKind::Shelter, &facts).is_ok());
    assert!(check_fits_case(PlanKind::IpsrChild, &facts).is_ok());
}

#[test]
fn no_plan_is_drawn_up_on_a_closed_case() {
    let closed = check_fits_case(PlanKind::IpsrFamily, &case(CaseStatus::Closed));
    assert!(matches!(closed, Err(AppError::Conflict(_))));
}

#[test]
fn a_support_plan_is_due_a_month_after_support_started_and_a_shelter_plan_14_days_after_settling_in(
) {
    let facts = case(CaseStatus::Support);
    // 31 January + one month is the last day of February.
    assert_eq!(
        due_on(PlanKind::Support, &facts, None, None),
        Some(day("2026-02-28"))
    );
    assert_eq!(
        due_on(PlanKind::Shelter, &facts, Some(day("2026-12-20")), None),
        Some(day("2027-01-03"))
    );
    assert_eq!(
        due_on(PlanKind::DecisionChange, &facts, None, None),
        Some(day("2026-12-01"))
    );
    assert_eq!(
        due_on(PlanKind::IpsrFamily, &facts, None, Some(day("2027-01-10"))),
        Some(day("2027-01-10"))
    );
}

#[test]
fn a_decision_change_plan_is_reviewed_weekly_and_a_support_plan_every_three_months() {
    let from = day("2026-11-30");
    let weekly = next_review_on(PlanKind::DecisionChange, from, None).expect("ok");
    assert_eq!(weekly, Some(day("2026-12-07")));
    let quarterly = next_review_on(PlanKind::Support, from, Some(day("2027-09-01")));
    assert_eq!(quarterly.expect("ok"), Some(day("2027-02-28")));
    let set = next_review_on(PlanKind::IpsrFamily, from, Some(day("2027-01-15")));
    assert_eq!(set.expect("ok"), Some(day("2027-01-15")));
    assert_eq!(
        field(next_review_on(
            PlanKind::Shelter,
            from,
            Some(day("2026-11-29"))
        )),
        "nextReviewOn"
    );
}

#[test]
fn a_review_is_overdue_only_after_its_day() {
    let next = Some(day("2026-12-07"));
    assert!(!review_overdue(next, day("2026-12-07")));
    assert!(review_overdue(next, day("2026-12-08")));
    assert!(!review_overdue(None, day("2030-01-01")));
}

#[test]
fn the_header_holds_the_fields_its_kind_asks_for() {
    let decision = PlanHeader {
        main_goal: " Ребёнок остаётся в семье ".into(),
        intermediate_goals: vec!["Жильё".into()],
        refusal_causes: Some("Нет жилья".into()),
        strengths: Some("Поддержка бабушки".into()),
        rights_violation: None,
    };
    let checked = check_header(PlanKind::DecisionChange, decision.clone()).expect("ok");
    assert_eq!(checked.main_goal, "Ребёнок остаётся в семье");
    assert_eq!(
        field(check_header(PlanKind::Support, decision.clone())),
        "header.refusalCauses"
    );
    let no_strengths = PlanHeader {
        strengths: None,
        ..decision.clone()
    };
    assert_eq!(
        field(check_header(PlanKind::DecisionChange, no_strengths)),
        "header.strengths"
    );
    let support = PlanHeader {
        main_goal: "Цель".into(),
        ..PlanHeader::default()
    };
    assert_eq!(
        field(check_header(PlanKind::Support, support)),
        "header.rightsViolation"
    );
    let blank_goal = PlanHeader {
        main_goal: "  ".into(),
        ..decision
    };
    assert_eq!(
        field(check_header(PlanKind::DecisionChange, blank_goal)),
        "header.mainGoal"
    );
}

#[test]
fn a_task_names_an_agency_on_the_case_and_a_day_not_in_the_past() {
    let (lead, other, stranger) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let on_case: HashSet<Uuid> = [lead, other].into();
    let today = day("2026-12-06");
    let none = HashMap::new();
    let ok = check_tasks(
        PlanKind::IpsrFamily,
        vec![task(lead, "2026-12-06"), task(other, "2027-01-10")],
        today,
        &on_case,
        &none,
    )
    .expect("ok");
    assert_eq!(
        ok[0].client_action.as_deref(),
        Some("Посещает консультации психолога")
    );
    let stranger_task = check_tasks(
        PlanKind::IpsrFamily,
        vec![task(lead, "2026-12-10"), task(stranger, "2026-12-10")],
        today,
        &on_case,
        &none,
    );
    assert_eq!(field(stranger_task), "tasks[1].responsibleAgencyId");
    let past = check_tasks(
        PlanKind::IpsrFamily,
        vec![task(lead, "2026-12-05")],
        today,
        &on_case,
        &none,
    );
    assert_eq!(field(past), "tasks[0].dueOn");
}

#[test]
fn an_existing_task_keeps_its_past_due_day_through_a_revision() {
    let lead = Uuid::now_v7();
    let on_case: HashSet<Uuid> = [lead].into();
    let id = Uuid::now_v7();
    let existing: HashMap<Uuid, NaiveDate> = [(id, day("2026-12-01"))].into();
    let kept = NewTask {
        id: Some(id),
        ..task(lead, "2026-12-01")
    };
    let today = day("2026-12-06");
    assert!(check_tasks(
        PlanKind::Support,
        vec![kept.clone()],
        today,
        &on_case,
        &existing
    )
    .is_ok());
    let moved_back = NewTask {
        due_on: day("2026-12-02"),
        ..kept.clone()
    };
    assert_eq!(
        field(check_tasks(
            PlanKind::Support,
            vec![moved_back],
            today,
            &on_case,
            &existing
        )),
        "tasks[0].dueOn"
    );
    let twice = check_tasks(
        PlanKind::Support,
        vec![kept.clone(), kept],
        today,
        &on_case,
        &existing,
    );
    assert_eq!(field(twice), "tasks[1].id");
    let unknown = NewTask {
        id: Some(Uuid::now_v7()),
        ..task(lead, "2026-12-10")
    };
    assert_eq!(
        field(check_tasks(
            PlanKind::Support,
            vec![unknown],
            today,
            &on_case,
            &existing
        )),
        "tasks[0].id"
    );
}

#[test]
fn a_shelter_plan_groups_tasks_by_the_six_domains_and_others_by_service() {
    let lead = Uuid::now_v7();
    let on_case: HashSet<Uuid> = [lead].into();
    let today = day("2026-12-06");
    let housing = NewTask {
        area: TaskArea::Housing,
        ..task(lead, "2026-12-20")
    };
    let none = HashMap::new();
    assert!(check_tasks(
        PlanKind::Shelter,
        vec![housing.clone()],
        today,
        &on_case,
        &none
    )
    .is_ok());
    assert_eq!(
        field(check_tasks(
            PlanKind::IpsrFamily,
            vec![housing],
            today,
            &on_case,
            &none
        )),
        "tasks[0].area"
    );
    assert_eq!(
        field(check_tasks(
            PlanKind::Shelter,
            vec![task(lead, "2026-12-20")],
            today,
            &on_case,
            &none
        )),
        "tasks[0].area"
    );
    assert_eq!(areas(PlanKind::Shelter).len(), 6);
    assert_eq!(areas(PlanKind::Ippsu).len(), 4);
}

#[test]
fn a_task_says_what_someone_does() {
    let lead = Uuid::now_v7();
    let empty = NewTask {
        client_action: Some(" ".into()),
        specialist_action: None,
        ..task(lead, "2026-12-20")
    };
    let result = check_tasks(
        PlanKind::IpsrFamily,
        vec![empty],
        day("2026-12-06"),
        &[lead].into(),
        &HashMap::new(),
    );
    assert_eq!(field(result), "tasks[0].clientAction");
}

#[test]
fn an_ippsu_has_a_term_which_extends_only_forward() {
    let today = day("2026-12-06");
    assert_eq!(field(check_term(PlanKind::Ippsu, None, today)), "termUntil");
    assert_eq!(
        field(check_term(
            PlanKind::IpsrFamily,
            Some(day("2027-06-01")),
            today
        )),
        "termUntil"
    );
    assert!(check_term(PlanKind::Ippsu, Some(day("2027-06-01")), today).is_ok());
    let current = Some(day("2027-06-01"));
    assert_eq!(
        field(check_extension(
            PlanKind::Ippsu,
            current,
            day("2027-05-01"),
            today
        )),
        "until"
    );
    assert_eq!(
        check_extension(PlanKind::Ippsu, current, day("2027-09-01"), today).expect("ok"),
        day("2027-06-01")
    );
    assert_eq!(
        field(check_extension(
            PlanKind::Support,
            None,
            day("2027-09-01"),
            today
        )),
        "planId"
    );
}

#[test]
fn the_client_receives_her_copy_between_its_writing_and_today() {
    let (written, today) = (day("2026-12-01"), day("2026-12-06"));
    assert!(check_received_on(day("2026-12-01"), written, today).is_ok());
    assert_eq!(
        field(check_received_on(day("2026-11-30"), written, today)),
        "receivedOn"
    );
    assert_eq!(
        field(check_received_on(day("2026-12-07"), written, today)),
        "receivedOn"
    );
}

#[test]
fn a_task_is_due_three_days_ahead_and_overdue_after_its_day_ends() {
    let zone = chrono_tz::Asia::Yekaterinburg;
    let due_at = task_due_at(day("2026-12-10"), zone);
    // The end of 10 December in Yekaterinburg (UTC+5) is 19:00 UTC that day.
    assert_eq!(due_at.to_rfc3339(), "2026-12-10T19:00:00+00:00");
    let before = due_at - chrono::Duration::seconds(1);
    assert!(!task_overdue(
        TaskStatus::Planned,
        before,
        before - chrono::Duration::seconds(1)
    ));
    assert!(task_overdue(TaskStatus::InProgress, due_at, due_at));
    assert!(!task_overdue(TaskStatus::Done, due_at, due_at));
    let four_days_before = due_at - chrono::Duration::days(4);
    assert!(!task_due(TaskStatus::Planned, due_at, four_days_before));
    assert!(task_due(
        TaskStatus::Planned,
        due_at,
        due_at - chrono::Duration::days(3)
    ));
}

#[test]
fn the_diff_names_header_changes_and_tasks_added_removed_and_changed() {
    let agency = Uuid::now_v7();
    let snapshot = |due: &str| TaskSnapshot {
        id: Uuid::now_v7(),
        area: TaskArea::Legal,
        client_action: Some("Собирает документы".into()),
        specialist_action: None,
        responsible_agency_id: agency,
        due_on: day(due),
        status: TaskStatus::Planned,
    };
    let (kept, dropped) = (snapshot("2026-12-10"), snapshot("2026-12-11"));
    let from = VersionContent {
        header: PlanHeader {
            main_goal: "Вернуть ребёнка в семью".into(),
            ..PlanHeader::default()
        },
        tasks: vec![kept.clone(), dropped.clone()],
    };
    let moved = TaskSnapshot {
        due_on: day("2026-12-20"),
        ..kept.clone()
    };
    let added = snapshot("2026-12-30");
    let to = VersionContent {
        header: PlanHeader {
            main_goal: "Вернуть ребёнка в семью к весне".into(),
            ..PlanHeader::default()
        },
        tasks: vec![moved, added.clone()],
    };
    let d = diff(&from, &to);
    assert_eq!(d.header.len(), 1);
    assert_eq!(d.header[0].field, "mainGoal");
    assert_eq!(d.added, vec![added]);
    assert_eq!(d.removed, vec![dropped]);
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].task_id, kept.id);
    assert_eq!(d.changed[0].fields[0].field, "dueOn");
    assert_eq!(d.changed[0].fields[0].after.as_deref(), Some("2026-12-20"));
    assert_eq!(diff(&to, &to), PlanDiff::default());
}

#[test]
fn only_a_new_task_comes_from_a_recommendation() {
    let lead = Uuid::from_u128(1);
    let on_case: HashSet<Uuid> = [lead].into_iter().collect();
    let today = day("2026-12-01");
    let fresh = NewTask {
        recommendation_id: Some(Uuid::from_u128(7)),
        ..task(lead, "2026-12-20")
    };
    let none = HashMap::new();
    let checked = check_tasks(
        PlanKind::Support,
        vec![fresh.clone()],
        today,
        &on_case,
        &none,
    );
    let checked = checked.expect("a new task may come from a recommendation");
    assert_eq!(checked[0].recommendation_id, Some(Uuid::from_u128(7)));
    let existing_id = Uuid::from_u128(5);
    let existing: HashMap<Uuid, NaiveDate> =
        [(existing_id, day("2026-12-20"))].into_iter().collect();
    let revised = NewTask {
        id: Some(existing_id),
        ..fresh
    };
    let refused = check_tasks(PlanKind::Support, vec![revised], today, &on_case, &existing);
    assert!(
        matches!(refused, Err(AppError::BadUserInput { ref field, .. }) if field == "tasks[0].recommendationId")
    );
}
