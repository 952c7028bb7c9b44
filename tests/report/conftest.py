"""Fixtures for the report tests: run records as the engines will write them, and reading tables back from HTML."""

from __future__ import annotations

import math
from html.parser import HTMLParser

import pytest


def comm_record(time_s: float = 0.0123, label: str = "all-reduce 1 GiB, ring") -> dict:
    size = 2**30
    algbw = size / time_s
    return {
        "kind": "comm", "label": label, "revision": 3, "finished": "2025-05-01T10:00:00Z",
        "parameters": {"collective": "all-reduce", "algorithm": "ring", "size_bytes": size, "chips": 3000},
        "key_figures": {"time_s": time_s, "algbw_Bps": algbw, "busbw_Bps": algbw * 2 * 2999 / 3000},
        "series": {"link_utilization_max_fraction": [[i * time_s / 50, 0.5 + 0.4 * math.sin(i / 5) ** 2]
                                                     for i in range(51)]},
        "tables": [{"title": "Bottleneck links", "columns": ["link", "utilization_fraction", "bytes"],
                    "rows": [["chip 12 -> chip 13", 0.98, 2.1e9], ["chip 13 -> chip 14", 0.97, 2.0e9]]}],
    }


def thermal_record(pue: float = 1.12, tj_peak: float = 78.0, label: str = "training soak, 10 min") -> dict:
    n = 601
    t = [i * 1.0 for i in range(n)]
    tj = [35 + (tj_peak - 35) * (1 - math.exp(-x / 60)) for x in t]
    supply = [30 + 3 * (1 - math.exp(-x / 120)) for x in t]
    it = [1.5e6 + 0.3e6 * (1 - math.exp(-x / 30)) for x in t]
    return {
        "kind": "thermal", "label": label, "finished": "2025-05-01T11:00:00Z",
        "key_figures": {"pue": pue, "it_power_w": it[-1], "facility_power_w": it[-1] * pue, "tj_max_c": max(tj),
                        "coolant_supply_c": supply[-1]},
        "series": {"tj_max_c": [[a, b] for a, b in zip(t, tj)], "coolant_supply_c": [[a, b] for a, b in zip(t, supply)],
                   "it_power_w": [[a, b] for a, b in zip(t, it)],
                   "facility_power_w": [[a, b * pue] for a, b in zip(t, it)]},
    }


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.images: dict[str, dict[str, str]] = {}
        self.text: list[str] = []
        self._stack: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._stack.append(a.get("id", ""))
            self.tables.setdefault(self._stack[-1], [])
        elif tag == "tr" and self._stack:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "img":
            self.images[a.get("id", "")] = a

    def handle_endtag(self, tag):
        if tag == "table" and self._stack:
            self._stack.pop()
        elif tag == "tr" and self._row is not None and self._stack:
            self.tables[self._stack[-1]].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse(html: str) -> _Tables:
    p = _Tables()
    p.feed(html)
    return p


def as_dict(rows: list[list[str]]) -> dict[str, str]:
    """A two-column table (label, value) as a dict, header row skipped."""
    return {r[0]: r[1] for r in rows[1:]}


@pytest.fixture
def make_comm():
    return comm_record


@pytest.fixture
def make_thermal():
    return thermal_record


@pytest.fixture
def read_html():
    """path or text -> parsed tables, images and text of a report's HTML."""
    from pathlib import Path

    def read(source):
        text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
        return parse(text)

    return read
