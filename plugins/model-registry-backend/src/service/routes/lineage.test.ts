import { describeRegistry, expectBadInput } from '../../testing/startRegistry';

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
});
