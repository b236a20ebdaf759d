"""Reading the ends of log files for error messages."""

from __future__ import annotations

from pathlib import Path


def tail(path: Path, lines: int = 20) -> str:
    """The last `lines` lines of a text file, or a note that there is none."""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 256 * 1024))  # logs can grow large; the end is enough
            text = f.read().decode(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])
