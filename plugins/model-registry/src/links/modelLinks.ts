import { parseEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { useCallback, useMemo } from 'react';

/** Where a model's pages live, for one model ref (e.g. `mlmodel:default/fraud-detector`). */
export interface ModelLinks {
  /** The model's entity page (its overview). */
  modelHref(modelRef: string): string;
  /** The model's Versions tab. */
  versionsHref(modelRef: string): string;
  /** One version's own page. */
  versionHref(modelRef: string, version: number): string;
  /** The comparison of 2–4 versions, optionally against a baseline. */
  compareHref(modelRef: string, versions: number[], baseline?: number): string;
}

/** The query parameters of the compare view on the Versions tab. */
export const COMPARE_PARAM = 'compare';
export const BASELINE_PARAM = 'baseline';

/**
 * Links to a model's pages, built from the catalog's entity route so that they follow
 * wherever the app mounts the entity page. Version pages live under the Versions tab
 * (`…/versions/3`), comparisons on it (`…/versions?compare=3,4&baseline=4`).
 */
export function useModelLinks(): ModelLinks {
  const entityRoute = useRouteRef(entityRouteRef);
  const modelHref = useCallback(
    (modelRef: string) => {
      const { kind, namespace, name } = parseEntityRef(modelRef, {
        defaultKind: 'mlmodel',
        defaultNamespace: 'default',
      });
      return entityRoute({
        kind: kind.toLocaleLowerCase('en-US'),
        namespace: namespace.toLocaleLowerCase('en-US'),
        name,
      });
    },
    [entityRoute],
  );
  return useMemo(
    () => ({
      modelHref,
      versionsHref: modelRef => `${modelHref(modelRef)}/versions`,
      versionHref: (modelRef, version) =>
        `${modelHref(modelRef)}/versions/${version}`,
      compareHref: (modelRef, versions, baseline) => {
        const params = new URLSearchParams();
        params.set(COMPARE_PARAM, versions.join(','));
        if (baseline !== undefined) {
          params.set(BASELINE_PARAM, String(baseline));
        }
        return `${modelHref(modelRef)}/versions?${params
          .toString()
          .replace(/%2C/g, ',')}`;
      },
    }),
    [modelHref],
  );
}
