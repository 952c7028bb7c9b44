"""Table figures of a chip spec: peak by number format, matrix-multiply efficiency by size."""

import pytest

from dojo_gui.model.specs import (
    ChipSpec,
    FigureError,
    parse_figure,
    spec_from_dict,
    spec_to_dict,
)


def test_an_efficiency_curve_reads_fractions_by_size():
    assert parse_figure(ChipSpec, "matmul_efficiency", {"1024": "55%", "4096": 0.8}) == {"1024": 0.55, "4096": 0.8}


@pytest.mark.parametrize("raw,words", [
    ({"big": 0.5}, "is not a size"), ({"-1": 0.5}, "is not a size"), ({"1024": 1.5}, "at most 1"),
    ({"1024": 0}, "fraction in (0, 1]"), ([0.5], "expected a table of size -> fraction"),
])
def test_a_bad_curve_is_refused(raw, words):
    with pytest.raises(FigureError) as info:
        parse_figure(ChipSpec, "matmul_efficiency", raw)
    message = str(info.value)
    assert words in message or "must be a fraction" in message


def test_peak_flops_still_reads_by_format():
    assert parse_figure(ChipSpec, "peak_flops", {"bf16": "312TFLOPS"}) == {"bf16": 312e12}


def test_a_chip_spec_from_before_the_training_figures_still_loads():
    old = {"level": "chip", "id": "c", "name": "C", "peak_flops": {"bf16": 1e12}, "tdp_w": 100, "idle_w": 10}
    spec = spec_from_dict(old)
    assert spec.matmul_efficiency == {} and spec.memory_bw_efficiency == 1.0 and spec.kernel_overhead_s == 0.0
    assert spec_from_dict(spec_to_dict(spec)) == spec
