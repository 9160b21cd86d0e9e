import {
  BOB,
  callers,
  describeRegistry,
  expectBadInput,
  expectCursorsRefused,
  tamperedCursors,
  TestModel,
} from '../__testUtils__/startRegistry';

describeRegistry('lineage routes', registry => {
  const api = registry.api.bind(registry);

  it('walks a fine-tuned model up and down, and finds the versions trained on a dataset', async () => {
    const child = registry.addModel('fraud-detector');
    const parent = registry.addModel('base-encoder');
    const dataset = `resource:default/${registry.uniqueName(
      'card-transactions',
    )}`;
    const base = child.path;
    await registry.registerVersion(child, {
      lineage: [{ relation: 'trainedOn', entityRef: dataset }],
    });
    await registry.registerVersion(child);
    await registry.registerVersion(parent);
    expect(
      (
        await api('post', `${base}/versions/2/lineage`).send({
          edges: [
            { relation: 'fineTunedFrom', entityRef: parent.ref, version: 1 },
            { relation: 'trainedOn', entityRef: dataset },
          ],
        })
      ).status,
    ).toBe(201);

    const lineage = await api(
      'get',
      `${base}/versions/2/lineage?direction=upstream&depth=2`,
    );
    expect(lineage.body.edges).toEqual(
      expect.arrayContaining([
        {
          from: `version:${child.ref}@2`,
          to: `version:${parent.ref}@1`,
          relation: 'fineTunedFrom',
        },
        {
          from: `version:${child.ref}@2`,
          to: `entity:${dataset}`,
          relation: 'trainedOn',
        },
      ]),
    );
    const downstream = await api(
      'get',
      `${parent.path}/versions/1/lineage?direction=downstream`,
    );
    expect(downstream.body.nodes.map((n: any) => n.id)).toContain(
      `version:${child.ref}@2`,
    );
    const dependents = await api(
      'get',
      `/lineage/dependents?target=${encodeURIComponent(
        dataset,
      )}&relation=trainedOn`,
    );
    expect(dependents.body.items.map((e: any) => e.version).sort()).toEqual([
      1, 2,
    ]);
    const descendants = await api('get', `${parent.path}/descendants`);
    expect(descendants.body.items).toEqual([
      expect.objectContaining({ modelRef: child.ref, version: 2, depth: 1 }),
    ]);
  });

  it('rejects a lineage depth over the cap, naming it', async () => {
    const model = registry.addModel('fraud-detector');
    await registry.registerVersion(model);
    await expectBadInput(registry, [
      [
        'get',
        `${model.path}/versions/1/lineage?depth=50`,
        'depth',
        undefined,
        'depth',
      ],
    ]);
    expect(
      (await api('get', `${model.path}/versions/1/lineage?depth=10`)).status,
    ).toBe(200);
  });

  describe('reading follows the catalog through lineage (issue 8)', () => {
    const fineTune = (child: TestModel, parent: TestModel) =>
      api('post', `${child.path}/versions/1/lineage`)
        .send({
          edges: [
            { relation: 'fineTunedFrom', entityRef: parent.ref, version: 1 },
          ],
        })
        .expect(201);

    it('stops the walk at a hidden version: nothing behind it, no depth that reveals it', async () => {
      const mine = registry.addModel('mine');
      const hidden = registry.addModel('hidden', { hiddenFrom: [BOB] });
      const middle = registry.addModel('middle');
      const inner = registry.addModel('inner');
      const deeper = registry.addModel('deeper');
      const ownData = `resource:default/${registry.uniqueName('own-data')}`;
      const secretData = `resource:default/${registry.uniqueName(
        'secret-data',
      )}`;
      const secretCommit = `https://git.example.com/secret/${registry.uniqueName(
        'c',
      )}`;
      const secretRun = `https://runs.example.com/${registry.uniqueName('r')}`;
      for (const m of [mine, hidden, middle, inner, deeper]) {
        await registry.registerVersion(m);
      }
      await api('post', `${mine.path}/versions/1/lineage`)
        .send({ edges: [{ relation: 'trainedOn', entityRef: ownData }] })
        .expect(201);
      await api('post', `${hidden.path}/versions/1/lineage`)
        .send({
          edges: [
            { relation: 'trainedOn', entityRef: secretData },
            { relation: 'builtFromCommit', uri: secretCommit },
            { relation: 'producedByRun', uri: secretRun },
          ],
        })
        .expect(201);
      // mine → hidden → deeper (2 edges, through the hidden model), and
      // mine → middle → inner → deeper (3 edges, all readable)
      await fineTune(mine, hidden);
      await fineTune(hidden, deeper);
      await fineTune(mine, middle);
      await fineTune(middle, inner);
      await fineTune(inner, deeper);

      const asAlice = await api(
        'get',
        `${mine.path}/versions/1/lineage?direction=upstream&depth=5`,
      );
      // upstream depths count negative; compare distances
      const aliceDepth = (id: string) =>
        Math.abs(asAlice.body.nodes.find((n: any) => n.id === id)?.depth);
      expect(aliceDepth(`version:${deeper.ref}@1`)).toBe(2);
      expect(aliceDepth(`entity:${secretData}`)).toBe(2);

      const graph = await api(
        'get',
        `${mine.path}/versions/1/lineage?direction=upstream&depth=5`,
        callers.bob,
      );
      expect(graph.status).toBe(200);
      const text = JSON.stringify(graph.body);
      for (const secret of [hidden.ref, secretData, secretCommit, secretRun]) {
        expect([secret, text.includes(secret)]).toEqual([secret, false]);
      }
      const depth = (id: string) =>
        Math.abs(graph.body.nodes.find((n: any) => n.id === id)?.depth);
      expect(depth(`entity:${ownData}`)).toBe(1);
      expect(depth(`version:${middle.ref}@1`)).toBe(1);
      expect(depth(`version:${inner.ref}@1`)).toBe(2);
      // reached through readable versions only: three edges, not two
      expect(depth(`version:${deeper.ref}@1`)).toBe(3);
      const ids = new Set(graph.body.nodes.map((n: any) => n.id));
      for (const edge of graph.body.edges) {
        expect([edge, ids.has(edge.from) && ids.has(edge.to)]).toEqual([
          edge,
          true,
        ]);
      }
    });

    it('pages descendants and never names a hidden model in them', async () => {
      const parent = registry.addModel('parent');
      const hidden = registry.addModel('hidden', { hiddenFrom: [BOB] });
      const behindHidden = registry.addModel('behind-hidden');
      const children = [
        registry.addModel('child'),
        registry.addModel('child'),
        registry.addModel('child'),
      ];
      for (const m of [parent, hidden, behindHidden, ...children]) {
        await registry.registerVersion(m);
      }
      await fineTune(hidden, parent);
      await fineTune(behindHidden, hidden);
      for (const child of children) await fineTune(child, parent);

      const seen: any[] = [];
      const pages: number[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const res = await api(
          'get',
          `${parent.path}/descendants?limit=2${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
          }`,
          callers.bob,
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.items);
        pages.push(res.body.items.length);
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      expect(pages[0]).toBe(2);
      expect(seen.map(d => d.modelRef).sort()).toEqual(
        children.map(c => c.ref).sort(),
      );
      expect(JSON.stringify(seen)).not.toContain(hidden.ref);

      // Alice reads the hidden model: she sees it, and what was fine-tuned from it.
      const asAlice = await api('get', `${parent.path}/descendants?limit=100`);
      expect(asAlice.body.items.map((d: any) => d.modelRef)).toEqual(
        expect.arrayContaining([hidden.ref, behindHidden.ref]),
      );
    });

    it('answers /lineage/dependents with full pages of readable rows', async () => {
      const dataset = `resource:default/${registry.uniqueName('shared-data')}`;
      const readable: string[] = [];
      for (let i = 0; i < 9; i++) {
        const isHidden = i % 3 !== 0;
        const m = registry.addModel(isHidden ? 'hidden' : 'open', {
          hiddenFrom: isHidden ? [BOB] : [],
        });
        await registry.registerVersion(m, {
          lineage: [{ relation: 'trainedOn', entityRef: dataset }],
        });
        if (!isHidden) readable.push(m.ref);
      }
      const path = `/lineage/dependents?target=${encodeURIComponent(
        dataset,
      )}&limit=2`;
      const rows: any[] = [];
      const pages: number[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const res = await api(
          'get',
          `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          callers.bob,
        );
        expect(res.status).toBe(200);
        rows.push(...res.body.items);
        pages.push(res.body.items.length);
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      expect(rows.map(r => r.modelRef).sort()).toEqual(readable.sort());
      // every page but the last is full; no empty page promises more
      expect(pages.slice(0, -1).every(n => n === 2)).toBe(true);
      expect(pages).toEqual([2, 1]);

      const first = await api('get', path, callers.bob);
      const other = registry.addModel('other');
      await registry.registerVersion(other);
      await registry.registerVersion(other);
      const otherList = await api('get', `${other.path}/versions?limit=1`);
      await expectCursorsRefused(
        registry,
        path,
        [...tamperedCursors(first.body.nextCursor), otherList.body.nextCursor],
        callers.bob,
      );
    });

    it('answers an edge to a hidden version exactly like one to a missing model', async () => {
      const mine = registry.addModel('mine');
      const hidden = registry.addModel('hidden', { hiddenFrom: [BOB] });
      await registry.registerVersion(mine);
      await registry.registerVersion(hidden);
      const missing = `mlmodel:default/${registry.uniqueName('missing')}`;
      const edgeTo = (entityRef: string) =>
        api('post', `${mine.path}/versions/1/lineage`, callers.bob).send({
          edges: [{ relation: 'fineTunedFrom', entityRef, version: 1 }],
        });
      const toHidden = await edgeTo(hidden.ref);
      const toMissing = await edgeTo(missing);
      expect(toHidden.status).toBe(400);
      expect(toHidden.status).toBe(toMissing.status);
      expect(toHidden.body.error.name).toBe(toMissing.body.error.name);
      expect(toHidden.body.error.message.replace(hidden.ref, '<model>')).toBe(
        toMissing.body.error.message.replace(missing, '<model>'),
      );

      // an existing, readable model without that version is refused too
      const noSuchVersion = await api(
        'post',
        `${mine.path}/versions/1/lineage`,
      ).send({
        edges: [
          { relation: 'fineTunedFrom', entityRef: mine.ref, version: 99 },
        ],
      });
      expect(noSuchVersion.status).toBe(400);
      expect(noSuchVersion.body.error.message).toContain('edges[0]');
      expect(
        (await api('get', `${mine.path}/versions/1/lineage?depth=1`)).body
          .edges,
      ).toEqual([]);
    });

    it('refuses a lineage edge version over int32 and a depth over 10', async () => {
      const model = registry.addModel('fraud-detector');
      await registry.registerVersion(model);
      await expectBadInput(registry, [
        [
          'post',
          `${model.path}/versions/1/lineage`,
          'edge version over int32',
          {
            edges: [
              {
                relation: 'fineTunedFrom',
                entityRef: model.ref,
                version: 3000000000,
              },
            ],
          },
          'version',
        ],
        [
          'get',
          `${model.path}/versions/1/lineage?depth=11`,
          'depth 11',
          undefined,
          'depth',
        ],
        [
          'get',
          `${model.path}/descendants?depth=11`,
          'descendants depth 11',
          undefined,
          'depth',
        ],
      ]);
      expect(
        (await api('get', `${model.path}/versions/1/lineage?depth=1`)).body
          .edges,
      ).toEqual([]);
    });
  });
});
