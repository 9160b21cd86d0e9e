import { mockCredentials } from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AddressInfo } from 'node:net';
import {
  ALICE,
  BOB,
  callers,
  describeRegistry,
  MALLORY,
  TestRegistry,
} from '../service/__testUtils__/startRegistry';

const EVE = 'user:default/eve';

/** The tools the registry adds to the portal's MCP server (namespaced by plugin id). */
const TOOLS = {
  find: 'model-registry.find-models',
  production: 'model-registry.get-production-version',
  versions: 'model-registry.list-versions',
  history: 'model-registry.get-history',
  request: 'model-registry.request-promotion',
};

/**
 * An MCP client (the TypeScript SDK's, over Streamable HTTP) connected to the MCP server of
 * the test backend's mcp-actions plugin, as one caller.
 */
async function connect(registry: TestRegistry, authorization: string) {
  const { port } = registry.server.address() as AddressInfo;
  const client = new Client({
    name: 'registry-actions-test',
    version: '1.0.0',
  });
  await client.connect(
    new StreamableHTTPClientTransport(
      new URL(`http://localhost:${port}/api/mcp-actions/v1`),
      { requestInit: { headers: { Authorization: authorization } } },
    ),
  );
  return {
    client,
    /** Calls a tool; the structured output, or the error text when the tool failed. */
    async call(name: string, args: Record<string, unknown>) {
      const result = await client.callTool({ name, arguments: args });
      const text = (result.content as Array<{ type: string; text?: string }>)
        .map(c => c.text ?? '')
        .join('');
      return result.isError
        ? { error: text }
        : { output: result.structuredContent as any };
    },
  };
}

describeRegistry(
  'registry actions through the MCP server',
  registry => {
    const clients: Client[] = [];
    const as = async (authorization: string) => {
      const connection = await connect(registry, authorization);
      clients.push(connection.client);
      return connection;
    };
    afterEach(async () => {
      await Promise.all(clients.splice(0).map(c => c.close()));
    });

    it('lists the registry tools with their read-only and destructive hints', async () => {
      const alice = await as(callers.alice);
      const { tools } = await alice.client.listTools();
      const registryTools = tools.filter(t =>
        t.name.startsWith('model-registry.'),
      );
      expect(registryTools.map(t => t.name).sort()).toEqual(
        Object.values(TOOLS).sort(),
      );
      for (const tool of registryTools) {
        const read = tool.name !== TOOLS.request;
        expect([tool.name, tool.annotations]).toEqual([
          tool.name,
          expect.objectContaining({
            readOnlyHint: read,
            destructiveHint: false,
            idempotentHint: read,
          }),
        ]);
      }
      const request = registryTools.find(t => t.name === TOOLS.request)!;
      expect(request.inputSchema.required).toEqual(
        expect.arrayContaining(['model', 'version', 'stage']),
      );
    });

    it('finds models, reads the production version with its lineage, versions and history, and requests a promotion as the caller', async () => {
      const base = registry.addModel('mcp-base');
      const model = registry.addModel('mcp-fraud', {
        title: 'MCP fraud detector',
        description: 'Scores card transactions',
      });
      const dataset = `resource:default/${registry.uniqueName('card-tx')}`;
      await registry.registerVersion(base);
      await registry.registerVersion(model, { metrics: { auc: 0.91 } });
      await registry.registerVersion(model, {
        metrics: { auc: 0.93 },
        lineage: [
          { relation: 'trainedOn', entityRef: dataset },
          { relation: 'fineTunedFrom', entityRef: base.ref, version: 1 },
        ],
      });
      const alice = await as(callers.alice);

      const found = await alice.call(TOOLS.find, { query: 'mcp-fraud' });
      expect(found.output.items).toEqual([
        expect.objectContaining({
          entityRef: model.ref,
          title: 'MCP fraud detector',
          owner: 'group:default/risk-ml',
          summary: expect.objectContaining({
            versionCount: 2,
            latestVersion: 2,
          }),
        }),
      ]);
      // exactly what GET /models answers for the same query
      const rest = await registry.api('get', '/models?q=mcp-fraud');
      expect(found.output).toEqual(rest.body);

      // nothing in production yet
      const none = await alice.call(TOOLS.production, { model: model.name });
      expect(none.output).toMatchObject({
        modelRef: model.ref,
        stage: 'production',
        version: null,
        lineage: null,
      });

      const requested = await alice.call(TOOLS.request, {
        model: model.ref,
        version: 2,
        stage: 'production',
        comment: 'AUC +2 pt',
        alias: 'champion',
      });
      expect(requested.output.request).toMatchObject({
        modelRef: model.ref,
        version: 2,
        stage: 'production',
        status: 'open',
        requestedBy: ALICE,
        requiredApprovals: 1,
        alias: 'champion',
        comment: 'AUC +2 pt',
      });
      // the route's audit event, with the caller and the action in its meta
      expect(
        registry.auditEvents.filter(e => e.actionType === 'promotion.request'),
      ).toEqual([
        expect.objectContaining({
          status: 'succeeded',
          meta: expect.objectContaining({
            modelRef: model.ref,
            version: 2,
            stage: 'production',
            actor: ALICE,
            via: 'model-registry:request-promotion',
          }),
        }),
      ]);
      // the approvers are notified as for a request from the portal
      expect(registry.notifications).toEqual([
        expect.objectContaining({
          recipients: expect.objectContaining({
            entityRef: ['group:default/platform-ml'],
          }),
        }),
      ]);
      // a second request for the same version is the route's conflict
      const again = await alice.call(TOOLS.request, {
        model: model.ref,
        version: 2,
        stage: 'production',
      });
      expect(again.error).toMatch(/^ConflictError: .*request/);

      // Bob approves in the portal (REST); the version is promoted
      const approved = await registry
        .api(
          'post',
          `${model.path}/promotion-requests/${requested.output.request.id}/approve`,
          callers.bob,
        )
        .send({});
      expect(approved.status).toBe(200);

      const production = await alice.call(TOOLS.production, {
        model: `default/${model.name}`,
      });
      expect(production.output).toMatchObject({
        modelRef: model.ref,
        title: 'MCP fraud detector',
        owner: 'group:default/risk-ml',
        stage: 'production',
        summary: {
          stageOccupants: { production: 2 },
          aliases: { champion: 2 },
        },
        version: {
          version: 2,
          stage: 'production',
          aliases: ['champion'],
          metrics: { auc: 0.93 },
        },
      });
      const version2 = `version:${model.ref}@2`;
      expect(production.output.lineage.root).toBe(version2);
      expect(production.output.lineage.edges).toEqual(
        expect.arrayContaining([
          { from: version2, to: `entity:${dataset}`, relation: 'trainedOn' },
          {
            from: version2,
            to: `version:${base.ref}@1`,
            relation: 'fineTunedFrom',
          },
        ]),
      );
      const restLineage = await registry.api(
        'get',
        `${model.path}/versions/2/lineage`,
      );
      expect(production.output.lineage).toEqual(restLineage.body);

      const versions = await alice.call(TOOLS.versions, {
        model: model.ref,
        limit: 1,
      });
      expect(versions.output.items.map((v: any) => v.version)).toEqual([2]);
      expect(versions.output.nextCursor).toEqual(expect.any(String));
      const next = await alice.call(TOOLS.versions, {
        model: model.ref,
        limit: 1,
        cursor: versions.output.nextCursor,
      });
      expect(next.output.items.map((v: any) => v.version)).toEqual([1]);
      const inProduction = await alice.call(TOOLS.versions, {
        model: model.ref,
        stage: 'production',
      });
      expect(inProduction.output.items.map((v: any) => v.version)).toEqual([2]);
      const restVersions = await registry.api(
        'get',
        `${model.path}/versions?stage=production`,
      );
      expect(inProduction.output).toEqual(restVersions.body);

      const history = await alice.call(TOOLS.history, {
        model: model.ref,
        limit: 10,
      });
      expect(
        history.output.items.map((h: any) => [h.action, h.actor, h.version]),
      ).toEqual([
        ['alias.set', BOB, 2],
        ['version.stage', BOB, 2],
        ['promotion.approve', BOB, 2],
        ['promotion.request', ALICE, 2],
        ['version.register', ALICE, 2],
        ['version.register', ALICE, 1],
      ]);
      const ofVersion1 = await alice.call(TOOLS.history, {
        model: model.ref,
        version: 1,
      });
      expect(ofVersion1.output.items.map((h: any) => h.action)).toEqual([
        'version.register',
      ]);

      const inStage = await alice.call(TOOLS.find, {
        query: 'mcp-',
        stage: 'production',
      });
      expect(inStage.output.items.map((m: any) => m.entityRef)).toEqual([
        model.ref,
      ]);

      const badInput = await alice.call(TOOLS.versions, {
        model: 'component:default/not-a-model',
      });
      expect(badInput.error).toMatch(/^InputError: .*not MLModel/);
      const badStage = await alice.call(TOOLS.versions, {
        model: model.ref,
        stage: 'nowhere',
      });
      expect(badStage.error).toMatch(/^InputError: stage/);

      // by the production version's metrics and by tag (issue 12)
      const byMetric = await alice.call(TOOLS.find, {
        query: 'mcp-',
        metric: 'auc > 0.9',
      });
      expect(byMetric.output.items.map((m: any) => m.entityRef)).toEqual([
        model.ref,
      ]);
      const notByMetric = await alice.call(TOOLS.find, {
        query: 'mcp-',
        metric: 'auc > 0.999',
      });
      expect(notByMetric.output.items).toEqual([]);
      const badMetric = await alice.call(TOOLS.find, { metric: 'auc >' });
      expect(badMetric.error).toMatch(/^InputError: metric/);
      const badTag = await alice.call(TOOLS.find, { tag: '=x' });
      expect(badTag.error).toMatch(/^InputError: tag/);
    });

    it('tells a user who cannot read a model nothing about it', async () => {
      const secret = registry.addModel('mcp-secret', { hiddenFrom: [EVE] });
      const open = registry.addModel('mcp-open');
      await registry.registerVersion(secret);
      await registry.registerVersion(open, {
        lineage: [
          { relation: 'fineTunedFrom', entityRef: secret.ref, version: 1 },
        ],
      });
      const eve = await as(mockCredentials.user.header(EVE));

      const found = await eve.call(TOOLS.find, { query: 'mcp-secret' });
      expect(found.output).toEqual({ items: [], totalCount: 0 });
      const byStage = await eve.call(TOOLS.find, {
        query: 'mcp-secret',
        stage: 'none',
      });
      expect(byStage.output).toEqual({ items: [], totalCount: 0 });
      for (const [tool, args] of [
        [TOOLS.production, { model: secret.ref }],
        [TOOLS.versions, { model: secret.ref }],
        [TOOLS.history, { model: secret.ref }],
        [TOOLS.history, { model: secret.ref, version: 1 }],
        [TOOLS.request, { model: secret.ref, version: 1, stage: 'production' }],
      ] as const) {
        const result = await eve.call(tool, args);
        expect([tool, result]).toEqual([
          tool,
          { error: `NotFoundError: model ${secret.ref} does not exist` },
        ]);
      }
      // the same answer as for a model that does not exist at all
      const missing = await eve.call(TOOLS.versions, {
        model: 'mlmodel:default/mcp-no-such-model',
      });
      expect(missing.error).toBe(
        'NotFoundError: model mlmodel:default/mcp-no-such-model does not exist',
      );
      // a readable model's lineage leaves out the base model Eve cannot read
      await registry
        .api('post', `${open.path}/versions/1/stage`)
        .send({ stage: 'staging' })
        .expect(200);
      const staging = await eve.call(TOOLS.production, {
        model: open.ref,
        stage: 'staging',
      });
      expect(staging.output.version).toMatchObject({ version: 1 });
      expect(staging.output.lineage.nodes).toEqual([
        expect.objectContaining({ id: `version:${open.ref}@1` }),
      ]);
      expect(JSON.stringify(staging.output)).not.toContain(secret.ref);
      // Alice, who can read both, sees the edge
      const alice = await as(callers.alice);
      const full = await alice.call(TOOLS.production, {
        model: open.ref,
        stage: 'staging',
      });
      expect(JSON.stringify(full.output.lineage)).toContain(secret.ref);
      expect(
        registry.auditEvents.filter(e => e.actionType === 'promotion.request'),
      ).toEqual([
        expect.objectContaining({
          status: 'failed',
          meta: expect.objectContaining({ actor: EVE }),
        }),
      ]);
      const requests = await registry.api(
        'get',
        `${secret.path}/promotion-requests`,
      );
      expect(requests.body.items).toEqual([]);
    });

    it('refuses a promotion request from a user without model-registry.promotion.request, opening nothing', async () => {
      const model = registry.addModel('mcp-denied');
      await registry.registerVersion(model);
      const mallory = await as(callers.mallory);
      // Mallory may read the model (the catalog shows it to her) ...
      const versions = await mallory.call(TOOLS.versions, { model: model.ref });
      expect(versions.output.items.map((v: any) => v.version)).toEqual([1]);
      // ... but not ask for its promotion: the route's 403
      const denied = await mallory.call(TOOLS.request, {
        model: model.ref,
        version: 1,
        stage: 'production',
      });
      expect(denied.error).toBe(
        `NotAllowedError: not allowed to model-registry.promotion.request on ${model.ref}`,
      );
      const rest = await registry
        .api(
          'post',
          `${model.path}/versions/1/promotion-requests`,
          callers.mallory,
        )
        .send({ stage: 'production' });
      expect(rest.status).toBe(403);
      expect(rest.body.error.message).toBe(
        denied.error!.replace('NotAllowedError: ', ''),
      );
      const requests = await registry.api(
        'get',
        `${model.path}/promotion-requests`,
      );
      expect(requests.body.items).toEqual([]);
      expect(
        registry.auditEvents
          .filter(e => e.actionType === 'promotion.request')
          .map(e => [e.status, e.meta.via, e.meta.actor]),
      ).toEqual([
        ['failed', 'model-registry:request-promotion', MALLORY],
        ['failed', undefined, undefined],
      ]);
      // a stage that needs no approval is the route's 400
      const alice = await as(callers.alice);
      const direct = await alice.call(TOOLS.request, {
        model: model.ref,
        version: 1,
        stage: 'staging',
      });
      expect(direct.error).toMatch(
        /^InputError: stage: staging needs no approval/,
      );
    });
  },
  {
    config: () => ({
      backend: { actions: { pluginSources: ['model-registry'] } },
      modelRegistry: {
        stages: {
          approvals: {
            production: {
              required: 1,
              notify: ['group:default/platform-ml'],
            },
          },
        },
      },
    }),
    features: [mcpActionsPlugin],
  },
);
