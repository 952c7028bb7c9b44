"""dojo-gui: design and simulate AI-training supercomputers built the way Tesla's Dojo is built."""

__version__ = "0.1.0"
