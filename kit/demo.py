"""Demo data for the dev and test profiles: one JSON file every service reads its own part of."""

from __future__ import annotations

import json
import os
from pathlib import Path

from kit.settings import BaseConfig

DEFAULT = Path(__file__).resolve().parent.parent / "demo" / "demo.json"


def demo_data(config: BaseConfig) -> dict:
    """The demo data set (KABINET_DEMO_DATA or demo/demo.json); refuses in production."""
    if not config.is_dev:
        raise SystemExit("seed-demo is for the dev and test profiles only")
    return json.loads(Path(os.environ.get("KABINET_DEMO_DATA", DEFAULT)).read_text())
