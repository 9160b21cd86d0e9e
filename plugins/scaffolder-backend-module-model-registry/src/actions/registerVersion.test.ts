import { mockServices } from '@backstage/backend-test-utils';
import {
  createModelNamingRule,
  DEFAULT_SOURCE_SCHEMES,
} from '@model-registry/plugin-model-registry-common';
import { createModelAction } from './createModel';
import { registerVersionAction } from './registerVersion';
import {
  actionContext,
  ALICE,
  entity,
  MALLORY,
  startRegistry,
} from '../__testUtils__/registry';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

jest.setTimeout(60_000);

describe('model-registry:version:register', () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  beforeEach(async () => {
    registry = await startRegistry();
    // a model registered by the template's first step, now in the catalog
    await createModelAction({
      ...registry.services,
      catalog: registry.catalog as any,
      namingRule: createModelNamingRule(),
      catalogWaitSeconds: 0,
    }).handler(
      actionContext({
        name: 'fraud-scorer',
        owner: 'group:default/risk-ml',
        task: 'classification',
      }).ctx,
    );
    registry.catalog.entities.push(
      entity('MLModel', 'fraud-scorer', {
        type: 'classification',
        lifecycle: 'experimental',
        owner: 'group:default/risk-ml',
      }),
    );
  });
  afterEach(async () => {
    await registry.backend.stop();
  });

  const action = () =>
    registerVersionAction({
      ...registry.services,
      allowedSourceSchemes: DEFAULT_SOURCE_SCHEMES,
    });

  const valid = {
    model: 'fraud-scorer',
    source: 's3://models/fraud-scorer/1/model.json',
    metrics: { accuracy: 0.93, f1: 0.9 },
    params: { epochs: '200' },
    card: { evaluation: 'accuracy 0.93 on the bundled test set' },
    lineage: [
      {
        relation: 'trainedOn',
        entityRef: 'resource:default/card-transactions',
      },
    ],
    comment: 'first version from the template',
  };

  it('registers a version as the user running the template', async () => {
    const { ctx, outputs } = actionContext(valid);
    await action().handler(ctx);
    expect(outputs).toEqual({
      modelRef: 'mlmodel:default/fraud-scorer',
      version: 1,
    });
    const versions = await registry.versions('fraud-scorer');
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({
      version: 1,
      source: 's3://models/fraud-scorer/1/model.json',
      metrics: { accuracy: 0.93, f1: 0.9 },
      createdBy: ALICE,
    });
  });

  it('registers one version when the step is retried (same idempotency key)', async () => {
    const first = actionContext(valid);
    await action().handler(first.ctx);
    // a retry of the same task step, with a fresh context (no checkpoint)
    const retry = actionContext(valid);
    await action().handler(retry.ctx);
    expect(retry.outputs.version).toBe(1);
    expect(await registry.versions('fraud-scorer')).toHaveLength(1);
    // another task gets its own version
    const other = actionContext(valid, { task: { id: 'task-2' } } as any);
    await action().handler(other.ctx);
    expect(other.outputs.version).toBe(2);
  });

  it.each([
    ['a local source path', { source: '/tmp/model.pkl' }, 'source'],
    ['a file: source', { source: 'file:///tmp/model.pkl' }, 'source'],
    [
      'an unknown lineage relation',
      {
        lineage: [{ relation: 'stolenFrom', entityRef: 'resource:default/x' }],
      },
      'lineage[0].relation',
    ],
    ['an empty idempotency key', { idempotencyKey: ' ' }, 'idempotencyKey'],
    [
      'a model that is not an MLModel ref',
      { model: 'resource:default/x' },
      'model:',
    ],
  ])('refuses %s and creates nothing', async (_, change, field) => {
    const { ctx } = actionContext({ ...valid, ...change });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(field),
    });
    expect(await registry.versions('fraud-scorer')).toEqual([]);
  });

  it('refuses a user the registry does not allow to register versions, and creates nothing', async () => {
    const { ctx } = actionContext(valid, { user: MALLORY });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'The registry did not register a version of mlmodel:default/fraud-scorer',
      ),
    });
    expect(await registry.versions('fraud-scorer')).toEqual([]);
  });

  it('names a model that does not exist', async () => {
    const { ctx } = actionContext({ ...valid, model: 'no-such-model' });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining(
        'The registry did not register a version of mlmodel:default/no-such-model',
      ),
    });
  });

  it('checks the input in a dry run but registers nothing', async () => {
    const { ctx, outputs } = actionContext(valid, { isDryRun: true });
    await action().handler(ctx);
    expect(outputs).toEqual({
      modelRef: 'mlmodel:default/fraud-scorer',
      version: 0,
    });
    expect(await registry.versions('fraud-scorer')).toEqual([]);
    const bad = actionContext(
      { ...valid, source: 'file:///etc/passwd' },
      { isDryRun: true },
    );
    await expect(action().handler(bad.ctx)).rejects.toMatchObject({
      name: 'InputError',
    });
  });
});

/*
 * The action's input is declared with zod (the scaffolder shows and validates it as JSON
 * schema); the registry's contract is the OpenAPI document of the backend. These tests walk
 * both so that a template can never pass an input the action accepts and the API refuses,
 * or miss a field the API offers.
 */
type JsonSchema = Record<string, any>;

const OPENAPI_PATH = path.resolve(
  __dirname,
  '../../../model-registry-backend/src/schema/openapi.yaml',
);

/** Action inputs that are not part of the request body (the path and a header). */
const ACTION_ONLY_INPUTS = ['model', 'idempotencyKey'];

function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  while (typeof current?.$ref === 'string') {
    const pointer = current.$ref.replace(/^#\//, '').split('/');
    current = pointer.reduce(
      (node: JsonSchema, key: string) => node[key],
      root,
    );
  }
  return current;
}

const typesOf = (schema: JsonSchema) =>
  [schema.type ?? []].flat().map(String).sort().join('|');

/** Every disagreement between the action's input schema and the API's, with its path. */
function disagreements(
  action: JsonSchema,
  actionRoot: JsonSchema,
  api: JsonSchema,
  apiRoot: JsonSchema,
  at: string,
): string[] {
  const a = resolveRef(action, actionRoot);
  const b = resolveRef(api, apiRoot);
  const problems: string[] = [];
  const where = at.replace(/\.$/, '') || '(input)';
  if (typesOf(a) !== typesOf(b)) {
    problems.push(
      `${where}: type ${typesOf(a)} in the action, ${typesOf(b)} in the API`,
    );
  }
  if (a.enum || b.enum) {
    const aEnum = JSON.stringify([...(a.enum ?? [])].sort());
    const bEnum = JSON.stringify([...(b.enum ?? [])].sort());
    if (aEnum !== bEnum) {
      problems.push(
        `${where}: values ${aEnum} in the action, ${bEnum} in the API`,
      );
    }
  }
  const aProps: JsonSchema = a.properties ?? {};
  const bProps: JsonSchema = b.properties ?? {};
  for (const key of Object.keys(aProps)) {
    if (!(key in bProps)) problems.push(`${at}${key}: not in the API`);
  }
  for (const key of Object.keys(bProps)) {
    if (!(key in aProps)) problems.push(`${at}${key}: missing from the action`);
  }
  const aRequired = JSON.stringify([...(a.required ?? [])].sort());
  const bRequired = JSON.stringify([...(b.required ?? [])].sort());
  if (aRequired !== bRequired) {
    problems.push(
      `${where}: requires ${aRequired} in the action, ${bRequired} in the API`,
    );
  }
  if (a.properties || b.properties) {
    for (const [side, schema] of [
      ['action', a],
      ['API', b],
    ] as const) {
      if (schema.additionalProperties !== false) {
        problems.push(
          `${where}: an object with fields is not closed in the ${side}`,
        );
      }
    }
  }
  if (
    typeof a.additionalProperties === 'object' ||
    typeof b.additionalProperties === 'object'
  ) {
    problems.push(
      ...disagreements(
        a.additionalProperties ?? {},
        actionRoot,
        b.additionalProperties ?? {},
        apiRoot,
        `${at}<key>.`,
      ),
    );
  }
  for (const key of Object.keys(aProps).filter(k => k in bProps)) {
    problems.push(
      ...disagreements(
        aProps[key],
        actionRoot,
        bProps[key],
        apiRoot,
        `${at}${key}.`,
      ),
    );
  }
  if (a.items || b.items) {
    problems.push(
      ...disagreements(
        a.items ?? {},
        actionRoot,
        b.items ?? {},
        apiRoot,
        `${at}[].`,
      ),
    );
  }
  return problems;
}

describe('model-registry:version:register input schema', () => {
  const openapi = YAML.parse(fs.readFileSync(OPENAPI_PATH, 'utf8'));
  const newModelVersion = openapi.components.schemas.NewModelVersion;
  const actionInput = (): JsonSchema =>
    registerVersionAction({
      auth: mockServices.auth(),
      discovery: mockServices.discovery(),
      allowedSourceSchemes: DEFAULT_SOURCE_SCHEMES,
    }).schema!.input as JsonSchema;

  /** The action's input without its action-only fields, comparable to the request body. */
  const bodyOf = (input: JsonSchema): JsonSchema => ({
    ...input,
    properties: Object.fromEntries(
      Object.entries(input.properties).filter(
        ([key]) => !ACTION_ONLY_INPUTS.includes(key),
      ),
    ),
    required: input.required.filter(
      (key: string) => !ACTION_ONLY_INPUTS.includes(key),
    ),
  });

  it('has the inputs that are not part of the body, and the API does not', () => {
    const input = actionInput();
    for (const key of ACTION_ONLY_INPUTS) {
      expect(input.properties).toHaveProperty([key]);
      expect(newModelVersion.properties).not.toHaveProperty([key]);
    }
  });

  it("agrees with the API's NewModelVersion: the same fields, types, values and required fields, closed objects, recursively", () => {
    const input = actionInput();
    expect(
      disagreements(bodyOf(input), input, newModelVersion, openapi, ''),
    ).toEqual([]);
  });

  it('would report a field the API does not have, a missing one and an open object', () => {
    const input = actionInput();
    const body = structuredClone(bodyOf(input));
    body.properties.card.properties.license = { type: 'string' };
    delete body.properties.signature;
    delete body.properties.code.additionalProperties;
    expect(disagreements(body, input, newModelVersion, openapi, '')).toEqual(
      expect.arrayContaining([
        'card.license: not in the API',
        'signature: missing from the action',
        'code: an object with fields is not closed in the action',
      ]),
    );
  });
});
