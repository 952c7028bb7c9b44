"""Option values that look like options: ``--duration -5s`` is the value -5s, refused by the option's own check.

argparse takes any word starting with "-" for an option unless it is a plain negative number, so
``--duration -5s`` answered "expected one argument" and never said what was wrong with -5s.  An
option that takes a value is joined here to a following word that starts with "-" and a digit
(``--duration=-5s``), and the option's parser then refuses the value with its reason.
"""

from __future__ import annotations

import argparse
import re

NEGATIVE_LOOKING = re.compile(r"^-\.?\d")


def options_taking_values(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of ``parser`` and its subcommands' parsers that takes one value."""
    found: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                found |= options_taking_values(sub)
        elif action.option_strings and action.nargs in (None, 1) and not isinstance(
                action, (argparse._StoreConstAction, argparse._CountAction, argparse._HelpAction,
                         argparse._VersionAction)):
            found.update(action.option_strings)
    return found


def join_negative_values(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """``[..., "--duration", "-5s", ...]`` -> ``[..., "--duration=-5s", ...]`` for options that take a value."""
    takes_value = options_taking_values(parser)
    out: list[str] = []
    skip = False
    for i, word in enumerate(argv):
        if skip:
            skip = False
            continue
        if word == "--":
            return out + argv[i:]
        following = argv[i + 1] if i + 1 < len(argv) else ""
        if word in takes_value and word.startswith("--") and NEGATIVE_LOOKING.match(following):
            out.append(f"{word}={following}")
            skip = True
        else:
            out.append(word)
    return out
