"""Staff wording for the domain's refusals: a model's ValueError names ids and statuses for logs and tests; the
toast says what happened in the front desk's words, with no ids."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable

log = logging.getLogger(__name__)

FALLBACK = "That didn't work. Reload the page and try again."
_VISIT_STATUS = {"completed": "completed", "cancelled": "cancelled", "no_show": "marked as a no-show"}
_TASK_STATUS = {"done": "done", "cancelled": "cancelled"}

# (model message pattern, staff text or a function of the match); the first match wins.
_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"cannot complete appointment \d+: it is on a later day"),
     "This visit is on a later day; it can't be completed yet."),
    (re.compile(r"cannot mark appointment \d+ as a no-show: it has not started yet"),
     "This visit has not started yet; it can't be marked as a no-show."),
    (re.compile(r"cannot [a-z -]+ appointment \d+: it is already (\w+)"),
     lambda m: f"This visit is already {_VISIT_STATUS.get(m[1], m[1].replace('_', ' '))}."),
    (re.compile(r"appointment \d+ does not exist"), "This visit is no longer in the book. Reload the page."),
    (re.compile(r"cannot [a-z]+ task \d+: it is already (\w+)"),
     lambda m: f"This task is already {_TASK_STATUS.get(m[1], m[1])}."),
    (re.compile(r"task \d+ does not exist"), "This task no longer exists. Reload the page."),
    (re.compile(r"patient \d+ does not exist"), "This patient is no longer on file. Reload the page."),
]


def staff_message(error: Exception) -> str:
    """The toast text for a refused change; an unexpected message is logged (ids only) and shown generically."""
    text = str(error)
    for pattern, wording in _RULES:
        match = pattern.fullmatch(text)
        if match:
            return wording if isinstance(wording, str) else wording(match)
    log.warning("refused change without staff wording: %s", text)
    return FALLBACK
