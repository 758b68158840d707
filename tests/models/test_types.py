"""Timestamps are UTC-aware on the way in and out; a naive datetime is refused, not silently shifted."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError
from sqlmodel import select

from models.tables import Appointment
from tests.factories import make_appointment, make_patient, make_practice


def test_aware_datetime_round_trips_as_utc(session):
    patient = make_patient(session, make_practice(session))
    chicago = timezone(timedelta(hours=-6))
    make_appointment(session, patient, start=datetime(2026, 12, 8, 9, 30, tzinfo=chicago))
    session.commit()
    session.expire_all()
    loaded = session.exec(select(Appointment)).one()
    assert loaded.start == datetime(2026, 12, 8, 15, 30, tzinfo=timezone.utc)
    assert loaded.start.tzinfo == timezone.utc


def test_naive_datetime_is_refused(session):
    patient = make_patient(session, make_practice(session))
    with pytest.raises(StatementError, match="naive datetime"):
        make_appointment(session, patient, start=datetime(2026, 12, 8, 9, 30))
