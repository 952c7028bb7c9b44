"""Plans: impossible ones refused with the reason, and the search's answer checked by brute force."""

import pytest

from dojo_gui.model.templates import TEMPLATES
from dojo_gui.sim.training import (
    Cancelled,
    Plan,
    PlanError,
    TrainingSettings,
    simulate_training,
)
from dojo_gui.sim.training.placement import Machine
from dojo_gui.sim.training.search import candidate_plans, search_plans
from dojo_gui.sim.training.step import evaluate_plan
from dojo_gui.sim.training.traffic import Traffic


@pytest.fixture
def settings(gpt_small):
    return TrainingSettings.for_model(gpt_small)


@pytest.mark.parametrize("plan,words", [
    (Plan(16, 1, 1), "larger than a tile (8 chips)"),
    (Plan(3, 1, 1), "does not divide the model's 16 attention heads"),
    (Plan(2, 3, 1), "does not divide the model's 8 layers"),
    (Plan(2, 2, 3), "does not split into DP 3"),
    (Plan(2, 2, 8), "needs 16 tensor-parallel groups of 2 chips, and the machine's tiles hold 8"),
    (Plan(2, 2, 2, schedule="interleaved", interleave=1), "needs PP of 2 or more and 2 or more model chunks"),
    (Plan(2, 2, 2, schedule="1f1b", interleave=2), "interleaving needs the interleaved schedule"),
])
def test_impossible_plans_are_refused_with_the_reason(dgx2, gpt_small, settings, plan, words):
    with pytest.raises(PlanError) as info:
        simulate_training(dgx2, gpt_small, settings, plan)
    assert words in str(info.value)


def test_a_model_that_cannot_fit_is_refused_not_shrunk(dgx2, models):
    model = models["megatron-gpt-145b"]
    with pytest.raises(PlanError) as info:
        simulate_training(dgx2, model, TrainingSettings.for_model(model), Plan(8, 2, 1))
    assert "does not fit" in str(info.value) and "a chip holds 80 GB HBM" in str(info.value)
    with pytest.raises(PlanError, match="no plan trains Megatron GPT 145B"):
        simulate_training(dgx2, model, TrainingSettings.for_model(model))


def test_the_search_returns_the_fastest_fitting_plan_by_brute_force(dgx2, gpt_small, settings):
    """Every candidate evaluated by the closed-form estimate: the search's winner is their minimum."""
    machine = Machine.from_design(dgx2)
    plans, _ = candidate_plans(machine, gpt_small, settings)
    times = {}
    for plan in plans:
        try:
            est = evaluate_plan(machine, gpt_small, settings, plan, Traffic(machine, simulate=False))
        except PlanError:
            continue
        if est.memory.fits:
            times[plan] = est.step_time_s
    result = search_plans(machine, gpt_small, settings, traffic=Traffic(machine, simulate=False))
    assert result.best is not None and result.best.step_time_s == pytest.approx(min(times.values()))
    assert [c.plan for c in result.ranked] == sorted(times, key=times.get)
    assert result.ranked[0].verdict == "best" and all("slower by" in c.why for c in result.ranked[1:])


def test_the_simulated_search_picks_the_fastest_of_every_plan_simulated(dgx2, gpt_small, settings):
    machine = Machine.from_design(dgx2)
    fixed = {"micro_batch": 2, "schedule": "1f1b", "placement": "data-contiguous"}
    plans, _ = candidate_plans(machine, gpt_small, settings, fixed)
    traffic = Traffic(machine)
    brute = {}
    for plan in plans:
        try:
            est = evaluate_plan(machine, gpt_small, settings, plan, traffic)
        except PlanError:
            continue
        if est.memory.fits:
            brute[plan] = est.step_time_s
    result = search_plans(machine, gpt_small, settings, traffic=traffic, fixed=fixed, simulate_best=len(brute))
    assert result.best.evaluated == "simulated"
    assert result.best.plan == min(brute, key=brute.get)
    assert result.simulated == len(brute)


def test_the_search_reports_progress_and_stops_when_asked(dgx2, gpt_small, settings):
    seen = []
    simulate_training(dgx2, gpt_small, settings, progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen) and len(seen) > 3
    calls = []

    def stop():
        calls.append(1)
        return len(calls) > 5

    with pytest.raises(Cancelled):
        simulate_training(dgx2, gpt_small, settings, should_stop=stop)


def test_tensor_groups_are_neighbours_in_a_tile(catalog):
    machine = Machine.from_design(TEMPLATES["dojo-tile"].make(catalog))
    rows = machine.tp_groups(5)
    assert rows.shape == (5, 5) and all(len(set(machine.chip_slot[g][:, 0])) == 1 for g in rows)
    pairs = machine.tp_groups(2)  # no 2-chip block tiles a 5x5 grid: a serpentine, one chip left idle
    assert pairs.shape == (12, 2)
    for a, b in pairs:
        assert abs(machine.chip_slot[a] - machine.chip_slot[b]).sum() == 1
