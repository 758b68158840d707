"""Validation of staff-entered fields (names, emails, phones, bounded text); errors name the field, never the value.

Phone numbers are stored in the North American display form "(NXX) NXX-XXXX", the form Open Dental exports and the
demo writes, so search and de-duplication see one spelling. Accepted input: 10 digits with any of the separators
space ( ) - . /, optionally preceded by "1" or "+1". Area code and exchange must start with 2-9 (NANP rules).
Anything else (other country codes, extensions, letters) is refused with a message naming the field.
"""
from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s().\-/]")
_NANP = re.compile(r"([2-9]\d{2})([2-9]\d{2})(\d{4})")
# One @, a non-empty local part, a dotted domain of letters, digits and hyphens (no spaces anywhere).
_EMAIL = re.compile(r"[^@\s]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+")
_MAX_EMAIL = 254


def normalize_phone(raw: str, *, field: str = "phone") -> str:
    """"(NXX) NXX-XXXX" for a valid North American number, "" for blank input, else a ValueError naming the field."""
    text = _SEPARATORS.sub("", raw or "")
    if not text:
        return ""
    if text.startswith("+1"):
        text = text[2:]
    elif len(text) == 11 and text.startswith("1"):
        text = text[1:]
    match = _NANP.fullmatch(text)
    if match is None:
        raise ValueError(f"{field} must be a 10-digit North American phone number, like (312) 555-0134")
    area, exchange, line = match.groups()
    return f"({area}) {exchange}-{line}"


def normalize_email(raw: str, *, field: str = "email") -> str:
    """The address trimmed, its domain lower-cased; "" for blank input; a ValueError naming the field otherwise."""
    text = (raw or "").strip()
    if not text:
        return ""
    if len(text) > _MAX_EMAIL or _EMAIL.fullmatch(text) is None:
        raise ValueError(f"{field} is not a valid email address")
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def require_text(raw: str, *, field: str, max_length: int) -> str:
    """Trimmed, non-empty text within the column's bound."""
    text = (raw or "").strip()
    if not text:
        raise ValueError(f"{field} is required")
    return bounded_text(text, field=field, max_length=max_length)


def bounded_text(raw: str, *, field: str, max_length: int) -> str:
    """Trimmed text, refused (not silently cut) when longer than the column allows."""
    text = (raw or "").strip()
    if len(text) > max_length:
        raise ValueError(f"{field} must be at most {max_length} characters")
    return text
