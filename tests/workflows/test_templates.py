"""Template rendering in the sandbox, coordinator-readable errors, the patient's fields and the seed templates."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from models.tables import MessageTemplate
from tests.factories import make_appointment, make_patient, make_practice
from workflows.templates.context import template_context
from workflows.templates.render import (
    SAMPLE_CONTEXT, TEMPLATE_FIELDS, RenderedMessage, TemplateRenderError, render_message, render_template,
    validate_template,
)
from workflows.templates.seed import (
    PROMOTIONAL_TYPES, SEED_CHANNELS, SEED_MESSAGE_TYPES, get_template, load_seed_templates, seed_templates,
)

UTC = timezone.utc
CONTEXT = {"first_name": "Maria", "practice_name": "Lakeside Dental"}
SEEDS = load_seed_templates()


def test_render_fills_fields_and_leaves_text_unescaped():
    assert render_template("Hi {{ first_name }}, from {{ practice_name }} & co <3", CONTEXT) == (
        "Hi Maria, from Lakeside Dental & co <3")


RENDER_ERRORS = [
    ("misspelt_field_names_the_fields_there_are", "Hi {{ frist_name }}",
     "unknown field 'frist_name' (did you mean 'first_name'?) — available: first_name, practice_name"),
    ("unrelated_unknown_field_lists_without_a_guess", "{{ balance }}",
     "unknown field 'balance' — available: first_name, practice_name"),
    ("appointment_field_without_appointment", "See you {{ appointment_date }}",
     "field 'appointment_date' has no value for this message: it is not about an appointment"),
    ("syntax_error_gives_the_line", "Hi {{ first_name }}\n{{ practice name }}",
     "syntax error on line 2: expected token 'end of print statement', got 'name'"),
    ("unclosed_block_gives_the_line", "{% if first_name %}\nHi",
     "syntax error on line 2: Unexpected end of template. Jinja was looking for the following tags: 'elif' or "
     "'else' or 'endif'. The innermost block that needs to be closed is 'if'."),
    ("unknown_filter", "{{ first_name|shout }}", "syntax error on line 1: No filter named 'shout'."),
    ("class_walk_is_blocked", "{{ ''.__class__.__mro__ }}",
     "template tried something not allowed: access to attribute '__class__' of 'str' object is unsafe."),
    ("globals_walk_to_os_is_blocked", "{{ lipsum.__globals__['os'].popen('id').read() }}",
     "template tried something not allowed: access to attribute '__globals__' of 'function' object is unsafe."),
    ("missing_attribute", "{{ first_name.nickname }}",
     "template uses a value that does not exist: 'str object' has no attribute 'nickname'"),
    ("python_error_shows_only_its_kind", "{{ first_name.index('zz') }}", "template failed while rendering (ValueError)"),
    ("division_by_zero", "{{ 1 / 0 }}", "template failed while rendering (ZeroDivisionError)"),
    ("huge_range_is_refused", "{{ range(200000)|list }}", "template failed while rendering (OverflowError)"),
    ("runaway_output_is_refused", "{% for i in range(3000) %}ab{% endfor %}",
     "rendered message is 6000 characters; the limit is 5000"),
]


@pytest.mark.parametrize("body, message", [case[1:] for case in RENDER_ERRORS], ids=[case[0] for case in RENDER_ERRORS])
def test_render_errors_are_readable(body, message):
    with pytest.raises(TemplateRenderError) as caught:
        render_template(body, CONTEXT)
    assert str(caught.value) == message
    assert "Maria" not in str(caught.value)


def test_render_error_is_a_value_error():
    assert issubclass(TemplateRenderError, ValueError)


def test_render_message_renders_a_one_line_subject():
    result = render_message(subject="Hello  {{ first_name }}\n from {{ practice_name }}", body="Body {{ first_name }}",
                            context=CONTEXT)
    assert result == RenderedMessage(subject="Hello Maria from Lakeside Dental", body="Body Maria")


def test_render_message_says_when_the_subject_is_wrong():
    with pytest.raises(TemplateRenderError, match="^subject: unknown field 'frist_name'"):
        render_message(subject="Hi {{ frist_name }}", body="ok", context=CONTEXT)


def test_validate_accepts_a_good_template():
    assert validate_template("Hi {{ first_name }}, see you {{ appointment_date }} at {{ appointment_time }}.") == []


@pytest.mark.parametrize("body, problems", [
    ("{{ frist_name }} {{ zzz }}", [
        f"unknown field 'frist_name' (did you mean 'first_name'?) — available: {', '.join(sorted(TEMPLATE_FIELDS))}",
        f"unknown field 'zzz' — available: {', '.join(sorted(TEMPLATE_FIELDS))}"]),
    ("{% for %}", ["syntax error on line 1: Expected an expression, got 'end of statement block'"]),
    ("{{ review_link.__class__ }}",
     ["template tried something not allowed: access to attribute '__class__' of 'str' object is unsafe."]),
    ("{% set greeting = 'Hi' %}{{ greeting }} {{ first_name }}", []),
])
def test_validate_reports_problems_without_a_patient(body, problems):
    assert validate_template(body) == problems


def test_validate_accepts_extra_fields_the_caller_provides():
    assert validate_template("{{ first_name }} has {{ points }} points", fields=[*TEMPLATE_FIELDS, "points"]) == []


def test_context_uses_preferred_name_and_practice_details(session):
    practice = make_practice(session, name="Lakeside Dental", phone="(555) 201-0000")
    patient = make_patient(session, practice, first_name="Margarita", preferred_name="Rita", last_name="Lopez")
    assert template_context(patient=patient, practice=practice, extra={"points": "120"}) == {
        "first_name": "Rita", "last_name": "Lopez", "practice_name": "Lakeside Dental",
        "practice_phone": "(555) 201-0000", "review_link": "https://example.com/review", "points": "120",
    }


def test_context_falls_back_to_first_name_when_preferred_name_is_blank(session):
    practice = make_practice(session)
    patient = make_patient(session, practice, first_name="Maria", preferred_name="  ")
    assert template_context(patient=patient, practice=practice)["first_name"] == "Maria"


@pytest.mark.parametrize("start, patient_tz, date_text, time_text", [
    (datetime(2026, 12, 8, 20, 30, tzinfo=UTC), None, "Tuesday 8 December", "2:30 PM"),
    (datetime(2026, 12, 8, 20, 30, tzinfo=UTC), "America/Los_Angeles", "Tuesday 8 December", "12:30 PM"),
    (datetime(2026, 12, 9, 5, 30, tzinfo=UTC), None, "Tuesday 8 December", "11:30 PM"),
    (datetime(2026, 12, 9, 6, 5, tzinfo=UTC), None, "Wednesday 9 December", "12:05 AM"),
    (datetime(2026, 7, 1, 14, 0, tzinfo=UTC), None, "Wednesday 1 July", "9:00 AM"),
])
def test_appointment_date_and_time_are_in_the_patients_clock(session, start, patient_tz, date_text, time_text):
    practice = make_practice(session)
    patient = make_patient(session, practice, timezone=patient_tz)
    appointment = make_appointment(session, patient, start=start)
    context = template_context(patient=patient, practice=practice, appointment=appointment)
    assert (context["appointment_date"], context["appointment_time"]) == (date_text, time_text)


def test_every_seed_key_has_an_sms_and_an_email_template():
    assert sorted((seed.key, seed.channel) for seed in SEEDS) == sorted(
        (key, channel) for key in SEED_MESSAGE_TYPES for channel in SEED_CHANNELS)
    assert len(SEEDS) == 22


@pytest.mark.parametrize("seed", SEEDS, ids=[f"{s.key}.{s.channel}" for s in SEEDS])
def test_seed_template_is_valid_and_renders(seed):
    assert validate_template(seed.body) == []
    assert validate_template(seed.subject) == []
    rendered = render_message(subject=seed.subject, body=seed.body, context=SAMPLE_CONTEXT)
    assert "Maria" in rendered.body
    assert (rendered.subject != "") == (seed.channel == "email")


# GSM-7 extension characters cost two slots; anything outside ASCII switches the whole SMS to 70-character parts.
_COSTLY_SMS_CHARACTERS = set("{}[]\\^~|€")
SMS_SEEDS = [seed for seed in SEEDS if seed.channel == "sms"]


@pytest.mark.parametrize("seed", SMS_SEEDS, ids=[seed.key for seed in SMS_SEEDS])
def test_seed_sms_fits_one_plain_text_segment(seed):
    longest = dict(SAMPLE_CONTEXT, appointment_date="Wednesday 30 September", appointment_time="12:30 PM")
    text = render_template(seed.body, longest)
    assert len(text) <= 160
    assert text.isascii() and not set(text) & _COSTLY_SMS_CHARACTERS
    assert ("Reply STOP" in text) == (SEED_MESSAGE_TYPES[seed.key] in PROMOTIONAL_TYPES)


def test_seeding_inserts_missing_templates_once_and_keeps_staff_edits(session):
    practice = make_practice(session)
    assert seed_templates(session=session, practice_id=practice.id) == 22
    edited = get_template(session=session, practice_id=practice.id, key="birthday", channel="sms")
    edited.body = "Happy birthday {{ first_name }}!"
    session.delete(get_template(session=session, practice_id=practice.id, key="recall_due", channel="email"))
    session.flush()
    assert seed_templates(session=session, practice_id=practice.id) == 1
    assert seed_templates(session=session, practice_id=practice.id) == 0
    assert get_template(session=session, practice_id=practice.id, key="birthday", channel="sms").body == (
        "Happy birthday {{ first_name }}!")


def test_seeded_email_row_keeps_subject_apart_from_body(session):
    practice = make_practice(session)
    seed_templates(session=session, practice_id=practice.id)
    row = get_template(session=session, practice_id=practice.id, key="review_request", channel="email")
    assert isinstance(row, MessageTemplate)
    assert row.subject == "How was your visit to {{ practice_name }}?"
    assert row.body.startswith("Hi {{ first_name }},\n\nThank you for coming in")


def test_templates_belong_to_one_practice(session):
    first, second = make_practice(session), make_practice(session, name="Hillside Dental")
    seed_templates(session=session, practice_id=first.id)
    assert get_template(session=session, practice_id=second.id, key="birthday", channel="sms") is None
    assert seed_templates(session=session, practice_id=second.id) == 22
    assert get_template(session=session, practice_id=first.id, key="no_such_key", channel="sms") is None
