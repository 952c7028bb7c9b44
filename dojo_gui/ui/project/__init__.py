"""The open project: the design being edited, its file and its undo stack.

:class:`~.document.DesignDocument` is the one object every part of the window follows (its
signals) and edits through (its methods push the undo commands of :mod:`.commands`), so it
belongs to none of them: the editor changes it, the simulation runs it and keeps runs in it,
the shell opens, saves and autosaves it.  It lives here, below all three, rather than in
the shell that owns the window, so that the editor and the simulation can use it without
reaching up into the part that composes them.

:mod:`.dialogs` is here for the same reason: the simulation's panels ask the user things
too (where to export, which trace to read, a message when something cannot be done),
through the one seam the window hands every panel.
"""
