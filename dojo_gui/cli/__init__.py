"""The ``dojo-gui`` command: the GUI by default, headless subcommands otherwise.

Exit codes: 0 success; 1 the design has errors (``validate``) or a run failed;
2 bad usage or a file that cannot be read or written; 130 interrupted.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..io.project import SUFFIX
from ..limits import ALLOW_LARGE_ENV, set_allow_large
from . import claims, project, report, simulate, sweep
from .argv import join_negative_values
from .common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CliError


# --------------------------------------------------------------------------- GUI
def display_problem() -> str | None:
    """Why a window cannot open here, or None if it probably can."""
    if sys.platform.startswith("linux"):
        platform = os.environ.get("QT_QPA_PLATFORM", "")
        if not platform and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            return ("no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). Run dojo-gui on a desktop, "
                    "or set QT_QPA_PLATFORM=offscreen to run without a screen. The subcommands "
                    "(info, validate, new, simulate, report) work without one.")
    return None


def run_gui(args: argparse.Namespace) -> int:
    problem = display_problem()
    if problem:
        print(f"dojo-gui: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        from ..ui.shell.app import main as gui_main
    except ImportError as exc:
        missing = getattr(exc, "name", None) or str(exc)
        print(f"dojo-gui: the GUI cannot start: {exc}.\n"
              f"Qt needs these system libraries on Debian/Ubuntu: libegl1 libgl1 libxkbcommon0 libfontconfig1 "
              f"libfreetype6 libx11-6 libglib2.0-0 libdbus-1-3 (missing: {missing}).", file=sys.stderr)
        return EXIT_USAGE
    return gui_main(files=args.files, example=args.example)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dojo-gui",
        description="Design and simulate AI-training supercomputers. With no command, starts the GUI.")
    parser.add_argument("--version", action="version", version=f"dojo-gui {__version__}")
    parser.add_argument("--allow-large", action="store_true",
                        help=f"raise the limits on design size, file size, run length and picture size (as "
                             f"{ALLOW_LARGE_ENV}=1 does); anywhere on the command line")
    parser.add_argument("--example", metavar="NAME", default=None,
                        help="start the GUI on a bundled example (default when no file is given: exapod)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for module in (project, simulate, report, sweep, claims):
        module.register(sub)
    return parser


def _not_a_file(word: str, commands: set[str]) -> str | None:
    """Why ``word``, given where the GUI takes project files, is a mistyped command (None: it is a file to open).

    A path that exists or ends in .dojo opens the window (an unreadable one is reported there); any other
    word is named as an unknown command, with the nearest command, so a typo never opens a window.
    """
    if word.lower().endswith(SUFFIX) or Path(word).exists() or os.sep in word:
        return None
    close = difflib.get_close_matches(word, sorted(commands), n=1, cutoff=0.0)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return (f"unknown command {word!r} ({hint}commands: {', '.join(sorted(commands))}); to open a project give "
            f"its .dojo file, and a bundled example with --example NAME")


def gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dojo-gui", description="Start the dojo-gui window.")
    parser.add_argument("--example", metavar="NAME", default=None, help="open a bundled example")
    parser.add_argument("files", nargs="*", metavar="FILE", help="project files to open")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    options = argv[: argv.index("--")] if "--" in argv else argv
    if "--allow-large" in options:
        argv = [a for a in options if a != "--allow-large"] + argv[len(options):]
        set_allow_large(True)  # for this process and what it starts (one switch: the environment variable)
    parser = build_parser()
    argv = join_negative_values(parser, argv)  # "--duration -5s": the value -5s, refused with its reason
    subcommands = set(next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices)
    words = [a for a in argv if not a.startswith("-")]
    if not words or words[0] not in subcommands:
        if any(a in ("-h", "--help", "--version") for a in argv):
            parser.parse_args(argv)  # prints and exits
        gui_args = gui_parser().parse_args(argv)
        for word in gui_args.files:
            problem = _not_a_file(word, subcommands)
            if problem:
                print(f"dojo-gui: {problem}", file=sys.stderr)
                return EXIT_USAGE
        return run_gui(gui_args)
    args, unknown = parser.parse_known_args(argv)
    if unknown and not getattr(args, "takes_unknown", False):
        parser.parse_args(argv)  # reports the unknown options as argparse does, and exits
    args.unknown = unknown  # a sweep's scenario options, read by the simulate command's own parser
    try:
        return args.func(args)
    except CliError as exc:
        print(f"dojo-gui {args.command}: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"dojo-gui {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
