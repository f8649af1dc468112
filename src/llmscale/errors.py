"""The one error type for bad input: it names the file, row, column and value."""

from __future__ import annotations


class DataError(ValueError):
    """Bad input data, located precisely enough to fix by hand.

    ``row`` is the row as a spreadsheet shows it (the header is row 1) for CSV files, or
    the record's key for JSON/YAML files. Errors found in a file's text itself (bytes that are
    not UTF-8, YAML or JSON syntax) give ``line`` and ``char`` (both from 1) instead.
    """

    def __init__(self, file, row=None, column=None, value=None, expected: str = "", *, line=None, char=None):
        self.file, self.row, self.column, self.value, self.expected = file, row, column, value, expected
        self.line, self.char = line, char
        parts = [str(file)]
        if line is not None:
            parts.append(f"line {line}")
        if char is not None:
            parts.append(f"character {char}")
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        where = ", ".join(parts)
        msg = f"{where}: bad value {value!r}"
        if expected:
            msg += f"; expected {expected}"
        super().__init__(msg)
