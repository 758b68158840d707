"""`prm import opendental FILE`: migrate, import with a progress bar, print what happened per table."""
from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from models.db import get_engine
from models.importers.opendental import ImportSummary, OpenDentalImportError, import_opendental
from models.migrate import upgrade
from workflows.cli.console import console as make_console

# Our tables first, in the order they are written; then lookups and the tables we only count.
_FIRST = ("patient", "appointment", "procedurelog", "treatplan", "recall", "commlog", "consent",
          "procedurecode", "provider", "operatory", "definition")
_DERIVED = {"treatplan": "treatplan (from TP procedures)", "consent": "consent (from patient)"}


def summary_table(summary: ImportSummary) -> Table:
    table = Table(title=f"Open Dental import: {summary.file}", title_justify="left")
    table.add_column("Open Dental table")
    for header in ("read", "imported", "updated", "unchanged", "skipped"):
        table.add_column(header, justify="right")
    table.add_column("skip reasons")
    names = [name for name in _FIRST if name in summary.tables]
    names += sorted(name for name in summary.tables if name not in _FIRST)
    for name in names:
        counts = summary.tables[name]
        reasons = "; ".join(f"{reason}: {rows:,}" for reason, rows in sorted(counts.skipped.items()))
        table.add_row(_DERIVED.get(name, name), f"{counts.read:,}", f"{counts.imported:,}", f"{counts.updated:,}",
                      f"{counts.unchanged:,}", f"{counts.skipped_total:,}", reasons)
    return table


def _import_with_progress(path: Path, practice_id: int | None, console: Console) -> ImportSummary:
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TextColumn("{task.fields[statements]:,} statements"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("Reading the export", total=None, statements=0)

        def on_bytes(done: int, total: int) -> None:
            description = "Writing to the database" if done >= total else "Reading the export"
            bar.update(task, completed=done, total=total, description=description)

        def on_statements(count: int) -> None:
            bar.update(task, statements=count)

        return import_opendental(engine=get_engine(), path=path, practice_id=practice_id,
                                 progress=on_bytes, on_statements=on_statements)


def run(args) -> int:  # noqa: ANN001
    console = make_console()
    path = Path(args.file)
    try:
        upgrade()
        summary = _import_with_progress(path, getattr(args, "practice_id", None), console)
    except OpenDentalImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {path.name}: {exc.strerror or type(exc).__name__}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        # The driver's first line names the problem; later lines may quote row values.
        reason = str(getattr(exc, "orig", None) or type(exc).__name__).splitlines()[0]
        print(f"error: database: {reason}", file=sys.stderr)
        return 1
    console.print(summary_table(summary))
    console.print(f"{summary.imported:,} rows imported, {summary.updated:,} updated from {summary.statements:,} "
                  f"statements into practice {summary.practice_id} in {summary.seconds:.1f} s")
    return 0
