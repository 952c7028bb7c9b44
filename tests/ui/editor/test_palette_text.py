"""Text from a project is shown as text in the palette's rich-text tooltip, never read as markup."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from dojo_gui.model.templates import TEMPLATES


def test_a_spec_named_in_markup_shows_its_name_in_the_tooltip(make_window, catalog):
    design = TEMPLATES["dojo-tile"].make(catalog)
    spec = design.specs["dojo-d1"]
    name, vendor = "<img src='/etc/passwd'> D1 & <b>friends", "<script>alert(1)</script>"
    design.specs["dojo-d1"] = dataclasses.replace(spec, name=name, vendor=vendor, description="a < b, </i>")
    window = make_window(design)
    tip = window.palette.index_of("dojo-d1").data(Qt.ToolTipRole)
    shown = QTextDocument()
    shown.setHtml(tip)  # what the tooltip shows: Qt reads it as rich text
    text = shown.toPlainText()
    assert name in text and vendor in text and "a < b, </i>" in text
    assert "<img" not in tip and "<script>" not in tip
