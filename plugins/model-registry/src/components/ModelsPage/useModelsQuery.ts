import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { ModelRegistryApi } from '../../api';

/** Models per page. */
export const PAGE_SIZE = 20;
/** How long typing pauses before the text filters apply. */
export const DEBOUNCE_MS = 400;

/** The free-text filters, as typed. */
export type ModelsTextFilters = { owner: string; task: string; q: string };

/** A page: the cursor that fetches it and the index of its first model. */
type PageRef = { cursor?: string; offset: number };

function trimmed(value: string) {
  const t = value.trim();
  return t ? t : undefined;
}

/**
 * The Models page's state: the filters (text filters debounced), the server-side query
 * they make, the page being shown and its answer. A change of the filters starts again
 * from the first page.
 */
export function useModelsQuery(api: ModelRegistryApi) {
  const [input, setInput] = useState<ModelsTextFilters>({
    owner: '',
    task: '',
    q: '',
  });
  const [text, setText] = useState<ModelsTextFilters>(input);
  useDebounce(() => setText(input), DEBOUNCE_MS, [input]);
  const [lifecycle, setLifecycle] = useState<string>('');
  const [stage, setStage] = useState<string>('');

  const query = useMemo(
    () => ({
      owner: trimmed(text.owner),
      task: trimmed(text.task),
      q: trimmed(text.q),
      lifecycle: lifecycle || undefined,
      stage: stage || undefined,
    }),
    [text, lifecycle, stage],
  );
  const queryKey = JSON.stringify(query);
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

  return {
    input,
    setTextFilter: (field: keyof ModelsTextFilters, value: string) =>
      setInput(previous => ({ ...previous, [field]: value })),
    lifecycle,
    setLifecycle,
    stage,
    setStage,
    hasServerFilters: Object.values(query).some(Boolean),
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
