import { useApi, useAppLocation } from '@backstage/frontend-plugin-api';
import { useEffect, useRef } from 'react';
import { modelRegistryApiRef } from '../../api';
import { servingStageOf, useStageRules } from '../../hooks/useStageRules';

/** The overview of an MLModel entity page at the catalog's default entity route. */
const MODEL_OVERVIEW = /\/catalog\/([^/]+)\/mlmodel\/([^/]+)\/?$/i;

/** The namespace and name of the model whose overview the path shows, if it does. */
export function modelOfOverviewPath(
  pathname: string,
): { namespace: string; name: string } | undefined {
  const match = MODEL_OVERVIEW.exec(pathname);
  if (!match) return undefined;
  try {
    return {
      namespace: decodeURIComponent(match[1]),
      name: decodeURIComponent(match[2]),
    };
  } catch {
    return undefined;
  }
}

type Prefetcher = {
  prefetchModelPage?(model: string, servingStage: string | undefined): void;
};

/**
 * Rendered at the app root: when the URL is a model's overview, it starts the model card's
 * registry requests and loads the card's code right away, in parallel with the catalog's
 * entity request, instead of after the entity page has mounted its cards.
 */
export function ModelPagePrefetch() {
  const location = useAppLocation();
  const api = useApi(modelRegistryApiRef) as unknown as Prefetcher;
  const servingStage = servingStageOf(useStageRules());
  const last = useRef<string>();
  const model = modelOfOverviewPath(location.pathname);
  const key = model ? `mlmodel:${model.namespace}/${model.name}` : undefined;

  useEffect(() => {
    if (!key || key === last.current) {
      last.current = key;
      return;
    }
    last.current = key;
    api.prefetchModelPage?.(key, servingStage);
    import('../ModelCard').catch(() => undefined);
  }, [api, key, servingStage]);

  return null;
}
