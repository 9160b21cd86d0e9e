#!/usr/bin/env python3
"""Registers the trained model as a new version in the model registry.

Sends artifacts/model.json's params and artifacts/metrics.json's metrics (written by
train.py) to the registry's REST API:

  POST {MODEL_REGISTRY_URL}/api/model-registry/models/{namespace}/{name}/versions

Environment:
  MODEL_REGISTRY_URL            required; the Backstage base URL, e.g. https://backstage.example.com
  MODEL_REGISTRY_TOKEN          required; a Backstage token allowed to register versions
  MODEL_SOURCE_URI              required; where the artifact is stored (s3://, gs://, https://
                                ...). The registry rejects local paths and unknown schemes.
  REGISTRATION_IDEMPOTENCY_KEY  optional; see idempotency_key()
  MODEL_VERSION_DESCRIPTION     optional; the version's description
  GITHUB_*                      set by GitHub Actions; give the version its code, run and lineage

The request carries an Idempotency-Key header: a retry with the same key (by this script
after a network error, or by re-running the CI job) returns the version registered first
(HTTP 200) instead of creating a second one.

Only the standard library is used, so CI installs nothing.
"""

import argparse
import hashlib
import json
import math
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent
API_PATH = "/api/model-registry"
# Statuses worth another attempt: the request may not have been processed, and the
# idempotency key makes a second attempt safe when it was.
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
MAX_KEY_LENGTH = 255

REQUIRED_ENV = {
    "MODEL_REGISTRY_URL": "the Backstage base URL, e.g. https://backstage.example.com",
    "MODEL_REGISTRY_TOKEN": "a Backstage token allowed to register versions of the model",
    "MODEL_SOURCE_URI": "where the trained artifact is stored, e.g. s3://bucket/model/<commit>/model.json",
}


class RegistrationError(Exception):
    """A problem to report to the user; exit_code is the process exit status."""

    def __init__(self, message, exit_code=1):
        super().__init__(message)
        self.exit_code = exit_code


def env(name, environ):
    value = environ.get(name, "")
    return value.strip()


def check_env(environ, dry_run=False):
    """Fails with every missing required variable named (the token is optional for a dry run)."""
    missing = [
        name for name in REQUIRED_ENV
        if not env(name, environ) and not (dry_run and name == "MODEL_REGISTRY_TOKEN")
    ]
    if missing:
        lines = [f"  {name}: {REQUIRED_ENV[name]}" for name in missing]
        raise RegistrationError(
            "missing required environment variable"
            + ("s" if len(missing) > 1 else "")
            + ": " + ", ".join(missing) + "\n" + "\n".join(lines),
            exit_code=2,
        )


def read_json(path, hint):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise RegistrationError(f"{path} not found; {hint}") from None
    except json.JSONDecodeError as error:
        raise RegistrationError(f"{path} is not valid JSON: {error}") from None


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def idempotency_key(environ, artifact_path):
    """The Idempotency-Key for this registration.

    1. REGISTRATION_IDEMPOTENCY_KEY when set.
    2. In GitHub Actions, the workflow run: github-run:<repository>:<run id>. The run
       attempt is deliberately left out: re-running a failed job is a new attempt of the
       same run, and it must get back the version the first attempt may already have
       registered rather than create a second one. (To register again from one run on
       purpose, set REGISTRATION_IDEMPOTENCY_KEY, e.g. to include GITHUB_RUN_ATTEMPT.)
    3. Otherwise the artifact's content: sha256:<hex of artifacts/model.json>, so
       registering the same trained model twice gives one version.
    """
    explicit = env("REGISTRATION_IDEMPOTENCY_KEY", environ)
    if explicit:
        key = explicit
    elif env("GITHUB_RUN_ID", environ):
        repository = env("GITHUB_REPOSITORY", environ) or "unknown"
        key = f"github-run:{repository}:{env('GITHUB_RUN_ID', environ)}"
    else:
        key = f"sha256:{file_sha256(artifact_path)}"
    if len(key) > MAX_KEY_LENGTH:
        raise RegistrationError(
            f"the idempotency key must be at most {MAX_KEY_LENGTH} characters, got {len(key)}",
            exit_code=2,
        )
    return key


def param_value(value):
    """Params are strings in the registry; non-strings are written as JSON (0.1, true, [..])."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def numeric_metrics(metrics):
    """Only finite numbers are metrics (booleans are not)."""
    return {
        name: value
        for name, value in sorted(metrics.items())
        if isinstance(value, (int, float)) and not isinstance(value, bool)
        and math.isfinite(value)
    }


def github_context(environ):
    """The code, run link and run id of a GitHub Actions run, or {} outside one."""
    server = env("GITHUB_SERVER_URL", environ).rstrip("/")
    repository = env("GITHUB_REPOSITORY", environ)
    sha = env("GITHUB_SHA", environ)
    run_id = env("GITHUB_RUN_ID", environ)
    context = {}
    if server and repository:
        context["repository"] = f"{server}/{repository}"
        if sha:
            context["commit"] = sha
            context["commit_link"] = f"{server}/{repository}/commit/{sha}"
        if run_id:
            context["run_link"] = f"{server}/{repository}/actions/runs/{run_id}"
    if run_id:
        context["run_id"] = run_id
    return context


def format_evaluation(metrics, model):
    rows = model.get("data", {}).get("test", {}).get("rows")
    split = f"the held-out test split ({rows} rows)" if rows else "the held-out test split"
    names = ["accuracy", "precision", "recall", "f1", "log_loss"]
    parts = [f"{name} {metrics[name]:.4f}" for name in names if name in metrics]
    text = f"Evaluated by train.py on {split}: " + ", ".join(parts) + "."
    if "baseline_accuracy" in metrics:
        text += f" Majority-class baseline accuracy: {metrics['baseline_accuracy']:.4f}."
    return text


def format_training_data(datasets, model):
    data = model.get("data", {})
    lines = []
    if datasets:
        lines.append("Trained on " + ", ".join(datasets) + ".")
    for split in ("train", "test"):
        info = data.get(split)
        if info:
            lines.append(
                f"{split} split: {info.get('path')} ({info.get('rows')} rows, sha256 {info.get('sha256')})"
            )
    return "\n\n".join(lines)


def build_body(config, model, metrics, environ):
    """The NewModelVersion request body (only fields the API's schema allows)."""
    datasets = [d for d in config.get("datasets") or [] if isinstance(d, str) and d]
    gh = github_context(environ)
    body = {"source": env("MODEL_SOURCE_URI", environ)}

    framework = (config.get("framework") or "").strip()
    if framework:
        body["framework"] = framework

    description = env("MODEL_VERSION_DESCRIPTION", environ)
    if not description:
        algorithm = model.get("params", {}).get("algorithm", "model")
        description = f"{algorithm} trained by train.py"
        if gh.get("commit"):
            description += f" at commit {gh['commit'][:12]}"
    body["description"] = description

    if gh.get("run_id"):
        body["runId"] = gh["run_id"]
    if gh.get("run_link"):
        body["runLink"] = gh["run_link"]
    if gh.get("repository"):
        code = {"repository": gh["repository"]}
        if gh.get("commit"):
            code["commit"] = gh["commit"]
        body["code"] = code

    body["metrics"] = numeric_metrics(metrics)
    body["params"] = {
        name: param_value(value) for name, value in sorted(model.get("params", {}).items())
    }

    tags = {"trainer": "train.py"}
    if model.get("format"):
        tags["artifact-format"] = str(model["format"])
    if config.get("task"):
        tags["task"] = str(config["task"])
    if env("GITHUB_ACTIONS", environ) == "true":
        tags["ci"] = "github-actions"
    body["tags"] = tags

    card = {"evaluation": format_evaluation(body["metrics"], model)}
    training_data = format_training_data(datasets, model)
    if training_data:
        card["trainingData"] = training_data
    body["card"] = card

    # The bundled test split is held out of the same data, so the version is evaluated on
    # the datasets it was trained on; change evaluatedOn when you evaluate elsewhere.
    lineage = [{"relation": "trainedOn", "entityRef": ref} for ref in datasets]
    lineage += [{"relation": "evaluatedOn", "entityRef": ref} for ref in datasets]
    if gh.get("commit_link"):
        lineage.append({"relation": "builtFromCommit", "uri": gh["commit_link"]})
    if gh.get("run_link"):
        lineage.append({"relation": "producedByRun", "uri": gh["run_link"]})
    if lineage:
        body["lineage"] = lineage

    if gh.get("run_id"):
        body["comment"] = f"Registered by CI run {gh['run_id']}"
    else:
        body["comment"] = "Registered by register.py"
    return body


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def versions_url(base_url, namespace, name):
    parsed = urllib.parse.urlsplit(base_url)
    if parsed.scheme not in ("https", "http") or not parsed.hostname:
        raise RegistrationError(
            f"MODEL_REGISTRY_URL must be an https:// URL of the portal, not {base_url!r}"
        )
    if parsed.scheme == "http" and parsed.hostname not in LOCAL_HOSTS:
        raise RegistrationError(
            f"MODEL_REGISTRY_URL must use https (the token would travel in clear text to "
            f"{parsed.hostname}); plain http is accepted for localhost only"
        )
    base = base_url.rstrip("/")
    if base.endswith(API_PATH):
        base = base[: -len(API_PATH)]
    quote = lambda part: urllib.parse.quote(part, safe="")  # noqa: E731
    return f"{base}{API_PATH}/models/{quote(namespace)}/{quote(name)}/versions"


def error_message(status, raw):
    """The message of a Backstage JSON error, or the start of whatever the server sent."""
    text = raw.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        error = data["error"]
        name = error.get("name") or "Error"
        return f"HTTP {status} {name}: {error.get('message', '')}"
    snippet = " ".join(text.split())[:500]
    return f"HTTP {status}: {snippet}" if snippet else f"HTTP {status}"


HINTS = {
    401: "check MODEL_REGISTRY_TOKEN: the registry did not accept it",
    403: "the token is not allowed to register versions of this model (permission "
         "model-registry.version.register)",
    404: "the model does not exist in the catalog, or the token cannot read its MLModel entity",
}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Refuses redirects: urllib would replay the POST as a GET, with the token, possibly to
    another host, and a GET of the versions list answers 200 without registering anything."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise RegistrationError(
            f"the registry answered HTTP {code} with a redirect to {newurl}; set "
            "MODEL_REGISTRY_URL to the address the registry serves (no redirects are followed, "
            "so the token is never sent elsewhere)"
        )


_OPENER = urllib.request.build_opener(_NoRedirects)


def send(request, timeout, retries, retry_delay, log):
    """Sends the request, retrying network errors and retryable statuses with the same key."""
    attempt = 0
    while True:
        attempt += 1
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            raw = error.read()
            status = error.code
            message = error_message(status, raw)
            if status not in RETRY_STATUSES or attempt > retries:
                hint = HINTS.get(status)
                raise RegistrationError(
                    "the registry rejected the registration: " + message
                    + (f"\n  hint: {hint}" if hint else "")
                ) from None
            problem = message
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if attempt > retries:
                raise RegistrationError(
                    f"could not reach the registry at {request.full_url}: {reason}"
                ) from None
            problem = f"network error: {reason}"
        delay = retry_delay * (2 ** (attempt - 1))
        log(f"attempt {attempt} failed ({problem}); retrying in {delay:g}s with the same "
            f"Idempotency-Key")
        time.sleep(delay)


def write_github_output(environ, values):
    path = env("GITHUB_OUTPUT", environ)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as f:
        for name, value in values.items():
            f.write(f"{name}={value}\n")


def register(args, environ):
    check_env(environ, dry_run=args.dry_run)
    artifacts = Path(args.artifacts_dir) if args.artifacts_dir else PROJECT_DIR / "artifacts"
    config_path = Path(args.config) if args.config else PROJECT_DIR / "model.json"
    config = read_json(config_path, "it names the model (created with the repository)")
    for field in ("name", "namespace"):
        if not isinstance(config.get(field), str) or not config[field]:
            raise RegistrationError(f"{config_path} has no '{field}'")
    hint = "run `python train.py` first"
    model = read_json(artifacts / "model.json", hint)
    metrics = read_json(artifacts / "metrics.json", hint)

    body = build_body(config, model, metrics, environ)
    key = idempotency_key(environ, artifacts / "model.json")
    url = versions_url(env("MODEL_REGISTRY_URL", environ), config["namespace"], config["name"])
    model_ref = f"mlmodel:{config['namespace']}/{config['name']}"
    token = env("MODEL_REGISTRY_TOKEN", environ)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": key,
        "User-Agent": "model-registry-register-py/1",
    }

    if args.dry_run:
        shown = dict(headers, Authorization="Bearer ***" if token else "(MODEL_REGISTRY_TOKEN not set)")
        print(f"Dry run: would register a version of {model_ref}")
        print(f"POST {url}")
        for name, value in shown.items():
            print(f"{name}: {value}")
        print()
        print(json.dumps(body, indent=2, sort_keys=True))
        return 0

    request = urllib.request.Request(
        url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST"
    )
    log = lambda message: print(message, file=sys.stderr)  # noqa: E731
    status, raw = send(request, args.timeout, args.retries, args.retry_delay, log)
    try:
        version = json.loads(raw.decode("utf-8"))
    except ValueError:
        raise RegistrationError(f"HTTP {status} but the response is not JSON: {raw[:200]!r}") from None
    number = version.get("version") if isinstance(version, dict) else None
    if status not in (200, 201) or not isinstance(number, int) or isinstance(number, bool):
        raise RegistrationError(
            f"HTTP {status} from {url} is not a registered version (no integer 'version' in "
            f"the answer): {raw[:200]!r}"
        )
    if status == 200:
        print(f"{model_ref} version {number} was already registered with Idempotency-Key "
              f"{key} (HTTP 200): this was a retry, no new version was created")
    else:
        print(f"Registered {model_ref} version {number} (HTTP {status})")
    if isinstance(version, dict) and version.get("stage"):
        print(f"  stage: {version['stage']}, source: {version.get('source', body['source'])}")
    write_github_output(environ, {"version": number, "created": str(status == 201).lower()})
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Registers artifacts/ as a new version in the model registry.",
        epilog="Environment: MODEL_REGISTRY_URL, MODEL_REGISTRY_TOKEN and MODEL_SOURCE_URI "
               "are required; REGISTRATION_IDEMPOTENCY_KEY and MODEL_VERSION_DESCRIPTION "
               "are optional.",
    )
    parser.add_argument("--dry-run", action="store_true",
                        help="print the request (token hidden) without sending it")
    parser.add_argument("--artifacts-dir", default=None,
                        help="where train.py wrote model.json and metrics.json (default artifacts/)")
    parser.add_argument("--config", default=None, help="the model's settings (default model.json)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds to wait for each request (default 30)")
    parser.add_argument("--retries", type=int, default=3,
                        help="further attempts after a network error or HTTP 408/429/5xx (default 3)")
    parser.add_argument("--retry-delay", type=float, default=2.0,
                        help="seconds before the first retry, doubled each time (default 2)")
    args = parser.parse_args(argv)
    if args.retries < 0:
        parser.error("--retries must not be negative")
    return args


def main(argv=None, environ=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return register(args, os.environ if environ is None else environ)
    except RegistrationError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code


if __name__ == "__main__":
    sys.exit(main())
