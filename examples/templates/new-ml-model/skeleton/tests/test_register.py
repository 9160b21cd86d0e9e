"""Tests of register.py against a local HTTP server standing in for the model registry.

Run from the project root: python -m unittest discover -s tests -v
Nothing leaves 127.0.0.1.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
REGISTER = PROJECT_DIR / "register.py"
sys.path.insert(0, str(PROJECT_DIR))

import train  # noqa: E402

# The fields of NewModelVersion in the registry's OpenAPI schema (additionalProperties: false).
ALLOWED_FIELDS = {
    "source", "status", "runId", "runLink", "code", "framework", "description",
    "signature", "metrics", "params", "tags", "card", "lineage", "comment",
}
CARD_FIELDS = {
    "markdown", "intendedUse", "limitations", "trainingData", "evaluation",
    "ethicalConsiderations",
}
RELATIONS = {
    "trainedOn", "evaluatedOn", "fineTunedFrom", "builtFromCommit", "producedByRun", "servedBy",
}
DATASETS = ["resource:default/card-transactions", "resource:risk/chargebacks"]
SOURCE = "s3://models/fraud-scorer/abc123/model.json"
TOKEN = "test-token-123"
GITHUB_ENV = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_SERVER_URL": "https://github.example.com",
    "GITHUB_REPOSITORY": "acme/fraud-scorer",
    "GITHUB_SHA": "4c123b1612dd4c123b1612dd4c123b1612dd4c12",
    "GITHUB_RUN_ID": "8812",
    "GITHUB_RUN_ATTEMPT": "1",
}


def version_response(number, source=SOURCE):
    return {
        "modelRef": "mlmodel:default/test-model", "version": number, "status": "ready",
        "stage": "none", "aliases": [], "source": source, "metrics": {}, "params": {},
        "tags": {}, "createdBy": "external:ci", "createdAt": "2024-06-11T00:00:00Z",
        "updatedBy": "external:ci", "updatedAt": "2024-06-11T00:00:00Z",
        "stageUpdatedAt": "2024-06-11T00:00:00Z",
    }


def backstage_error(status, name, message):
    return {"error": {"name": name, "message": message}, "request": {},
            "response": {"statusCode": status}}


class RegistryStub:
    """A threaded HTTP server answering each POST with the next scripted (status, body)."""

    def __init__(self, responses):
        self.responses = list(responses)
        self.requests = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stub.requests.append({
                    "method": self.command,
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": json.loads(raw.decode("utf-8")),
                })
                entry = stub.responses.pop(0) if len(stub.responses) > 1 else stub.responses[0]
                status, payload = entry[0], entry[1]
                extra_headers = entry[2] if len(entry) > 2 else {}
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                for name, value in extra_headers.items():
                    self.send_header(name, value)
                self.send_header(
                    "Content-Type",
                    "text/html" if isinstance(payload, bytes) else "application/json",
                )
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                stub.requests.append({"method": "GET", "path": self.path, "headers": {
                    k.lower(): v for k, v in self.headers.items()}, "body": None})
                data = json.dumps({"items": []}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class RegisterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workdir = Path(tempfile.mkdtemp(prefix="register-test-"))
        cls.config = cls.workdir / "model.json"
        cls.config.write_text(json.dumps({
            "name": "test-model", "namespace": "default", "task": "classification",
            "framework": "scikit-learn", "datasets": DATASETS,
        }), encoding="utf-8")
        cls.artifacts = cls.workdir / "artifacts"
        train.run(output_dir=cls.artifacts)
        cls.metrics = json.loads((cls.artifacts / "metrics.json").read_text(encoding="utf-8"))
        cls.model = json.loads((cls.artifacts / "model.json").read_text(encoding="utf-8"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def stub(self, *responses):
        stub = RegistryStub(responses)
        self.addCleanup(stub.close)
        return stub

    def environment(self, stub=None, **extra):
        """A clean environment: none of the runner's GITHUB_*, MODEL_* or proxy variables."""
        environ = {
            k: v for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "MODEL_", "REGISTRATION_", "RUNNER_"))
            and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
        }
        environ.update(NO_PROXY="127.0.0.1,localhost", PYTHONDONTWRITEBYTECODE="1")
        if stub is not None:
            environ.update(MODEL_REGISTRY_URL=stub.url, MODEL_REGISTRY_TOKEN=TOKEN,
                           MODEL_SOURCE_URI=SOURCE)
        environ.update(extra)
        return environ

    def register(self, environ, *args, config=None):
        command = [
            sys.executable, str(REGISTER),
            "--config", str(config or self.config),
            "--artifacts-dir", str(self.artifacts),
            "--retry-delay", "0", "--timeout", "10", *args,
        ]
        return subprocess.run(command, env=environ, cwd=self.workdir, capture_output=True,
                              text=True, timeout=60)

    def test_registers_the_version(self):
        stub = self.stub((201, version_response(3)))
        result = self.register(self.environment(stub, **GITHUB_ENV))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("version 3", result.stdout)
        self.assertIn("HTTP 201", result.stdout)

        self.assertEqual(len(stub.requests), 1)
        request = stub.requests[0]
        self.assertEqual(request["method"], "POST")
        self.assertEqual(request["path"], "/api/model-registry/models/default/test-model/versions")
        headers = request["headers"]
        self.assertEqual(headers["authorization"], f"Bearer {TOKEN}")
        self.assertEqual(headers["content-type"], "application/json")
        self.assertEqual(headers["idempotency-key"], "github-run:acme/fraud-scorer:8812")

        body = request["body"]
        self.assertLessEqual(set(body), ALLOWED_FIELDS)
        self.assertEqual(body["source"], SOURCE)
        self.assertEqual(body["framework"], "scikit-learn")
        self.assertEqual(body["runId"], "8812")
        self.assertEqual(body["runLink"],
                         "https://github.example.com/acme/fraud-scorer/actions/runs/8812")
        self.assertEqual(body["code"], {
            "repository": "https://github.example.com/acme/fraud-scorer",
            "commit": GITHUB_ENV["GITHUB_SHA"],
        })
        self.assertEqual(body["metrics"], self.metrics)
        self.assertTrue(all(isinstance(v, (int, float)) for v in body["metrics"].values()))
        self.assertTrue(all(isinstance(v, str) for v in body["params"].values()))
        self.assertEqual(body["params"]["epochs"], str(self.model["params"]["epochs"]))
        self.assertEqual(body["params"]["learning_rate"], "0.1")
        self.assertTrue(all(isinstance(v, str) for v in body["tags"].values()))
        self.assertEqual(body["tags"]["ci"], "github-actions")
        self.assertLessEqual(set(body["card"]), CARD_FIELDS)
        self.assertIn("accuracy", body["card"]["evaluation"])
        self.assertIn(DATASETS[0], body["card"]["trainingData"])

        lineage = body["lineage"]
        for edge in lineage:
            self.assertIn(edge["relation"], RELATIONS)
            self.assertEqual(len({"entityRef", "uri"} & set(edge)), 1, edge)
            self.assertLessEqual(set(edge), {"relation", "entityRef", "uri", "version"})
        self.assertEqual(
            [e["entityRef"] for e in lineage if e["relation"] == "trainedOn"], DATASETS)
        self.assertEqual(
            [e["entityRef"] for e in lineage if e["relation"] == "evaluatedOn"], DATASETS)
        self.assertIn({"relation": "builtFromCommit",
                       "uri": "https://github.example.com/acme/fraud-scorer/commit/"
                              + GITHUB_ENV["GITHUB_SHA"]}, lineage)
        self.assertIn({"relation": "producedByRun", "uri": body["runLink"]}, lineage)

    def test_lineage_follows_the_projects_own_model_json(self):
        project_config = json.loads((PROJECT_DIR / "model.json").read_text(encoding="utf-8"))
        stub = self.stub((201, version_response(1)))
        result = self.register(self.environment(stub), config=PROJECT_DIR / "model.json")
        self.assertEqual(result.returncode, 0, result.stderr)
        request = stub.requests[0]
        self.assertEqual(
            request["path"],
            f"/api/model-registry/models/{project_config['namespace']}/"
            f"{project_config['name']}/versions",
        )
        lineage = request["body"].get("lineage", [])
        self.assertEqual(
            [e["entityRef"] for e in lineage if e["relation"] == "trainedOn"],
            project_config["datasets"],
        )
        # Outside CI there is no commit or run to link.
        self.assertNotIn("code", request["body"])
        self.assertNotIn("runLink", request["body"])

    def test_base_url_may_end_with_a_slash_or_the_api_path(self):
        for suffix in ("/", "/api/model-registry", "/api/model-registry/"):
            with self.subTest(suffix=suffix):
                stub = self.stub((201, version_response(1)))
                environ = self.environment(stub)
                environ["MODEL_REGISTRY_URL"] = stub.url + suffix
                result = self.register(environ)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(stub.requests[0]["path"],
                                 "/api/model-registry/models/default/test-model/versions")

    def test_retries_after_a_server_error_with_the_same_key(self):
        stub = self.stub(
            (503, backstage_error(503, "ServiceUnavailableError", "try again")),
            (502, b"<html>bad gateway</html>"),
            (201, version_response(4)),
        )
        result = self.register(self.environment(stub, **GITHUB_ENV))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(stub.requests), 3)
        keys = {r["headers"]["idempotency-key"] for r in stub.requests}
        self.assertEqual(keys, {"github-run:acme/fraud-scorer:8812"})
        self.assertEqual(len({json.dumps(r["body"], sort_keys=True) for r in stub.requests}), 1)
        self.assertIn("retrying", result.stderr)
        self.assertIn("version 4", result.stdout)

    def test_a_rerun_of_the_job_reuses_the_key_and_reports_the_retry(self):
        stub = self.stub((201, version_response(5)), (200, version_response(5)))
        first = self.register(self.environment(stub, **GITHUB_ENV))
        rerun = self.register(self.environment(stub, **dict(GITHUB_ENV, GITHUB_RUN_ATTEMPT="2")))
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual(rerun.returncode, 0, rerun.stderr)
        self.assertEqual(stub.requests[0]["headers"]["idempotency-key"],
                         stub.requests[1]["headers"]["idempotency-key"])
        self.assertIn("Registered mlmodel:default/test-model version 5", first.stdout)
        self.assertIn("version 5 was already registered", rerun.stdout)
        self.assertIn("retry", rerun.stdout)

    def test_explicit_key_wins(self):
        stub = self.stub((201, version_response(1)))
        result = self.register(self.environment(
            stub, REGISTRATION_IDEMPOTENCY_KEY="release-2024-06", **GITHUB_ENV))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(stub.requests[0]["headers"]["idempotency-key"], "release-2024-06")

    def test_outside_ci_the_key_is_the_artifacts_hash(self):
        stub = self.stub((201, version_response(1)))
        result = self.register(self.environment(stub))
        self.assertEqual(result.returncode, 0, result.stderr)
        digest = hashlib.sha256((self.artifacts / "model.json").read_bytes()).hexdigest()
        self.assertEqual(stub.requests[0]["headers"]["idempotency-key"], f"sha256:{digest}")

    def test_a_rejected_registration_prints_the_server_message(self):
        message = ('source must be an absolute URI with one of the schemes s3, gs, https; '
                   'local and relative paths are not accepted')
        stub = self.stub((400, backstage_error(400, "InputError", message)))
        environ = self.environment(stub)
        # A local path is not checked here: the registry owns the rule and says why.
        environ["MODEL_SOURCE_URI"] = "/tmp/artifacts/model.json"
        result = self.register(environ)
        self.assertNotEqual(result.returncode, 0)
        self.assertEqual(len(stub.requests), 1, "a 400 must not be retried")
        self.assertEqual(stub.requests[0]["body"]["source"], "/tmp/artifacts/model.json")
        self.assertIn("InputError", result.stderr)
        self.assertIn(message, result.stderr)

    def test_a_redirect_is_not_followed_and_fails(self):
        # urllib would replay the POST as a GET with the token; a GET of the versions list
        # answers 200, which must never pass for a registration.
        stub = self.stub((302, b"", {"Location": "/api/model-registry/models/default/x/versions"}))
        result = self.register(self.environment(stub))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("redirect", result.stderr)
        self.assertEqual([r["method"] for r in stub.requests], ["POST"])

    def test_plain_http_is_refused_except_for_localhost(self):
        environ = self.environment(
            MODEL_REGISTRY_URL="http://backstage.example.com",
            MODEL_REGISTRY_TOKEN=TOKEN, MODEL_SOURCE_URI=SOURCE,
        )
        result = self.register(environ)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("must use https", result.stderr)
        self.assertNotIn(TOKEN, result.stderr + result.stdout)

    def test_an_answer_without_a_version_number_fails(self):
        stub = self.stub((200, {"items": [], "nextCursor": None}))
        result = self.register(self.environment(stub))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("is not a registered version", result.stderr)

    def test_unauthorized_gives_a_hint(self):
        stub = self.stub((401, backstage_error(401, "AuthenticationError", "Illegal token")))
        result = self.register(self.environment(stub))
        self.assertEqual(result.returncode, 1)
        self.assertIn("Illegal token", result.stderr)
        self.assertIn("MODEL_REGISTRY_TOKEN", result.stderr)

    def test_gives_up_after_the_retries(self):
        stub = self.stub((503, b"unavailable"))
        result = self.register(self.environment(stub), "--retries", "2")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(len(stub.requests), 3)
        self.assertIn("HTTP 503", result.stderr)

    def test_unreachable_registry_fails_clearly(self):
        stub = RegistryStub([(201, version_response(1))])
        url = stub.url
        stub.close()  # nothing listens on the port any more
        environ = self.environment(MODEL_REGISTRY_URL=url, MODEL_REGISTRY_TOKEN=TOKEN,
                                   MODEL_SOURCE_URI=SOURCE)
        result = self.register(environ, "--retries", "1")
        self.assertEqual(result.returncode, 1)
        self.assertIn("could not reach the registry", result.stderr)

    def test_missing_variables_are_named(self):
        stub = self.stub((201, version_response(1)))
        result = self.register(self.environment())
        self.assertEqual(result.returncode, 2)
        for name in ("MODEL_REGISTRY_URL", "MODEL_REGISTRY_TOKEN", "MODEL_SOURCE_URI"):
            self.assertIn(name, result.stderr)
        self.assertEqual(stub.requests, [])

    def test_missing_source_uri_fails_before_sending(self):
        stub = self.stub((201, version_response(1)))
        environ = self.environment(stub)
        for empty in (None, "", "  "):
            with self.subTest(value=empty):
                if empty is None:
                    environ.pop("MODEL_SOURCE_URI", None)
                else:
                    environ["MODEL_SOURCE_URI"] = empty
                result = self.register(environ)
                self.assertEqual(result.returncode, 2)
                self.assertIn("missing required environment variable: MODEL_SOURCE_URI",
                              result.stderr)
        self.assertEqual(stub.requests, [])

    def test_missing_artifacts_say_to_train_first(self):
        stub = self.stub((201, version_response(1)))
        empty = Path(tempfile.mkdtemp(prefix="register-test-"))
        self.addCleanup(shutil.rmtree, empty, ignore_errors=True)
        result = subprocess.run(
            [sys.executable, str(REGISTER), "--config", str(self.config),
             "--artifacts-dir", str(empty)],
            env=self.environment(stub), capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn("python train.py", result.stderr)
        self.assertEqual(stub.requests, [])

    def test_dry_run_prints_the_request_without_sending_it(self):
        stub = self.stub((201, version_response(1)))
        result = self.register(self.environment(stub, **GITHUB_ENV), "--dry-run")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(stub.requests, [])
        self.assertIn(f"POST {stub.url}/api/model-registry/models/default/test-model/versions",
                      result.stdout)
        self.assertIn("Idempotency-Key: github-run:acme/fraud-scorer:8812", result.stdout)
        self.assertNotIn(TOKEN, result.stdout + result.stderr)
        printed = json.loads(result.stdout[result.stdout.index("\n{") + 1:])
        self.assertEqual(printed["source"], SOURCE)

    def test_writes_the_version_to_the_github_step_output(self):
        stub = self.stub((201, version_response(9)))
        output = self.workdir / "github-output"
        self.addCleanup(lambda: output.unlink(missing_ok=True))
        result = self.register(self.environment(stub, GITHUB_OUTPUT=str(output)))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(output.read_text(encoding="utf-8"), "version=9\ncreated=true\n")


if __name__ == "__main__":
    unittest.main()
