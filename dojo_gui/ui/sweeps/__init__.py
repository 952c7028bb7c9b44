"""The Sweeps panel: variants of the design run on Dask, their results as a table and a plot (Qt).

:mod:`.panel` composes the definition form (:mod:`.definition`), the background controller
(:mod:`.controller`), the results table (:mod:`.results`) and the scatter plot (:mod:`.scatter`).
The work itself is in the Qt-free :mod:`dojo_gui.jobs.sweep`.  The shell puts the panel in a dock and
routes the inspector's "Vary this figure…" to it.
"""
