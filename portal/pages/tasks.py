"""Tasks: the open staff tasks journeys created (and any others), soonest due first, each closed with an outcome."""
from __future__ import annotations

import reflex as rx

from portal import routes
from portal.layout import protected_page
from portal.state.tasks import TasksState


def _label(outcome: rx.Var) -> rx.Var:
    """The outcome code as staff read it ('no_answer' -> 'No answer'), formatted in the browser."""
    words = outcome.to(str).replace("_", " ")
    return words[0].upper() + words[1:]


def _done(row: rx.Var) -> rx.Component:
    """One "Done" button when the task is simply done, else a menu of the journey step's outcomes."""
    outcomes = TasksState.outcomes[row["id"]].to(list[str])
    busy = TasksState.busy_id == row["id"]
    return rx.cond(
        outcomes.length() > 1,
        rx.menu.root(
            rx.menu.trigger(rx.button("Done…", size="1", loading=busy, class_name="task-done")),
            rx.menu.content(rx.foreach(outcomes, lambda outcome: rx.menu.item(
                _label(outcome), on_click=TasksState.done(row["id"].to(int), outcome), class_name="task-outcome"))),
        ),
        rx.button("Done", size="1", loading=busy, disabled=TasksState.busy_id != "", class_name="task-done",
                  on_click=TasksState.done(row["id"].to(int), outcomes[0])),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["due"], size="2", white_space="nowrap"),
                      rx.cond(row["overdue"] != "", rx.badge("Overdue", color_scheme="red", class_name="overdue"))),
        rx.table.cell(rx.text(row["title"], size="2")),
        rx.table.cell(rx.cond(row["patient_id"] != "",
                              rx.link(row["patient"], href="/patients/" + row["patient_id"]))),
        rx.table.cell(rx.text(row["journey"], size="2")),
        rx.table.cell(rx.text(row["role"], size="2")),
        rx.table.cell(rx.hstack(
            _done(row),
            rx.button("Cancel task", size="1", variant="soft", color_scheme="gray", class_name="task-cancel",
                      disabled=TasksState.busy_id != "", on_click=TasksState.cancel(row["id"].to(int))),
            spacing="2")),
        data_task_id=row["id"], class_name="task-row",
    )


@protected_page(route=routes.TASKS, title="Tasks", on_load=[TasksState.load])
def tasks_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("Open tasks for your role, overdue first; due times are the practice's.", color_scheme="gray"),
            rx.spacer(),
            rx.button("Refresh", size="1", variant="soft", on_click=TasksState.load, id="refresh-tasks"),
            width="100%", align="center",
        ),
        rx.cond(TasksState.rows.length() == 0, rx.text("No open tasks.", color_scheme="gray", id="no-tasks")),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           ("Due", "Task", "Patient", "Journey", "For", "")])),
            rx.table.body(rx.foreach(TasksState.rows, _row)),
            width="100%",
        ),
        width="100%",
    )
