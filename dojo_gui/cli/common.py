"""What every subcommand shares: errors, exit codes, loading a design argument, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CliError(Exception):
    """A problem to report on one line and exit with ``code``."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------- helpers shared by subcommands
def resolve_design_path(text: str) -> Path:
    """A project path, or the name of a bundled example (``exapod`` or ``example:exapod``)."""
    from ..io.catalog import example_path

    path = Path(text)
    if path.exists() or (text.endswith(".dojo") and not text.startswith("example:")):
        return path
    name = text.removeprefix("example:")
    try:
        return example_path(name)
    except FileNotFoundError as exc:
        raise CliError(f"{text}: no such file, and {exc}") from None


def is_bundled(path: Path) -> bool:
    """Whether ``path`` is one of the examples shipped inside the package (never to be written to)."""
    from ..io.catalog import examples_dir

    try:
        return path.resolve().parent == examples_dir().resolve()
    except OSError:
        return False


def load_design(text: str):
    """Read a project for a subcommand; a bad file becomes a one-line error naming its place."""
    from ..io.atomic import remove_stale_temporaries
    from ..io.project import ProjectFileError, load

    path = resolve_design_path(text)
    if not is_bundled(path):
        remove_stale_temporaries([path.parent])  # what a killed save left beside the file
    try:
        return path, load(path)
    except ProjectFileError as exc:
        raise CliError(str(exc)) from None


def check_outputs(outputs: Mapping[str, str | Path | None], inputs: Iterable[str | Path | None]) -> None:
    """Refuse, before any work, an output (by option: ``{"--csv": path}``) that is an input file or an
    existing read-only file, or whose folder does not exist.  What an interrupted write left in the output's
    folder is cleaned up here (:func:`dojo_gui.io.atomic.remove_stale_temporaries`)."""
    from ..io.atomic import OutputIsInput, check_not_input, check_writable, remove_stale_temporaries

    sources = [p for p in inputs if p]
    for option, path in outputs.items():
        if not path:
            continue
        remove_stale_temporaries([Path(path).parent])
        try:
            check_not_input(path, sources, option)
            check_writable(path)
        except OutputIsInput as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:
            raise CliError(f"{option} {path}: cannot write: {exc.strerror or exc}") from None


def check_text(option: str, value: str | None) -> None:
    """Refuse an option's text that is not text: bytes the locale could not decode (unpaired surrogates),
    which could neither be saved nor printed."""
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CliError(f"{option}: not valid text (undecodable byte at character {exc.start + 1})") from None


def print_json(data: Any) -> None:
    """Print ``data`` as JSON, all of it or nothing: a figure that is not finite is an error, not half a document."""
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise CliError(f"cannot print JSON: {_non_finite_place(data, '') or 'a figure'} is not a finite number",
                       EXIT_FINDINGS) from None
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):  # text this terminal cannot show: JSON's own escapes can
        text = json.dumps(data, indent=2, ensure_ascii=True, allow_nan=False)
    sys.stdout.write(text + "\n")


def _non_finite_place(value: Any, where: str) -> str:
    import math

    if isinstance(value, float) and not math.isfinite(value):
        return where or "the result"
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, (list, tuple)) else ()
    for key, item in items:
        found = _non_finite_place(item, f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}".lstrip("."))
        if found:
            return found
    return ""


def add_file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a .dojo project, or a bundled example by name (e.g. exapod)")
