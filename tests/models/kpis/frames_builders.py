"""Tiny hand-built frames in the shapes models.kpis.frames loads (days as naive midnight datetimes)."""
from __future__ import annotations

import pandas as pd


def days(*values: str | None) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype=object))


def patients(rows: list[tuple[int, str, str | None]]) -> pd.DataFrame:
    """(id, status, first_visit)"""
    return pd.DataFrame({"id": [r[0] for r in rows], "status": [r[1] for r in rows],
                         "first_visit": days(*[r[2] for r in rows])})


def appointments(rows: list[tuple]) -> pd.DataFrame:
    """(patient_id, day, status) or (patient_id, day, status, is_hygiene)"""
    return pd.DataFrame({"id": list(range(1, len(rows) + 1)), "patient_id": [r[0] for r in rows],
                         "day": days(*[r[1] for r in rows]), "status": [r[2] for r in rows],
                         "is_hygiene": [bool(r[3]) if len(r) > 3 else False for r in rows]})


def messages(rows: list[dict]) -> pd.DataFrame:
    """dicts with id, direction, status and optional enrollment_id, template_key, in_reply_to_id, day"""
    return pd.DataFrame({
        "id": [r["id"] for r in rows],
        "enrollment_id": pd.array([r.get("enrollment_id") for r in rows], dtype="Int64"),
        "direction": [r["direction"] for r in rows],
        "status": [r["status"] for r in rows],
        "template_key": [r.get("template_key", "") for r in rows],
        "in_reply_to_id": pd.array([r.get("in_reply_to_id") for r in rows], dtype="Int64"),
        "day": days(*[r.get("day", "2024-05-01") for r in rows]),
    })


def feedback(rows: list[tuple[str, str, int | None, str]]) -> pd.DataFrame:
    """(kind, scale, score, day); scale "" and score None for a comment only"""
    return pd.DataFrame({"id": list(range(1, len(rows) + 1)), "kind": [r[0] for r in rows],
                         "scale": [r[1] for r in rows], "score": pd.array([r[2] for r in rows], dtype="Int64"),
                         "day": days(*[r[3] for r in rows])})
