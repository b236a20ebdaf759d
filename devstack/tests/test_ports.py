import json
import socket

from devstack.ports import choose_ports, is_free


def a_free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_port_with_a_listener_is_busy_and_avoided(tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        busy = server.getsockname()[1]

        assert not is_free(busy)
        assert choose_ports(tmp_path, {"postgres": busy})["postgres"] != busy


def test_a_port_bound_by_someone_else_is_busy(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        assert not is_free(holder.getsockname()[1])


def test_the_preferred_port_is_taken_when_free(tmp_path):
    port = a_free_port()
    assert choose_ports(tmp_path, {"nats": port}) == {"nats": port}


def test_two_names_never_share_a_port(tmp_path):
    port = a_free_port()
    ports = choose_ports(tmp_path, {"auth": port, "accounts": port})
    assert ports["auth"] != ports["accounts"]


def test_ports_are_remembered_for_the_next_start(tmp_path):
    first = choose_ports(tmp_path, {"gateway": a_free_port()})
    assert json.loads((tmp_path / "ports.json").read_text()) == first

    # Even when the preference changes, the remembered port wins while it is free.
    again = choose_ports(tmp_path, {"gateway": a_free_port()})
    assert again == first


def test_a_remembered_port_that_became_busy_is_replaced(tmp_path):
    first = choose_ports(tmp_path, {"gateway": a_free_port()})
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", first["gateway"]))
        squatter.listen()
        again = choose_ports(tmp_path, {"gateway": first["gateway"]})
    assert again["gateway"] != first["gateway"]
    assert is_free(again["gateway"])
