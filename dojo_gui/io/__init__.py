"""Project files and the built-in catalog: read, write, migrate, validate.  No Qt."""

from .project import SUFFIX, VERSION, ProjectFileError, dumps, load, loads, save

__all__ = ["SUFFIX", "VERSION", "ProjectFileError", "dumps", "load", "loads", "save"]
