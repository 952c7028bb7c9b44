"""JSON from files the app did not write itself, read without trusting them.

``json.loads`` accepts what no dojo-gui file holds and fails in ways that name no place:
NaN and Infinity, ``1e400`` (read as infinity), integers of thousands of digits (a
ValueError, or an OverflowError later in ``float()``), nesting deep enough to exhaust the
recursion limit, and text with unpaired UTF-16 surrogates (``"\\ud800"``), which then
fails to print or save.  :func:`read_json` refuses all of these up front, each with the
place in the document (``specs[0].tdp_w``) and, where the text tells, the line.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .. import limits

INT_DIGITS_MAX = 30  # longer integers are out of every range a file may hold; refused before int() reads them
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A long integer, or an exponent of 50 or more (two patterns: one alternation scans several times slower).
_LONG_DIGITS = re.compile(r"[0-9]{31}")
_LARGE_EXPONENT = re.compile(r"[eE][+]?0*[5-9][0-9]|[eE][+]?0*[0-9][0-9][0-9]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # how a surrogate gets into JSON text written in ASCII
# Tokens that matter for finding a line: strings (skipped whole; JSON strings never span lines, which keeps
# an unterminated one from making the scan quadratic), brackets and the non-finite constants.
_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|([\[\]{}])|(NaN|-?Infinity)')


class JsonInputError(ValueError):
    """JSON that cannot be accepted: ``where`` is the place in the document, ``line`` the line when known."""

    def __init__(self, message: str, where: str = "", line: int | None = None) -> None:
        self.message = message
        self.where = where
        self.line = line
        super().__init__(message)


class _Constant:
    """What ``NaN``, ``Infinity`` or ``-Infinity`` reads as, until :func:`_check` names its place."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class _LongInt:
    """An integer literal too long to be a figure (kept as text, so no int() ever reads it)."""

    __slots__ = ("digits",)

    def __init__(self, text: str) -> None:
        self.digits = len(text.lstrip("-"))


def place(where: str, key: str | int) -> str:
    """The place of ``key`` inside ``where``: ``room.cabinets``, ``specs[3]``, ``specs[0][""]``."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    if _IDENTIFIER.match(key):
        return f"{where}.{key}" if where else key
    return f"{where}[{json.dumps(key)}]"  # ASCII-escaped: an empty or unprintable key is still readable


def read_json(text: str, *, bounded_under: tuple[str, ...] | None = (), number_max: float = 1e50) -> Any:
    """Parse ``text``; raise :class:`JsonInputError` naming the place of anything a file must not hold.

    Under the top-level keys in ``bounded_under`` (free-form data such as saved runs, which no
    schema bounds later), or everywhere when it is None, every number must also lie within ±``number_max``.
    """
    suspect: list[bool] = []  # set by the hooks: something the detailed walk below must find and name

    def constant(name: str) -> _Constant:
        suspect.append(True)
        return _Constant(name)

    def whole(text: str) -> int | _LongInt:
        if len(text) > INT_DIGITS_MAX:
            suspect.append(True)
            return _LongInt(text)
        return int(text)

    def real(text: str) -> float:
        value = float(text)
        if not -number_max <= value <= number_max:  # also inf (1e400); within range: left to the schema
            suspect.append(True)
        return value

    # The number hooks cost a Python call per number: only a text that may hold a long integer or a large
    # exponent gets them (a float beyond ±number_max=1e50 has an exponent of 50 or more, or 51 digits).
    hooks: dict[str, Any] = {"parse_constant": constant}
    if _LONG_DIGITS.search(text) or _LARGE_EXPONENT.search(text):
        hooks.update(parse_int=whole, parse_float=real)
    try:
        doc = json.loads(text, **hooks)
    except json.JSONDecodeError as exc:
        raise JsonInputError(f"not valid JSON: {_syntax_error(exc, text)}", line=exc.lineno) from None
    except RecursionError:
        line = _line_of_depth(text, limits.JSON_DEPTH)
        raise JsonInputError(f"nested more than {limits.JSON_DEPTH} levels deep", line=line) from None
    # The common case costs one pass over the containers: the detailed walk, which builds every place, runs
    # only when a hook saw something, the nesting is too deep, or the text escapes a surrogate.
    if (suspect or _too_deep(doc, limits.JSON_DEPTH) or _SURROGATE_ESCAPE.search(text)
            or (not text.isascii() and _SURROGATE.search(text))):
        _check(doc, "", 0, text, number_max if bounded_under is None else None, bounded_under or (), number_max)
    return doc


# The json module's messages, said as a reader of the file would say them: its own are a parser's words,
# and some ("Unterminated string starting at") only read right with the position it prints after them.
_SYNTAX = {
    "Unterminated string starting at": "a string starting at column {col} is never closed",
    "Expecting value": "a value was expected at column {col}",
    "Expecting ',' delimiter": "a ',' was expected at column {col}",
    "Expecting ':' delimiter": "a ':' was expected at column {col}",
    "Expecting property name enclosed in double quotes": "a name in double quotes was expected at column {col}",
    "Extra data": "more text after the end of the document, at column {col}",
    "Invalid control character at": "a control character inside a string at column {col}",
    "Invalid \\escape": "an invalid escape (backslash) at column {col}",
}


def _syntax_error(exc: json.JSONDecodeError, text: str) -> str:
    if not text.strip():
        return "the file is empty"
    said = _SYNTAX.get(exc.msg, exc.msg[:1].lower() + exc.msg[1:] + " at column {col}").format(col=exc.colno)
    # A string never closed, or nothing but blanks after the point of failure: the text stops mid-document.
    ends_early = exc.msg == "Unterminated string starting at" or (
        exc.msg != "Extra data" and not text[exc.pos:].strip())
    return said + ("; the file ends before the document does (was it cut short?)" if ends_early else "")


def _too_deep(doc: Any, depth_max: int) -> bool:
    """Whether any container lies deeper than ``depth_max`` (an explicit stack: no recursion to exhaust)."""
    if not isinstance(doc, (dict, list)):
        return False
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > depth_max:
            return True
        items = node.values() if isinstance(node, dict) else node
        for item in items:
            if isinstance(item, (dict, list)) and item:
                stack.append((item, depth + 1))
    return False


def _check(value: Any, where: str, depth: int, text: str, bound: float | None,
           bounded_under: tuple[str, ...], number_max: float) -> None:
    if depth > limits.JSON_DEPTH and isinstance(value, (dict, list)) and value:
        shown = where if len(where) <= 80 else where[:79] + "…"
        raise JsonInputError(f"nested more than {limits.JSON_DEPTH} levels deep", shown,
                             _line_of_depth(text, limits.JSON_DEPTH))
    if isinstance(value, dict):
        for key, item in value.items():
            here = place(where, key)
            if _SURROGATE.search(key):
                raise JsonInputError(f"the key {json.dumps(key)} holds an unpaired UTF-16 surrogate, which is "
                                     "not text", here)
            inner = number_max if depth == 0 and key in bounded_under else bound
            _check(item, here, depth + 1, text, inner, bounded_under, number_max)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check(item, place(where, i), depth + 1, text, bound, bounded_under, number_max)
    elif isinstance(value, str):
        if _SURROGATE.search(value):
            raise JsonInputError(f"the text {json.dumps(value)[:60]} holds an unpaired UTF-16 surrogate, which is "
                                 "not text (it cannot be printed or saved)", where or "the top level")
    elif isinstance(value, _Constant):
        raise JsonInputError(f"{value.name} is not allowed in a dojo-gui file (numbers must be finite)",
                             where or "the top level", _line_of_constant(text))
    elif isinstance(value, _LongInt):
        raise JsonInputError(f"a whole number of {value.digits:,} digits is beyond any figure a file holds",
                             where or "the top level")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise JsonInputError(f"a number too large to hold (read as {value}); numbers must be finite",
                                 where or "the top level")
        if bound is not None and abs(value) > bound:
            raise JsonInputError(f"{value:g} is beyond ±{bound:g}, more than any figure a run holds",
                                 where or "the top level")
    elif isinstance(value, int) and not isinstance(value, bool) and bound is not None and abs(value) > bound:
        raise JsonInputError(f"{value:g} is beyond ±{bound:g}, more than any figure a run holds", where)


def _line_of_constant(text: str) -> int | None:
    for match in _TOKENS.finditer(text):
        if match.group(2):
            return text.count("\n", 0, match.start()) + 1
    return None


def _line_of_depth(text: str, depth_max: int) -> int | None:
    """The line where the nesting first goes deeper than ``depth_max`` (strings skipped)."""
    depth = 0
    for match in _TOKENS.finditer(text):
        bracket = match.group(1)
        if not bracket:
            continue
        depth += 1 if bracket in "[{" else -1
        if depth > depth_max:
            return text.count("\n", 0, match.start()) + 1
    return None
