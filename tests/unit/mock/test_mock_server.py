"""The embedded server: URL and port, keep-alive reuse, and stopping."""

from __future__ import annotations

import httpx

from zuora_mock.app import create_app
from zuora_mock.server import serve


def test_server_url_port_and_close():
    server = serve(create_app(), port=0)
    try:
        assert server.url == f"http://127.0.0.1:{server.port}" and server.port > 0
        with httpx.Client(base_url=server.url, verify=False) as client:
            assert client.get("/nowhere").status_code == 404
    finally:
        server.close()
    with httpx.Client(base_url=server.url, verify=False) as client:
        try:
            client.get("/nowhere", timeout=1)
        except httpx.ConnectError:
            pass
        else:
            raise AssertionError("the server still answers after close()")


def test_server_keeps_connections_alive(client):
    ports = set()
    for _ in range(5):
        with client.stream("GET", "/v1/bill-runs/x") as response:
            stream = response.extensions["network_stream"]
            ports.add(stream.get_extra_info("client_addr")[1])
            response.read()
        assert response.http_version == "HTTP/1.1"
    assert len(ports) == 1
