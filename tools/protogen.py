"""Generate Python code for every .proto under protos/ into gen/ (one command, one place).

    python -m tools.protogen [--out gen]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"


def generate(out: Path) -> list[Path]:
    sources = sorted(PROTOS.rglob("*.proto"))
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    include = Path(protoc.__file__).parent / "_proto"
    args = ["protoc", f"-I{PROTOS}", f"-I{include}", f"--python_out={tmp}", f"--pyi_out={tmp}",
            f"--grpc_python_out={tmp}", *map(str, sources)]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    for pkg in [d for d in tmp.rglob("*") if d.is_dir()]:
        (pkg / "__init__.py").touch()
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return sources


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "gen")
    sources = generate(parser.parse_args(argv).out)
    print(f"protogen: {len(sources)} proto files -> gen/", file=sys.stderr)


if __name__ == "__main__":
    main()
