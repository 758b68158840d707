"""Streaming reader of a MySQL INSERT script: statements in, rows out, each with its line number.

Understands what mysqldump and Open Dental exports write: INSERT/REPLACE with a column list and one or more value
tuples, SET, comments, and any other statement (kept as words, e.g. CREATE TABLE). Values become str, int, float
or None; strings follow MySQL's backslash escapes and doubled quotes. The file is read line by line.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO

from models.importers.opendental.errors import OpenDentalImportError

Value = str | int | float | None
Token = tuple[str, str, int]  # kind (str, dstr, ident, hex, num, word, punct), text, line

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<comment>(?:--(?=\s|$)|\#)[^\n]*)
    | (?P<block>/\*.*?\*/)
    | (?P<str>'(?:[^'\\]++|\\.|'')*+')
    | (?P<dstr>"(?:[^"\\]++|\\.|"")*+")
    | (?P<ident>`(?:[^`]++|``)*+`)
    | (?P<hex>0[xX][0-9A-Fa-f]+)
    | (?P<num>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)
    | (?P<word>[@A-Za-z_][\w$@]*)
    | (?P<punct>[(),;=.*])
    )""",
    re.VERBOSE | re.DOTALL,
)
_OPENERS = ("'", '"', "`", "/*")  # a token that can span lines: unfinished at the end means the file was cut
# Words a MySQL script's statements start with: an unfinished statement starting otherwise was never SQL (a line of
# text such as a host name), not a cut export.
_STATEMENT_WORDS = frozenset({"INSERT", "REPLACE", "SET", "CREATE", "DROP", "ALTER", "LOCK", "UNLOCK", "USE", "START",
                              "BEGIN", "COMMIT", "ROLLBACK", "TRUNCATE", "DELETE", "UPDATE", "SELECT", "DELIMITER"})
_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "%": "\\%", "_": "\\_"}
_ESCAPE = re.compile(r"\\(.)|''|\"\"", re.DOTALL)
_COLUMNS = re.compile(r"\(([^()'\"\n;]*)\)")
_COLUMN_NAME = re.compile(r"\s*(?:`((?:[^`]|``)+)`|([A-Za-z_][\w$]*))\s*(?:,|$)")
_INTEGER = re.compile(r"[-+]?\d+")
_PROGRESS_EVERY_BYTES = 256 * 1024


@dataclass(frozen=True)
class Statement:
    """One complete statement: `kind` is "insert", "set" or "other"; `rows` only for inserts."""

    kind: str
    line: int
    table: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Value, ...], ...] = ()
    words: tuple[str, ...] = ()


def unescape(body: str) -> str:
    """MySQL string escapes: backslash sequences and doubled quotes."""
    if "\\" not in body and "''" not in body and '""' not in body:
        return body

    def repl(match: re.Match) -> str:
        char = match.group(1)
        if char is None:
            return match.group(0)[0]
        return _ESCAPES.get(char, char)

    return _ESCAPE.sub(repl, body)


def _token_lists(lines: Iterator[str], name: str) -> Iterator[list[Token]]:
    """The tokens of each statement up to and including its ';' (comments dropped)."""
    buf, pos, base, multiline = "", 0, 1, False
    tokens: list[Token] = []
    match = _TOKEN.match
    while True:
        found = match(buf, pos)
        if found is None:  # end of the buffer, or a string/comment that continues on the next line
            line = next(lines, None)
            if line is None:
                break
            rest = buf[pos:]
            base += buf.count("\n", 0, pos)
            if not rest.strip():
                base += rest.count("\n")
                rest = ""
            elif not rest.lstrip().startswith(_OPENERS):
                _check_end(rest, base, tokens, name)  # junk that no further line can complete
            buf, pos = rest + line, 0
            multiline = buf.count("\n") > 1
            continue
        kind = found.lastgroup
        pos = found.end()
        if kind == "comment" or kind == "block":
            continue
        start = found.start(kind)
        line_no = base + buf.count("\n", 0, start) if multiline else base
        if kind == "punct" and buf[start] == "(" and len(tokens) in (3, 4) and tokens[1][1].upper() == "INTO":
            columns = _COLUMNS.match(buf, start)
            if columns is not None:  # the column list as one token: it repeats on every line of a dump
                tokens.append(("columns", columns.group(1), line_no))
                pos = columns.end()
                continue
        if not tokens and kind != "word" and buf[start] != ";":
            raise OpenDentalImportError(name, line_no, "a statement starts with a value, not an SQL keyword: "
                                                       "this is not a MySQL INSERT script")
        tokens.append((kind, found.group(kind), line_no))
        if kind == "punct" and buf[start] == ";":
            yield tokens
            tokens = []
    _check_end(buf[pos:], base + buf.count("\n", 0, pos), tokens, name)


def _check_end(rest: str, line: int, tokens: list[Token], name: str) -> None:
    """At the end of the file only whitespace may be left, and no statement may be open."""
    stripped = rest.lstrip()
    if stripped:
        line += rest.count("\n", 0, len(rest) - len(stripped))
        if stripped.startswith(_OPENERS):
            raise OpenDentalImportError(name, line, "the file ends inside a quoted value or comment (is it truncated?)")
        raise OpenDentalImportError(name, line, f"unexpected character {stripped[0]!r}: this is not a MySQL INSERT script")
    if tokens and tokens[0][1].upper() not in _STATEMENT_WORDS:
        raise OpenDentalImportError(name, tokens[0][2], "the text is not SQL: this is not an Open Dental export")
    if tokens:
        raise OpenDentalImportError(
            name, tokens[0][2], "the file ends in the middle of this statement (no closing ';'; is it truncated?)")


@lru_cache(maxsize=256)
def _split_columns(text: str) -> tuple[str, ...] | None:
    """The names in a column list's text, None if it is not one (cached: every row of a table repeats it)."""
    columns, pos = [], 0
    while pos < len(text):
        found = _COLUMN_NAME.match(text, pos)
        if found is None or found.end() == pos:
            return None
        columns.append(found.group(1).replace("``", "`") if found.group(1) else found.group(2))
        pos = found.end()
    return tuple(columns) or None


class _StatementParser:
    """Parses one statement's token list; INSERT statements strictly, anything else as a list of words."""

    def __init__(self, tokens: list[Token], name: str) -> None:
        self.tokens = tokens
        self.name = name
        self.i = 0
        self.line = tokens[0][2]

    def fail(self, problem: str, line: int | None = None) -> OpenDentalImportError:
        return OpenDentalImportError(self.name, line or self.line, problem)

    def next(self) -> Token:
        if self.i >= len(self.tokens):
            raise self.fail("the statement ends too early")
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Statement | None:
        head = self.tokens[0][1].upper()
        if head == ";":
            return None
        if head in ("INSERT", "REPLACE"):
            return self.insert()
        words = tuple(token[1] for token in self.tokens[:-1])
        return Statement("set" if head == "SET" else "other", self.line, words=words)

    def identifier(self) -> str:
        kind, text, line = self.next()
        if kind == "ident":
            return text[1:-1].replace("``", "`")
        if kind == "word":
            return text
        raise self.fail("expected a table or column name", line)

    def insert(self) -> Statement:
        self.next()
        if self.tokens[self.i][1].upper() in ("IGNORE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY"):
            self.i += 1
        if self.next()[1].upper() != "INTO":
            raise self.fail("expected INTO after INSERT")
        table = self.identifier()
        if self.tokens[self.i][1] == ".":  # schema.table
            self.i += 1
            table = self.identifier()
        if self.tokens[self.i][0] != "columns" and self.tokens[self.i][1] != "(":
            raise self.fail(f"INSERT into `{table}` has no column list; "
                            "export with complete inserts (mysqldump --complete-insert)")
        columns = self.column_list()
        if self.next()[1].upper() != "VALUES":
            raise self.fail(f"expected VALUES in the INSERT into `{table}`")
        rows = [self.values(len(columns), table)]
        while (token := self.next())[1] == ",":
            rows.append(self.values(len(columns), table))
        if token[1] != ";":
            raise self.fail("expected ';' after the VALUES list", token[2])
        return Statement("insert", self.line, table=table.lower(), columns=columns, rows=tuple(rows))

    def column_list(self) -> tuple[str, ...]:
        kind, text, line = self.next()
        if kind == "columns":
            columns = _split_columns(text)
            if columns is None:
                raise self.fail("the column list of the INSERT is not a list of names", line)
            return columns
        columns = [self.identifier()]
        while (token := self.next())[1] == ",":
            columns.append(self.identifier())
        if token[1] != ")":
            raise self.fail("expected ',' or ')' in the column list", token[2])
        return tuple(columns)

    def values(self, expected: int, table: str) -> tuple[Value, ...]:
        """One parenthesised tuple of literals."""
        if self.next()[1] != "(":
            raise self.fail(f"expected '(' to open a row of `{table}`")
        values: list[Value] = []
        while True:
            kind, text, line = self.next()
            if kind == "word" and text.startswith("_") and self.tokens[self.i][0] == "str":
                kind, text, line = self.next()  # charset introducer such as _binary'...'
            values.append(self.literal(kind, text, line))
            separator = self.next()[1]
            if separator == ")":
                break
            if separator != ",":
                raise self.fail("expected ',' or ')' between values", line)
        if len(values) != expected:
            raise self.fail(f"`{table}` row has {len(values)} values for {expected} columns")
        return tuple(values)

    def literal(self, kind: str, text: str, line: int) -> Value:
        if kind == "str" or kind == "dstr":
            return unescape(text[1:-1])
        if kind == "num":
            return int(text) if _INTEGER.fullmatch(text) else float(text)
        if kind == "hex":
            return text
        upper = text.upper()
        if kind == "word" and upper == "NULL":
            return None
        if kind == "word" and upper in ("TRUE", "FALSE"):
            return int(upper == "TRUE")
        raise self.fail("a value in the VALUES list is not a literal", line)


def _decoded_lines(stream: IO[bytes], name: str, on_bytes: Callable[[int], None]) -> Iterator[str]:
    """Lines as text; bytes are counted for progress and a non-UTF-8 line is reported by number."""
    for number, raw in enumerate(stream, start=1):
        on_bytes(len(raw))
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise OpenDentalImportError(name, number, "the text is not UTF-8: this is not a MySQL INSERT script") from exc


def iter_statements(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Statement]:
    """Statements of the script at `path`, read as a stream; `progress(bytes_read)` is called every 256 KB."""
    name = path.name
    state = {"read": 0, "reported": 0}

    def on_bytes(count: int) -> None:
        state["read"] += count
        if progress is not None and state["read"] - state["reported"] >= _PROGRESS_EVERY_BYTES:
            state["reported"] = state["read"]
            progress(state["read"])

    with path.open("rb") as stream:
        for tokens in _token_lists(_decoded_lines(stream, name, on_bytes), name):
            statement = _StatementParser(tokens, name).parse()
            if statement is not None:
                yield statement
    if progress is not None:
        progress(state["read"])
