"""Running the engines from the window: the run panel, the worker, and what shows the results.

:mod:`.live` puts it together (docks, the Simulation menu, the status bar's progress) around
one :class:`~.worker.SimulationController`, which runs the jobs of :mod:`dojo_gui.jobs.live`
on a thread of their own.  The results show in the plots, the link map, the canvas's live
colours (:mod:`.liveoverlay`) and the saved runs (:mod:`.runs`).

It uses :mod:`dojo_gui.ui.project` and never the editor or the shell: the window it adds
its docks and menu to is handed in.
"""
