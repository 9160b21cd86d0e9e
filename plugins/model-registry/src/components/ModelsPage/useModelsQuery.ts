import { useEffect, useMemo, useState } from 'react';
import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { ModelRegistryApi } from '../../api';

/** Models per page. */
export const PAGE_SIZE = 20;
/** How long typing pauses before the text filters apply. */
export const DEBOUNCE_MS = 400;

/** The filters typed as text: search, task, tag and the production metric conditions. */
export type ModelsTextFilters = {
  q: string;
  task: string;
  tag: string;
  metric: string;
};
const TEXT_FIELDS = ['q', 'task', 'tag', 'metric'] as const;

/** The columns the server sorts by. */
export type ModelsSort = 'name' | 'owner' | 'task' | 'lifecycle';
export const MODELS_SORTS: ModelsSort[] = [
  'name',
  'owner',
  'task',
  'lifecycle',
];

/** Every filter and the sort, as the page's URL holds them (query parameters). */
export type ModelsUrlState = ModelsTextFilters & {
  owner: string;
  lifecycle: string;
  stage: string;
  sort: ModelsSort;
  order: 'asc' | 'desc';
};

/** A page: the cursor that fetches it and the index of its first model. */
type PageRef = { cursor?: string; offset: number };

function trimmed(value: string) {
  const t = value.trim();
  return t ? t : undefined;
}

/** Reads the page's state from its query parameters (unknown values fall back). */
export function readModelsUrl(params: URLSearchParams): ModelsUrlState {
  const get = (key: string) => params.get(key) ?? '';
  const sort = get('sort') as ModelsSort;
  return {
    q: get('q'),
    task: get('task'),
    tag: get('tag'),
    metric: get('metric'),
    owner: get('owner'),
    lifecycle: get('lifecycle'),
    stage: get('stage'),
    sort: MODELS_SORTS.includes(sort) ? sort : 'name',
    order: get('order') === 'desc' ? 'desc' : 'asc',
  };
}

/** The query parameters of a state: only what differs from the defaults. */
export function modelsUrlParams(state: ModelsUrlState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [...TEXT_FIELDS, 'owner', 'lifecycle', 'stage'] as const) {
    const value = trimmed(state[key]);
    if (value) out[key] = value;
  }
  if (state.sort !== 'name') out.sort = state.sort;
  if (state.order !== 'asc') out.order = state.order;
  return out;
}

/**
 * The Models page's state. Every filter and the sort live in the page's URL, so that a
 * link shares them and Back returns to them; typed filters reach the URL (and the server)
 * when typing pauses. A change of the filters or the sort starts from the first page.
 */
export function useModelsQuery(api: ModelRegistryApi) {
  const [params, setParams] = useAppSearchParams();
  const url = readModelsUrl(params);
  const urlKey = JSON.stringify(modelsUrlParams(url));

  // What is typed, ahead of the URL until typing pauses.
  const [input, setInput] = useState<ModelsTextFilters>(() => pickText(url));
  const [typing, setTyping] = useState(false);
  const urlText = JSON.stringify(pickText(url));
  useEffect(() => {
    // Back, Forward or a link changed the URL: show what it holds.
    if (!typing) setInput(JSON.parse(urlText));
  }, [urlText, typing]);
  useDebounce(
    () => {
      if (!typing) return;
      setTyping(false);
      const next = { ...url, ...input };
      if (JSON.stringify(modelsUrlParams(next)) !== urlKey) {
        setParams(modelsUrlParams(next), { replace: true });
      }
    },
    DEBOUNCE_MS,
    [input, typing],
  );
  const update = (change: Partial<ModelsUrlState>) =>
    setParams(modelsUrlParams({ ...url, ...input, ...change }));

  // The server's query is the URL's (trimmed, defaults left out).
  const queryKey = urlKey;
  const query = useMemo(
    () =>
      JSON.parse(queryKey) as Partial<
        Omit<ModelsUrlState, 'sort'> & { sort: Exclude<ModelsSort, 'name'> }
      >,
    [queryKey],
  );
  // The pages before the current one and the current one.
  const [paging, setPaging] = useState<{ key: string; pages: PageRef[] }>({
    key: queryKey,
    pages: [{ offset: 0 }],
  });
  const pages = paging.key === queryKey ? paging.pages : [{ offset: 0 }];
  const { cursor, offset } = pages[pages.length - 1];

  // Each answer carries the request it answers, so that a render between a filter change
  // and the start of its request never shows the previous answer as the current one.
  const requestKey = JSON.stringify([queryKey, cursor]);
  const { value: answer } = useAsync(async () => {
    try {
      const page = await api.listModels({ limit: PAGE_SIZE, cursor, ...query });
      return { key: requestKey, page, error: undefined };
    } catch (e) {
      return { key: requestKey, page: undefined, error: e as Error };
    }
  }, [api, requestKey]);
  const current = answer?.key === requestKey ? answer : undefined;
  const page = current?.page;
  const { sort, order, ...filters } = query;

  return {
    input,
    setTextFilter: (field: keyof ModelsTextFilters, value: string) => {
      setTyping(true);
      setInput(previous => ({ ...previous, [field]: value }));
    },
    owner: url.owner,
    setOwner: (owner: string) => update({ owner }),
    lifecycle: url.lifecycle,
    setLifecycle: (lifecycle: string) => update({ lifecycle }),
    stage: url.stage,
    setStage: (stage: string) => update({ stage }),
    sort: url.sort,
    order: url.order,
    /** Sorts by a column; the column already sorted by turns around. */
    sortBy: (column: ModelsSort) =>
      update({
        sort: column,
        order: url.sort === column && url.order === 'asc' ? 'desc' : 'asc',
      }),
    hasServerFilters: Object.values(filters).some(Boolean),
    /** Filters the registry applies (the server then counts only a one-page answer). */
    registryFilters: {
      stage: query.stage,
      tag: query.tag,
      metric: query.metric,
    },
    loading: !current,
    error: current?.error,
    items: page?.items ?? [],
    totalCount: page?.totalCount,
    offset,
    pageNumber: pages.length,
    hasNext: Boolean(page?.nextCursor),
    next: () => {
      if (!page?.nextCursor) return;
      setPaging({
        key: queryKey,
        pages: [
          ...pages,
          { cursor: page.nextCursor, offset: offset + page.items.length },
        ],
      });
    },
    previous: () => setPaging({ key: queryKey, pages: pages.slice(0, -1) }),
  };
}

function pickText(state: ModelsTextFilters): ModelsTextFilters {
  return {
    q: state.q,
    task: state.task,
    tag: state.tag,
    metric: state.metric,
  };
}
