"""The blast-radius preview counts whom a definition's segment reaches and which runs keep their version."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.factories import make_appointment, make_patient, make_practice
from tests.workflows.journeys.helpers import TEST_SETTINGS, enrol, install
from workflows.journeys.builtin import builtin_definition
from workflows.journeys.definition import DefinitionError
from workflows.journeys.preview import blast_radius

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)


def test_the_preview_counts_the_segment_and_the_running_enrollments(session):
    practice = make_practice(session)
    journeys = install(session, practice.id)
    anxious = [make_patient(session, practice, first_name=f"A{i}", anxious=True) for i in range(3)]
    make_patient(session, practice, first_name="Calm")
    make_patient(session, practice, first_name="Gone", anxious=True, status="inactive")
    visit = make_appointment(session, anxious[0])
    enrol(session, journeys["nervous_patient_checkin"], anxious[0].id, f"appointment:{visit.id}", NOW)
    radius = blast_radius(session=session, practice_id=practice.id, now=NOW,
                          definition=builtin_definition("nervous_patient_checkin", TEST_SETTINGS),
                          journey_id=journeys["nervous_patient_checkin"].id, sample=2)
    assert (radius.trigger, radius.active_patients, radius.in_segment, radius.running_enrollments,
            radius.sample_patient_ids) == ("appointment.booked", 4, 3, 1, [anxious[0].id, anxious[1].id])


def test_the_preview_refuses_an_invalid_definition(session):
    practice = make_practice(session)
    install(session, practice.id)
    broken = builtin_definition("review_request", TEST_SETTINGS)
    broken["steps"][1]["template"] = "nope"
    with pytest.raises(DefinitionError, match="step 'ask': unknown template key 'nope'"):
        blast_radius(session=session, practice_id=practice.id, definition=broken, now=NOW)
