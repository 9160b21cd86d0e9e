import { InputError } from '@backstage/errors';
import { MAX_LINEAGE_NODES } from './lineageWalk';
import { ReadableModels } from './ModelRegistryStore';
import {
  aliceStage,
  describeOnEachDatabase,
  input,
} from './__testUtils__/storeTestHarness';

jest.setTimeout(120_000);

const ROOT = 'mlmodel:default/root';
const HIDDEN = 'mlmodel:default/hidden';
const DEEP = 'mlmodel:default/deep';
const SIDE = 'mlmodel:default/side';
const CHILD = 'mlmodel:default/child';

/** A readability check that hides HIDDEN and records every call. */
function hiding(hidden: string[]) {
  const calls: string[][] = [];
  const check: ReadableModels = async refs => {
    calls.push([...refs].sort());
    return new Set(refs.filter(r => !hidden.includes(r)));
  };
  return { calls, check };
}

describeOnEachDatabase('lineage visibility', createStore => {
  /**
   * deep@1  trainedOn resource:default/secret-data
   * hidden@1 fineTunedFrom deep@1, builtFromCommit https://git/hidden
   * side@1  (readable)
   * root@1  fineTunedFrom hidden@1, evaluatedOn side@1, trainedOn hidden (no version)
   * child@1 fineTunedFrom hidden@1 (downstream of deep only through hidden)
   */
  async function seed() {
    const { store } = await createStore();
    await store.registerVersion(
      DEEP,
      input(1, {
        lineage: [
          { relation: 'trainedOn', entityRef: 'resource:default/secret-data' },
        ],
      }),
      aliceStage,
    );
    await store.registerVersion(
      HIDDEN,
      input(2, {
        lineage: [
          { relation: 'fineTunedFrom', entityRef: DEEP, version: 1 },
          { relation: 'builtFromCommit', uri: 'https://git.example/hidden' },
        ],
      }),
      aliceStage,
    );
    await store.registerVersion(SIDE, input(3), aliceStage);
    await store.registerVersion(
      ROOT,
      input(4, {
        lineage: [
          { relation: 'fineTunedFrom', entityRef: HIDDEN, version: 1 },
          { relation: 'evaluatedOn', entityRef: SIDE, version: 1 },
          { relation: 'trainedOn', entityRef: HIDDEN },
        ],
      }),
      aliceStage,
    );
    await store.registerVersion(
      CHILD,
      input(5, {
        lineage: [{ relation: 'fineTunedFrom', entityRef: HIDDEN, version: 1 }],
      }),
      aliceStage,
    );
    return store;
  }

  it('leaves out the versions of unreadable models and what is reachable only through them', async () => {
    const store = await seed();
    const { calls, check } = hiding([HIDDEN]);
    const up = await store.getLineage(ROOT, 1, {
      direction: 'upstream',
      depth: 5,
      readableModels: check,
    });
    expect(up.nodes.map(n => n.id).sort()).toEqual([
      `version:${ROOT}@1`,
      `version:${SIDE}@1`,
    ]);
    expect(up.edges).toEqual([
      {
        from: `version:${ROOT}@1`,
        to: `version:${SIDE}@1`,
        relation: 'evaluatedOn',
      },
    ]);
    expect(up.truncated).toBeUndefined();
    // One question for the first level; the root's model is never asked about.
    expect(calls).toEqual([[HIDDEN, SIDE]]);

    // Everything shows when all is readable.
    const all = await store.getLineage(ROOT, 1, {
      direction: 'upstream',
      depth: 5,
    });
    expect(all.nodes.map(n => n.id).sort()).toEqual(
      [
        `entity:${HIDDEN}`,
        `entity:resource:default/secret-data`,
        `uri:https://git.example/hidden`,
        `version:${DEEP}@1`,
        `version:${HIDDEN}@1`,
        `version:${ROOT}@1`,
        `version:${SIDE}@1`,
      ].sort(),
    );

    // Downstream from deep: hidden's children are reached only through hidden.
    const down = await store.getLineage(DEEP, 1, {
      direction: 'downstream',
      depth: 5,
      readableModels: hiding([HIDDEN]).check,
    });
    expect(down.nodes.map(n => n.id)).toEqual([`version:${DEEP}@1`]);
    expect(down.edges).toEqual([]);
    const downAll = await store.getLineage(DEEP, 1, {
      direction: 'downstream',
      depth: 5,
    });
    expect(downAll.nodes.map(n => `${n.id}:${n.depth}`).sort()).toEqual(
      [
        `version:${CHILD}@1:2`,
        `version:${DEEP}@1:0`,
        `version:${HIDDEN}@1:1`,
        `version:${ROOT}@1:2`,
      ].sort(),
    );
  });

  it('lists descendants of readable models only, page by page', async () => {
    const store = await seed();
    const hidden = await store.getDescendants(DEEP, {
      depth: 5,
      limit: 10,
      readableModels: hiding([HIDDEN]).check,
    });
    expect(hidden).toEqual({ items: [] });

    const all = await store.getDescendants(DEEP, { depth: 5, limit: 10 });
    expect(all.items.map(d => `${d.modelRef}@${d.version}:${d.depth}`)).toEqual(
      [`${HIDDEN}@1:1`, `${CHILD}@1:2`, `${ROOT}@1:2`],
    );
    expect(all.nextCursor).toBeUndefined();

    // Hiding child only: hidden and root stay, both named by their readable parents.
    const someHidden = await store.getDescendants(DEEP, {
      depth: 5,
      limit: 10,
      readableModels: hiding([CHILD]).check,
    });
    expect(
      someHidden.items.map(d => `${d.modelRef}<-${d.parentModelRef}`),
    ).toEqual([`${HIDDEN}<-${DEEP}`, `${ROOT}<-${HIDDEN}`]);

    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.getDescendants(DEEP, {
        depth: 5,
        limit: 1,
        cursor,
      });
      expect(page.items).toHaveLength(1);
      pages.push(...page.items.map(d => d.modelRef));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([HIDDEN, CHILD, ROOT]);

    await expect(
      store.getDescendants(DEEP, {
        depth: 5,
        limit: 1,
        cursor: store.cursors.encode('history', { d: 1, m: HIDDEN, v: 1 }),
      }),
    ).rejects.toThrow(InputError);
  });

  it('filters linked versions before it cuts the page', async () => {
    const { store } = await createStore();
    const dataset = 'resource:default/shared';
    const edge = { relation: 'trainedOn' as const, entityRef: dataset };
    for (let i = 1; i <= 5; i++) {
      await store.registerVersion(
        HIDDEN,
        input(i, { lineage: [edge] }),
        aliceStage,
      );
    }
    await store.registerVersion(
      ROOT,
      input(6, { lineage: [edge] }),
      aliceStage,
    );
    for (let i = 1; i <= 3; i++) {
      await store.registerVersion(
        HIDDEN,
        input(10 + i, { lineage: [edge] }),
        aliceStage,
      );
    }
    await store.registerVersion(
      SIDE,
      input(7, { lineage: [edge] }),
      aliceStage,
    );

    const { calls, check } = hiding([HIDDEN]);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.findVersionsLinkedTo(dataset, {
        limit: 1,
        cursor,
        readableModels: check,
      });
      // Never an empty page with a next one, never a hidden row.
      expect(page.items).toHaveLength(1);
      seen.push(...page.items.map(e => `${e.modelRef}@${e.version}`));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([`${ROOT}@1`, `${SIDE}@1`]);
    expect(cursor).toBeUndefined();
    // Asked once per page about each model it read, never about the same one twice.
    for (const refs of calls) expect(new Set(refs).size).toBe(refs.length);
    expect(calls.flat().filter(r => r === HIDDEN).length).toBeLessThanOrEqual(
      pages,
    );

    const everything = await store.findVersionsLinkedTo(dataset, { limit: 20 });
    expect(everything.items).toHaveLength(10);
  });

  it('stops a walk at MAX_LINEAGE_NODES and says that it was cut', async () => {
    const { store } = await createStore();
    const lineage = Array.from({ length: MAX_LINEAGE_NODES }, (_, i) => ({
      relation: 'builtFromCommit' as const,
      uri: `https://git.example/commit/${i}`,
    }));
    await store.registerVersion(ROOT, input(1, { lineage }), aliceStage);
    const walk = await store.getLineage(ROOT, 1, {
      direction: 'upstream',
      depth: 1,
    });
    expect(walk.nodes).toHaveLength(MAX_LINEAGE_NODES);
    expect(walk.edges).toHaveLength(MAX_LINEAGE_NODES - 1);
    expect(walk.truncated).toBe(true);
  });
});
