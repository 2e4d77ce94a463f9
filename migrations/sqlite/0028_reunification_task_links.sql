-- A reunification progress report names the tasks of the case's ИПСР (individual
-- programme of social rehabilitation, plans IPSR_FAMILY / IPSR_CHILD) it reports on.
CREATE TABLE reunification_entry_tasks (
    entry_id   BLOB NOT NULL REFERENCES reunification_entries (id),
    task_id    BLOB NOT NULL REFERENCES plan_tasks (id),
    PRIMARY KEY (entry_id, task_id)
);
CREATE INDEX reunification_entry_tasks_by_task ON reunification_entry_tasks (task_id);
