"""'Mark completed' in the portal: the journey starts at once when Temporal answers, and later when it does not."""
from __future__ import annotations

import socket
import uuid
from functools import partial

from sqlmodel import Session, select

from models.appointments import complete_appointment
from models.db import session_scope
from models.settings import Settings
from models.tables import DomainEvent, Enrollment, Journey
from portal.temporal_link import dispatch_now
from tests.factories import make_appointment, make_patient, make_practice
from workflows.journeys.builtin import install_builtin_journeys


def _completed_visit(engine) -> tuple[int, int]:  # noqa: ANN001
    """A practice with the built-in journeys and one visit just marked completed: (patient id, appointment id)."""
    with Session(engine, expire_on_commit=False) as session:
        practice = make_practice(session)
        install_builtin_journeys(session=session, practice_id=practice.id)
        patient = make_patient(session, practice)
        visit = make_appointment(session, patient)
        complete_appointment(session=session, appointment_id=visit.id)
        session.commit()
        return patient.id, visit.id


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dispatched(engine) -> list[tuple[str, bool]]:  # noqa: ANN001
    with Session(engine) as session:
        return [(e.kind, e.dispatched_at is not None) for e in session.exec(select(DomainEvent)).all()]


async def test_completion_while_temporal_is_down_leaves_the_event_for_the_worker(engine, tmp_path):
    _completed_visit(engine)
    settings = Settings(temporal_address=f"localhost:{_closed_port()}", var_dir=tmp_path)

    started = await dispatch_now(settings=settings, session_factory=partial(session_scope, engine))

    assert started is False
    assert _dispatched(engine) == [("appointment.completed", False)]


async def test_completion_enrols_the_patient_in_the_review_journey_at_once(engine, tmp_path, dev_server_env):
    patient_id, visit_id = _completed_visit(engine)
    settings = Settings(temporal_address=dev_server_env.client.service_client.config.target_host,
                        var_dir=tmp_path, task_queue=f"portal-test-{uuid.uuid4().hex[:8]}")

    started = await dispatch_now(settings=settings, session_factory=partial(session_scope, engine))

    assert started is True
    assert _dispatched(engine) == [("appointment.completed", True)]
    with Session(engine) as session:
        rows = session.exec(select(Journey.key, Enrollment.patient_id, Enrollment.trigger_ref, Enrollment.status)
                            .join(Journey, Journey.id == Enrollment.journey_id)).all()
    assert [tuple(r) for r in rows] == [("review_request", patient_id, f"appointment:{visit_id}", "running")]
