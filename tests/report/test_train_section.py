"""A kept training run in the report: its plan, where the step's time goes, power and PUE, the search."""

from __future__ import annotations

import pytest

from dojo_gui import units
from dojo_gui.model.runs import parse_run
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.model.transformer import TransformerModel
from dojo_gui.report import export_report
from dojo_gui.sim.training import TrainingSettings, simulate_training

SMALL_GPT = TransformerModel(id="gpt-small", name="GPT small", layers=8, hidden=1024, heads=16, vocab=32000,
                             seq_len=1024, global_batch=64)


@pytest.fixture(scope="module")
def trained(catalog):
    design = TEMPLATES["dgx-a100-superpod"].make(catalog, 2)
    result = simulate_training(design, SMALL_GPT, TrainingSettings.for_model(SMALL_GPT, recompute="full", tokens=1e9),
                               fixed={"schedule": "interleaved"})
    return design, result


def test_the_train_section_shows_the_plan_the_breakdown_and_the_power(qapp, trained, tmp_path, read_html):
    design, result = trained
    design.add_run(parse_run(result.run_record("small GPT"), "the run"))
    html = tmp_path / "train.html"
    export_report(design, html=html, picture=None)
    doc = read_html(html)
    figures = dict(doc.tables["results-train"][1:])
    assert units.parse(figures["MFU"], "%") == pytest.approx(result.mfu, rel=1e-3)
    assert float(figures["PUE"]) == pytest.approx(result.energy.pue, rel=1e-3)
    assert "Energy" in figures and "IT power" in figures
    text = " ".join(doc.text)
    plan = result.plan
    for name, value in (("TP", plan.tp), ("PP", plan.pp), ("DP", plan.dp), ("Interleave", plan.interleave)):
        assert f"{name} {value}" in text  # the plan among the run's parameters
    breakdown = doc.tables["results-train-table-0"]
    parts = {row[0]: row for row in breakdown[1:]}
    assert {"compute", "pipeline bubble", "tensor-parallel communication"} <= set(parts)
    assert "throttling (hot chips at a lower clock)" not in parts  # nothing throttled: no such row
    search = doc.tables["results-train-table-1"]
    assert search[1][0] == plan.describe() and "the fastest plan that fits" in search[1][3]
