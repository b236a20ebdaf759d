"""Print one trace from the dev trace file(s) as a tree of spans (see docs/runtime.md,
"Following one request").

    python -m tools.trace 4bf92f3577b34da6a3ce929d0e0e4736     # the trace id (X-Trace-Id), or its start
    python -m tools.trace                                     # the latest traces, newest last
    python -m tools.trace ID --file a.jsonl --file b.jsonl    # default: $KABINET_TRACE_FILE

Each line of a trace file is one finished span, as kit.tracing.span_record writes it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path


def read_spans(paths: Iterable[Path]) -> list[dict]:
    spans = []
    for path in paths:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                try:
                    span = json.loads(line)
                except ValueError:  # a line still being written
                    continue
                if isinstance(span, dict) and "trace_id" in span and "span_id" in span:
                    spans.append(span)
    return spans


def render(spans: list[dict]) -> list[str]:
    """The spans of one trace as lines: offset from the trace's start, duration, process, and the
    name in a tree (a span whose parent is not in the files is shown as a root)."""
    spans = sorted(spans, key=lambda s: s["start"])
    ids = {s["span_id"] for s in spans}
    children: dict[str | None, list[dict]] = defaultdict(list)
    for span in spans:
        children[span["parent_id"] if span.get("parent_id") in ids else None].append(span)
    t0 = _time(spans[0]["start"])
    end = max(_time(s["start"]) + dt.timedelta(milliseconds=s["ms"]) for s in spans)
    processes = list(dict.fromkeys(s["process"] for s in spans))
    out = [f"trace {spans[0]['trace_id']}: {len(spans)} spans in {', '.join(processes)}, "
           f"{(end - t0).total_seconds() * 1000:.1f} ms"]
    width = max(len(p) for p in processes)

    def walk(span: dict, prefix: str, last: bool, root: bool) -> None:
        offset = (_time(span["start"]) - t0).total_seconds() * 1000
        branch = "" if root else ("└─ " if last else "├─ ")
        out.append(f"{offset:+9.1f} ms {span['ms']:9.1f} ms  {span['process']:<{width}}  "
                   f"{prefix}{branch}{span['name']}{_detail(span)}")
        kids = children.get(span["span_id"], [])
        deeper = prefix if root else prefix + ("   " if last else "│  ")
        for i, kid in enumerate(kids):
            walk(kid, deeper, i == len(kids) - 1, False)

    for root in children[None]:
        walk(root, "", True, True)
    return out


def _detail(span: dict) -> str:
    attrs = span.get("attributes", {})
    parts = []
    status = attrs.get("http.response.status_code", attrs.get("http.status_code"))
    if status is not None:
        parts.append(f"-> {status}")
    statement = attrs.get("db.query.text", attrs.get("db.statement"))
    if statement:
        statement = " ".join(str(statement).split())
        parts.append(statement if len(statement) <= 90 else statement[:87] + "...")
    if span.get("parent_id") and span.get("kind") in ("server", "consumer", "producer") and not parts:
        parts.append(f"[{span['kind']}]")
    if span.get("status") == "error":
        parts.append(f"ERROR {span.get('error', '')}".rstrip())
    return "  " + "  ".join(parts) if parts else ""


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def latest(spans: list[dict], count: int = 20) -> list[str]:
    """One line per trace: when it started, its first span, how many spans, its id."""
    traces: dict[str, list[dict]] = defaultdict(list)
    for span in spans:
        traces[span["trace_id"]].append(span)
    rows = []
    for trace_id, members in traces.items():
        first = min(members, key=lambda s: s["start"])
        rows.append((first["start"], f"{first['start'][:23]}  {trace_id}  {len(members):4} spans  "
                                     f"{first['process']}: {first['name']}"))
    return [line for _, line in sorted(rows)[-count:]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.trace", description=__doc__.split("\n\n")[0])
    parser.add_argument("trace_id", nargs="?", help="a trace id (32 hex digits) or its first digits")
    parser.add_argument("--file", action="append", type=Path,
                        help="a trace file (repeatable); default: $KABINET_TRACE_FILE")
    args = parser.parse_args(argv)
    files = args.file or ([Path(os.environ["KABINET_TRACE_FILE"])] if os.environ.get("KABINET_TRACE_FILE") else [])
    if not files:
        parser.error("no trace file: pass --file or set KABINET_TRACE_FILE")
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        parser.error(f"no such file: {', '.join(missing)}")
    spans = read_spans(files)
    if not args.trace_id:
        print("\n".join(latest(spans)) or "no spans yet")
        return 0
    wanted = args.trace_id.lower().removeprefix("00-")[:32]  # a traceparent works too
    found = [s for s in spans if s["trace_id"].startswith(wanted)]
    if len({s["trace_id"] for s in found}) > 1:
        print(f"{wanted} starts more than one trace id: give more digits", file=sys.stderr)
        return 2
    if not found:
        print(f"no span of trace {wanted} in {', '.join(map(str, files))}", file=sys.stderr)
        return 1
    print("\n".join(render(found)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
