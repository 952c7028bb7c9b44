"""Mutated project files (bench/_fuzz_cases.py): every one loads or is refused with one line naming its
place, and info and validate never fail after it.  A few hundred cases here; bench/fuzz_projects.py runs
10,000 and measures time and memory per case."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "_fuzz_cases.py"
_spec = importlib.util.spec_from_file_location("fuzz_cases", _PATH)
assert _spec is not None and _spec.loader is not None
fuzz_cases = importlib.util.module_from_spec(_spec)
sys.modules["fuzz_cases"] = fuzz_cases
_spec.loader.exec_module(fuzz_cases)


@pytest.fixture(autouse=True)
def _normal_limits(monkeypatch):
    monkeypatch.setenv("DOJO_GUI_ALLOW_LARGE", "")


def _run(seeds, folder):
    results = [fuzz_cases.run_case(seed, folder) for seed in seeds]
    failed = [f"seed {r.seed} ({r.category}, {r.example}): {r.detail}" for r in results if r.outcome == "failed"]
    assert not failed, "\n".join(failed)
    return results


def test_mutated_projects_load_or_are_refused_with_their_place(tmp_path):
    results = _run(range(270), tmp_path)
    by_category = Counter(r.category for r in results)
    assert set(by_category) == set(fuzz_cases.CATEGORIES) and min(by_category.values()) == 30
    # Both sides of the loader are exercised: refusals, and files that load and go on to info and validate.
    assert Counter(r.outcome for r in results)["loaded"] >= 10


@pytest.mark.slow
def test_more_mutated_projects(tmp_path):
    _run(range(270, 2270), tmp_path)


def test_the_mutations_are_reproducible():
    assert fuzz_cases.mutate(1234) == fuzz_cases.mutate(1234)
    assert fuzz_cases.mutate(1234) != fuzz_cases.mutate(1235)


@pytest.mark.parametrize("message, ok", [
    ("dojo-gui info: /x/a.dojo: specs[0].tdp_w: a power must be between 0 W and 100 kW, got 1e+308", True),
    ("dojo-gui info: /x/a.dojo: line 3: not valid JSON: a value was expected at column 4", True),
    ('dojo-gui info: /x/a.dojo: [""]: unexpected key \'\'', True),
    ("dojo-gui info: /x/a.dojo: the file is too large: 70,000,000 bytes, over the limit of 67,108,864", True),
    ("dojo-gui info: /x/a.dojo: not valid JSON: maximum recursion depth exceeded", False),
    ("dojo-gui info: /x/a.dojo: : unexpected key ''", False),
    ("dojo-gui info: /x/a.dojo: OverflowError", False),
])
def test_what_counts_as_naming_a_place(message, ok):
    assert fuzz_cases.names_a_place(message) is ok
