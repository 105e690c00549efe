"""hasHandlers() looks at ancestors too, which breaks a popular recipe."""

from __future__ import annotations

import logging
import sys
from pathlib import Path


# [start broken-recipe]
def setup_logging() -> None:
    """Console output for everything, through the root logger."""
    root = logging.getLogger()
    if not root.hasHandlers():
        root.addHandler(logging.StreamHandler(sys.stdout))
    root.setLevel(logging.INFO)


def file_logger(name: str, path: Path) -> logging.Logger:
    """Meant to send one subsystem's records to its own file as well."""
    logger = logging.getLogger(name)
    if not logger.hasHandlers():  # BUG: also True when only the ROOT has one
        logger.addHandler(logging.FileHandler(path, encoding="utf-8"))
    return logger
    # [end broken-recipe]


# [start fixed-recipe]
def file_logger_fixed(name: str, path: Path) -> logging.Logger:
    logger = logging.getLogger(name)
    wanted = str(path.resolve())
    own_files = [
        h
        for h in logger.handlers  # this logger's OWN handlers, no ancestors
        if isinstance(h, logging.FileHandler) and h.baseFilename == wanted
    ]
    if not own_files:
        logger.addHandler(logging.FileHandler(path, encoding="utf-8"))
    return logger
    # [end fixed-recipe]


if __name__ == "__main__":
    import tempfile

    from ch_logging._isolation import clean_logging

    with clean_logging(), tempfile.TemporaryDirectory() as tmp:
        setup_logging()
        broken = file_logger("data", Path(tmp, "data.log"))
        assert broken.handlers == []
        fixed = file_logger_fixed("data", Path(tmp, "data.log"))
        file_logger_fixed("data", Path(tmp, "data.log"))
        assert len(fixed.handlers) == 1
