"""Benchmark: submit-reading through the gateway, many signed-in users, each on its own account.

    make bench            # or: python -m bench [--users 128] [--connections 32] [--seconds 10] [--rounds 3]

Starts its own durable stack (fsync on, like production and like the floor)
in a temporary directory with a generated demo registry, signs the users in
through the API, drives POST /api/v1/accounts/{id}/readings with wrk, and prints
req/s, latency percentiles, the CPU split between processes and the total RSS
of the suite. Then, when ../shared/bench-floor/run.sh is there, runs the
bare-stack floor and prints Kabinet's throughput as a ratio of it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests

from devstack.stack import REPO_ROOT, Stack

HERE = Path(__file__).resolve().parent
FLOOR = REPO_ROOT.parent / "shared" / "bench-floor" / "run.sh"
PASSWORD = "Bench-Passw0rd-2026"


def registry(users: int, out: Path) -> Path:
    """demo/registry plus one account (one-zone meter, last reading 1000) per bench user: the directory the
    stack onboards (KABINET_DEMO_REGISTRY)."""
    shutil.copytree(REPO_ROOT / "demo" / "registry", out)
    rows = {
        "accounts": [f"012;77-{i:08d};Пользователь {i};Санкт-Петербург, Бенчмарковая ул., д. {i};urban_gas_stove;;;;"
                     "email;0" for i in range(users)],
        "meters": [f"012;77-{i:08d};B{i:07d};Меркурий 201.5;1;7;1;2030-12-31" for i in range(users)],
        "readings": [f"012;77-{i:08d};B{i:07d};2026-10-20T09:00:00+00:00;1000.000;;;;" for i in range(users)],
    }
    for name, lines in rows.items():
        with open(out / f"{name}.csv", "a", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in lines))
    return out


def sign_up(base: str, i: int) -> str:
    """Register (solving the captcha through the test profile's answer endpoint), confirm with the
    code from the dev outbox, sign in, bind the account. Each user has an address of its own
    (X-Forwarded-For: the test profile trusts one proxy hop), as real customers do."""
    http = requests.Session()
    ip = f"198.18.{i // 250}.{i % 250 + 1}"
    http.headers["X-Forwarded-For"] = ip
    phone = f"+7955{i:07d}"
    captcha_id = http.get(f"{base}/api/v1/captcha", timeout=10).json()["captcha_id"]
    answer = http.get(f"{base}/dev/captcha/{captcha_id}", timeout=10).json()["answer"]
    reply = http.post(f"{base}/api/v1/auth/register", json={
        "phone": phone, "password": PASSWORD, "terms_accepted": True, "captcha_id": captcha_id,
        "captcha_answer": answer}, timeout=30).json()
    code = None
    for _ in range(200):
        for m in http.get(f"{base}/dev/outbox", params={"to": phone}, timeout=10).json()["messages"]:
            found = re.search(r"\b(\d{6})\b", m["body"])
            if found:
                code = found.group(1)
        if code:
            break
        time.sleep(0.05)
    http.post(f"{base}/api/v1/auth/register/confirm", json={"registration_id": reply["registration_id"],
                                                              "code": code}, timeout=10).raise_for_status()
    token = http.post(f"{base}/api/v1/auth/login", json={"identifier": phone, "password": PASSWORD},
                      timeout=30).json()["access_token"]
    http.headers["Authorization"] = f"Bearer {token}"
    account = http.post(f"{base}/api/v1/accounts", json={
        "number": f"77-{i:08d}", "proof": {"meter_number": f"B{i:07d}"}}, timeout=10).json()
    return f"{token} {account['account_id']} {account['meters'][0]['meter_id']} 1000 {ip}"


def suite_processes(stack: Stack) -> dict[int, str]:
    """pid -> name for every process of the running suite: the supervised ones with their
    children (gunicorn workers), PostgreSQL with its backends, and nats-server."""
    roots = {pid: name for name in stack.supervisor.names if (pid := stack.supervisor.pid(name))}
    for proc in psutil.process_iter(["name", "cmdline"]):
        if str(stack.data_dir) in " ".join(proc.info["cmdline"] or []):
            roots.setdefault(proc.pid, "postgres" if "postgres" in (proc.info["name"] or "") else "nats")
    out: dict[int, str] = {}
    for pid, name in roots.items():
        with contextlib.suppress(psutil.Error):
            out[pid] = name
            for child in psutil.Process(pid).children(recursive=True):
                out[child.pid] = _backend(child) if name == "postgres" else name
    return out


def _backend(proc: psutil.Process) -> str:
    """A PostgreSQL backend by its database ("postgres: <user> <database> <client> …"): whose statements cost
    what; the server's own processes (WAL writer, checkpointer, …) are "postgres"."""
    with contextlib.suppress(psutil.Error, IndexError):
        title = proc.cmdline()[0].split()
        if len(title) > 3 and title[0] == "postgres:" and "(" in title[3]:
            return f"postgres:{title[2].removeprefix('kabinet_')}"
    return "postgres"


def cpu_seconds(pids: dict[int, str]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for pid, name in pids.items():
        try:
            t = psutil.Process(pid).cpu_times()
            totals[name] = totals.get(name, 0.0) + t.user + t.system
        except psutil.Error:
            pass
    return totals


def memory_total(pids: dict[int, str]) -> tuple[int, int]:
    """(PSS, RSS) summed over the suite. PSS shares each shared page among its users, so it is the
    suite's real footprint; the RSS sum counts PostgreSQL's shared buffers once per backend."""
    pss = rss = 0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            info = psutil.Process(pid).memory_full_info()
            pss += info.pss
            rss += info.rss
    return pss, rss


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("bench: installing wrk (Debian package)", file=sys.stderr)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk")


def run_wrk(wrk: str, url: str, users_file: Path, connections: int, seconds: int, offset: int) -> str:
    args = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(HERE / "submit.lua"),
            url, "--", str(users_file), "2", str(offset)]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--users", type=int, default=128)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure Kabinet this many times on one stack, each run followed by the floor (the "
                             "suite idle meanwhile), and print every pair's ratio and their median: the machines "
                             "are noisy, and a pair measured a minute apart shares the noise")
    parser.add_argument("--profile", action="store_true",
                        help="sample the Python processes with py-spy during the measured run and print where "
                             "each spends its CPU (self time by function, our modules' inclusive time)")
    parser.add_argument("--profile-top", type=int, default=25)
    args = parser.parse_args(argv)
    wrk = ensure_wrk()

    work = Path(tempfile.mkdtemp(prefix="kabinet-bench-"))
    os.environ["KABINET_DEMO_REGISTRY"] = str(registry(args.users, work / "registry"))
    os.environ.setdefault("KABINET_LOG_LEVEL", "WARNING")
    stack = Stack(work / "data", "test", fast=False)
    try:
        started = time.monotonic()
        stack.start()
        print(f"bench: stack up in {time.monotonic() - started:.1f}s; signing up {args.users} users", flush=True)
        with ThreadPoolExecutor(8) as pool:
            lines = list(pool.map(lambda i: sign_up(stack.gateway_url, i), range(args.users)))
        users_file = work / "users.txt"
        users_file.write_text("\n".join(lines) + "\n")
        url = stack.gateway_url + "/api/v1/accounts/x/readings"
        # warm-up: ≈ 3 s × 1,000 req/s / 128 users × 0.5 kWh stays far below the measured run's start (+100 kWh),
        # and +100 kWh over the registry's reading is an ordinary month (no plausibility question)
        run_wrk(wrk, url, users_file, args.connections, 3, offset=0)
        ratios = []
        for round_ in range(args.rounds):
            if args.rounds > 1:
                print(f"\n== round {round_ + 1} of {args.rounds}", flush=True)
            pids = suite_processes(stack)
            before = cpu_seconds(pids)
            profilers = start_profilers(pids, args.seconds, work) if args.profile else []
            # each round starts 100 kWh above the previous one's readings (a round adds ~40 at most)
            report = run_wrk(wrk, url, users_file, args.connections, args.seconds, offset=100 * (round_ + 1))
            after = cpu_seconds(pids)
            ended = time.monotonic()
            memory = memory_total(suite_processes(stack))
            print(report)
            print_summary(report, before, after, memory, args)
            print(downstream(stack, ended))
            if profilers:
                print_profiles(profilers, args.profile_top)
            if args.rounds > 1 and not args.no_floor:  # paired: the floor right after, the suite idle
                ratios.append(floor_ratio(report, args))
    finally:
        stack.stop()
        shutil.rmtree(work, ignore_errors=True)
    if args.rounds == 1 and not args.no_floor:
        ratios.append(floor_ratio(report, args))
    ratios = [r for r in ratios if r]
    if len(ratios) > 1:
        print(f"\nkabinet / floor per round: {', '.join(f'{r:.2f}x' for r in ratios)}; "
              f"median {statistics.median(ratios):.2f}x")


def floor_ratio(report: str, args) -> float | None:
    """Run the bare-stack floor (../shared/bench-floor) and print Kabinet's throughput as a ratio of it."""
    if not FLOOR.exists():
        return None
    floor = subprocess.run(["bash", str(FLOOR), str(args.connections), str(args.seconds), "4"],
                           capture_output=True, text=True)
    line = next((ln for ln in floor.stdout.splitlines() if ln.startswith("floor:")), floor.stdout[-500:])
    print(line)
    floor_rps = float(re.search(r"floor: ([\d.]+) req/s", line).group(1)) if "req/s" in line else 0
    if not floor_rps:
        return None
    print(f"kabinet / floor = {_rps(report) / floor_rps:.2f}x", flush=True)
    return _rps(report) / floor_rps


def start_profilers(pids: dict[int, str], seconds: int, work: Path) -> list[tuple[str, Path, subprocess.Popen]]:
    """py-spy record (raw collapsed stacks, no idle frames) on every Python process of the suite; gunicorn's
    and the services' workers are profiled per process and summed per name."""
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    out = []
    for pid, name in pids.items():
        with contextlib.suppress(psutil.Error):
            if "python" not in psutil.Process(pid).name() and "gunicorn" not in " ".join(psutil.Process(pid).cmdline()):
                continue
        path = work / f"profile-{name}-{pid}.txt"
        proc = subprocess.Popen([spy, "record", "--format", "raw", "--rate", "200", "--gil", "--nonblocking", "-d",
                                 str(seconds), "-p", str(pid), "-o", str(path)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out.append((name, path, proc))
    return out


def print_profiles(profilers: list, top: int) -> None:
    """Per process name: the functions with the most samples on top of the stack (self), and the share of
    samples under each of Kabinet's own functions (inclusive), both as a share of the name's samples."""
    stacks: dict[str, dict[str, int]] = {}
    for name, path, proc in profilers:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
        if path.exists():
            into = stacks.setdefault(name, {})
            for line in path.read_text().splitlines():
                stack, _, count = line.rpartition(" ")
                into[stack] = into.get(stack, 0) + int(count)
    for name, collapsed in sorted(stacks.items(), key=lambda kv: -sum(kv[1].values())):
        total = sum(collapsed.values()) or 1
        self_time: dict[str, int] = {}
        ours: dict[str, int] = {}
        for stack, count in collapsed.items():
            frames = stack.split(";")
            self_time[frames[-1]] = self_time.get(frames[-1], 0) + count
            for frame in {f for f in frames if re.search(r"\((services|gateway|kit)/", f)}:
                ours[frame] = ours.get(frame, 0) + count
        print(f"\n== {name}: {total} samples")
        print("  self:")
        for frame, count in sorted(self_time.items(), key=lambda kv: -kv[1])[:top]:
            print(f"    {count / total:6.1%}  {frame}")
        print("  inclusive (ours):")
        for frame, count in sorted(ours.items(), key=lambda kv: -kv[1])[:top]:
            print(f"    {count / total:6.1%}  {frame}")


def downstream(stack: Stack, ended: float, patience: float = 60.0) -> str:
    """Whether the rest of the suite kept up: every cabinet reading charged by payments (one preliminary charge
    each) and told in notify's inbox (two messages each: accepted, charged), and the outboxes empty — and how
    long after wrk stopped that was true."""
    import psycopg

    def count(svc: str, sql: str) -> int:
        with psycopg.connect(stack.database_url(svc).replace("+psycopg", "")) as conn:
            return conn.execute(sql).fetchone()[0]

    while True:
        readings = count("readings", "SELECT count(*) FROM readings WHERE source = 'cabinet'")
        charges = count("payments", "SELECT count(*) FROM charges WHERE kind = 'preliminary'")
        inbox = count("notify", "SELECT count(*) FROM inbox WHERE category IN ('readings', 'charges')")
        unsent = sum(count(svc, "SELECT count(*) FROM outbox WHERE published_at IS NULL")
                     for svc in ("readings", "payments"))
        caught_up = charges >= readings and inbox >= 2 * readings and not unsent
        late = time.monotonic() - ended
        if caught_up or late > patience:
            state = f"caught up {late:.1f}s after the run" if caught_up else f"NOT caught up after {late:.0f}s"
            return (f"downstream: {readings} readings, {charges} preliminary charges, {inbox} inbox messages, "
                    f"{unsent} events unsent — {state}")
        time.sleep(0.2)


def _rps(report: str) -> float:
    return float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1))


def print_summary(report: str, before: dict, after: dict, memory: tuple[int, int], args) -> None:
    pct = dict(re.findall(r"(p\d\d) ([\d.]+)", report))
    errors = re.search(r"non-2xx/3xx: (\d+)", report)
    print(f"kabinet: {_rps(report):.0f} req/s, p50 {pct.get('p50')} ms, p95 {pct.get('p95')} ms, "
          f"p99 {pct.get('p99')} ms, "
          f"non-2xx {errors.group(1) if errors else '?'} "
          f"(users={args.users}, connections={args.connections}, {args.seconds}s)")
    used = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    total = sum(used.values()) or 1
    print("CPU split:", ", ".join(f"{k} {v / total:.0%}" for k, v in sorted(used.items(), key=lambda kv: -kv[1])
                                  if v / total >= 0.005))
    print(f"CPU used: {total:.1f}s over {args.seconds}s; memory of the suite: PSS {memory[0] / 2**20:.0f} MiB "
          f"(sum of RSS {memory[1] / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
