"""The catalog's transformer models: loaded from resources/models, bad files named precisely."""

import json

import pytest

from dojo_gui.io.catalog import builtin_models, load_model_file
from dojo_gui.io.project import ProjectFileError


def test_builtin_models_load_with_unique_ids():
    models = builtin_models()
    assert {"gpt3-175b", "llama3-8b", "llama3-70b", "llama3-405b", "megatron-gpt-1t"} <= set(models)


def test_a_bad_model_is_named_by_its_place(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"format": "dojo-gui-models", "version": 1, "models": [
        {"id": "a", "name": "A", "layers": 2, "hidden": 64, "heads": 3, "vocab": 10, "seq_len": 8}]}))
    with pytest.raises(ProjectFileError) as info:
        load_model_file(path)
    assert "models[0].heads" in str(info.value)


def test_a_file_that_is_not_a_model_file_is_refused(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"format": "dojo-gui-specs", "specs": []}))
    with pytest.raises(ProjectFileError, match="not a dojo-gui model file"):
        load_model_file(path)
