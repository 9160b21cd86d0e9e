"""Fixtures of the MLflow client tests: the backend scripts/mlflow-tests.sh started, its tokens,
unique model names, the native API, and a record of the HTTP exchanges of each failing test."""

from __future__ import annotations

import collections
import os
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest

# Before mlflow reads them: a retried request would hide a server error (and a race behind it),
# and a hung one should fail the test, not the run.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

import mlflow  # noqa: E402
import requests  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402


def _required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise pytest.UsageError(
            f"{name} is not set: run the suite through scripts/mlflow-tests.sh"
        )
    return value


BACKEND_URL = os.environ.get("MLFLOW_TESTS_BACKEND_URL", "")
# The namespace that MLflow names map to (modelRegistry's MLflow config; "default" unless set).
NAMESPACE = os.environ.get("MLFLOW_TESTS_NAMESPACE", "default")
# The tag that names a new model's owner in registered-models/create (docs/mlflow.md).
OWNER_TAG = os.environ.get("MLFLOW_TESTS_OWNER_TAG", "backstage.io/owner")

# ---------------------------------------------------------------------------------------------
# The last HTTP exchanges of each test, printed with its failure, so that a failing MLflow call
# comes with the request it sent and the response it got.

_exchanges: collections.deque = collections.deque(maxlen=4)
# Kept apart: in a test of many calls, the error is rarely among the last few exchanges.
_errors: collections.deque = collections.deque(maxlen=3)
_exchanges_lock = threading.Lock()
_original_send = requests.Session.send


def _recording_send(self, request, **kwargs):
    response = _original_send(self, request, **kwargs)
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    elif body is not None and not isinstance(body, str):
        body = f"<{type(body).__name__}: an upload>"  # an artifact's file stream
    exchange = (
        f"{request.method} {request.url}\n  request body: {(body or '')[:800]}\n"
        f"  -> {response.status_code} {response.text[:800]}"
    )
    with _exchanges_lock:
        _exchanges.append(exchange)
        if response.status_code >= 400:
            _errors.append(exchange)
    return response


requests.Session.send = _recording_send


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "setup":
        with _exchanges_lock:
            _exchanges.clear()
            _errors.clear()
    if report.failed and report.when == "call":
        with _exchanges_lock:
            errors = "\n".join(_errors) or "(none)"
            last = "\n".join(_exchanges) or "(no HTTP request)"
        report.sections.append(("last HTTP errors (oldest first)", errors))
        report.sections.append(("last HTTP exchanges (oldest first)", last))


# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _registry() -> None:
    """Points the client's registry at the backend (the script also sets the URIs)."""
    mlflow.set_registry_uri(_required_env("MLFLOW_REGISTRY_URI"))
    _required_env("MLFLOW_TRACKING_TOKEN")


@pytest.fixture
def client() -> MlflowClient:
    """An MlflowClient of the registry, sending the full-access static token."""
    return MlflowClient(registry_uri=mlflow.get_registry_uri())


@pytest.fixture
def unique_name():
    """Makes model names no other test (or run) uses: the backend is shared."""
    run = uuid.uuid4().hex[:8]

    def make(purpose: str) -> str:
        return f"mlft-{run}-{purpose}"

    return make


@pytest.fixture
def as_token(monkeypatch):
    """Sends another token for the calls inside the `with` (the client reads it per request)."""

    @contextmanager
    def use(token: str | None) -> Iterator[None]:
        previous = os.environ.get("MLFLOW_TRACKING_TOKEN")
        if token is None:
            monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
        else:
            monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", token)
        try:
            yield
        finally:
            monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", previous or "")

    return use


_user_tokens: dict[str, str] = {}


@pytest.fixture
def user_token():
    """A Backstage user token of an example user (examples/org.yaml), from the dev-only
    exampleUser auth provider; retried while the catalog has not yet read the users."""

    def get(user: str) -> str:
        if user in _user_tokens:
            return _user_tokens[user]
        deadline = time.monotonic() + 90
        while True:
            response = requests.get(
                f"{BACKEND_URL}/api/auth/exampleUser/refresh",
                params={"env": "development"},
                headers={"x-example-user": user, "x-requested-with": "XMLHttpRequest"},
                timeout=30,
            )
            if response.ok:
                token = response.json()["backstageIdentity"]["token"]
                _user_tokens[user] = token
                return token
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no token for {user}: {response.status_code} {response.text[:500]}"
                )
            time.sleep(1)

    return get


@pytest.fixture
def catalog_only_token() -> str:
    """A static token whose access restrictions allow the catalog plugin only."""
    return _required_env("MLFLOW_TESTS_CATALOG_ONLY_TOKEN")


@pytest.fixture
def tracking_server_uri() -> str:
    """The MLflow tracking server scripts/mlflow-tests.sh started (the backend reads runs there)."""
    uri = os.environ.get("MLFLOW_TESTS_TRACKING_SERVER_URI", "")
    if not uri:
        pytest.skip("no tracking server (MLFLOW_TESTS_TRACKING_SERVER=0)")
    return uri


@pytest.fixture
def registry_only_token() -> str:
    """A static token whose access restrictions allow this plugin only (docs/mlflow.md's)."""
    return _required_env("MLFLOW_TESTS_REGISTRY_ONLY_TOKEN")


@pytest.fixture
def native():
    """GETs a path of the registry's own API (/api/model-registry/...) with the static token.

    A model registered through an API becomes readable there once the catalog's entity provider
    has made its MLModel entity ("within seconds", docs/api.md): a 404 is retried for 30 s."""

    def get(path: str, **params) -> dict:
        deadline = time.monotonic() + 30
        while True:
            response = requests.get(
                f"{BACKEND_URL}/api/model-registry{path}",
                params=params,
                headers={"Authorization": f"Bearer {os.environ['MLFLOW_TRACKING_TOKEN']}"},
                timeout=30,
            )
            if response.status_code != 404 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return response.json()

    return get
