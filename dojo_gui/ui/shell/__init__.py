"""The application around the design: start-up, the main window, its menus and their controllers.

:mod:`.app` starts the application and opens the windows; :mod:`.mainwindow` builds the
menus, toolbar, docks and status bar, keeps the settings and composes the editor's and the
simulation's widgets.  What the File and Edit menus do is in small controllers the window
owns (:mod:`.project_files`, :mod:`.autosave`, :mod:`.export`, :mod:`.clipboard`,
:mod:`.fill`).  Also here: the recent files and autosaves in the user's data folder
(:mod:`.files`), the window's own dialogs, the log file, and the garbage collection kept on
the GUI thread.

Nothing else in :mod:`dojo_gui.ui` imports the shell.
"""
