"""A real uvicorn process: one dictConfig for the app and uvicorn, JSON on stdout."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from ch_logging import dictconfig_trap
from ch_logging.logconfig import LOGGING
from tests.support.services import UvicornServer

SNIPPETS = Path(__file__).resolve().parents[2] / "snippets"
JSON_CONFIG = SNIPPETS / "ch_logging" / "log_config.json"


def _lines(server: UvicornServer, until: Callable[[list[dict[str, object]]], bool]):
    """The server's log lines as JSON objects, once `until` holds (bounded wait)."""
    deadline = time.monotonic() + 10
    while True:
        text = server.output()
        entries = [json.loads(line) for line in text.splitlines() if line]
        if until(entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.05)


def test_log_config_json_is_the_python_dict() -> None:
    assert json.loads(JSON_CONFIG.read_text()) == LOGGING


def test_app_and_uvicorn_write_json_lines_with_one_request_id(uvicorn_server) -> None:
    server = uvicorn_server(
        "ch_logging.app:app", extra_args=["--log-config", str(JSON_CONFIG)]
    )
    response = httpx.get(
        f"{server.url}/orders/A-1", headers={"X-Request-ID": "client-1234"}
    )
    assert response.json() == {"total_cents": 4200}
    assert response.headers["x-request-id"] == "client-1234"
    entries = _lines(
        server, lambda es: any(e["logger"] == "uvicorn.access" for e in es)
    )
    by_logger = {e["logger"]: e for e in entries if e["request_id"] == "client-1234"}
    assert set(by_logger) == {"ch_logging.app", "uvicorn.access"}
    assert by_logger["uvicorn.access"]["http"] == {
        "method": "GET",
        "path": "/orders/A-1",
        "status": 200,
    }
    app_lines = [e for e in entries if e["logger"] == "ch_logging.app"]
    assert [e["message"] for e in app_lines] == [
        "order requested",
        "pricing in a worker thread",  # from to_thread: same request id
    ]
    assert {e["request_id"] for e in app_lines} == {"client-1234"}
    assert any(
        e["logger"] == "uvicorn.error" and e["message"].startswith("Started server")
        for e in entries
    )


def test_a_bad_incoming_request_id_is_replaced(uvicorn_server) -> None:
    server = uvicorn_server(
        "ch_logging.app:app", extra_args=["--log-config", str(JSON_CONFIG)]
    )
    response = httpx.get(
        f"{server.url}/orders/A-2", headers={"X-Request-ID": "bad id!"}
    )
    rid = response.headers["x-request-id"]
    assert len(rid) == 32
    entries = _lines(
        server, lambda es: any(e["logger"] == "uvicorn.access" for e in es)
    )
    access = [e for e in entries if e["logger"] == "uvicorn.access"]
    assert [e["request_id"] for e in access] == [rid]


def test_unhandled_errors_reach_the_log_as_json_with_traceback(uvicorn_server) -> None:
    server = uvicorn_server(
        "ch_logging.app:app", extra_args=["--log-config", str(JSON_CONFIG)]
    )
    response = httpx.get(f"{server.url}/crash")
    assert response.status_code == 500
    rid = response.headers["x-request-id"]
    entries = _lines(server, lambda es: any("exc_info" in e for e in es))
    (error,) = [e for e in entries if "exc_info" in e]
    assert error["logger"] == "uvicorn.error"
    assert error["request_id"] == rid
    assert "RuntimeError: pricing table missing" in str(error["exc_info"])


def test_a_config_without_uvicorn_loggers_silences_uvicorn_error(
    uvicorn_server, tmp_path: Path
) -> None:
    trap = tmp_path / "trap.json"
    trap.write_text(json.dumps(dictconfig_trap.CONFIG))  # no disable_existing_loggers
    server = uvicorn_server(
        "ch_logging.app:app", extra_args=["--log-config", str(trap)]
    )
    assert httpx.get(f"{server.url}/crash").status_code == 500
    httpx.get(f"{server.url}/orders/A-3").raise_for_status()
    deadline = time.monotonic() + 10
    while "GET /orders/A-3" not in server.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    server.stop()
    output = server.output()
    # uvicorn.error existed before dictConfig ran (uvicorn imports it first), so
    # it was disabled: no startup lines and, worse, no traceback for the crash.
    assert "GET /crash" in output  # uvicorn.access is created later: still works
    assert "INFO ch_logging.app order requested" in output
    assert "uvicorn.error" not in output
    assert "RuntimeError" not in output
    assert "Started server process" not in output


def test_stdout_handler_writes_to_stdout_and_nothing_to_stderr() -> None:
    code = (
        "import json, logging, logging.config, sys\n"
        f"logging.config.dictConfig(json.load(open({str(JSON_CONFIG)!r})))\n"
        "logging.getLogger('worker').error('disk full')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=SNIPPETS,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stderr == ""
    assert json.loads(result.stdout)["message"] == "disk full"
