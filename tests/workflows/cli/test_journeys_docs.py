"""docs/journeys.md names every `prm journeys` subcommand and `prm simulate`, so the shell section keeps up."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from workflows.cli.main import build_parser

DOC = Path(__file__).resolve().parents[3] / "docs" / "journeys.md"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    # argparse offers no public way to list a parser's subcommands.
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_the_shell_section_of_the_journeys_doc_names_every_journeys_subcommand_and_simulate():
    commands = _subcommands(build_parser())
    names = list(_subcommands(commands["journeys"]))
    text = DOC.read_text(encoding="utf-8")
    shell = text[text.index("## From the shell: prm journeys / prm simulate"):text.index("## Dry-run")]

    assert [name for name in names if not re.search(rf"`prm journeys {name}\b", shell)] == []
    assert "simulate" in commands and "`prm simulate KEY --patient ID" in shell
