"""The application's log file, in the user log folder (appdirs): what went wrong, with tracebacks.

Messages in the window say what failed in words; the log keeps the details for a bug
report.  :func:`setup_logging` is idempotent and never fails: a log folder that cannot be
written leaves logging to stderr only.
"""

from __future__ import annotations

import functools
import logging
import logging.handlers
from pathlib import Path

import appdirs

from .app import APP_NAME

LOG_NAME = "dojo-gui.log"


def log_folder() -> Path:
    return Path(appdirs.user_log_dir(APP_NAME, APP_NAME))


def log_path() -> Path:
    return log_folder() / LOG_NAME


def setup_logging() -> Path | None:
    """Send the ``dojo_gui`` loggers to the log file (once per process); returns the file, or None."""
    handler = _handler()
    return Path(handler.baseFilename) if isinstance(handler, logging.FileHandler) else None


@functools.cache
def _handler() -> logging.Handler:
    """The process's one log handler, made and attached to the ``dojo_gui`` logger on the first call."""
    logger = logging.getLogger("dojo_gui")
    logger.setLevel(logging.INFO)
    handler: logging.Handler
    try:
        log_folder().mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(log_path(), maxBytes=1_000_000, backupCount=3,
                                                       encoding="utf-8", delay=True)
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    return handler
