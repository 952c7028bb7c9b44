"""Drags and clipboard data from another program are untrusted: anything unusable is refused with a reason,
never an exception out of the editor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QApplication

from dojo_gui.ui.editor.mime import PARTS_MIME, SPEC_MIME, MimeError, parts_from_mime, spec_drag

PARTS = b'{"format": "dojo-gui-parts", "version": 1, "level": "tile", '
FOREIGN = {
    "nested deep": b"[" * 100_000,
    "specs not a list": PARTS + b'"specs": 5, "parts": [{"spec": "dojo-tile"}]}',
    "children not a list": PARTS + b'"parts": [{"spec": "dojo-tile", "chips": 7}]}',
    "a spec that is a number": PARTS + b'"specs": [5], "parts": [{"spec": "dojo-tile"}]}',
    "NaN in a spec": PARTS + b'"specs": [{"id": "x", "level": "chip", "tdp_w": NaN}], "parts": [{"spec": "x"}]}',
    "a long integer": PARTS + b'"parts": [{"spec": "dojo-tile", "slot": [0, ' + b"9" * 500 + b"]}]}",
    "not UTF-8": b"\xff\xfe{}",
}


def mime_with(data: bytes) -> QMimeData:
    mime = QMimeData()
    mime.setData(PARTS_MIME, data)
    mime.setData(SPEC_MIME, data)
    return mime


@pytest.mark.parametrize("kind", FOREIGN)
def test_foreign_data_is_refused_with_a_reason(qapp, kind):
    mime = mime_with(FOREIGN[kind])
    with pytest.raises(MimeError):
        parts_from_mime(mime)
    assert spec_drag(mime) is None


@pytest.mark.parametrize("kind", ["nested deep", "children not a list"])
def test_pasting_foreign_data_says_why_and_changes_nothing(window, h, kind):
    before = h.snapshot(window.document.design)
    window.selection.set([((0, 0),)])
    QApplication.clipboard().setMimeData(mime_with(FOREIGN[kind]))
    window.actions_by_name["paste"].trigger()
    assert window.statusBar().currentMessage().startswith("Nothing pasted: the clipboard")
    assert h.snapshot(window.document.design) == before
    QApplication.clipboard().clear()
