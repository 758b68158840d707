from datetime import date

from models.kpis.retention import first_visits, new_patient_ids, patients_of_practice, retention, retention_rate
from tests.models.kpis import frames_builders as fb

PERIOD = (date(2024, 1, 1), date(2024, 12, 31))


def _practice():
    """Eight patients chosen to hit every rule of the definition (see the worked example below)."""
    patients = fb.patients([
        (1, "active", "2020-01-01"), (2, "active", "2020-01-01"), (3, "inactive", "2020-01-01"),
        (4, "active", None), (5, "active", None), (6, "active", "2020-01-01"), (7, "active", "2020-01-01"),
        (8, "active", None),
    ])
    appointments = fb.appointments([
        (1, "2023-03-10", "completed"), (1, "2024-09-01", "completed"),  # stays
        (2, "2023-02-01", "completed"),  # in at the start, lapsed by the end
        (3, "2023-10-01", "completed"), (3, "2024-03-01", "completed"),  # inactive: never counted
        (4, "2024-05-05", "completed"),  # new in the period
        (5, "2024-12-31", "no_show"), (5, "2025-01-05", "completed"),  # first completed visit after the period
        (6, "2022-06-30", "completed"), (6, "2024-02-01", "cancelled"),  # exactly 18 months before the start day
        (7, "2023-12-31", "completed"), (7, "2024-12-31", "scheduled"),  # the last day before the period
        (8, "2024-01-01", "completed"),  # new on the first day of the period
    ])
    return patients, appointments


def test_retention_follows_the_worked_example():
    # Start = end of 2023-12-31, window 2022-06-30..2023-12-31: patients 1, 2, 6, 7 -> 4 (3 is inactive).
    # End = 2024-12-31, window 2023-06-30..2024-12-31: patients 1, 4, 7, 8 -> 4 (2 lapsed, 6 only cancelled).
    # New in 2024 (first completed visit): 4 and 8 -> 2 (5's first completed visit is in 2025).
    # Retention = (4 - 2) / 4 = 0.5
    patients, appointments = _practice()
    assert retention(patients, appointments, *PERIOD) == {"at_start": 4, "at_end": 4, "new": 2, "retention_rate": 0.5}


def test_patients_of_practice_are_active_with_a_completed_visit_in_the_18_months_up_to_the_day():
    patients, appointments = _practice()
    assert list(patients_of_practice(patients, appointments, date(2023, 12, 31))) == [1, 2, 6, 7]
    assert list(patients_of_practice(patients, appointments, date(2024, 12, 31))) == [1, 4, 7, 8]


def test_new_patients_are_those_whose_first_completed_visit_is_in_the_period():
    patients, appointments = _practice()
    assert list(new_patient_ids(patients, appointments, *PERIOD)) == [4, 8]


def test_a_recorded_first_visit_before_the_first_appointment_makes_the_patient_established():
    patients = fb.patients([(1, "active", "2019-05-01"), (2, "active", None)])
    appointments = fb.appointments([(1, "2024-03-01", "completed"), (2, "2024-03-02", "completed")])
    firsts = first_visits(patients, appointments)
    assert firsts[1].date() == date(2019, 5, 1)
    assert list(new_patient_ids(patients, appointments, *PERIOD)) == [2]


def test_retention_is_none_when_the_practice_had_no_patients_at_the_start():
    patients = fb.patients([(1, "active", None)])
    appointments = fb.appointments([(1, "2024-06-01", "completed")])
    assert retention(patients, appointments, *PERIOD) == {"at_start": 0, "at_end": 1, "new": 1, "retention_rate": None}


def test_retention_of_empty_frames_is_none_not_an_error():
    result = retention(fb.patients([]), fb.appointments([]), *PERIOD)
    assert result == {"at_start": 0, "at_end": 0, "new": 0, "retention_rate": None}


def test_retention_rate_rounds_to_four_places():
    assert retention_rate(at_start=3, at_end=3, new=1) == 0.6667
    assert retention_rate(at_start=0, at_end=5, new=2) is None


def test_a_patient_back_after_more_than_18_months_counts_at_the_end_only():
    # Start (2023-12-31): only patient 1 -> 1. End: 1 and the returning patient 2 -> 2. New: none.
    # Retention = (2 - 0) / 1 = 2.0, as the article's formula credits reactivations.
    patients = fb.patients([(1, "active", "2020-01-01"), (2, "active", "2020-01-01")])
    appointments = fb.appointments([(1, "2023-06-01", "completed"), (1, "2024-06-01", "completed"),
                                    (2, "2021-01-10", "completed"), (2, "2024-06-01", "completed")])
    assert retention(patients, appointments, *PERIOD) == {"at_start": 1, "at_end": 2, "new": 0, "retention_rate": 2.0}
