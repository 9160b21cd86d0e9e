import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  ALICE,
  ApiMethod,
  BOB,
  callers,
  describeRegistry,
  TestModel,
} from '../service/__testUtils__/startRegistry';

describeRegistry('MLflow registry API', registry => {
  // As the catalog module's entity provider does, the catalog ingests the models registered
  // through the API (here: when it is next asked for an entity), and drops deleted ones.
  beforeEach(() => {
    const catalog = registry.catalog;
    const read = catalog.getEntityByRef.bind(catalog);
    jest
      .spyOn(catalog, 'getEntityByRef')
      .mockImplementation(async (ref, options) => {
        const rows = await registry
          .knex('models')
          .where({ registered_by_api: true })
          .select('model_ref', 'entity', 'deleted_at');
        for (const row of rows) {
          if (row.deleted_at) catalog.remove(row.model_ref);
          else catalog.add(JSON.parse(row.entity));
        }
        return read(ref, options);
      });
  });
  afterEach(() => jest.restoreAllMocks());

  /** An MLflow call: GET sends query parameters, the others a JSON body. */
  const mlflow = (
    method: ApiMethod,
    path: string,
    params: Record<string, unknown> = {},
    auth: string = callers.alice,
  ) => {
    const req = registry.api(method, `/mlflow/api/2.0/mlflow/${path}`, auth);
    return method === 'get' ? req.query(params) : req.send(params);
  };

  const createVersion = async (
    model: TestModel,
    extra: Record<string, unknown> = {},
  ) => {
    const res = await mlflow('post', 'model-versions/create', {
      name: model.name,
      source: `s3://models/${model.name}/${registry.uniqueName('run')}`,
      ...extra,
    });
    expect([res.status, res.body]).toEqual([200, expect.anything()]);
    return res.body.model_version;
  };

  it('registers a model and versions in MLflow shape, seen the same by the native API', async () => {
    const name = registry.uniqueName('churn-model');
    const created = await mlflow('post', 'registered-models/create', {
      name,
      description: 'predicts churn',
    });
    expect(created.status).toBe(200);
    expect(created.body.registered_model).toMatchObject({
      name,
      description: 'predicts churn',
      latest_versions: [],
      tags: [],
      aliases: [],
      creation_timestamp: expect.any(Number),
    });

    const version = await mlflow('post', 'model-versions/create', {
      name,
      source: 's3://models/churn/1',
      run_id: 'abc123',
      run_link: 'https://tracking.example.com/runs/abc123',
      description: 'first',
      tags: [{ key: 'team', value: 'retention' }],
    });
    expect(version.status).toBe(200);
    const mv = version.body.model_version;
    expect(mv).toEqual({
      name,
      version: '1',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: expect.any(Number),
      user_id: ALICE,
      current_stage: 'None',
      description: 'first',
      source: 's3://models/churn/1',
      run_id: 'abc123',
      run_link: 'https://tracking.example.com/runs/abc123',
      status: 'READY',
      tags: [{ key: 'team', value: 'retention' }],
      aliases: [],
    });
    expect(Math.abs(mv.creation_timestamp - Date.now())).toBeLessThan(60_000);

    const native = await registry.api(
      'get',
      `/models/default/${name}/versions/1`,
    );
    expect(native.body).toMatchObject({
      version: 1,
      source: 's3://models/churn/1',
      runId: 'abc123',
      tags: { team: 'retention' },
      createdBy: ALICE,
    });
    const history = await registry.api(
      'get',
      `/models/default/${name}/history`,
    );
    expect(history.status).toBe(200);
    expect(history.body.items.map((e: any) => e.action)).toEqual(
      expect.arrayContaining(['version.register']),
    );
    expect(
      registry.auditEvents.map(e => [e.actionType, e.status, e.meta.api]),
    ).toEqual([
      ['model.register', 'succeeded', 'mlflow'],
      ['version.register', 'succeeded', 'mlflow'],
    ]);

    // MLflow's UI prefix serves the same routes
    const viaAjax = await registry
      .api('get', `/mlflow/ajax-api/2.0/mlflow/model-versions/get`)
      .query({ name, version: '1' });
    expect(viaAjax.body.model_version).toEqual(mv);

    const model = await mlflow('get', 'registered-models/get', { name });
    expect(model.body.registered_model).toMatchObject({
      name,
      latest_versions: [{ version: '1', current_stage: 'None' }],
    });
  });

  it('answers RESOURCE_ALREADY_EXISTS for a catalog model, and versions register on it', async () => {
    const model = registry.addModel('fraud-detector');
    const again = await mlflow('post', 'registered-models/create', {
      name: model.name,
    });
    expect(again.status).toBe(400);
    expect(again.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect(await registry.hasModelRow(model.ref)).toBe(false);
    // also for callers with no group who name no owner, such as a pipeline's service token
    for (const auth of [callers.bob, callers.service]) {
      const res = await mlflow(
        'post',
        'registered-models/create',
        { name: model.name },
        auth,
      );
      expect([res.status, res.body.error_code]).toEqual([
        400,
        'RESOURCE_ALREADY_EXISTS',
      ]);
    }
    expect((await createVersion(model)).version).toBe('1');
  });

  it('takes the owner from the owner tag, else the caller’s one group, else says how to set it', async () => {
    const orphan = await mlflow(
      'post',
      'registered-models/create',
      { name: registry.uniqueName('bob-model') },
      callers.bob,
    );
    expect(orphan.status).toBe(400);
    expect(orphan.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('backstage.io/owner'),
    });
    const name = registry.uniqueName('bob-model');
    const owned = await mlflow(
      'post',
      'registered-models/create',
      { name, tags: [{ key: 'backstage.io/owner', value: BOB }] },
      callers.bob,
    );
    expect(owned.status).toBe(200);
    const stored = await registry.knex('models').where({
      model_ref: `mlmodel:default/${name}`,
    });
    expect(JSON.stringify(stored)).toContain(BOB);

    const alices = registry.uniqueName('alice-model');
    await mlflow('post', 'registered-models/create', { name: alices }).expect(
      200,
    );
    const entity = await registry.knex('models').where({
      model_ref: `mlmodel:default/${alices}`,
    });
    expect(JSON.stringify(entity)).toContain('group:default/risk-ml');
  });

  it('answers MLflow error codes: bad name, missing or hidden model, denied user, unknown route, rename', async () => {
    const bad = await mlflow('post', 'registered-models/create', {
      name: 'Bad_Name',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(bad.body.message).toContain('model naming rule');

    const missing = await mlflow('get', 'registered-models/get', {
      name: registry.uniqueName('nowhere'),
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');

    const hidden = registry.addModel('secret', { hiddenFrom: [BOB] });
    await createVersion(hidden);
    for (const [method, path, params] of [
      ['get', 'registered-models/get', { name: hidden.name }],
      ['get', 'model-versions/get', { name: hidden.name, version: '1' }],
      [
        'post',
        'model-versions/create',
        { name: hidden.name, source: 's3://x/y' },
      ],
    ] as const) {
      const res = await mlflow(method, path, params, callers.bob);
      expect([path, res.status, res.body.error_code]).toEqual([
        path,
        404,
        'RESOURCE_DOES_NOT_EXIST',
      ]);
    }

    const model = registry.addModel('fraud-detector');
    registry.auditEvents.length = 0;
    const denied = await mlflow(
      'post',
      'model-versions/create',
      { name: model.name, source: 's3://models/x/1' },
      callers.mallory,
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error_code).toBe('PERMISSION_DENIED');
    expect(
      registry.auditEvents.find(e => e.actionType === 'version.register')
        ?.status,
    ).toBe('failed');

    const missingVersion = await mlflow('get', 'model-versions/get', {
      name: model.name,
      version: '7',
    });
    expect(missingVersion.status).toBe(404);
    expect(missingVersion.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const badVersion = await mlflow('get', 'model-versions/get', {
      name: model.name,
      version: 'one',
    });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.message).toContain('version');

    const unknown = await mlflow('get', 'experiments/list');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('ENDPOINT_NOT_FOUND');

    const rename = await mlflow('post', 'registered-models/rename', {
      name: model.name,
      new_name: registry.uniqueName('other'),
    });
    expect(rename.status).toBe(400);
    expect(rename.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('cannot be renamed'),
    });

    for (const auth of [undefined, 'Bearer not-a-token']) {
      const anonymous = request(registry.server).get(
        `/api/model-registry/mlflow/api/2.0/mlflow/registered-models/get?name=${model.name}`,
      );
      const res = await (auth
        ? anonymous.set('Authorization', auth)
        : anonymous);
      expect([auth, res.status, res.body.error_code]).toEqual([
        auth,
        401,
        'UNAUTHENTICATED',
      ]);
    }

    const notJson = await registry
      .api('post', '/mlflow/api/2.0/mlflow/model-versions/create')
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error_code).toBe('MALFORMED_REQUEST');
  });

  it('searches registered models by name with LIKE, order and pages', async () => {
    const prefix = registry.uniqueName('search');
    const names = ['aa', 'bb', 'cc'].map(s => `${prefix}-${s}`);
    names.forEach(n => registry.catalog.addModel(n));
    registry.addModel('unrelated');

    const first = await mlflow('get', 'registered-models/search', {
      filter: `name LIKE '${prefix}-%'`,
      order_by: 'name DESC',
      max_results: 2,
    });
    expect(first.status).toBe(200);
    expect(first.body.registered_models.map((m: any) => m.name)).toEqual([
      names[2],
      names[1],
    ]);
    expect(first.body.next_page_token).toEqual(expect.any(String));
    const second = await mlflow('get', 'registered-models/search', {
      filter: `name LIKE '${prefix}-%'`,
      order_by: 'name DESC',
      max_results: 2,
      page_token: first.body.next_page_token,
    });
    expect(second.body.registered_models.map((m: any) => m.name)).toEqual([
      names[0],
    ]);
    expect(second.body.next_page_token).toBeUndefined();

    const exact = await mlflow('get', 'registered-models/search', {
      filter: `name = '${names[1]}' AND tags.\`mlflow.prompt.is_prompt\` != 'true'`,
    });
    expect(exact.body.registered_models.map((m: any) => m.name)).toEqual([
      names[1],
    ]);
    const ilike = await mlflow('get', 'registered-models/search', {
      filter: `name ILIKE '${prefix.toUpperCase()}-B%'`,
    });
    expect(ilike.body.registered_models.map((m: any) => m.name)).toEqual([
      names[1],
    ]);

    const edited = await mlflow('get', 'registered-models/search', {
      filter: `name LIKE '%'`,
      order_by: 'name DESC',
      max_results: 2,
      page_token: first.body.next_page_token,
    });
    expect(edited.status).toBe(400);
    expect(edited.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const tooMany = await mlflow('get', 'registered-models/search', {
      max_results: 1001,
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toContain('max_results');
    const badFilter = await mlflow('get', 'registered-models/search', {
      filter: `owner = 'me'`,
    });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.message).toContain('owner');
  });

  it('searches versions by name, tag, run_id and source_path, ordered and paged', async () => {
    const model = registry.addModel('ranker');
    await createVersion(model, {
      run_id: 'r1',
      tags: [{ key: 'kind', value: 'a' }],
    });
    await createVersion(model, {
      run_id: 'r2',
      tags: [{ key: 'kind', value: 'b' }],
    });
    const third = await createVersion(model, {
      run_id: 'r1',
      tags: [{ key: 'kind', value: 'a' }],
    });
    const search = (params: Record<string, unknown>) =>
      mlflow('get', 'model-versions/search', params);
    const numbers = (res: any) =>
      res.body.model_versions.map((v: any) => v.version);

    expect(numbers(await search({ filter: `name='${model.name}'` }))).toEqual([
      '3',
      '2',
      '1',
    ]);
    expect(
      numbers(
        await search({
          filter: `name = '${model.name}'`,
          order_by: ['version_number ASC'],
        }),
      ),
    ).toEqual(['1', '2', '3']);
    expect(
      numbers(
        await search({
          filter: `name = '${model.name}' AND tags.kind = 'a' AND run_id = 'r1'`,
        }),
      ),
    ).toEqual(['3', '1']);
    expect(
      numbers(
        await search({
          filter: `name = '${model.name}' AND run_id IN ('r2', 'zz')`,
        }),
      ),
    ).toEqual(['2']);
    expect(
      numbers(
        await search({
          filter: `name = '${model.name}' AND source_path = '${third.source}'`,
        }),
      ),
    ).toEqual(['3']);

    const page = await search({
      filter: `name = '${model.name}'`,
      order_by: 'last_updated_timestamp DESC',
      max_results: 2,
    });
    expect(numbers(page)).toEqual(['3', '2']);
    const next = await search({
      filter: `name = '${model.name}'`,
      order_by: 'last_updated_timestamp DESC',
      max_results: 2,
      page_token: page.body.next_page_token,
    });
    expect(numbers(next)).toEqual(['1']);
    expect(next.body.next_page_token).toBeUndefined();

    // the versions of a run, across the models the caller can read
    const other = registry.addModel('ranker-copy', { hiddenFrom: [BOB] });
    const runId = registry.uniqueName('shared-run');
    await createVersion(model, { run_id: runId });
    await createVersion(other, { run_id: runId });
    await createVersion(other, { run_id: runId });
    const ofRun = (params: Record<string, unknown>, auth = callers.alice) =>
      mlflow(
        'get',
        'model-versions/search',
        { filter: `run_id = '${runId}'`, ...params },
        auth,
      );
    const all = await ofRun({});
    expect(
      all.body.model_versions.map((v: any) => [v.name, v.version]),
    ).toEqual([
      [model.name, '4'],
      [other.name, '1'],
      [other.name, '2'],
    ]);
    const firstPage = await ofRun({ max_results: 2 });
    expect(firstPage.body.model_versions).toHaveLength(2);
    const secondPage = await ofRun({
      max_results: 2,
      page_token: firstPage.body.next_page_token,
    });
    expect(
      secondPage.body.model_versions.map((v: any) => [v.name, v.version]),
    ).toEqual([[other.name, '2']]);
    expect(
      (await ofRun({}, callers.bob)).body.model_versions.map(
        (v: any) => v.name,
      ),
    ).toEqual([model.name]);
    const ordered = await ofRun({ order_by: 'version_number ASC' });
    expect(ordered.status).toBe(400);
    const acrossModels = await search({ filter: `source_path = 's3://x'` });
    expect(acrossModels.status).toBe(400);
    expect(acrossModels.body.message).toContain('name');
    const unquoted = await search({ filter: `name = ${model.name}` });
    expect(unquoted.status).toBe(400);
    expect(unquoted.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('transitions stages, archiving existing versions on request, and gates production', async () => {
    const model = registry.addModel('recommender');
    await createVersion(model);
    await createVersion(model);
    await createVersion(model);
    const transition = (version: string, stage: string, archive = false) =>
      mlflow('post', 'model-versions/transition-stage', {
        name: model.name,
        version,
        stage,
        archive_existing_versions: archive,
      });
    expect((await transition('1', 'Staging')).body.model_version).toMatchObject(
      { version: '1', current_stage: 'Staging' },
    );
    await transition('2', 'staging').expect(200);
    const archiving = await transition('3', 'Staging', true);
    expect(archiving.status).toBe(200);
    const stages = async () =>
      (
        await mlflow('get', 'model-versions/search', {
          filter: `name = '${model.name}'`,
          order_by: 'version_number ASC',
        })
      ).body.model_versions.map((v: any) => v.current_stage);
    expect(await stages()).toEqual(['Archived', 'Archived', 'Staging']);

    const latest = await mlflow(
      'post',
      'registered-models/get-latest-versions',
      {
        name: model.name,
        stages: ['Staging'],
      },
    );
    expect(latest.body.model_versions.map((v: any) => v.version)).toEqual([
      '3',
    ]);
    const allLatest = await mlflow(
      'get',
      'registered-models/get-latest-versions',
      {
        name: model.name,
      },
    );
    expect(
      allLatest.body.model_versions.map((v: any) => [
        v.version,
        v.current_stage,
      ]),
    ).toEqual([
      ['2', 'Archived'],
      ['3', 'Staging'],
    ]);

    registry.setDecision(
      'model-registry.version.promote-production',
      AuthorizeResult.DENY,
    );
    const denied = await transition('3', 'Production');
    expect(denied.status).toBe(403);
    expect(denied.body.error_code).toBe('PERMISSION_DENIED');
    expect(await stages()).toEqual(['Archived', 'Archived', 'Staging']);
    const unknown = await transition('3', 'Canary');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('Production');
    // MLflow archives existing versions only from an active stage
    for (const inactive of ['Archived', 'None']) {
      const refused = await transition('3', inactive, true);
      expect([inactive, refused.status, refused.body.error_code]).toEqual([
        inactive,
        400,
        'INVALID_PARAMETER_VALUE',
      ]);
      expect(refused.body.message).toContain('not an Active stage');
    }

    const native = await registry.api(
      'get',
      `${model.path}/versions?stage=archived`,
    );
    expect(native.body.items.map((v: any) => v.version)).toEqual([2, 1]);
  });

  it('sets, reads and deletes aliases, shown on versions and the model', async () => {
    const model = registry.addModel('forecaster');
    await createVersion(model);
    await createVersion(model);
    await mlflow('post', 'registered-models/alias', {
      name: model.name,
      alias: 'champion',
      version: '2',
    }).expect(200);
    const byAlias = await mlflow('get', 'registered-models/alias', {
      name: model.name,
      alias: 'champion',
    });
    expect(byAlias.body.model_version).toMatchObject({
      version: '2',
      aliases: ['champion'],
    });
    expect(
      (await mlflow('get', 'registered-models/get', { name: model.name })).body
        .registered_model.aliases,
    ).toEqual([{ alias: 'champion', version: '2' }]);
    const searched = await mlflow('get', 'model-versions/search', {
      filter: `name = '${model.name}'`,
    });
    expect(searched.body.model_versions[0].aliases).toEqual(['champion']);

    await mlflow('delete', 'registered-models/alias', {
      name: model.name,
      alias: 'champion',
    }).expect(200);
    // as MLflow's own server: a missing alias is INVALID_PARAMETER_VALUE, deleting it again is no error
    const gone = await mlflow('get', 'registered-models/alias', {
      name: model.name,
      alias: 'champion',
    });
    expect(gone.status).toBe(400);
    expect(gone.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Registered model alias champion not found.',
    });
    await mlflow('delete', 'registered-models/alias', {
      name: model.name,
      alias: 'champion',
    }).expect(200);
    const toMissing = await mlflow('post', 'registered-models/alias', {
      name: model.name,
      alias: 'champion',
      version: '9',
    });
    expect(toMissing.status).toBe(404);
    expect(toMissing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('updates, tags, gives the download URI of, and deletes versions', async () => {
    const model = registry.addModel('segmenter');
    const created = await createVersion(model);
    const updated = await mlflow('patch', 'model-versions/update', {
      name: model.name,
      version: '1',
      description: 'better',
    });
    expect(updated.body.model_version.description).toBe('better');
    await mlflow('post', 'model-versions/set-tag', {
      name: model.name,
      version: '1',
      key: 'validated',
      value: 'yes',
    }).expect(200);
    const tagged = await mlflow('get', 'model-versions/get', {
      name: model.name,
      version: '1',
    });
    expect(tagged.body.model_version.tags).toEqual([
      { key: 'validated', value: 'yes' },
    ]);
    await mlflow('delete', 'model-versions/delete-tag', {
      name: model.name,
      version: '1',
      key: 'validated',
    }).expect(200);
    expect(
      (
        await mlflow('get', 'model-versions/get', {
          name: model.name,
          version: '1',
        })
      ).body.model_version.tags,
    ).toEqual([]);
    expect(
      (
        await mlflow('get', 'model-versions/get-download-uri', {
          name: model.name,
          version: '1',
        })
      ).body,
    ).toEqual({ artifact_uri: created.source });

    await mlflow('delete', 'model-versions/delete', {
      name: model.name,
      version: '1',
    }).expect(200);
    const deleted = await mlflow('get', 'model-versions/get', {
      name: model.name,
      version: '1',
    });
    expect(deleted.status).toBe(404);
    expect(
      registry.auditEvents
        .filter(e => e.meta.api === 'mlflow')
        .map(e => e.actionType),
    ).toEqual([
      'version.register',
      'version.update',
      'version.update',
      'version.update',
      'version.delete',
    ]);
  });

  it('tags registered models, with history, and searches by tag', async () => {
    const name = registry.uniqueName('tagged');
    await mlflow('post', 'registered-models/create', {
      name,
      tags: [
        { key: 'domain', value: 'fraud' },
        { key: 'backstage.io/owner', value: 'group:default/risk-ml' },
      ],
    }).expect(200);
    const model = registry.addModel('untagged');
    await mlflow('post', 'registered-models/set-tag', {
      name: model.name,
      key: 'domain',
      value: 'churn',
    }).expect(200);
    await mlflow('post', 'registered-models/set-tag', {
      name: model.name,
      key: 'domain',
      value: 'fraud',
    }).expect(200);
    expect(
      (await mlflow('get', 'registered-models/get', { name: model.name })).body
        .registered_model.tags,
    ).toEqual([{ key: 'domain', value: 'fraud' }]);
    const found = await mlflow('get', 'registered-models/search', {
      filter: `tags.domain = 'fraud' AND name LIKE '%${model.name.replace(
        /^untagged/,
        '',
      )}'`,
    });
    expect(found.body.registered_models.map((m: any) => m.name)).toEqual([
      model.name,
    ]);
    const both = await mlflow('get', 'registered-models/search', {
      filter: `tags.\`domain\` = 'fraud' AND name IN ('x')`,
    });
    expect(both.status).toBe(400);

    const history = await registry.api('get', `${model.path}/history`);
    expect(
      history.body.items.map((e: any) => [e.action, e.before, e.after]),
    ).toEqual([
      ['model.tag.set', { domain: 'churn' }, { domain: 'fraud' }],
      ['model.tag.set', undefined, { domain: 'churn' }],
    ]);
    await mlflow('delete', 'registered-models/delete-tag', {
      name: model.name,
      key: 'domain',
    }).expect(200);
    const again = await mlflow('delete', 'registered-models/delete-tag', {
      name: model.name,
      key: 'domain',
    });
    // as MLflow's own server: deleting a tag that is not set changes nothing and is no error
    expect(again.status).toBe(200);
    expect(
      (await registry.api('get', `${model.path}/history`)).body.items.map(
        (e: any) => e.action,
      ),
    ).toEqual(['model.tag.delete', 'model.tag.set', 'model.tag.set']);
    const denied = await mlflow(
      'post',
      'registered-models/set-tag',
      { name: model.name, key: 'k', value: 'v' },
      callers.mallory,
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error_code).toBe('PERMISSION_DENIED');
    const tooLong = await mlflow('post', 'registered-models/set-tag', {
      name: model.name,
      key: 'k'.repeat(251),
      value: 'v',
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toContain('250');
  });

  it('changes the description of a model registered through MLflow, with history, not of a catalog-file model', async () => {
    const name = registry.uniqueName('described');
    await mlflow('post', 'registered-models/create', {
      name,
      description: 'first',
    }).expect(200);
    const updated = await mlflow('patch', 'registered-models/update', {
      name,
      description: 'second',
    });
    expect(updated.status).toBe(200);
    expect(updated.body.registered_model.description).toBe('second');
    expect(
      (await mlflow('get', 'registered-models/get', { name })).body
        .registered_model.description,
    ).toBe('second');
    const history = await registry.api(
      'get',
      `/models/default/${name}/history`,
    );
    expect(history.body.items[0]).toMatchObject({
      action: 'model.update',
      before: { description: 'first' },
      after: { description: 'second' },
      actor: ALICE,
    });
    const cleared = await mlflow('patch', 'registered-models/update', {
      name,
      description: '',
    });
    expect(cleared.body.registered_model.description).toBeUndefined();

    const fileModel = registry.addModel('from-yaml', { description: 'yaml' });
    const refused = await mlflow('patch', 'registered-models/update', {
      name: fileModel.name,
      description: 'other',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('metadata.description');
    const denied = await mlflow(
      'patch',
      'registered-models/update',
      { name, description: 'third' },
      callers.mallory,
    );
    expect(denied.status).toBe(403);
    expect(
      (await mlflow('get', 'registered-models/get', { name })).body
        .registered_model.description,
    ).toBeUndefined();
  });

  it('deletes a model registered through MLflow', async () => {
    const name = registry.uniqueName('short-lived');
    await mlflow('post', 'registered-models/create', { name }).expect(200);
    await mlflow('delete', 'registered-models/delete', { name }).expect(200);
    const gone = await mlflow('get', 'registered-models/get', { name });
    expect(gone.status).toBe(404);
    expect(gone.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
