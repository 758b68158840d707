"""The MySQL INSERT reader: values, escapes, line numbers and the errors a bad script gives."""
from __future__ import annotations

import pytest

from models.importers.opendental.errors import OpenDentalImportError
from models.importers.opendental.sqldump import iter_statements


def _statements(tmp_path, text: str):
    path = tmp_path / "dump.sql"
    path.write_text(text, encoding="utf-8")
    return list(iter_statements(path))


def test_values_become_python_types(tmp_path):
    [insert] = _statements(tmp_path, "INSERT INTO `t` (a, b, c, d, e, f) VALUES (1, -2.5, 'x', NULL, '', 1e3);\n")
    assert insert.kind == "insert"
    assert insert.table == "t"
    assert insert.columns == ("a", "b", "c", "d", "e", "f")
    assert insert.rows == ((1, -2.5, "x", None, "", 1000.0),)


def test_mysql_escapes_and_doubled_quotes_are_decoded(tmp_path):
    text = r"INSERT INTO `t` (a, b, c, d) VALUES ('it\'s', 'a\\b', 'line\nnext', 'O''Brien');" + "\n"
    [insert] = _statements(tmp_path, text)
    assert insert.rows == (("it's", "a\\b", "line\nnext", "O'Brien"),)


def test_semicolons_and_parentheses_inside_strings_do_not_end_the_statement(tmp_path):
    [insert] = _statements(tmp_path, "INSERT INTO `t` (a) VALUES ('x); y;');\n")
    assert insert.rows == (("x); y;",),)


def test_multi_row_insert_gives_every_row(tmp_path):
    [insert] = _statements(tmp_path, "INSERT INTO t (`a`, `b`) VALUES (1, 'x'), (2, 'y'),\n(3, 'z');\n")
    assert insert.rows == ((1, "x"), (2, "y"), (3, "z"))


def test_line_numbers_count_comments_and_strings_with_newlines(tmp_path):
    text = ("-- header\n/* block\ncomment */\nSET FOREIGN_KEY_CHECKS = 0;\n"
            "INSERT INTO `t` (a) VALUES ('two\nlines');\nINSERT INTO `t` (a) VALUES (2);\n")
    statements = _statements(tmp_path, text)
    assert [(s.kind, s.line) for s in statements] == [("set", 4), ("insert", 5), ("insert", 7)]
    assert statements[0].words == ("SET", "FOREIGN_KEY_CHECKS", "=", "0")
    assert statements[1].rows == (("two\nlines",),)


def test_other_statements_are_kept_as_words(tmp_path):
    [create] = _statements(tmp_path, "CREATE TABLE `t` (a int(11) NOT NULL DEFAULT '0');\n")
    assert create.kind == "other"
    assert create.words[:3] == ("CREATE", "TABLE", "`t`")


def test_insert_without_column_list_is_rejected_with_its_line(tmp_path):
    with pytest.raises(OpenDentalImportError) as error:
        _statements(tmp_path, "\n\nINSERT INTO `patient` VALUES (1, 'x');\n")
    assert str(error.value) == ("dump.sql, line 3: INSERT into `patient` has no column list; "
                                "export with complete inserts (mysqldump --complete-insert)")


def test_row_with_wrong_number_of_values_is_rejected(tmp_path):
    with pytest.raises(OpenDentalImportError) as error:
        _statements(tmp_path, "INSERT INTO `t` (a, b) VALUES (1);\n")
    assert str(error.value) == "dump.sql, line 1: `t` row has 1 values for 2 columns"


def test_file_cut_inside_a_string_is_reported_as_truncated(tmp_path):
    with pytest.raises(OpenDentalImportError) as error:
        _statements(tmp_path, "INSERT INTO `t` (a) VALUES (1);\nINSERT INTO `t` (a) VALUES ('unfinish")
    assert str(error.value) == "dump.sql, line 2: the file ends inside a quoted value or comment (is it truncated?)"


def test_file_cut_between_values_is_reported_as_truncated(tmp_path):
    with pytest.raises(OpenDentalImportError) as error:
        _statements(tmp_path, "INSERT INTO `t` (a) VALUES (1);\nINSERT INTO `t` (a, b) VALUES (1, ")
    assert str(error.value) == ("dump.sql, line 2: the file ends in the middle of this statement "
                                "(no closing ';'; is it truncated?)")


def test_json_is_not_a_mysql_script(tmp_path):
    with pytest.raises(OpenDentalImportError) as error:
        _statements(tmp_path, '{\n  "resourceType": "Patient"\n}\n')
    assert str(error.value) == "dump.sql, line 1: unexpected character '{': this is not a MySQL INSERT script"


def test_csv_is_not_a_mysql_script(tmp_path):
    with pytest.raises(OpenDentalImportError) as error:
        _statements(tmp_path, '"PatNum","LName"\n1,"Lopez"\n')
    assert str(error.value) == ("dump.sql, line 1: a statement starts with a value, not an SQL keyword: "
                                "this is not a MySQL INSERT script")


def test_binary_file_is_not_a_mysql_script(tmp_path):
    path = tmp_path / "image.sql"
    path.write_bytes(b"-- ok\n\xff\xd8\xff\xe0 JFIF\n")
    with pytest.raises(OpenDentalImportError) as error:
        list(iter_statements(path))
    assert str(error.value) == "image.sql, line 2: the text is not UTF-8: this is not a MySQL INSERT script"


def test_progress_reports_bytes_read(tmp_path):
    path = tmp_path / "dump.sql"
    path.write_text("INSERT INTO `t` (a) VALUES (1);\n" * 10, encoding="utf-8")
    seen: list[int] = []
    list(iter_statements(path, seen.append))
    assert seen[-1] == path.stat().st_size
