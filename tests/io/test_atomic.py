"""The one atomic writer: whole files, the target's mode, links followed, read-only and input files refused,
temporary files recognised and cleaned up."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

import pytest

from dojo_gui.io import atomic
from dojo_gui.io.atomic import OutputIsInput, ReadOnlyTarget, open_atomic, remove_stale_temporaries, write_atomic


def test_a_new_file_gets_what_open_would_give_and_an_old_one_keeps_its_mode(tmp_path):
    new = tmp_path / "new.csv"
    old_umask = os.umask(0o027)
    try:
        write_atomic(new, b"a")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640
    old = tmp_path / "old.csv"
    old.write_bytes(b"x")
    old.chmod(0o600)
    write_atomic(old, b"y")
    assert old.read_bytes() == b"y" and stat.S_IMODE(old.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.csv", "old.csv"]


def test_a_link_is_followed_and_kept_even_when_it_dangles(tmp_path):
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "sub" / "real.txt")  # dangling until written
    write_atomic(link, b"first")
    write_atomic(link, b"second")
    assert link.is_symlink() and (tmp_path / "sub" / "real.txt").read_bytes() == b"second"
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["real.txt"]  # the temporary went there


def test_a_read_only_file_is_refused_and_left_as_it_was(tmp_path):
    target = tmp_path / "ro.dojo"
    target.write_bytes(b"keep")
    target.chmod(0o444)
    with pytest.raises(ReadOnlyTarget, match="read-only"):
        write_atomic(target, b"lost")
    assert target.read_bytes() == b"keep" and [p.name for p in tmp_path.iterdir()] == ["ro.dojo"]


def test_an_input_is_recognised_by_inode_not_spelling(tmp_path):
    source = tmp_path / "p.dojo"
    source.write_bytes(b"project")
    hard = tmp_path / "hard.csv"
    os.link(source, hard)
    for spelling in (hard, tmp_path / "." / "p.dojo", str(source).replace(str(tmp_path), str(tmp_path) + "/sub/..")):
        if "sub" in str(spelling):
            (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(OutputIsInput, match="input file"):
            write_atomic(spelling, b"csv", inputs=[source])
    assert source.read_bytes() == b"project"


def test_a_failed_write_leaves_the_target_and_no_temporary(tmp_path):
    target = tmp_path / "t.csv"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), open_atomic(target, "w", encoding="utf-8") as handle:
        handle.write("half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_stale_temporaries_are_removed_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".a.dojo.{dead_pid}-0123abcd{atomic.TEMP_SUFFIX}"
    live = tmp_path / f".b.dojo.{os.getppid()}-0123abcd{atomic.TEMP_SUFFIX}"  # pytest's parent: alive
    old_live = tmp_path / f".c.dojo.{os.getppid()}-89abcdef{atomic.TEMP_SUFFIX}"
    other = tmp_path / ".d.dojo.tmp"  # not ours: never touched
    for path in (stale, live, old_live, other):
        path.write_bytes(b"x")
    day_ago = time.time() - atomic.STALE_AFTER_S - 60
    os.utime(old_live, (day_ago, day_ago))
    assert remove_stale_temporaries([tmp_path]) == sorted([stale, old_live])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_atomic(tmp_path / "no" / "x.csv", b"")
