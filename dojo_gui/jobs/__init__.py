"""Work the application hands to a thread, without Qt: a live simulation run.

:mod:`.live` runs the engines on a snapshot of the design in small slices, paused and
stopped through a thread-safe control, publishing into a buffer the GUI drains.  The GUI
that starts them is in :mod:`dojo_gui.ui`; this package needs no Qt, so the jobs are
tested and benchmarked without a window.
"""
