"""Variants already computed: a cache of their figures on disk, keyed by what they depend on.

The key is a digest of the variant's design (the text of its project file), its scenario and the
engine version — the package's version and a digest of the engines' own source, so that a changed
engine never serves an old answer.  Entries are small JSON files in the user cache folder
(``~/.cache/dojo-gui/sweeps/`` on Linux), written atomically; only finished variants are kept (a
failed one is tried again).  The cache lives with whoever runs the sweep, not on the workers.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from ... import __version__

log = logging.getLogger(__name__)

# The code that decides a variant's figures: these packages, and the task that runs a variant on them.
ENGINE_SOURCES = ("model", "fabric", "sim", "io", "jobs/sweep/evaluate.py", "jobs/sweep/scenario.py")


@functools.cache
def engine_version() -> str:
    """The package's version and a digest of the engines' source files."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for source in ENGINE_SOURCES:
        paths = [root / source] if source.endswith(".py") else sorted((root / source).rglob("*.py"))
        for path in paths:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def variant_key(design_json: str, scenario: dict[str, Any]) -> str:
    """The digest of (design, scenario, engine version)."""
    digest = hashlib.sha256()
    digest.update(engine_version().encode())
    digest.update(b"\0")
    digest.update(json.dumps(scenario, sort_keys=True, separators=(",", ":")).encode())
    digest.update(b"\0")
    digest.update(design_json.encode())
    return digest.hexdigest()


def default_folder() -> Path:
    import appdirs

    return Path(appdirs.user_cache_dir("dojo-gui")) / "sweeps"


class ResultCache:
    """Figures by variant key, one small file each.  A cache that cannot be read or written is ignored (with a
    log line): it only ever saves time."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("the sweep cache entry %s cannot be read (%s); computing the variant again", path, exc)
            return None
        return record if isinstance(record, dict) and record.get("status") == "ok" else None

    def put(self, key: str, record: dict[str, Any]) -> None:
        if record.get("status") != "ok":
            return
        from ...io.project import write_atomic

        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(record, allow_nan=False).encode("utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("cannot keep a sweep result in the cache %s (%s)", self.folder, exc)

    def __len__(self) -> int:
        return sum(1 for _ in self.folder.glob("*/*.json")) if self.folder.is_dir() else 0
