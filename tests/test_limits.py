import dataclasses

import pytest

from dojo_gui import limits
from dojo_gui.model.design import DesignError, make_part


def test_a_limit_says_the_figure_the_limit_and_how_to_raise_it(monkeypatch):
    monkeypatch.delenv(limits.ALLOW_LARGE_ENV, raising=False)
    with pytest.raises(limits.LimitExceeded) as info:
        limits.CHIPS.check(300_000)
    assert str(info.value) == ("300,000 chips, over the limit of 250,000 (--allow-large or DOJO_GUI_ALLOW_LARGE=1 "
                               "raises it to 10,000,000)")
    limits.CHIPS.check(250_000)
    with pytest.raises(limits.LimitExceeded):
        limits.CHIPS.check(float("nan"))


def test_one_switch_raises_every_limit_and_even_then_they_are_finite(monkeypatch):
    monkeypatch.setenv(limits.ALLOW_LARGE_ENV, "1")
    for limit in limits.LIMITS.values():
        assert limit.value == limit.large > limit.normal
        limit.check(limit.large)
        with pytest.raises(limits.LimitExceeded, match="over the limit") as info:
            limit.check(limit.large * 2)
        assert "--allow-large" not in str(info.value)


def test_a_fill_is_counted_before_anything_is_built(catalog, monkeypatch):
    """A fill that would go over the chip limit is refused before a single part is made."""
    monkeypatch.setattr(limits, "CHIPS", dataclasses.replace(limits.CHIPS, normal=299))
    made = []
    monkeypatch.setattr("dojo_gui.model.design.Part.__init__",
                        lambda self, *a, **k: made.append(a) or pytest.fail("a part was built"))
    with pytest.raises(DesignError, match="300 chips, over the limit of 299"):
        make_part(catalog["dojo-cabinet"], (0, 0), catalog)
    assert made == []
