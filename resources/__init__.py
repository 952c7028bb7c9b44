"""Data shipped with dojo-gui: built-in specs, example projects and icons (installed as ``dojo_gui.resources``)."""
