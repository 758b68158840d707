"""The one place the CLI makes its rich Console.

Output piped to another tool or a file gets a very wide fixed width: rich would otherwise assume 80 columns and wrap
each table row over several lines, which `grep`, `sort` and the reader of a saved file cannot follow. Tables are only
as wide as their contents, so the width is an upper bound, never padding.
"""
from __future__ import annotations

import sys

from rich.console import Console

PIPED_WIDTH = 1000


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Leave a closed pipe to `prm`'s main, which ends every command the same quiet way (rich would exit 1)."""
        self.quiet = True
        raise BrokenPipeError


def console(*, stderr: bool = False) -> Console:
    """A Console on stdout (or stderr): the terminal's own width on a terminal, PIPED_WIDTH columns otherwise."""
    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():
        return _Console(stderr=stderr)
    return _Console(stderr=stderr, width=PIPED_WIDTH)
