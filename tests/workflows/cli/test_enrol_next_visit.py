"""`prm journeys enrol` of an appointment journey enrols each patient for their own next visit, as `prm simulate`
predicts, and leaves out a patient with none, instead of starting runs that exit at once with "no appointment"."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from models.db import session_scope
from models.tables import Enrollment
from models.types import utcnow
from tests.factories import make_appointment, make_patient, make_practice
from tests.workflows.cli.test_journeys_cli_runs import prm, worker  # noqa: F401  (fixture)
from tests.workflows.journeys.helpers import install
from workflows.journeys.simulate import simulate


async def test_manual_enrolment_of_the_nervous_patient_journey_takes_each_patients_next_visit(cli_db, worker,  # noqa: F811
                                                                                              capsys):
    with session_scope() as session:
        practice = make_practice(session)
        booked, unbooked = (make_patient(session, practice, anxious=True) for _ in range(2))
        visit = make_appointment(session, booked, start=utcnow() + timedelta(days=6))
        install(session, practice.id)
        ids = (booked.id, unbooked.id, visit.id)
    booked_id, unbooked_id, visit_id = ids
    with session_scope() as session:
        predicted = {pid: simulate(session=session, journey_key="nervous_patient_checkin", patient_id=pid,
                                   start=utcnow())[0] for pid in (booked_id, unbooked_id)}

    assert await prm("enrol", "nervous_patient_checkin", "--patients", f"{booked_id},{unbooked_id}") == 0
    assert capsys.readouterr().out == ("nervous_patient_checkin: 1 enrolled, 0 already enrolled, 1 skipped\n"
                                       f"  patient {unbooked_id}: no upcoming appointment\n")
    assert (predicted[booked_id].outcome, predicted[unbooked_id].outcome) == ("enrolled", "not enrolled")
    assert predicted[unbooked_id].reason == "no upcoming appointment (version 1)"
    for _ in range(50):  # the run reports the step it waits in; one without an appointment would have exited
        with session_scope() as session:
            row = session.exec(select(Enrollment)).one()
        if row.current_step == "call_day":
            break
        await asyncio.sleep(0.2)
    assert (row.patient_id, row.trigger_ref, row.status, row.current_step) == (
        booked_id, f"appointment:{visit_id}", "running", "call_day")
