"""Designing: everything that shows the design and changes it through the document.

The canvas (:mod:`.canvas`, with its gestures in :mod:`.interactions`), the palette of
specs, the inspector, the outline, the breadcrumbs and the findings; the selection they
share; the design check kept up to date while editing (:mod:`.analysis`); the colours the
canvas can take from that check (:mod:`.overlays`); the clipboard and drag format
(:mod:`.mime`) and the icons of specs and severities.

It uses :mod:`dojo_gui.ui.project` and never the simulation or the shell.
"""
