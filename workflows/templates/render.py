"""The one renderer for staff-editable message templates: Jinja2's sandbox with StrictUndefined.

Used by sending and by the editor's preview. Messages are plain text (SMS and, for now, plain-text email), so
autoescaping is off; when HTML email arrives it gets a second environment with autoescape=True.
Error messages are written for coordinators and name template fields, never patient values.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

# Every field a template may use, with what it holds (shown in the editor's help).
TEMPLATE_FIELDS: dict[str, str] = {
    "first_name": "the patient's preferred name, or first name",
    "last_name": "the patient's last name",
    "practice_name": "the practice's name",
    "practice_phone": "the practice's phone number",
    "review_link": "the practice's review page",
    "appointment_date": "the appointment day in the patient's time zone, e.g. Tuesday 8 December",
    "appointment_time": "the appointment time in the patient's time zone, e.g. 2:30 PM",
}
# Sample values for validating a template without a patient (and for the editor's preview).
SAMPLE_CONTEXT: dict[str, str] = {
    "first_name": "Maria", "last_name": "Lopez", "practice_name": "Lakeside Dental",
    "practice_phone": "(555) 201-0000", "review_link": "https://g.page/r/lakeside-dental/review",
    "appointment_date": "Tuesday 8 December", "appointment_time": "2:30 PM",
}
# Message.body holds 5,000 characters; a longer result is a template mistake (e.g. a runaway loop).
MAX_RENDERED_CHARS = 5000

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)


class TemplateRenderError(ValueError):
    """A template that cannot be rendered, with a message a coordinator can act on."""


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str


def render_template(body: str, context: Mapping[str, object]) -> str:
    """Render a template body with the given fields; raises TemplateRenderError naming the problem."""
    template = _compile(body)
    missing = sorted(meta.find_undeclared_variables(_parse(body)) - set(context))
    if missing:
        raise TemplateRenderError(_missing_field_message(missing[0], available=context.keys()))
    try:
        text = template.render(dict(context))
    except SecurityError as exc:
        raise TemplateRenderError(f"template tried something not allowed: {exc}") from exc
    except UndefinedError as exc:  # an attribute or item that does not exist, e.g. {{ first_name.nickname }}
        raise TemplateRenderError(f"template uses a value that does not exist: {exc}") from exc
    except TemplateError as exc:
        raise TemplateRenderError(f"template failed while rendering: {exc}") from exc
    except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
        # Python's own messages can quote the values (which may be PHI), so only the kind of error is shown.
        raise TemplateRenderError(f"template failed while rendering ({type(exc).__name__})") from exc
    if len(text) > MAX_RENDERED_CHARS:
        raise TemplateRenderError(f"rendered message is {len(text)} characters; the limit is {MAX_RENDERED_CHARS}")
    return text


def render_message(*, subject: str, body: str, context: Mapping[str, object]) -> RenderedMessage:
    """Render an email's subject (one line) and body; an SMS simply has an empty subject."""
    try:
        rendered_subject = " ".join(render_template(subject, context).split()) if subject else ""
    except TemplateRenderError as exc:
        raise TemplateRenderError(f"subject: {exc}") from exc
    return RenderedMessage(subject=rendered_subject, body=render_template(body, context))


def validate_template(body: str, *, fields: Iterable[str] | None = None) -> list[str]:
    """Problems with a template before any patient is involved: syntax, unknown fields, forbidden operations."""
    allowed = set(TEMPLATE_FIELDS if fields is None else fields)
    try:
        _compile(body)
    except TemplateRenderError as exc:
        return [str(exc)]
    unknown = sorted(meta.find_undeclared_variables(_parse(body)) - allowed)
    if unknown:
        return [_missing_field_message(name, available=allowed) for name in unknown]
    sample = {name: SAMPLE_CONTEXT.get(name, f"[{name}]") for name in allowed}
    try:
        render_template(body, sample)
    except TemplateRenderError as exc:
        return [str(exc)]
    return []


def _missing_field_message(name: str, *, available: Iterable[str]) -> str:
    names = sorted(available)
    if name in TEMPLATE_FIELDS and name not in names:
        why = ": it is not about an appointment" if name.startswith("appointment_") else ""
        return f"field '{name}' has no value for this message{why}"
    guess = difflib.get_close_matches(name, names, n=1)
    hint = f" (did you mean '{guess[0]}'?)" if guess else ""
    return f"unknown field '{name}'{hint} — available: {', '.join(names) or 'none'}"


@lru_cache(maxsize=256)
def _compile(body: str) -> Template:
    try:
        return _ENV.from_string(body)
    except TemplateSyntaxError as exc:
        raise TemplateRenderError(f"syntax error on line {exc.lineno}: {exc.message}") from exc


@lru_cache(maxsize=256)
def _parse(body: str):  # noqa: ANN202 - a jinja2 nodes.Template
    return _ENV.parse(body)
