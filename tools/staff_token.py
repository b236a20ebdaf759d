"""Print a staff bearer token for the dev stack's demo staff admin (the one that onboarded the demo supplier):

    S=$(python -m tools.staff_token)            # reads .data/demo-staff.json, signs in with its TOTP secret
    curl -H "Authorization: Bearer $S" http://127.0.0.1:8080/staff/v1/suppliers

For walking through staff routes by hand in the dev profile; production staff sign in with their own
authenticator app.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tools.onboard import OnboardingError, Staff

REPO_ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.staff_token", description=__doc__.split("\n\n")[0])
    parser.add_argument("--gateway", default="http://127.0.0.1:8080")
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / ".data")
    args = parser.parse_args(argv)
    known = json.loads((args.data_dir / "demo-staff.json").read_text())
    staff = Staff(args.gateway)
    try:
        staff.sign_in(known["login"], known["password"], known["totp_secret"])
    except OnboardingError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(staff.http.headers["Authorization"].removeprefix("Bearer "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
