"""The real MLflow client (mlflow-skinny, pinned) against the registry's MLflow-compatible API:
what a pipeline written for MLflow's own server does, and what the portal's API sees of it.

Every test makes its own models (unique names): the backend is shared by the whole run."""

from __future__ import annotations

import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import mlflow
import pytest
import requests
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from conftest import NAMESPACE, OWNER_TAG

OWNER = "group:default/risk-ml"
SOURCE = "s3://mlflow-tests/artifacts/model"
# An example model of the catalog (examples/models.yaml), owned by risk-ml.
CATALOG_MODEL = "fraud-detector"


def now_ms() -> int:
    return int(time.time() * 1000)


def new_model(client: MlflowClient, name: str, **kwargs):
    """Creates a registered model owned by risk-ml (through the owner tag)."""
    tags = {OWNER_TAG: OWNER, **kwargs.pop("tags", {})}
    return client.create_registered_model(name, tags=tags, **kwargs)


def error_of(call, *args, **kwargs) -> MlflowException:
    """The MlflowException that the call raises."""
    with pytest.raises(MlflowException) as raised:
        call(*args, **kwargs)
    return raised.value


# --- registering -------------------------------------------------------------------------------


def test_register_model_twice_on_a_new_name(unique_name, as_token, user_token):
    # A user of one group (alice, risk-ml) registers without naming an owner: as in a pipeline.
    name = unique_name("register")
    with as_token(user_token("alice")):
        first = mlflow.register_model(SOURCE, name)
        # The second call's create_registered_model gets RESOURCE_ALREADY_EXISTS, which
        # register_model ignores.
        second = mlflow.register_model(f"{SOURCE}-2", name)
        model = MlflowClient().get_registered_model(name)
    assert (first.name, first.version, first.source) == (name, "1", SOURCE)
    assert (second.name, second.version, second.source) == (name, "2", f"{SOURCE}-2")
    assert model.name == name


def test_register_model_on_a_model_of_the_catalog(client, as_token, user_token):
    # fraud-detector exists in the catalog (YAML): create answers RESOURCE_ALREADY_EXISTS and
    # the version registers on it.
    before = client.search_model_versions(f"name='{CATALOG_MODEL}'")
    highest = max((int(v.version) for v in before), default=0)
    with as_token(user_token("alice")):
        created = mlflow.register_model(f"{SOURCE}-catalog", CATALOG_MODEL)
    assert int(created.version) > highest
    version = client.get_model_version(CATALOG_MODEL, created.version)
    assert version.source == f"{SOURCE}-catalog"


def test_register_model_from_a_runs_uri_copies_the_runs_metrics_and_params(
    client, native, tracking_server_uri, unique_name, tmp_path
):
    # A training script: tracking on its MLflow server, the registry here (MLFLOW_REGISTRY_URI).
    name = unique_name("from-run")
    new_model(client, name)
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "MLmodel").write_text("artifact_path: model\nflavors: {}\n")
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(tracking_server_uri)
    try:
        with mlflow.start_run() as run:
            mlflow.log_param("max_depth", "6")
            mlflow.log_metric("auc", 0.88, step=0)
            mlflow.log_metric("auc", 0.91, step=1)
            mlflow.log_artifacts(str(model_dir), artifact_path="model")
        run_id = run.info.run_id
        registered = mlflow.register_model(f"runs:/{run_id}/model", name)
    finally:
        mlflow.set_tracking_uri(previous)

    # The client resolved the runs:/ URI on the tracking server: the source is the run's artifact.
    assert registered.run_id == run_id
    assert registered.source.startswith("mlflow-artifacts:")
    assert registered.source.endswith(f"{run_id}/artifacts/model")
    assert registered.run_link.startswith(f"{tracking_server_uri}/#/experiments/")
    # The registry copied the run's latest metrics and its params (the model page's metrics tab).
    version = native(f"/models/{NAMESPACE}/{name}/versions/{registered.version}")
    assert version["runId"] == run_id
    assert version["metrics"] == {"auc": 0.91}
    assert version["params"] == {"max_depth": "6"}
    assert [v.version for v in client.search_model_versions(f"run_id = '{run_id}'")] == [
        registered.version
    ]


# --- registered models -------------------------------------------------------------------------


def test_create_and_get_a_registered_model(client, unique_name):
    name = unique_name("model")
    created = new_model(client, name, tags={"team": "risk"}, description="first")
    assert created.name == name
    assert created.description == "first"
    assert created.tags.get("team") == "risk"

    model = client.get_registered_model(name)
    assert model.name == name
    assert model.description == "first"
    assert model.tags.get("team") == "risk"
    assert model.aliases == {}
    assert abs(model.creation_timestamp - now_ms()) < 10 * 60 * 1000


def test_update_registered_model_description(client, unique_name):
    name = unique_name("describe")
    new_model(client, name, description="first")
    updated = client.update_registered_model(name, description="second")
    assert updated.description == "second"
    assert client.get_registered_model(name).description == "second"


def test_set_and_delete_registered_model_tag(client, unique_name):
    name = unique_name("model-tags")
    new_model(client, name)
    client.set_registered_model_tag(name, "purpose", "tests")
    assert client.get_registered_model(name).tags.get("purpose") == "tests"
    client.delete_registered_model_tag(name, "purpose")
    assert "purpose" not in client.get_registered_model(name).tags


def test_search_registered_models_filters_orders_and_pages(client, unique_name):
    prefix = unique_name("search")
    names = [f"{prefix}-{i}" for i in range(5)]
    for i, name in enumerate(names):
        new_model(client, name, tags={"batch": prefix} if i % 2 == 0 else {})

    seen, token, pages = [], None, 0
    while True:
        page = client.search_registered_models(
            filter_string=f"name LIKE '{prefix}%'",
            order_by=["name DESC"],
            max_results=2,
            page_token=token,
        )
        pages += 1
        assert len(page) <= 2
        seen += [m.name for m in page]
        token = page.token
        if not token:
            break
        assert pages < 10, "paging does not end"
    assert seen == sorted(names, reverse=True)
    assert pages == 3

    exact = client.search_registered_models(filter_string=f"name = '{names[1]}'")
    assert [m.name for m in exact] == [names[1]]

    tagged = client.search_registered_models(
        filter_string=f"tags.`batch` = '{prefix}'", order_by=["name ASC"]
    )
    assert [m.name for m in tagged] == [names[0], names[2], names[4]]


def test_search_pages_through_every_model_in_name_order(client):
    # Whatever else the backend holds: pages of 3, sorted, no repeats, the catalog's models in.
    seen, token = [], None
    for _ in range(200):
        page = client.search_registered_models(
            order_by=["name ASC"], max_results=3, page_token=token
        )
        assert len(page) <= 3
        seen += [m.name for m in page]
        token = page.token
        if not token:
            break
    else:
        raise AssertionError("paging does not end")
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen))
    assert CATALOG_MODEL in seen

    exact = client.search_registered_models(filter_string=f"name = '{CATALOG_MODEL}'")
    assert [m.name for m in exact] == [CATALOG_MODEL]
    like = client.search_registered_models(filter_string="name LIKE 'fraud-det%'")
    assert CATALOG_MODEL in [m.name for m in like]


# --- model versions ----------------------------------------------------------------------------


def test_model_versions_create_get_search_by_name_update_and_tags(client, unique_name):
    name = unique_name("versions")
    new_model(client, name)
    run_id = uuid.uuid4().hex
    first = client.create_model_version(
        name, SOURCE, run_id=run_id, tags={"stage": "candidate"}, description="v1"
    )
    assert (first.name, first.version) == (name, "1")
    assert first.source == SOURCE
    assert first.run_id == run_id
    assert first.status == "READY"
    assert first.current_stage == "None"
    assert first.tags == {"stage": "candidate"}
    assert abs(first.creation_timestamp - now_ms()) < 10 * 60 * 1000
    second = client.create_model_version(name, f"{SOURCE}-2")
    assert second.version == "2"

    got = client.get_model_version(name, "1")
    assert (got.version, got.source, got.run_id, got.description) == ("1", SOURCE, run_id, "v1")
    assert client.get_model_version_download_uri(name, "1") == SOURCE

    by_name = client.search_model_versions(f"name='{name}'")
    assert sorted(v.version for v in by_name) == ["1", "2"]

    updated = client.update_model_version(name, "1", description="v1, evaluated")
    assert updated.description == "v1, evaluated"
    assert client.get_model_version(name, "1").description == "v1, evaluated"

    client.set_model_version_tag(name, "1", "validated", "yes")
    assert client.get_model_version(name, "1").tags.get("validated") == "yes"
    client.delete_model_version_tag(name, "1", "validated")
    assert "validated" not in client.get_model_version(name, "1").tags


def test_search_model_versions_by_run_id(client, unique_name):
    name = unique_name("by-run")
    new_model(client, name)
    run_id = uuid.uuid4().hex
    client.create_model_version(name, SOURCE, run_id=run_id)
    client.create_model_version(name, f"{SOURCE}-2", run_id=uuid.uuid4().hex)
    by_run = client.search_model_versions(f"run_id='{run_id}'")
    assert [(v.name, v.version) for v in by_run] == [(name, "1")]


def test_search_model_versions_by_tag_and_source_path_in_order(client, unique_name):
    name = unique_name("version-search")
    new_model(client, name)
    for i in range(3):
        client.create_model_version(name, f"{SOURCE}-{i}", tags={"parity": str(i % 2)})
    even = client.search_model_versions(
        f"name='{name}' AND tags.`parity` = '0'", order_by=["version_number DESC"]
    )
    assert [v.version for v in even] == ["3", "1"]
    run_id = uuid.uuid4().hex
    client.create_model_version(name, f"{SOURCE}-run", run_id=run_id)
    with_run = client.search_model_versions(f"name='{name}' AND run_id='{run_id}'")
    assert [v.version for v in with_run] == ["4"]
    by_source = client.search_model_versions(f"name='{name}' AND source_path = '{SOURCE}-1'")
    assert [v.version for v in by_source] == ["2"]
    first_page = client.search_model_versions(
        f"name='{name}'", order_by=["version_number ASC"], max_results=3
    )
    assert [v.version for v in first_page] == ["1", "2", "3"]
    rest = client.search_model_versions(
        f"name='{name}'",
        order_by=["version_number ASC"],
        max_results=3,
        page_token=first_page.token,
    )
    assert [v.version for v in rest] == ["4"]
    assert not rest.token


def test_aliases_set_get_by_alias_move_and_delete(client, unique_name):
    name = unique_name("aliases")
    new_model(client, name)
    client.create_model_version(name, SOURCE)
    client.create_model_version(name, f"{SOURCE}-2")

    client.set_registered_model_alias(name, "champion", "1")
    by_alias = client.get_model_version_by_alias(name, "champion")
    assert by_alias.version == "1"
    assert "champion" in by_alias.aliases
    assert client.get_registered_model(name).aliases == {"champion": "1"}

    client.set_registered_model_alias(name, "champion", "2")
    assert client.get_model_version_by_alias(name, "champion").version == "2"
    assert "champion" not in client.get_model_version(name, "1").aliases

    client.delete_registered_model_alias(name, "champion")
    assert client.get_registered_model(name).aliases == {}
    # MLflow's own server answers a missing alias with INVALID_PARAMETER_VALUE.
    error = error_of(client.get_model_version_by_alias, name, "champion")
    assert error.error_code == "INVALID_PARAMETER_VALUE"


def test_stage_transitions_archive_and_latest_versions(client, unique_name):
    name = unique_name("stages")
    new_model(client, name)
    for i in range(2):
        client.create_model_version(name, f"{SOURCE}-{i}")

    staged = client.transition_model_version_stage(name, "1", "Staging")
    assert staged.current_stage == "Staging"
    promoted = client.transition_model_version_stage(
        name, "1", "Production", archive_existing_versions=True
    )
    assert promoted.current_stage == "Production"

    client.transition_model_version_stage(name, "2", "Staging")
    client.transition_model_version_stage(
        name, "2", "Production", archive_existing_versions=True
    )
    assert client.get_model_version(name, "2").current_stage == "Production"
    assert client.get_model_version(name, "1").current_stage == "Archived"

    production = client.get_latest_versions(name, stages=["Production"])
    assert [v.version for v in production] == ["2"]
    latest = {v.current_stage: v.version for v in client.get_latest_versions(name)}
    assert latest == {"Production": "2", "Archived": "1"}

    # archive_existing_versions in a stage that holds several versions (Staging)
    for i in range(3):
        client.create_model_version(name, f"{SOURCE}-staged-{i}")
    client.transition_model_version_stage(name, "3", "Staging")
    client.transition_model_version_stage(name, "4", "Staging")
    client.transition_model_version_stage(
        name, "5", "Staging", archive_existing_versions=True
    )
    stages = {v.version: v.current_stage for v in client.search_model_versions(f"name='{name}'")}
    assert stages == {
        "1": "Archived",
        "2": "Production",
        "3": "Archived",
        "4": "Archived",
        "5": "Staging",
    }
    # MLflow archives only from an active stage
    error = error_of(
        client.transition_model_version_stage,
        name,
        "5",
        "Archived",
        archive_existing_versions=True,
    )
    assert error.error_code == "INVALID_PARAMETER_VALUE"


def test_delete_model_version_and_registered_model(client, unique_name):
    name = unique_name("delete")
    new_model(client, name)
    client.create_model_version(name, SOURCE)
    client.create_model_version(name, f"{SOURCE}-2")

    client.delete_model_version(name, "1")
    error = error_of(client.get_model_version, name, "1")
    assert error.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert [v.version for v in client.search_model_versions(f"name='{name}'")] == ["2"]

    client.delete_registered_model(name)
    error = error_of(client.get_registered_model, name)
    assert error.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_rename_is_honoured_or_refused_in_mlflow_shape(client, unique_name):
    name = unique_name("rename")
    new_model(client, name)
    try:
        renamed = client.rename_registered_model(name, f"{name}-renamed")
    except MlflowException as error:
        assert error.error_code not in ("", "INTERNAL_ERROR", "TEMPORARILY_UNAVAILABLE")
        assert client.get_registered_model(name).name == name
    else:
        assert renamed.name == f"{name}-renamed"
        assert client.get_registered_model(f"{name}-renamed").name == f"{name}-renamed"


# --- errors ------------------------------------------------------------------------------------


def test_missing_model_and_version_are_resource_does_not_exist(client, unique_name):
    error = error_of(client.get_registered_model, unique_name("missing"))
    assert error.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert error.get_http_status_code() == 404

    name = unique_name("one-version")
    new_model(client, name)
    client.create_model_version(name, SOURCE)
    error = error_of(client.get_model_version, name, "7")
    assert error.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_a_name_that_breaks_the_naming_rule_is_invalid_parameter_value(client, unique_name):
    bad = unique_name("Bad_Name").upper()
    error = error_of(new_model, client, bad)
    assert error.error_code == "INVALID_PARAMETER_VALUE"
    assert error.get_http_status_code() == 400
    # The rule's description (modelRegistry.naming.description of app-config.yaml).
    assert "lower-case letters, digits and single hyphens" in error.message


def test_denied_users_get_permission_denied_and_change_nothing(
    client, native, as_token, user_token, catalog_only_token
):
    path = f"/models/{NAMESPACE}/{CATALOG_MODEL}/versions"
    before = native(path, limit=100)["items"]

    # bob (search-ml) does not own fraud-detector: no version registers.
    with as_token(user_token("bob")):
        error = error_of(client.create_model_version, CATALOG_MODEL, f"{SOURCE}-bob")
    assert error.error_code == "PERMISSION_DENIED"
    assert error.get_http_status_code() == 403

    # alice owns it but only the platform group promotes to production.
    candidate = next(v for v in before if v["stage"] != "production")
    with as_token(user_token("alice")):
        error = error_of(
            client.transition_model_version_stage,
            CATALOG_MODEL,
            str(candidate["version"]),
            "Production",
        )
    assert error.error_code == "PERMISSION_DENIED"

    # A token restricted to the catalog plugin may not use the registry at all.
    with as_token(catalog_only_token):
        error = error_of(client.get_registered_model, CATALOG_MODEL)
    assert error.error_code == "PERMISSION_DENIED"

    after = native(path, limit=100)["items"]
    assert [(v["version"], v["stage"]) for v in after] == [
        (v["version"], v["stage"]) for v in before
    ]


def test_a_pipeline_token_restricted_to_this_plugin_registers_searches_and_promotes(
    as_token, registry_only_token, unique_name
):
    # docs/mlflow.md's pipeline token: accessRestrictions list the model-registry plugin only.
    name = unique_name("pipeline")
    with as_token(registry_only_token):
        client = MlflowClient()
        new_model(client, name)
        created = mlflow.register_model(SOURCE, name)
        client.set_registered_model_alias(name, "champion", created.version)
        client.transition_model_version_stage(name, created.version, "Staging")
        found = client.search_registered_models(f"name = '{name}'")
        versions = client.search_model_versions(f"name = '{name}'")
        by_alias = client.get_model_version_by_alias(name, "champion")
    assert [m.name for m in found] == [name]
    assert found[0].aliases == {"champion": created.version}
    assert [(v.version, v.current_stage) for v in versions] == [("1", "Staging")]
    assert by_alias.version == "1"


def test_no_token_is_unauthenticated(client, as_token):
    with as_token(None):
        error = error_of(client.get_registered_model, CATALOG_MODEL)
    assert error.error_code == "UNAUTHENTICATED"
    assert error.get_http_status_code() == 401


def test_an_unknown_route_under_the_prefix_answers_in_mlflow_shape():
    response = requests.post(
        f"{mlflow.get_registry_uri()}/api/2.0/mlflow/registered-models/no-such-call",
        json={"name": "x"},
        headers={"Authorization": f"Bearer {os.environ['MLFLOW_TRACKING_TOKEN']}"},
        timeout=30,
    )
    assert response.status_code == 404
    body = response.json()
    assert body.get("error_code") and body.get("message"), body


# --- the same data through the portal's own API ------------------------------------------------


def test_native_api_shows_mlflow_changes_and_history(client, native, unique_name):
    name = unique_name("native")
    new_model(client, name, description="seen natively")
    run_id = uuid.uuid4().hex
    client.create_model_version(name, SOURCE, run_id=run_id, tags={"team": "risk"})
    client.create_model_version(name, f"{SOURCE}-2")
    client.set_registered_model_alias(name, "champion", "1")
    client.transition_model_version_stage(name, "1", "Staging")
    client.update_model_version(name, "1", description="checked")

    versions = native(f"/models/{NAMESPACE}/{name}/versions", sort="version", order="asc")
    by_number = {v["version"]: v for v in versions["items"]}
    assert sorted(by_number) == [1, 2]
    first = by_number[1]
    assert first["source"] == SOURCE
    assert first["runId"] == run_id
    assert first["stage"] == "staging"
    assert first["aliases"] == ["champion"]
    assert first["description"] == "checked"
    assert first["tags"].get("team") == "risk"
    assert by_number[2]["source"] == f"{SOURCE}-2"

    history = native(f"/models/{NAMESPACE}/{name}/history", limit=100)["items"]
    actions = [(entry["action"], entry.get("version")) for entry in history]
    for expected in [
        ("version.register", 1),
        ("version.register", 2),
        ("alias.set", 1),
        ("version.stage", 1),
        ("version.update", 1),
    ]:
        assert expected in actions, f"{expected} not in the history {actions}"
    assert all(entry["actor"] for entry in history)


# --- concurrency -------------------------------------------------------------------------------


def test_twenty_threads_create_versions_one_to_a_hundred(client, unique_name):
    name = unique_name("concurrent")
    new_model(client, name)

    def register(i: int) -> str:
        return MlflowClient().create_model_version(name, f"{SOURCE}-{i}").version

    with ThreadPoolExecutor(max_workers=20) as pool:
        versions = list(pool.map(register, range(100)))
    assert sorted(int(v) for v in versions) == list(range(1, 101))
    listed = client.search_model_versions(f"name='{name}'", max_results=200)
    assert sorted(int(v.version) for v in listed) == list(range(1, 101))
