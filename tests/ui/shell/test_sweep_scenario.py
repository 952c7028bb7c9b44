"""The scenario a sweep takes from the Simulation panel: a communication or thermal run's, never a training run's."""

import pytest

from dojo_gui.model.templates import TEMPLATES
from dojo_gui.ui.sweeps.definition import FormError


@pytest.fixture
def window(make_window, catalog, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    w = make_window(TEMPLATES["dojo-cabinet"].make(catalog))
    yield w
    w.sweeps.shutdown()


def test_a_training_run_on_the_simulation_panel_is_refused_as_a_sweep_scenario_with_the_way_to_sweep_it(window):
    window.live.panel.set_scenario("model")
    with pytest.raises(ValueError, match="Train a model"):
        window.sweeps.scenario()
    # The Sweeps panel says so where the scenario is chosen, and offers its own training scenario.
    form = window.sweeps.panel.form
    form.scenario.setCurrentIndex(form.scenario.findData("panel"))
    with pytest.raises(FormError, match="Simulation panel's scenario: a training run"):
        form.scenario_data()
    form.scenario.setCurrentIndex(form.scenario.findData("train"))
    assert form.scenario_data()["kind"] == "train"


def test_a_thermal_run_on_the_simulation_panel_is_the_sweep_scenario(window):
    window.live.panel.set_scenario("soak")
    assert window.sweeps.scenario()["kind"] == "thermal"
