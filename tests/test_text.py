"""Counts in words: the noun in the number the count asks for, everywhere the app counts something."""

import pytest

from dojo_gui.cli import main
from dojo_gui.text import agree, count, plural


@pytest.mark.parametrize("noun,many", [
    ("slot", "slots"), ("chip slot", "chip slots"), ("switch", "switches"), ("bus", "buses"), ("box", "boxes"),
    ("floor position", "floor positions"), ("battery", "batteries"), ("day", "days"), ("CSV file", "CSV files"),
    ("is", "are"),
])
def test_plural(noun, many):
    assert plural(noun) == many


def test_count_says_one_in_the_singular_and_groups_thousands():
    assert count(1, "slot") == "1 slot"
    assert count(0, "slot") == "0 slots"
    assert count(3000, "chip") == "3,000 chips"
    assert count(2, "datum", "data") == "2 data"
    assert (agree(1, "is"), agree(3, "is")) == ("is", "are")


def test_the_cli_counts_one_cabinet_and_one_tile_in_the_singular(capsys):
    assert main(["info", "dojo-tile"]) == 0
    out = capsys.readouterr().out
    assert "1 room, 1 cabinet, 1 tile, 25 chips" in out
    assert "0 errors, 0 warnings, 0 notes" in out
