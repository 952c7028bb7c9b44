"""Every template ``new`` makes opens by name with ``info`` (issue 13, item 11), and sizes by --nodes/--chips."""

import json

import pytest

from dojo_gui.cli import main
from dojo_gui.model.templates import TEMPLATES


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_info_takes_every_template_new_takes(capsys, name):
    code, out, _ = run(capsys, "info", name, "--json")
    assert code == 0 and json.loads(out)["chips"] > 0


def test_new_sizes_a_pod_by_nodes(capsys, tmp_path):
    path = tmp_path / "pod.dojo"
    assert run(capsys, "new", "dgx-a100-superpod", "--nodes", "12", "-o", str(path))[0] == 0
    _code, out, _ = run(capsys, "info", str(path), "--json")
    assert json.loads(out)["chips"] == 96


@pytest.mark.parametrize("argv,words", [(["exapod", "--nodes", "2"], "exapod is not sized by nodes"),
                                        (["tpu-v4-slice", "--nodes", "2"], "it takes --chips"),
                                        (["dgx-h100-pod", "--nodes", "two"], "not a whole number")])
def test_new_refuses_a_size_a_template_does_not_take(capsys, tmp_path, argv, words):
    code, _, err = run(capsys, "new", *argv, "-o", str(tmp_path / "x.dojo"))
    assert code == 2 and words in err
