"""Words for people: a count with its noun in the right number ("1 slot", "3,000 chips"), and
text from a project made safe to put in HTML.

Every message of the window, the command line and the report that counts something says
it through :func:`count`, so none says "1 cabinets" or "Filled 1 slots".  Every value that
comes from a project and goes into HTML or Qt rich text (the report, tooltips) passes
through :func:`esc`.
"""

from __future__ import annotations

import html

# Words whose plural (for a verb: its form after a plural subject) is not the word plus "s" or "es".
IRREGULAR: dict[str, str] = {"person": "people", "child": "children", "bus": "buses", "switch": "switches",
                             "is": "are", "was": "were", "has": "have"}


def plural(noun: str) -> str:
    """The plural of an English noun (of the last word when there are several: "chip slot" -> "chip slots")."""
    head, _, last = noun.rpartition(" ")
    lower = last.lower()
    if lower in IRREGULAR:
        word = IRREGULAR[lower]
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    elif lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        word = last[:-1] + "ies"
    else:
        word = last + "s"
    if last[:1].isupper() and word[:1].islower():
        word = word[:1].upper() + word[1:]
    return f"{head} {word}" if head else word


def count(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and ``noun`` in the number ``n`` asks for: ``count(1, "slot")`` -> "1 slot", ``count(3000, "chip")``
    -> "3,000 chips".  ``many`` gives the plural where :func:`plural` would get it wrong."""
    return f"{n:,} {noun if n == 1 else (many or plural(noun))}"


def agree(n: int, singular: str, many: str | None = None) -> str:
    """The word alone, in the number ``n`` asks for: ``agree(1, "is")`` -> "is", ``agree(2, "is")`` -> "are"."""
    return singular if n == 1 else (many or plural(singular))


def esc(text: object) -> str:
    """The one way text gets into HTML or Qt rich text: every value that comes from a project (names, labels,
    notes, file names, figures) passes here, so a design called ``<script>`` is shown, never run."""
    return html.escape(str(text), quote=True)
