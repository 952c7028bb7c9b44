"""The application around the design: start-up, the main window and its menus.

:mod:`.app` starts the application and opens the windows; :mod:`.mainwindow` builds the
menus, toolbar, docks and status bar, keeps the settings and composes the editor's and the
simulation's widgets.  Also here: the recent files and autosaves in the user's data
folder, the window's own dialogs, the log file, and the garbage collection kept on the GUI
thread.

Nothing else in :mod:`dojo_gui.ui` imports the shell.
"""
