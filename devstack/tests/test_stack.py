import psycopg
import pytest

from devstack.stack import REPO_ROOT, Stack, StackError

pytestmark = pytest.mark.integration


@pytest.fixture
def infra(tmp_path):
    stack = Stack(tmp_path, "test", fast=True, services=("auth", "readings"), gateway=False)
    stack.start_infra()
    yield stack
    stack.stop()


def test_infra_has_a_database_per_service(infra):
    for svc in ("auth", "readings"):
        with psycopg.connect(infra.database_url(svc).replace("+psycopg", "")) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == (f"kabinet_{svc}",)


def test_each_process_gets_the_environment_of_the_runtime_contract(infra):
    api = infra.env_for("readings-api")
    assert api["KABINET_PROFILE"] == "test"
    assert api["KABINET_DATABASE_URL"] == infra.database_url("readings")
    assert api["KABINET_NATS_URL"] == infra.nats_url
    assert api["KABINET_GRPC_LISTEN"] == infra.grpc_target("readings")
    assert api["KABINET_AUTH_TARGET"] == infra.grpc_target("auth")
    assert api["PYTHONPATH"].split(":")[:2] == [str(REPO_ROOT), str(REPO_ROOT / "gen")]

    gateway = infra.env_for("gateway")
    assert gateway["KABINET_GATEWAY_BIND"] == infra.gateway_url.removeprefix("http://")
    assert gateway["PROMETHEUS_MULTIPROC_DIR"].startswith(str(infra.data_dir))
    assert "KABINET_DATABASE_URL" not in gateway


def test_a_second_stack_on_the_same_data_dir_is_refused(infra):
    with pytest.raises(StackError, match="another devstack"):
        Stack(infra.data_dir, "test").start_infra()


def test_a_second_start_reuses_ports_and_data(infra):
    ports = dict(infra.ports)
    infra.stop()

    infra.start_infra()

    assert infra.ports == ports
    with psycopg.connect(infra.database_url("auth").replace("+psycopg", "")) as conn:
        conn.execute("SELECT 1")
