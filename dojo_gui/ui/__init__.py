"""The desktop application: the only package that uses Qt.

Four parts, each using only those below it (an import-linter contract in ``pyproject.toml``):

- :mod:`.shell`: the application around the design: start-up, the main window with its
  menus, docks, status bar and settings, and the controllers behind the File and Edit
  menus (files, autosave, export, clipboard, fill).  It composes the two below, and
  nothing imports it.
- :mod:`.editor`: designing: the canvas, palette, inspector, outline, breadcrumbs, findings,
  the gestures, the selection and the clipboard format.
- :mod:`.simulation`: running the engines live: the run panel, the background worker, the
  plots, the link map, the canvas's live colours and the saved runs.
- :mod:`.project`: the open project every part follows and edits through (the document and
  its undo commands), and the seam for questions to the user.

The editor and the simulation never import each other: what they show together (the
"Colour by" list, the docks side by side, the log file a failed run points to) is put
together by the shell, which hands the simulation the window.

The work that needs no Qt (a live run's jobs, the design check) is in :mod:`dojo_gui.jobs`.
"""
