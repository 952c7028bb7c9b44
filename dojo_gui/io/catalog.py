"""The built-in catalog: spec files shipped in the package's resources.

Built-in specs are data, never code constants.  Each file under ``resources/specs`` is
``{"format": "dojo-gui-specs", "version": 1, "specs": [...]}`` with specs in the same
form a project file embeds them.  Transformer models for training workloads live likewise
under ``resources/models`` (``{"format": "dojo-gui-models", ...}``).
"""

from __future__ import annotations

import functools
from pathlib import Path

from ..model.specs import AnySpec, FigureError, spec_from_dict
from ..model.transformer import ModelError, TransformerModel, model_from_dict
from .project import ProjectFileError
from .safejson import JsonInputError, read_json


def resource_dir() -> Path:
    """Where the resources are: inside the installed package, or at the top of a source checkout."""
    try:
        from importlib.resources import files

        return Path(str(files("dojo_gui.resources")))
    except ModuleNotFoundError:  # running from a checkout that was never installed
        return Path(__file__).resolve().parents[2] / "resources"


def examples_dir() -> Path:
    return resource_dir() / "examples"


def example_path(name: str) -> Path:
    """Path of a bundled example project by its short name (``exapod``) or file name."""
    path = examples_dir() / (name if name.endswith(".dojo") else f"{name}.dojo")
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in examples_dir().glob("*.dojo")))
        raise FileNotFoundError(f"no bundled example {name!r} (known: {known})")
    return path


def load_spec_file(path: Path) -> list[AnySpec]:
    try:
        doc = read_json(path.read_text(encoding="utf-8"))
    except JsonInputError as exc:
        raise ProjectFileError(exc.message, exc.where, file=path, line=exc.line) from None
    except (OSError, ValueError) as exc:
        raise ProjectFileError(f"cannot read spec file: {exc}", file=path) from None
    if not isinstance(doc, dict) or doc.get("format") != "dojo-gui-specs" or not isinstance(doc.get("specs"), list):
        raise ProjectFileError("not a dojo-gui spec file (expected format 'dojo-gui-specs' and a 'specs' list)",
                               file=path)
    out = []
    for i, data in enumerate(doc["specs"]):
        try:
            out.append(spec_from_dict(data))
        except FigureError as exc:
            where = f"specs[{i}].{exc.field}" if exc.field else f"specs[{i}]"
            raise ProjectFileError(exc.message, where, file=path) from None
    return out


@functools.cache
def _builtin() -> tuple[AnySpec, ...]:
    specs: dict[str, AnySpec] = {}
    for path in sorted((resource_dir() / "specs").glob("*.json")):
        for spec in load_spec_file(path):
            if spec.id in specs:
                raise ProjectFileError(f"spec id {spec.id!r} is defined twice in the built-in catalog", file=path)
            specs[spec.id] = spec
    return tuple(specs.values())


def builtin_specs() -> dict[str, AnySpec]:
    """A fresh id -> spec table of the built-in catalog (specs are immutable and shared)."""
    return {spec.id: spec for spec in _builtin()}


# --------------------------------------------------------------------------- models
def load_model_file(path: Path) -> list[TransformerModel]:
    """``{"format": "dojo-gui-models", "version": 1, "models": [...]}``: transformer models with their sources."""
    try:
        doc = read_json(path.read_text(encoding="utf-8"))
    except JsonInputError as exc:
        raise ProjectFileError(exc.message, exc.where, file=path, line=exc.line) from None
    except (OSError, ValueError) as exc:
        raise ProjectFileError(f"cannot read model file: {exc}", file=path) from None
    if not isinstance(doc, dict) or doc.get("format") != "dojo-gui-models" or not isinstance(doc.get("models"), list):
        raise ProjectFileError("not a dojo-gui model file (expected format 'dojo-gui-models' and a 'models' list)",
                               file=path)
    out = []
    for i, data in enumerate(doc["models"]):
        try:
            out.append(model_from_dict(data))
        except ModelError as exc:
            raise ProjectFileError(exc.message, f"models[{i}].{exc.field}" if exc.field else f"models[{i}]",
                                   file=path) from None
    return out


@functools.cache
def _builtin_models() -> tuple[TransformerModel, ...]:
    models: dict[str, TransformerModel] = {}
    for path in sorted((resource_dir() / "models").glob("*.json")):
        for model in load_model_file(path):
            if model.id in models:
                raise ProjectFileError(f"model id {model.id!r} is defined twice in the built-in catalog", file=path)
            models[model.id] = model
    return tuple(models.values())


def builtin_models() -> dict[str, TransformerModel]:
    """A fresh id -> model table of the built-in transformer models (models are immutable and shared)."""
    return {model.id: model for model in _builtin_models()}
