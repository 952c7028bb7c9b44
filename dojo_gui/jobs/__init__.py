"""Work the application hands to a thread, without Qt: a live simulation run and the design check.

:mod:`.live` runs the engines on a snapshot of the design in small slices, paused and
stopped through a thread-safe control, publishing into a buffer the GUI drains;
:mod:`.analysis` checks the design rules and sums up every container.  The GUI that starts
them is in :mod:`dojo_gui.ui`.  This package never imports Qt (an import-linter contract in
``pyproject.toml``): the jobs are tested and benchmarked without a window.  It sits above
the engines (sim, fabric, io, model) and below render, report and ui.
"""
