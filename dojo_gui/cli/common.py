"""What every subcommand shares: errors, exit codes, loading a design argument, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
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
    if path.exists() or text.endswith(".dojo") and not text.startswith("example:"):
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
    from ..io.project import ProjectFileError, load

    path = resolve_design_path(text)
    try:
        return path, load(path)
    except ProjectFileError as exc:
        raise CliError(str(exc)) from None


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")


def add_file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a .dojo project, or a bundled example by name (e.g. exapod)")
