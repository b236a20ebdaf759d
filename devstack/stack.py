"""The whole platform on one machine: PostgreSQL, NATS, Redis, the simulators, every service and
the gateway, each supervised (restarted after a crash) and stopped in reverse order.

Used by the dev launcher (`python -m devstack run`) and by the tests. The
environment each process gets follows docs/runtime.md.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO
from urllib.parse import parse_qs, urlparse

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from devstack.logs import tail
from devstack.nats import NatsServer
from devstack.ports import HOST, PREFERRED, choose_ports, scattered
from devstack.postgres import Postgres, PostgresError
from devstack.redis import RedisServer
from devstack.server import ServerError
from devstack.supervisor import ProcessSpec, Supervisor

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("auth", "accounts", "readings", "payments", "notify")
# The delivery simulators' dev credentials (they listen on 127.0.0.1 only; dev and test profiles).
SMS_SIM_LOGIN, SMS_SIM_PASSWORD = "kabinet", "kabinet-dev-sms"
SMTP_SIM_LOGIN, SMTP_SIM_PASSWORD = "kabinet", "kabinet-dev-smtp"
YOOKASSA_SIM_SHOP_ID, YOOKASSA_SIM_SECRET_KEY = "100500", "test_kabinet-dev-yookassa"
MAIL_FROM = "Личный кабинет <noreply@kabinet.localhost>"
# Another simulator joins when its package is there (simulators/oidc: the social sign-in provider).
OIDC_SIM = REPO_ROOT / "simulators" / "oidc" / "__main__.py"
DEMO_PROFILES = ("dev", "test")
# The demo supplier's master data goes in as a retailer's does (tools.onboard: the staff API and the registry,
# after the gateway is up); the demo seeds that refer to it (accounts: the demo customer's bindings) follow it.
DEMO_SUPPLIER = REPO_ROOT / "demo" / "supplier.json"
DEMO_REGISTRY = REPO_ROOT / "demo" / "registry"
SEEDS_AFTER_ONBOARDING = ("accounts",)
DEMO_STAFF_LOGIN = "demo-onboarding"

log = logging.getLogger("devstack")


class StackError(RuntimeError):
    """The stack could not start; the message carries the tails of the relevant logs."""


class Stack:
    """PostgreSQL (a database per service), NATS, Redis, the simulators, `<svc>-api`/`<svc>-worker`
    processes and the gateway.

    All state lives in `data_dir`: a second start on the same directory keeps the data.
    `supervisor` watches every one of them, the servers included (`supervisor.pid("postgres")`,
    `"nats-server"`, `"redis"`): a dead one is restarted with backoff and announced.
    """

    def __init__(
        self,
        data_dir: Path,
        profile: str = "dev",
        *,
        fast: bool = False,
        services: Iterable[str] = SERVICES,
        gateway: bool = True,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.profile = profile
        self.fast = fast
        unknown = set(services) - set(SERVICES)
        if unknown:
            raise ValueError(f"unknown services: {sorted(unknown)}")
        self.services = tuple(svc for svc in SERVICES if svc in set(services))  # dependency order
        self.with_gateway = gateway
        self.log_dir = self.data_dir / "logs"
        self.supervisor = Supervisor(self.log_dir)
        self.postgres: Postgres | None = None
        self.nats: NatsServer | None = None
        self.redis: RedisServer | None = None
        self.ports: dict[str, int] = {}
        self.demo_supplier_id: str | None = None  # set by onboard_demo (dev and test profiles)
        self._lock: IO | None = None

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> None:
        """Everything, in order; on failure stop what was started and raise StackError."""
        try:
            self.start_infra()
            self.migrate()
            self.seed_demo()
            self.start_services()
            if self.with_gateway:
                self.start_gateway()
                self.onboard_demo()
        except BaseException:
            self.stop()
            raise

    def start_infra(self) -> None:
        """Ports, PostgreSQL with a database per service, NATS with JetStream, Redis, and the
        simulators of the outside world (SMTP, SMS, YooKassa, OIDC when present)."""
        self._take_lock()
        self.postgres = Postgres(
            self.data_dir / "postgres", 0, fast=self.fast, log_file=self.log_dir / "postgres.log"
        )
        # A server left by a killed launcher still holds our remembered port: stop it first.
        self.postgres.clear_leftovers()
        # The dev stack prefers well-known ports; tests scatter theirs so that
        # concurrent sessions do not race for the same ones.
        self.ports = choose_ports(self.data_dir, PREFERRED if self.profile == "dev" else scattered())
        self.postgres.port = self.ports["postgres"]
        self.nats = NatsServer(
            self.data_dir / "nats",
            self.ports["nats"],
            self.ports["nats_monitor"],
            log_file=self.log_dir / "nats.log",
        )
        self.redis = RedisServer(self.data_dir / "redis", self.ports["redis"], log_file=self.log_dir / "redis.log")
        try:
            log.info("PostgreSQL on %s:%d", HOST, self.postgres.port)
            self.postgres.start()
            self.supervisor.supervise(self.postgres)
            for svc in self.services:
                self.postgres.ensure_database(f"kabinet_{svc}")
            log.info("NATS on %s", self.nats.url)
            self.nats.start()
            self.supervisor.supervise(self.nats)
            log.info("Redis on %s", self.redis.url)
            self.redis.start()
            self.supervisor.supervise(self.redis)
        except (PostgresError, ServerError) as exc:
            raise StackError(str(exc)) from exc
        self.start_simulators()

    def start_simulators(self, timeout: float = 30) -> None:
        """`python -m simulators.smtp|sms|yookassa` (and `simulators.oidc` when it exists) as supervised
        processes."""
        sims = self.simulators
        for name, args in sims.items():
            self._start_process(name, args, group="simulators")
        for name in sims:
            self.wait_ready(name, timeout)

    def migrate(self) -> None:
        """`python -m services.<svc> migrate` for every service, in parallel."""
        log.info("migrating %s", ", ".join(self.services))
        with ThreadPoolExecutor(max_workers=len(self.services) or 1) as pool:
            failures = [f for f in pool.map(lambda svc: self._run_once(svc, "migrate"), self.services) if f]
        if failures:
            raise StackError("\n\n".join(failures))

    def seed_demo(self) -> None:
        """Demo seeds (dev and test profiles only), in dependency order: the demo customer (auth); those that
        refer to the demo supplier's data wait for `onboard_demo`."""
        if self.profile not in DEMO_PROFILES:
            return
        for svc in self.services:
            if svc in SEEDS_AFTER_ONBOARDING:
                continue
            log.info("demo data for %s", svc)
            failure = self._run_once(svc, "seed-demo")
            if failure:
                raise StackError(failure)

    def onboard_demo(self) -> None:
        """Dev and test profiles, with the gateway: the demo supplier onboarded exactly as a retailer would
        (`python -m tools.onboard`: staff sign-in, the supplier and its categories through the staff API,
        demo/registry through POST /staff/v1/registry) by a demo staff user (auth's create-staff, once per
        data directory), then the seeds that refer to it (the demo customer's bindings). Idempotent: a second
        start on the same data changes nothing."""
        if self.profile not in DEMO_PROFILES:
            return
        login, password, secret = self._demo_staff()
        log.info("onboarding the demo supplier through the gateway")
        registry = os.environ.get("KABINET_DEMO_REGISTRY") or str(DEMO_REGISTRY)  # the bench adds its accounts
        argv = [sys.executable, "-m", "tools.onboard", "--gateway", self.gateway_url, "--supplier",
                str(DEMO_SUPPLIER), "--registry", registry, "--strict"]
        env = self.env_for("gateway") | {"KABINET_STAFF_LOGIN": login, "KABINET_STAFF_PASSWORD": password,
                                         "KABINET_STAFF_TOTP_SECRET": secret}
        done = subprocess.run(argv, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
        (self.log_dir / "onboard.log").write_text(done.stdout + done.stderr)
        if done.returncode != 0:
            raise StackError(f"onboarding the demo supplier failed ({done.returncode}); output in "
                             f"{self.log_dir / 'onboard.log'}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        self.demo_supplier_id = json.loads(done.stdout)["supplier_id"]
        for svc in self.services:
            if svc in SEEDS_AFTER_ONBOARDING:
                log.info("demo data for %s", svc)
                failure = self._run_once(svc, "seed-demo")
                if failure:
                    raise StackError(failure)

    def _demo_staff(self) -> tuple[str, str, str]:
        """(login, password, TOTP secret) of the demo staff user (role admin) that onboards the demo supplier:
        created by auth's create-staff on the first start, remembered in the data directory."""
        remembered = self.data_dir / "demo-staff.json"
        if remembered.exists():
            known = json.loads(remembered.read_text())
            return known["login"], known["password"], known["totp_secret"]
        password = "Demo-Onboarding-2026!"
        done = subprocess.run([sys.executable, "-m", "services.auth", "create-staff", "--login", DEMO_STAFF_LOGIN,
                               "--role", "admin", "--password-stdin"], input=password + "\n",
                              env=self.env_for("auth"), cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
        uri = re.search(r"otpauth://\S+", done.stdout)
        if done.returncode != 0 or uri is None:
            raise StackError(f"creating the demo staff user failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        secret = parse_qs(urlparse(uri.group()).query)["secret"][0]
        remembered.write_text(json.dumps({"login": DEMO_STAFF_LOGIN, "password": password, "totp_secret": secret}))
        return DEMO_STAFF_LOGIN, password, secret

    def start_services(self, timeout: float = 90) -> None:
        """Every `<svc>-api` (waiting until its health check says SERVING), then every `<svc>-worker`."""
        for svc in self.services:
            self._start_process(f"{svc}-api", ["-m", f"services.{svc}", "api"], group="apis")
        for svc in self.services:
            self.wait_ready(f"{svc}-api", timeout)
        for svc in self.services:
            self._start_process(f"{svc}-worker", ["-m", f"services.{svc}", "worker"], group="workers")

    def start_gateway(self, timeout: float = 60) -> None:
        """gunicorn with the gateway app, waiting until GET /readyz answers 200."""
        metrics = self._metrics_dir()
        shutil.rmtree(metrics, ignore_errors=True)  # must start empty, per prometheus_client
        metrics.mkdir(parents=True)
        argv = ["-m", "gunicorn", "-c", "gateway/gunicorn_conf.py", "gateway.app:create_app()"]
        self._start_process("gateway", argv)
        self.wait_ready("gateway", timeout)

    def wait_ready(self, process: str, timeout: float = 60) -> None:
        """Wait until `<svc>-api` answers gRPC health SERVING, or `gateway` GET /readyz 200.

        Fails (StackError, with the end of its log) at the timeout or when the supervisor gave up on it.
        """
        if process == "gateway":
            url = f"{self.gateway_url}/readyz"
            probe, what = (lambda: _http_ready(url)), f"GET {url}"
        elif process in ("smtp-sim", "sms-sim"):
            url = f"{self.mailbox_url(process.removesuffix('-sim'))}/_sim/health"
            probe, what = (lambda: _http_ready(url)), f"GET {url}"
        elif process == "yookassa-sim":
            url = f"{self.yookassa_sim_url}/_sim/health"
            probe, what = (lambda: _http_ready(url)), f"GET {url}"
        elif process == "oidc-sim":
            port = self.ports["oidc_sim"]
            probe, what = (lambda: _listening(port)), f"a listener on {HOST}:{port}"
        elif process.endswith("-api"):
            target = self.grpc_target(process.removesuffix("-api"))
            probe, what = (lambda: _grpc_health(target)), f"gRPC health at {target}"
        else:
            raise ValueError(f"{process} has no readiness check")
        deadline = time.monotonic() + timeout
        while True:
            ready, answer = probe()
            if ready:
                return
            gave_up = process in self.supervisor.gave_up
            if gave_up or time.monotonic() > deadline:
                reason = "it kept dying" if gave_up else f"not ready after {timeout:.0f}s"
                raise StackError(
                    f"{process} did not become ready ({what}): {reason}; last answer: {answer}\n"
                    f"--- {self.supervisor.log_path(process)} ---\n{self.supervisor.tail(process, 40)}"
                )
            time.sleep(0.2)

    def stop(self) -> None:
        """Everything, the last started first: the gateway, the workers, the apis (each group
        at once), the simulators, Redis, NATS, PostgreSQL. Safe to call twice, and after a
        failed or interrupted start; keeps going past a failure and raises the first one."""
        # The supervisor stops what it watches in reverse start order; the servers' own stop()
        # then covers one that started but was not handed to it yet (no-op for the others).
        steps = [self.supervisor.close]
        steps += [s.stop for s in (self.redis, self.nats, self.postgres) if s is not None]
        errors = []
        for step in [*steps, self._release_lock]:
            try:
                step()
            except Exception as exc:  # keep stopping the rest
                log.error("while stopping: %s", exc)
                errors.append(exc)
        if errors:
            raise errors[0]

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- where things are --------------------------------------------------

    @property
    def gateway_url(self) -> str:
        return f"http://{HOST}:{self.ports['gateway']}"

    @property
    def nats_url(self) -> str:
        return self.nats.url

    def database_url(self, svc: str) -> str:
        return self.postgres.url(f"kabinet_{svc}")

    def grpc_target(self, svc: str) -> str:
        return f"{HOST}:{self.ports[svc]}"

    @property
    def redis_url(self) -> str:
        return self.redis.url

    @property
    def sms_url(self) -> str:
        """SMSC's send.php on the SMS simulator."""
        return f"http://{HOST}:{self.ports['sms_sim']}/sys/send.php"

    @property
    def yookassa_sim_url(self) -> str:
        """The YooKassa simulator: its API under /v3 (KABINET_YOOKASSA_URL), its controls under /_sim."""
        return f"http://{HOST}:{self.ports['yookassa_sim']}"

    def mailbox_url(self, simulator: str) -> str:
        """Base URL of a delivery simulator's HTTP API (`smtp` or `sms`): /_sim/messages, /_sim/fail."""
        return f"http://{HOST}:{self.ports['smtp_sim_http' if simulator == 'smtp' else 'sms_sim']}"

    @property
    def simulators(self) -> dict[str, list[str]]:
        """Process name -> python arguments of each simulator this stack runs."""
        sims = {
            "smtp-sim": ["-m", "simulators.smtp", "--port", str(self.ports["smtp_sim"]),
                         "--http-port", str(self.ports["smtp_sim_http"]), "--login", SMTP_SIM_LOGIN,
                         "--password", SMTP_SIM_PASSWORD, "--store", str(self.data_dir / "simulators" / "mail.jsonl")],
            # Incoming SMS go to the gateway, signed with a sms_gateway partner's key that the test (or a developer)
            # creates once the stack runs and hands over through POST /_sim/config (docs/sms-readings.md); so do
            # the delivery statuses of the SMS it takes (/partners/v1/sms/status), once it has that key.
            "sms-sim": ["-m", "simulators.sms", "--port", str(self.ports["sms_sim"]), "--login", SMS_SIM_LOGIN,
                        "--password", SMS_SIM_PASSWORD, "--store", str(self.data_dir / "simulators" / "sms.jsonl"),
                        "--gateway-url", self.gateway_url, "--status-callbacks"],
            # Payments and refunds live in its memory: a restart forgets them (dev and test only).
            "yookassa-sim": ["-m", "simulators.yookassa", "--port", str(self.ports["yookassa_sim"]),
                             "--shop-id", YOOKASSA_SIM_SHOP_ID, "--secret-key", YOOKASSA_SIM_SECRET_KEY,
                             "--notification-url",
                             f"http://{HOST}:{self.ports['gateway']}/partners/v1/providers/yookassa/notifications"],
        }
        if OIDC_SIM.exists():
            # HOOK (simulators/oidc is written separately): its port by KABINET_OIDC_SIM_PORT.
            sims["oidc-sim"] = ["-m", "simulators.oidc"]
        return sims

    def env_for(self, process: str) -> dict[str, str]:
        """The full environment for `process`: `gateway`, `<svc>`, `<svc>-api` or `<svc>-worker`.

        Inherits ours (so a developer can add e.g. KABINET_LOG_LEVEL=DEBUG) and sets
        what runtime.md asks for.
        """
        paths = [str(REPO_ROOT), str(REPO_ROOT / "gen"), os.environ.get("PYTHONPATH", "")]
        env = dict(os.environ)
        env.setdefault("KABINET_LOG_LEVEL", "INFO")
        env |= {
            "PYTHONPATH": os.pathsep.join(p for p in paths if p),
            "PYTHONUNBUFFERED": "1",  # logs reach the files as they happen
            "KABINET_PROFILE": self.profile,
        }
        env |= {f"KABINET_{svc.upper()}_TARGET": self.grpc_target(svc) for svc in SERVICES}
        env["KABINET_OIDC_SIM_PORT"] = str(self.ports["oidc_sim"])
        if process == "gateway":
            env["KABINET_GATEWAY_BIND"] = f"{HOST}:{self.ports['gateway']}"
            env["PROMETHEUS_MULTIPROC_DIR"] = str(self._metrics_dir())
            env["KABINET_REDIS_URL"] = self.redis_url
            return env
        if process.endswith("-sim"):
            return env
        svc = process.removesuffix("-api").removesuffix("-worker")
        if svc not in SERVICES:
            raise ValueError(f"unknown process {process!r}")
        if f"{process}_metrics" in self.ports:  # a long-running api or worker: its own /metrics port
            env["KABINET_METRICS_LISTEN"] = f"{HOST}:{self.ports[process + '_metrics']}"
        env["KABINET_NATS_URL"] = self.nats_url
        env["KABINET_DATABASE_URL"] = self.database_url(svc)
        env["KABINET_GRPC_LISTEN"] = self.grpc_target(svc)
        if svc == "notify" and self.profile in DEMO_PROFILES:
            env |= self._delivery_env() | {"KABINET_PUBLIC_URL": f"http://{HOST}:{self.ports['gateway']}"}
        if svc == "auth" and self.profile in DEMO_PROFILES:
            env |= self._identity_env()
        if svc == "payments" and self.profile in DEMO_PROFILES:
            env |= self._acquiring_env()
        return env

    def _identity_env(self) -> dict[str, str]:
        """auth's public URL (for e-mail links) and the OIDC simulator as its social sign-in provider."""
        gateway = f"http://{HOST}:{self.ports['gateway']}"
        provider = {"issuer": f"http://{HOST}:{self.ports['oidc_sim']}", "client_id": "kabinet-dev",
                    "client_secret": "dev-secret", "title": "Тестовый провайдер",
                    "redirect_uris": [f"{gateway}/api/v1/auth/social/sim/callback"]}
        return {"KABINET_PUBLIC_URL": gateway, "KABINET_OIDC_PROVIDERS": json.dumps({"sim": provider})}

    def _acquiring_env(self) -> dict[str, str]:
        """payments' card acquirer: the YooKassa simulator (API v3 base URL and the shop's credentials)."""
        return {
            "KABINET_PUBLIC_URL": f"http://{HOST}:{self.ports['gateway']}",  # the payment page returns there
            "KABINET_YOOKASSA_URL": f"{self.yookassa_sim_url}/v3",
            "KABINET_YOOKASSA_SHOP_ID": YOOKASSA_SIM_SHOP_ID,
            "KABINET_YOOKASSA_SECRET_KEY": YOOKASSA_SIM_SECRET_KEY,
        }

    def _delivery_env(self) -> dict[str, str]:
        """notify's real adapters, pointed at the simulators; the dev outbox reads their mailboxes."""
        return {
            "KABINET_EMAIL_ADAPTER": "smtp",
            "KABINET_SMTP_HOST": HOST,
            "KABINET_SMTP_PORT": str(self.ports["smtp_sim"]),
            "KABINET_SMTP_SECURITY": "none",
            "KABINET_SMTP_USERNAME": SMTP_SIM_LOGIN,
            "KABINET_SMTP_PASSWORD": SMTP_SIM_PASSWORD,
            "KABINET_SMTP_FROM": MAIL_FROM,
            "KABINET_SMS_ADAPTER": "smsc",
            "KABINET_SMS_URL": self.sms_url,
            "KABINET_SMS_LOGIN": SMS_SIM_LOGIN,
            "KABINET_SMS_PASSWORD": SMS_SIM_PASSWORD,
            "KABINET_SMS_SENDER": "Kabinet",
            "KABINET_DEV_OUTBOX_URLS": f"{self.mailbox_url('smtp')},{self.mailbox_url('sms')}",
        }

    def log_tails(self, lines: int = 20) -> str:
        """The end of every log, for a failure message."""
        paths = sorted(self.log_dir.glob("*.log")) if self.log_dir.exists() else []
        return "\n".join(f"--- {p} ---\n{tail(p, lines)}" for p in paths)

    # -- internals ---------------------------------------------------------

    def _start_process(self, name: str, args: list[str], group: str | None = None) -> None:
        log.info("starting %s", name)
        self.supervisor.start(ProcessSpec(name, [sys.executable, *args], self.env_for(name), REPO_ROOT, group))

    def _run_once(self, svc: str, command: str) -> str | None:
        """Run `python -m services.<svc> <command>`; None if it succeeded, else a failure report."""
        argv = [sys.executable, "-m", f"services.{svc}", command]
        log_file = self.log_dir / f"{svc}-{command}.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            result = subprocess.run(
                argv, env=self.env_for(svc), cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
            )
            code, output = result.returncode, result.stdout + result.stderr
        except subprocess.TimeoutExpired as exc:
            code, output = "timeout", f"{exc.stdout or ''}{exc.stderr or ''}"
        with open(log_file, "a") as f:
            f.write(
                f"----- devstack: python {' '.join(argv[1:])} at {time.strftime('%F %T')} -----\n{output}"
            )
        if code == 0:
            return None
        last = "\n".join(output.splitlines()[-60:])
        return f"`python -m services.{svc} {command}` failed ({code}); output in {log_file}:\n{last}"

    def _metrics_dir(self) -> Path:
        return self.data_dir / "prometheus-multiproc"

    def _take_lock(self) -> None:
        if self._lock is not None:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        lock = open(self.data_dir / "devstack.lock", "w")  # noqa: SIM115 - held until stop()
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise StackError(f"another devstack is running on {self.data_dir}") from None
        self._lock = lock

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def _grpc_health(target: str) -> tuple[bool, str]:
    """(SERVING?, what the standard health check said)."""
    with grpc.insecure_channel(target) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
        except grpc.RpcError as exc:
            return False, f"{exc.code().name}: {exc.details()}"
    status = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    return status == "SERVING", status


def _listening(port: int) -> tuple[bool, str]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        code = probe.connect_ex((HOST, port))
    return code == 0, "listening" if code == 0 else os.strerror(code)


def _http_ready(url: str) -> tuple[bool, str]:
    """(200?, the status and the start of the body)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200, f"{resp.status} {resp.read(500).decode(errors='replace')}"
    except urllib.error.HTTPError as exc:
        return False, f"{exc.code} {exc.read(500).decode(errors='replace')}"
    except OSError as exc:  # refused or timed out
        return False, str(exc)
