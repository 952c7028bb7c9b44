"""The user's own places (appdirs' data folder): recent files and autosaves.

Autosaves are ordinary project files in ``<data>/autosave``, each with a small JSON note
saying which file it belongs to (or that the project was untitled) and when it was
written.  At start the app offers to recover every autosave that is newer than its file
(or whose file is gone, or that was never saved), whatever it was started with.

Each window writes its autosave under a key of its own (:meth:`Autosaves.key_for` is new
at every call), so a window never overwrites nor deletes an autosave it did not write: one
left by a crash stays until the user has chosen what to do with it, even if the same file
is open and edited again meanwhile.  An autosave that cannot be read is set aside in
``<data>/autosave/unreadable`` rather than deleted.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import appdirs

from ...io.atomic import write_atomic
from ...io.project import dumps
from ...model.design import Design

RECENT_LIMIT = 10


def data_dir() -> Path:
    return Path(appdirs.user_data_dir("dojo-gui"))


class RecentFiles:
    """The last project files opened or saved, newest first, kept in ``recent.json``."""

    def __init__(self, folder: Path | None = None) -> None:
        self.file = (folder or data_dir()) / "recent.json"

    def paths(self) -> list[Path]:
        try:
            items = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(items, list):
            return []
        return [Path(p) for p in items if isinstance(p, str)]

    def existing(self) -> list[Path]:
        return [p for p in self.paths() if p.is_file()]

    def add(self, path: str | os.PathLike) -> None:
        path = Path(path).resolve()
        items = [path] + [p for p in self.paths() if p != path]
        self._write(items[:RECENT_LIMIT])

    def remove(self, path: str | os.PathLike) -> None:
        self._write([p for p in self.paths() if p != Path(path)])

    def clear(self) -> None:
        self._write([])

    def _write(self, items: list[Path]) -> None:
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.file, json.dumps([str(p) for p in items], indent=1).encode("utf-8"))
        except OSError:
            pass  # a read-only home must not stop the editor; the list is a convenience


@dataclass(frozen=True)
class Autosave:
    """One autosaved project: the copy, the file it belongs to (None if untitled), and when it was written."""

    key: str
    copy: Path
    original: Path | None
    saved_at: float
    name: str

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        where = str(self.original) if self.original else "an untitled project"
        return f"{self.name or 'Untitled'} — unsaved changes to {where}, autosaved {when}"


class Autosaves:
    """Autosave copies in ``<data>/autosave`` keyed by the file they belong to."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = (folder or data_dir()) / "autosave"

    @staticmethod
    def key_for(original: str | os.PathLike | None) -> str:
        """A new key for the autosaves of one window's project (the file's hash only makes the folder readable)."""
        session = uuid.uuid4().hex[:12]
        if original is None:
            return f"untitled-{session}"
        return f"file-{hashlib.sha1(os.fsencode(Path(original).resolve())).hexdigest()[:16]}-{session}"

    def write(self, key: str, design: Design, original: str | os.PathLike | None) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        copy = self.folder / f"{key}.dojo"
        write_atomic(copy, dumps(design).encode("utf-8"))
        note = {"original": str(Path(original).resolve()) if original else None, "saved_at": time.time(),
                "name": design.name}
        write_atomic(self.folder / f"{key}.json", json.dumps(note).encode("utf-8"))
        return copy

    def discard(self, key: str) -> None:
        for suffix in (".dojo", ".json"):
            try:
                (self.folder / f"{key}{suffix}").unlink()
            except OSError:
                pass

    def set_aside(self, key: str) -> Path:
        """Move an autosave that cannot be read out of the way (never offered again, never deleted); returns
        where its copy is now."""
        aside = self.folder / "unreadable"
        aside.mkdir(parents=True, exist_ok=True)
        for suffix in (".json", ".dojo"):
            try:
                os.replace(self.folder / f"{key}{suffix}", aside / f"{key}{suffix}")
            except OSError:
                pass
        return aside / f"{key}.dojo"

    def all(self) -> list[Autosave]:
        """Every autosave, newest first.  A copy whose note is lost or damaged is still listed (its work is in
        the copy), as of an unknown file, written when the copy was."""
        out = []
        for copy in self.folder.glob("*.dojo"):
            try:
                written = copy.stat().st_mtime
            except OSError:
                continue
            note = _read_note(copy.with_suffix(".json"))
            original = note.get("original")
            saved_at = note.get("saved_at")
            out.append(Autosave(copy.stem, copy, Path(original) if isinstance(original, str) else None,
                                saved_at if isinstance(saved_at, float) else written, str(note.get("name", ""))))
        return sorted(out, key=lambda a: -a.saved_at)

    def recoverable(self, exclude: set[str] = frozenset()) -> list[Autosave]:
        """Autosaves newer than their file (or of untitled projects, or of files that are gone)."""
        out = []
        for autosave in self.all():
            if autosave.key in exclude:
                continue
            try:
                written = autosave.copy.stat().st_mtime
            except OSError:
                continue  # the copy went away meanwhile
            try:
                newer = autosave.original is None or written > autosave.original.stat().st_mtime
            except OSError:
                newer = True  # the file is gone or out of reach: the autosave is all there is
            if newer:
                out.append(autosave)
        return out


def _read_note(path: Path) -> dict[str, Any]:
    """An autosave's note with only what reads sensibly: ``original`` a path, ``saved_at`` a time; {} if none."""
    try:
        note = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(note, dict):
        return {}
    out: dict[str, Any] = {"name": note["name"]} if isinstance(note.get("name"), str) else {}
    original = note.get("original")
    if isinstance(original, str) and original and "\0" not in original:
        out["original"] = original
    saved_at = note.get("saved_at")
    if isinstance(saved_at, (int, float)) and math.isfinite(saved_at) and 0 < saved_at < 1e11:
        out["saved_at"] = float(saved_at)
    return out
