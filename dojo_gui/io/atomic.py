"""The one way dojo-gui writes a file: whole or not at all, over the real target, never over an input.

Every file the app writes (projects, CSV, reports, pictures, run records, autosaves) goes
through :func:`write_atomic` or :func:`atomic_path`: the data goes to a temporary file in
the target's own folder, is flushed to disk, takes the target's permissions and is then
renamed over the target, so a crash or a full disk leaves the previous file as it was.

- A symbolic link is followed: the file it points to is replaced and the link stays.
- A read-only target is refused (:class:`ReadOnlyTarget`) rather than silently replaced,
  which a rename in a writable folder would otherwise do.
- ``inputs`` names the files a command reads; writing over one of them is refused
  (:class:`OutputIsInput`), compared by real path and inode, not by spelling.
- Temporary files are named ``.NAME.PID-RANDOM.dojo-tmp``: one a killed process left
  behind is recognised and removed by :func:`remove_stale_temporaries`, which the CLI and
  the app call for the folders they work in.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

TEMP_SUFFIX = ".dojo-tmp"
_TEMP_NAME = re.compile(r"^\..+\.(\d+)-[0-9a-f]{8}" + re.escape(TEMP_SUFFIX) + r"$")
STALE_AFTER_S = 24 * 3600  # a temporary file this old is stale even if its process id is in use again

PathLike = str | os.PathLike[str]


class OutputIsInput(ValueError):
    """An output path that is one of the command's input files."""


class ReadOnlyTarget(PermissionError):
    """A target file without write permission: it is reported, not replaced."""


def real_target(path: PathLike) -> Path:
    """The file a write to ``path`` must replace: symbolic links followed (a dangling one to where it points)."""
    return Path(os.path.realpath(os.fspath(path)))


def same_file(a: PathLike, b: PathLike) -> bool:
    """Whether two paths name the same file (same real path, or same device and inode)."""
    if real_target(a) == real_target(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_not_input(path: PathLike, inputs: Iterable[PathLike], what: str = "") -> None:
    """Refuse to write ``path`` if it is one of ``inputs``; ``what`` names the output in the message."""
    for source in inputs:
        if source and same_file(path, source):
            name = f"{what} {os.fspath(path)}" if what else os.fspath(path)
            raise OutputIsInput(f"{name} is the input file {os.fspath(source)}: writing there would destroy it "
                                f"(choose another output file)")


def check_writable(path: PathLike) -> Path:
    """The real target of ``path``; raises :class:`ReadOnlyTarget` if it exists without write permission,
    and FileNotFoundError or NotADirectoryError if its folder does not exist."""
    target = real_target(path)
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"the folder {folder} does not exist", os.fspath(path))
    try:
        st = target.stat()
    except FileNotFoundError:
        return target
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", os.fspath(path))
    # Root passes os.access() for every file: the permission bits say what the owner meant.
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise ReadOnlyTarget(errno.EACCES, "the file is read-only (it was left as it is)", os.fspath(path))
    return target


@contextlib.contextmanager
def atomic_path(path: PathLike, *, inputs: Iterable[PathLike] = ()) -> Iterator[Path]:
    """A temporary path to write the whole file to (by any library); on leaving, it replaces ``path``.

    If the block raises, the temporary file is removed and ``path`` is untouched.
    """
    check_not_input(path, inputs)
    target = check_writable(path)
    tmp = target.with_name(f".{target.name[:100]}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        yield tmp
        _fsync_file(tmp)
        _copy_permissions(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(target.parent)


@contextlib.contextmanager
def open_atomic(path: PathLike, mode: str = "w", *, inputs: Iterable[PathLike] = (),
                **kwargs: Any) -> Iterator[IO[Any]]:
    """``open()`` for writing a whole file atomically (``mode`` "w" or "wb"); the target is replaced on success."""
    if mode not in ("w", "wb"):
        raise ValueError(f"open_atomic writes whole files: mode 'w' or 'wb', not {mode!r}")
    with atomic_path(path, inputs=inputs) as tmp, open(tmp, mode.replace("w", "x"), **kwargs) as handle:
        yield handle


def write_atomic(path: PathLike, data: bytes, *, inputs: Iterable[PathLike] = ()) -> Path:
    """Write ``data`` as the whole of ``path`` (see the module); returns the real file written."""
    with atomic_path(path, inputs=inputs) as tmp, open(tmp, "xb") as handle:
        handle.write(data)
    return real_target(path)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (not every file system can open a folder: then it is left to the OS)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _copy_permissions(target: Path, tmp: Path) -> None:
    """The replaced file's mode and owner, or for a new file what ``open()`` would have given (0666 less umask)."""
    try:
        st = target.stat()
    except FileNotFoundError:
        os.chmod(tmp, 0o666 & ~_umask())
        return
    os.chmod(tmp, stat.S_IMODE(st.st_mode))
    if hasattr(os, "chown"):
        with contextlib.suppress(OSError):  # only root may give a file away; others keep their own
            os.chown(tmp, st.st_uid, st.st_gid)


def _umask() -> int:
    """This process's umask, read without changing it (os.umask sets it, which races with other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def remove_stale_temporaries(folders: Iterable[PathLike], *, now: float | None = None) -> list[Path]:
    """Remove the temporary files an interrupted write left in ``folders``; returns the files removed.

    A temporary file is stale when the process that made it is gone, or when it is older than
    STALE_AFTER_S (its process id may be in use again by then).  A write in progress is never touched.
    """
    now = time.time() if now is None else now
    removed = []
    for folder in {real_target(f) for f in folders}:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            match = _TEMP_NAME.match(entry.name)
            if not match or not entry.is_file(follow_symlinks=False):
                continue
            try:
                age = now - entry.stat(follow_symlinks=False).st_mtime
                if _process_alive(int(match.group(1))) and age < STALE_AFTER_S:
                    continue
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(entry.path))
    return sorted(removed)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process
    except OSError:
        return True
    return True
