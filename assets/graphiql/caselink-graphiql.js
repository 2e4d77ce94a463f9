// Mounts GraphiQL on /graphql with example operations for each main user. Kept out of
// the page so that the page's Content-Security-Policy can say `script-src 'self'`.
(function () {
  "use strict";

  // A placeholder the user replaces with the token `login` returns; sent as it is, it
  // is refused with UNAUTHENTICATED, which says what is missing.
  var withToken = JSON.stringify({ Authorization: "Bearer <token>" }, null, 2);

  var tabs = [
    {
      query: [
        "# Вход / Sign in. Copy `token` into the Headers pane of the other tabs.",
        "mutation SignIn($email: String!, $password: String!) {",
        "  login(email: $email, password: $password) {",
        "    token",
        "    expiresAt",
        "    user { id name roles }",
        "  }",
        "}",
        ""
      ].join("\n"),
      variables: JSON.stringify({ email: "you@agency.example", password: "" }, null, 2)
    },
    {
      query: [
        "# Орган опеки: входящие передачи / Guardianship officer: the transfer inbox.",
        "query HandoverInbox {",
        "  handoverInbox(first: 20) {",
        "    nodes {",
        "      id kind status reason requestedAt deadlineAtLocal overdue",
        "      fromAgency { name }",
        "      case { journalNumber status }",
        "    }",
        "    pageInfo { hasNextPage endCursor }",
        "  }",
        "}",
        "",
        "# Принять передачу по приказу / Accept a transfer under your order.",
        "mutation AcceptTransfer($id: ID!, $registrationNumber: String, $registrationDate: NaiveDate) {",
        "  acceptHandover(id: $id, registrationNumber: $registrationNumber, registrationDate: $registrationDate) {",
        "    id status decidedAt senderOrderNumber senderOrderDate registrationNumber registrationDate",
        "  }",
        "}",
        ""
      ].join("\n"),
      variables: JSON.stringify(
        { id: "<handover id from the inbox>", registrationNumber: "вх. 118", registrationDate: "2026-01-15" },
        null,
        2
      ),
      headers: withToken
    },
    {
      query: [
        "# Куратор: мои случаи / Curator: my caseload, each with its next deadline.",
        "query MyCases {",
        "  myCases(first: 20) {",
        "    nodes {",
        "      id journalNumber status scope nextDeadline",
        "      leadAgency { name }",
        "    }",
        "    pageInfo { hasNextPage endCursor }",
        "  }",
        "}",
        ""
      ].join("\n"),
      headers: withToken
    },
    {
      query: [
        "# Администратор: журнал аудита / Administrator: the audit log (hub and agency",
        "# administrators only; an MRG secretary asks their agency's administrator).",
        "query AuditEvents($filter: AuditFilterInput) {",
        "  auditEvents(first: 20, filter: $filter) {",
        "    nodes {",
        "      occurredAt action actorUserId targetKind targetId caseId sealed",
        "    }",
        "    pageInfo { hasNextPage endCursor }",
        "  }",
        "}",
        ""
      ].join("\n"),
      // Every field of the filter is optional: action, actorUserId, targetId, caseId, from, to.
      variables: JSON.stringify({ filter: {} }, null, 2),
      headers: withToken
    }
  ];

  var fetcher = GraphiQL.createFetcher({
    url: "/graphql",
    // The hub answers with one JSON response; it has no @defer or @stream.
    enableIncrementalDelivery: false
  });

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: tabs,
      defaultEditorToolsVisibility: "headers",
      // A token is a credential: keep it out of the browser's storage.
      shouldPersistHeaders: false
    })
  );
})();
