"""The user's own places (appdirs' data folder): recent files and autosaves.

Autosaves are ordinary project files in ``<data>/autosave``, each with a small JSON note
saying which file it belongs to (or that the project was untitled) and when it was
written.  At start the app offers to recover every autosave that is newer than its file
(or whose file is gone, or that was never saved).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import appdirs

from ...io.project import dumps, write_atomic
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
        if original is None:
            return f"untitled-{uuid.uuid4().hex[:12]}"
        return "file-" + hashlib.sha1(str(Path(original).resolve()).encode("utf-8")).hexdigest()[:16]

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

    def all(self) -> list[Autosave]:
        out = []
        for note_file in sorted(self.folder.glob("*.json")):
            key = note_file.stem
            copy = self.folder / f"{key}.dojo"
            try:
                note = json.loads(note_file.read_text(encoding="utf-8"))
                saved_at = float(note["saved_at"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if not copy.is_file():
                continue
            original = note.get("original")
            out.append(Autosave(key, copy, Path(original) if isinstance(original, str) else None, saved_at,
                                str(note.get("name", ""))))
        return sorted(out, key=lambda a: -a.saved_at)

    def recoverable(self, exclude: set[str] = frozenset()) -> list[Autosave]:
        """Autosaves newer than their file (or of untitled projects, or of files that are gone)."""
        out = []
        for autosave in self.all():
            if autosave.key in exclude:
                continue
            original = autosave.original
            if original is None or not original.exists():
                out.append(autosave)
            elif autosave.copy.stat().st_mtime > original.stat().st_mtime:
                out.append(autosave)
        return out
