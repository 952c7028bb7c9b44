"""Mutated project files and what dojo-gui does with each: the fuzzer shared by the test suite
(tests/io/test_fuzz.py, a few hundred cases) and bench/fuzz_projects.py (10,000).

Case ``seed`` is reproducible on its own: ``mutate(seed)`` picks a bundled example and one
category of damage, the issue-14 list:

  truncate   the file cut short            flip     bytes replaced at random
  types      a value of another JSON type  numbers  huge, tiny and non-finite numbers
  nesting    lists and objects nested deep grids    huge rows, cols, links, counts
  unicode    odd text, lone surrogates, invalid UTF-8
  keys       keys removed, added, duplicated (slots twice)
  versions   format and version fields of every kind

``run_case(seed, folder)`` writes the file, then runs what a user would: ``info``,
``info --json``, ``validate`` and ``validate --json`` through the CLI.  The outcome is
"loaded" or "refused" (a one-line error naming its place), or a failure: an exception
other than the project's own error, an error message without a place, exit codes or JSON
output out of contract.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATEGORIES = ("truncate", "flip", "types", "numbers", "nesting", "grids", "unicode", "keys", "versions")
# Small examples most of the time (cases stay quick), the 3,000-chip ExaPOD in one case of eight.
EXAMPLES = ("dojo-tile", "dojo-tile", "tpu-v4-slice", "dojo-cabinet", "dojo-tile", "tpu-v4-slice", "dojo-cabinet",
            "exapod")
TOKEN = "\u0000TOKEN\u0000"  # stands in for a raw JSON token (NaN, 1e400, a 5,000-digit integer) until the text is made

_TEXTS: dict[str, str] = {}


def example_text(name: str) -> str:
    if name not in _TEXTS:
        from dojo_gui.io.catalog import example_path

        _TEXTS[name] = example_path(name).read_text(encoding="utf-8")
    return _TEXTS[name]


# --------------------------------------------------------------------------- walking a document
def _nodes(doc: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """Every (path, value) of the document, the root included."""
    out = [(path, doc)]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.extend(_nodes(v, path + (k,)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.extend(_nodes(v, path + (i,)))
    return out


def _set(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def _pick(rng: random.Random, doc: Any, want=lambda v: True) -> tuple | None:
    candidates = [p for p, v in _nodes(doc) if p and want(v)]
    return rng.choice(candidates) if candidates else None


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# --------------------------------------------------------------------------- the categories
HUGE_TOKENS = ["1e308", "-1e308", "1e400", "-1e400", "1" + "0" * 400, "-" + "9" * 400, "1" + "0" * 5000,
               "NaN", "Infinity", "-Infinity", "1e-320", "-0.0", "9223372036854775808", "1e19", "4.9e-324",
               "123456789012345678901234567890123"]
ODD_TEXT = ["\ud800", "x\udfffy", "", " ", "\u0000", "\u202eevil", "🚀" * 50, "a" * 100_000, "e\u0301", "\ufeff",
            "<script>alert(1)</script>", "=HYPERLINK(\"x\")", "..\\..\\x", "\n\r\t", "ä" * 1000]
GRID_VALUES = [0, -1, 1024, 1025, 4096, 10**9, 10**400, 1e308, 2.5, "1000", "1e9", None, 65536,
               1, 1024, 1024, 1000, 512, 1024.0, "1024"]  # accepted sides too: what comes after the loader
VERSION_VALUES = [0, -1, 2, 999, "1", 1.0, 1.5, 10**30, None, True, [], {}, "", TOKEN]
WRONG_VALUES = [None, True, False, 0, -1, 1.5, "", "x", [], {}, [1, 2], {"a": 1}, [[0, 0]], "400W"]


def _pick_figure(rng: random.Random, doc: Any, want=lambda v: True) -> tuple | None:
    """A place among the specs' figures most of the time (where values are read, not just shape-checked)."""
    if rng.random() < 0.6 and isinstance(doc, dict) and isinstance(doc.get("specs"), list):
        found = _pick(rng, doc["specs"], want)
        if found is not None:
            return ("specs", *found)
    return _pick(rng, doc, want)


def _mutate_doc(rng: random.Random, doc: Any, category: str) -> tuple[Any, str | None]:
    """(the mutated document, a raw token to put where TOKEN is, if any)."""
    token = None
    if category == "types":
        for _ in range(rng.randint(1, 3)):
            path = _pick_figure(rng, doc)
            if path is not None:
                doc = _set(doc, path, rng.choice(WRONG_VALUES))
    elif category == "numbers":
        path = _pick_figure(rng, doc, _number) or _pick(rng, doc)
        if path is not None:
            token = rng.choice(HUGE_TOKENS)
            doc = _set(doc, path, TOKEN)
    elif category == "nesting":
        depth = rng.choice([30, 63, 64, 65, 66, 200, 400, 999, 1000, 5000, 100_000])
        path = _pick(rng, doc) or ("runs",)
        if depth <= 400:
            value: Any = rng.choice([0, "x", []])
            for _ in range(depth):
                value = [value] if rng.random() < 0.5 else {"k": value}
            doc = _set(doc, path, value)
        else:  # too deep for json.dumps itself: spliced in as text
            token = "".join(rng.choice(['[', '{"k": ']) for _ in range(depth))
            token += "0" + "".join("]" if c == "[" else "}" for c in reversed(token.replace('{"k": ', "{")))
            doc = _set(doc, path, TOKEN)
    elif category == "grids":
        containers = [p for p, v in _nodes(doc) if isinstance(v, dict) and "rows" in v and "cols" in v]
        chips = [p for p, v in _nodes(doc) if isinstance(v, dict) and v.get("level") == "chip"]
        for _ in range(rng.randint(1, 4)):
            if containers and rng.random() < 0.75:
                spec = rng.choice(containers)
                for side in rng.choice([["rows"], ["cols"], ["rows", "cols"]]):
                    doc = _set(doc, spec + (side,), rng.choice(GRID_VALUES))
            elif chips:
                spec = rng.choice(chips)
                doc = _set(doc, spec + (rng.choice(["edges", "cores"]),), rng.choice(GRID_VALUES))
        if rng.random() < 0.3:  # and a part in a far slot
            path = _pick(rng, doc, lambda v: isinstance(v, dict) and "slot" in v)
            if path is not None:
                doc = _set(doc, path + ("slot",), [rng.choice([0, 1023, 1024, 10**9]), rng.choice([0, 1024, -1])])
    elif category == "unicode":
        strings = [p for p, v in _nodes(doc) if isinstance(v, str)]
        if strings and rng.random() < 0.7:
            doc = _set(doc, rng.choice(strings), rng.choice(ODD_TEXT))
        else:
            path = _pick(rng, doc, lambda v: isinstance(v, dict) and bool(v))
            if path is not None:
                node = doc
                for key in path:
                    node = node[key]
                node[rng.choice(ODD_TEXT)] = node.pop(rng.choice(sorted(node)))
    elif category == "keys":
        for _ in range(rng.randint(1, 3)):
            path = _pick(rng, doc, lambda v: isinstance(v, (dict, list)) and bool(v)) or ()
            node = doc
            for key in path:
                node = node[key]
            if isinstance(node, dict):
                op = rng.choice(["remove", "add", "add-empty"])
                if op == "remove" and node:
                    del node[rng.choice(sorted(node))]
                else:
                    node["" if op == "add-empty" else rng.choice(["colour", "extra", "tdp", "Rows", "level"])] = \
                        rng.choice(WRONG_VALUES)
            elif isinstance(node, list) and node:
                if rng.random() < 0.5:
                    node.append(json.loads(json.dumps(rng.choice(node))))  # a duplicate: the same slot twice
                else:
                    del node[rng.randrange(len(node))]
    elif category == "versions":
        if rng.random() < 0.8:
            value = rng.choice(VERSION_VALUES)
            if value == TOKEN:
                token = rng.choice(HUGE_TOKENS)
            doc["version"] = value
        else:
            doc["format"] = rng.choice([None, "dojo-gui-specs", "", "DOJO-GUI-PROJECT", 1, "dojo-gui-project "])
    return doc, token


def mutate(seed: int) -> tuple[str, str, bytes]:
    """(category, example, file bytes) of case ``seed``."""
    rng = random.Random(seed)
    category = CATEGORIES[seed % len(CATEGORIES)]
    example = rng.choice(EXAMPLES)
    text = example_text(example)
    raw = text.encode("utf-8")
    if category == "truncate":
        return category, example, raw[: rng.randrange(len(raw))]
    if category == "flip":
        data = bytearray(raw)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return category, example, bytes(data)
    if category == "unicode" and rng.random() < 0.15:  # invalid UTF-8 and a byte-order mark
        i = rng.randrange(len(raw))
        return category, example, (b"\xef\xbb\xbf" if rng.random() < 0.5 else b"") + raw[:i] + \
            rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"]) + raw[i:]
    doc, token = _mutate_doc(rng, json.loads(text), category)
    out = json.dumps(doc, ensure_ascii=rng.random() < 0.5, allow_nan=True, indent=rng.choice([None, 1]))
    if token is not None:
        out = out.replace(json.dumps(TOKEN), token)
    return category, example, out.encode("utf-8", "surrogatepass")


# --------------------------------------------------------------------------- running one case
@dataclass
class CaseResult:
    seed: int
    category: str
    example: str
    size: int
    outcome: str  # "loaded", "refused" or "failed"
    detail: str  # the refusal or the failure
    seconds: float


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} in JSON output")


def run_case(seed: int, folder: Path) -> CaseResult:
    """Write case ``seed`` into ``folder`` and run info and validate on it (see the module)."""
    from dojo_gui.cli import main

    category, example, data = mutate(seed)
    path = folder / f"case-{seed}.dojo"
    path.write_bytes(data)
    started = time.perf_counter()
    outcome, detail = "loaded", ""
    try:
        for argv in (["info", str(path)], ["info", str(path), "--json"], ["validate", str(path)],
                     ["validate", str(path), "--json"]):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
            problem = _check_output(argv, code, out.getvalue(), err.getvalue())
            if problem:
                outcome, detail = "failed", f"{' '.join(argv[:1] + argv[2:])}: {problem}"
                break
            if code == 2:
                outcome, detail = "refused", err.getvalue().strip()
                break
    except Exception as exc:
        outcome, detail = "failed", f"{type(exc).__name__}: {exc}"[:300]
    finally:
        path.unlink(missing_ok=True)
    return CaseResult(seed, category, example, len(data), outcome, detail, time.perf_counter() - started)


def _check_output(argv: list[str], code: int, out: str, err: str) -> str:
    """What is wrong with one command's result, or "" (see the module)."""
    if code not in (0, 1, 2):
        return f"exit code {code}"
    if code == 2:
        lines = err.strip().splitlines()
        if out or len(lines) != 1:
            return f"a refusal must be one line on stderr and nothing on stdout: {err[:200]!r}"
        if not names_a_place(lines[0]):
            return f"the message names no place: {lines[0][:200]}"
        return ""
    if "--json" in argv:
        try:
            json.loads(out, parse_constant=_refuse_constant)
        except ValueError as exc:
            return f"invalid JSON output ({exc})"
    return ""


def names_a_place(message: str) -> bool:
    """Whether a refusal says where: a place in the document (``specs[0].tdp_w: ...``), a line, or the size
    of the whole file (the only whole-file problem)."""
    rest = message.split(".dojo: ", 1)[-1]
    place, sep, _ = rest.partition(": ")
    if not sep:
        return False
    return bool(place.strip()) and place != rest and (
        place.startswith(("line ", "specs", "room", "runs", "sweeps", "[", "the top level", "format", "version", "name",
                          "description"))
        or "the file is too large" in rest)
