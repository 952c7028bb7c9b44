"""``dojo-gui simulate train``: the JSON, the summary, refusals, saved runs."""

import json

import pytest

from dojo_gui.cli import main
from dojo_gui.io.project import load
from dojo_gui.report.runs import read_runs


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def pod(tmp_path, capsys):
    path = tmp_path / "pod.dojo"
    assert run(capsys, "new", "dgx-a100-superpod", "--nodes", "4", "-o", str(path))[0] == 0
    return path


def test_json_has_the_figures_the_issue_names(capsys, pod):
    code, out, _ = run(capsys, "simulate", "train", str(pod), "--model", "megatron-gpt-7.5b", "--tp", "4", "--pp", "1",
                       "--dp", "8", "--micro-batch", "2", "--tokens", "10B", "--recompute", "full", "--json")
    doc = json.loads(out)
    assert code == 0
    for key in ("step_time_s", "tokens_per_s", "achieved_flops_per_chip", "mfu", "memory_per_chip_bytes", "fits",
                "time_to_train_s", "energy_kwh"):
        assert key in doc
    assert doc["plan"] == {"tp": 4, "pp": 1, "dp": 8, "micro_batch": 2, "schedule": "1f1b", "interleave": 1,
                           "placement": "data-contiguous"}
    assert set(doc["breakdown"]) >= {"compute_s", "tp_comm_s", "pp_comm_s", "dp_comm_s", "bubble_s"}
    assert sum(doc["breakdown"].values()) == pytest.approx(doc["step_time_s"])
    assert doc["tokens_per_s"] == pytest.approx(512 * 2048 / doc["step_time_s"])
    assert doc["time_to_train_s"] == pytest.approx(10e9 / doc["tokens_per_s"])
    assert doc["mfu"] == pytest.approx(doc["model_flops_per_chip"] / 312e12)
    assert 0 < doc["mfu"] < doc["achieved_flops_per_chip"] / 312e12 < 1  # recomputation counts in achieved only
    assert doc["fits"] and doc["evaluated"] == "simulated"


def test_search_by_default_with_a_readable_summary(capsys, pod):
    code, out, _ = run(capsys, "simulate", "train", str(pod), "--model", "megatron-gpt-1.7b", "--global-batch", "64")
    assert code == 0
    assert ("plan      TP" in out and "MFU" in out and "plans tried" in out and "days" in out) or "h" in out


@pytest.mark.parametrize("argv,words,code", [
    (["--model", "gpt3-175b", "--tp", "16", "--pp", "8", "--dp", "1"], "larger than a tile (8 chips)", 1),
    (["--model", "gpt3-175b", "--tp", "8", "--pp", "1", "--dp", "4"], "does not fit", 1),
    (["--model", "gpt3-175b", "--tp", "8", "--pp", "4"], "needs all of --tp, --pp and --dp", 2),
    (["--model", "gpt3-175b", "--tp", "8", "--pp", "4", "--dp", "1", "--search"], "not both", 2),
    (["--model", "gpt3"], "did you mean 'gpt3-175b'", 2),
    (["--model", "gpt3-175b", "--tokens", "lots"], "is not a count of tokens", 2),
    (["--model", "gpt3-175b", "--global-batch", "0"], "must be at least 1", 2),
])
def test_refusals_say_why(capsys, pod, argv, words, code):
    got, out, err = run(capsys, "simulate", "train", str(pod), *argv)
    assert got == code and words in err and out == ""


def test_save_keeps_a_run_record_the_reports_read(capsys, pod):
    code, out, _ = run(capsys, "simulate", "train", str(pod), "--model", "megatron-gpt-1.7b", "--tp", "1", "--pp", "1",
                       "--dp", "32", "--save", "--label", "baseline")
    assert code == 0 and "saved" in out
    design = load(pod)
    records, problems = read_runs(design.runs)
    assert problems == [] and len(records) == 1
    record = records[0]
    assert record.kind == "train" and record.label == "baseline"
    assert record.figure("step_time_s") > 0 and 0 < record.figure("mfu_fraction") < 1


def test_save_refuses_a_bundled_example(capsys):
    code, _, err = run(capsys, "simulate", "train", "dojo-tile", "--model", "llama3-8b", "--save")
    assert code == 2 and "bundled example" in err


def test_list_models(capsys):
    code, out, _ = run(capsys, "simulate", "train", "--list-models")
    assert code == 0 and "llama3-405b" in out and "megatron-gpt-1t" in out


def test_energy_comes_from_the_thermal_engine_with_the_cooling_plant(capsys, pod):
    argv = ["simulate", "train", str(pod), "--model", "megatron-gpt-7.5b", "--tp", "4", "--pp", "1", "--dp", "8",
            "--tokens", "10B", "--json"]
    code, out, _ = run(capsys, *argv)
    cool = json.loads(out)
    assert code == 0 and cool["thermal"]["throttled_chips_max"] == 0
    assert cool["feed_power_w"] > cool["it_power_w"] + cool["cooling_power_w"] > cool["it_power_w"] > 0
    assert cool["pue"] == pytest.approx(cool["feed_power_w"] / cool["it_power_w"])
    assert cool["energy_kwh"] == pytest.approx(cool["feed_power_w"] * cool["time_to_train_s"] / 3.6e6)
    assert cool["breakdown"]["throttle_s"] == 0
    code, out, _ = run(capsys, *argv, "--ambient", "45C", "--flow", "30%")
    hot = json.loads(out)
    assert code == 0 and hot["thermal"]["throttled_chips_max"] > 0
    assert hot["step_time_s"] > cool["step_time_s"] == hot["thermal"]["step_time_full_clock_s"]
    assert hot["breakdown"]["throttle_s"] == pytest.approx(hot["step_time_s"] - cool["step_time_s"])
    assert hot["time_to_train_s"] > cool["time_to_train_s"]
    code, out, _ = run(capsys, *argv[:-1], "--ambient", "45C", "--flow", "30%")
    assert "chips throttled" in out and "longer than at full clock" in out and "throttling" in out


def test_no_thermal_leaves_energy_out(capsys, pod):
    argv = ["simulate", "train", str(pod), "--model", "megatron-gpt-1.7b", "--tp", "1", "--pp", "1", "--dp", "32"]
    code, out, _ = run(capsys, *argv, "--no-thermal", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["energy_kwh"] is None and doc["thermal"] is None and doc["step_time_s"] > 0
    code, out, _ = run(capsys, *argv, "--no-thermal")
    assert code == 0 and "power and cooling not simulated" in out


@pytest.mark.parametrize("extra,words", [
    (["--flow", "fast"], "--flow:"),
    (["--window=0s"], "--window: must be above zero"),
    (["--no-thermal", "--window", "10min"], "--no-thermal leaves power and cooling out"),
    (["--ambient-curve", "daily:30C,10C"], "the maximum is below the minimum"),
])
def test_bad_thermal_options_are_refused(capsys, pod, extra, words):
    code, out, err = run(capsys, "simulate", "train", str(pod), "--model", "megatron-gpt-1.7b", *extra)
    assert code == 2 and words in err and out == ""
