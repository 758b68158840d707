"""Status badges: a status without its own colour still reads in words ("timed out", not "timed_out")."""
from __future__ import annotations

import reflex as rx

from portal.components.badges import status_badge


def _default_branch(component: rx.Component) -> str:
    return str(component).split("default:", 1)[1].split("break;", 1)[0]


def test_an_unlisted_status_is_shown_in_words():
    assert '"timed out"' in _default_branch(status_badge("timed_out"))


def test_an_unlisted_status_from_the_page_data_is_shown_in_words_in_the_browser():
    item = rx.Var.create({"status": "skipped_to"}).to(dict)
    assert '.replaceAll("_", " ")' in _default_branch(status_badge(item["status"]))
