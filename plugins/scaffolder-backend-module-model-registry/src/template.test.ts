/*
 * A dry run of the "New ML model" template (examples/templates/new-ml-model) through the real
 * scaffolder backend with this module: the form values are checked, the skeleton is rendered,
 * the model registry actions run in dry-run mode, and the rendered project's own Python tests
 * pass with the Python of this machine.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
// The real registry: the template's model step asks it (dry run) before anything is published.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import modelRegistryPlugin from '@model-registry/plugin-model-registry-backend';
import {
  createModelNamingRule,
  validateMLModelEntity,
} from '@model-registry/plugin-model-registry-common';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import scaffolderModuleModelRegistry from '.';
import { entity } from './__testUtils__/registry';

jest.setTimeout(180_000);

const TEMPLATE_DIR = path.resolve(
  __dirname,
  '../../../examples/templates/new-ml-model',
);

function templateFiles(dir = TEMPLATE_DIR): Array<{
  path: string;
  base64Content: string;
}> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return templateFiles(full);
    if (full === path.join(TEMPLATE_DIR, 'template.yaml')) return [];
    return [
      {
        path: path.relative(TEMPLATE_DIR, full),
        base64Content: fs.readFileSync(full).toString('base64'),
      },
    ];
  });
}

const values = {
  name: 'fraud-scorer',
  title: 'Fraud scorer',
  description: 'Scores card "transactions" for fraud risk.',
  task: 'classification',
  framework: 'scikit-learn',
  owner: 'group:default/risk-ml',
  system: 'system:default/payments',
  datasets: [
    'resource:default/card-transactions',
    'resource:default/chargebacks',
  ],
  intendedUse: 'Real-time scoring of card transactions.',
  limitations: '',
  publishTo: 'local',
};

describe('the New ML model template', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let published: string;

  beforeAll(async () => {
    published = fs.mkdtempSync(path.join(os.tmpdir(), 'published-models-'));
    backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderGithubModule,
        scaffolderModuleModelRegistry,
        modelRegistryPlugin,
        catalogServiceMock.factory({
          entities: [
            entity('Group', 'risk-ml', { type: 'team', children: [] }),
            entity('System', 'payments', { owner: 'risk-ml' }),
          ],
        }),
        // Alice is a member of risk-ml (models are registered for one's own groups)
        mockServices.userInfo.mock({
          async getUserInfo(credentials: any) {
            const ref = credentials.principal.userEntityRef;
            return {
              userEntityRef: ref,
              ownershipEntityRefs: [ref, 'group:default/risk-ml'],
            };
          },
        }).factory,
        mockServices.rootConfig.factory({
          data: {
            modelRegistry: {
              scaffolder: { localPublish: { directory: published } },
            },
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(published, { recursive: true, force: true });
  });

  const template = () =>
    YAML.parse(
      fs.readFileSync(path.join(TEMPLATE_DIR, 'template.yaml'), 'utf8'),
    );

  const dryRun = (formValues: object) =>
    request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({
        template: template(),
        values: formValues,
        directoryContents: templateFiles(),
      });

  it('renders a project whose catalog-info.yaml is a valid MLModel and whose tests pass', async () => {
    const res = await dryRun(values);
    expect(res.status).toBe(200);

    const messages = res.body.log.map(
      (l: { body: { message: string } }) => l.body.message,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'Dry run: would register mlmodel:default/fraud-scorer owned by group:default/risk-ml',
        ),
        expect.stringContaining('Dry run: would publish'),
      ]),
    );
    expect(res.body.output.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          title: 'Open the model in the catalog',
          entityRef: 'mlmodel:default/fraud-scorer',
        }),
      ]),
    );
    // nothing is published by a dry run
    expect(fs.readdirSync(published)).toEqual([]);

    // the rendered project, written out
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rendered-model-'));
    try {
      const files = res.body.directoryContents as Array<{
        path: string;
        base64Content: string;
        executable?: boolean;
      }>;
      for (const file of files) {
        const target = path.join(dir, file.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, Buffer.from(file.base64Content, 'base64'), {
          mode: file.executable ? 0o755 : 0o644,
        });
      }
      expect(files.map(f => f.path).sort()).toEqual(
        expect.arrayContaining([
          '.github/workflows/train-and-register.yml',
          'MODEL_CARD.md',
          'README.md',
          'catalog-info.yaml',
          'model.json',
          'register.py',
          'tests/test_register.py',
          'tests/test_train.py',
          'train.py',
        ]),
      );

      const model = YAML.parse(
        fs.readFileSync(path.join(dir, 'catalog-info.yaml'), 'utf8'),
      );
      expect(
        validateMLModelEntity(model, { namingRule: createModelNamingRule() }),
      ).toEqual([]);
      expect(model).toMatchObject({
        kind: 'MLModel',
        metadata: {
          name: 'fraud-scorer',
          title: 'Fraud scorer',
          description: 'Scores card "transactions" for fraud risk.',
        },
        spec: {
          type: 'classification',
          owner: 'group:default/risk-ml',
          system: 'system:default/payments',
          dependsOn: values.datasets,
          card: { intendedUse: 'Real-time scoring of card transactions.' },
        },
      });
      expect(model.spec.card.limitations).toBeUndefined();
      expect(
        JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')),
      ).toMatchObject({ name: 'fraud-scorer', datasets: values.datasets });
      // GitHub's own ${{ }} expressions survive the template rendering
      expect(
        fs.readFileSync(
          path.join(dir, '.github/workflows/train-and-register.yml'),
          'utf8',
        ),
      ).toContain('${{ secrets.MODEL_REGISTRY_TOKEN }}');

      // the skeleton's own tests, with this machine's Python
      const python = process.env.PYTHON ?? 'python3';
      const run = spawnSync(
        python,
        ['-m', 'unittest', 'discover', '-s', 'tests', '-v'],
        { cwd: dir, encoding: 'utf8', timeout: 120_000 },
      );
      if (run.status !== 0) {
        throw new Error(
          `the rendered project's tests failed (${python}):\n${run.stdout}\n${run.stderr}`,
        );
      }
      expect(run.stderr).toMatch(/Ran \d+ tests/);
      expect(run.stderr).toContain('OK');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renders with the optional values left out', async () => {
    const res = await dryRun({
      name: 'churn-model',
      description: 'Predicts churn.',
      task: 'classification',
      framework: 'xgboost',
      owner: 'group:default/risk-ml',
      publishTo: 'local',
    });
    expect(res.status).toBe(200);
    const catalogInfo = res.body.directoryContents.find(
      (f: { path: string }) => f.path === 'catalog-info.yaml',
    );
    const model = YAML.parse(
      Buffer.from(catalogInfo.base64Content, 'base64').toString('utf8'),
    );
    expect(
      validateMLModelEntity(model, { namingRule: createModelNamingRule() }),
    ).toEqual([]);
    expect(model.spec.dependsOn).toBeUndefined();
    expect(model.spec.system).toBeUndefined();
  });

  it('publishes to GitHub instead when asked (the GitHub step does not run in a dry run)', async () => {
    const res = await dryRun({
      ...values,
      publishTo: 'github',
      repoUrl: 'github.com?owner=acme-ml&repo=fraud-scorer',
    });
    expect(res.status).toBe(200);
    const messages: string[] = res.body.log.map(
      (l: { body: { message: string } }) => l.body.message,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Skipping step publish-local/),
        expect.stringMatching(/publish:github/),
      ]),
    );
    expect(messages.join('\n')).not.toContain('would publish');
    expect(fs.readdirSync(published)).toEqual([]);
  });

  it('tells where the project went', async () => {
    const res = await dryRun(values);
    expect(res.status).toBe(200);
    expect(res.body.output.text).toEqual([
      expect.objectContaining({
        title: 'Next steps',
        content: expect.stringContaining(
          `The project was written to \`${path.join(
            published,
            'fraud-scorer',
          )}\``,
        ),
      }),
    ]);
  });

  it('stops at the model action when the name breaks the naming rule', async () => {
    const res = await dryRun({ ...values, name: 'Fraud_Scorer' });
    const messages = JSON.stringify(res.body);
    expect(messages).toContain(
      'name \\"Fraud_Scorer\\" does not follow the model naming rule',
    );
    expect(fs.readdirSync(published)).toEqual([]);
  });

  /** A dry run of a one-step template that calls model-registry:version:register. */
  const dryRunRegisterVersion = (input: object) =>
    request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'register-version' },
          spec: {
            type: 'service',
            steps: [
              {
                id: 'register',
                action: 'model-registry:version:register',
                input,
              },
            ],
          },
        },
        values: {},
        directoryContents: [],
      });

  it("refuses a version card section the API does not have (card.license) in the action's input validation", async () => {
    const version = {
      model: 'mlmodel:default/fraud-scorer',
      source: 's3://models/fraud-scorer/1/model.pkl',
    };
    const accepted = await dryRunRegisterVersion({
      ...version,
      card: { intendedUse: 'Scoring card transactions.' },
    });
    expect(JSON.stringify(accepted.body)).toContain(
      'Dry run: would register a version of mlmodel:default/fraud-scorer',
    );

    const refused = await dryRunRegisterVersion({
      ...version,
      card: { intendedUse: 'Scoring card transactions.', license: 'mit' },
    });
    const log = JSON.stringify(refused.body);
    expect(log).toContain(
      'Invalid input passed to action model-registry:version:register',
    );
    expect(log).toContain('license');
    expect(log).not.toContain('Dry run: would register');
  });

  it('refuses form values that do not fit the template parameters', async () => {
    const res = await dryRun({ ...values, task: 'astrology' });
    expect(res.status).toBe(400);
  });
});
