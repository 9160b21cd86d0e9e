import { useState } from 'react';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApiHolder } from '@backstage/core-plugin-api';
import { CatalogApi, catalogApiRef } from '@backstage/plugin-catalog-react';
import { TextField, Typography } from '@material-ui/core';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';

/** Owners offered per search. */
const OPTIONS = 20;
const SEARCH_DEBOUNCE_MS = 250;

/** An owner the picker offers: a group or a user of the catalog. */
export type OwnerOption = { ref: string; label: string };

/** The label of an owner entity: its title or display name, else its name. */
function labelOf(entity: Entity): string {
  const profile = (entity.spec as { profile?: { displayName?: string } })
    ?.profile;
  return entity.metadata.title ?? profile?.displayName ?? entity.metadata.name;
}

/** An owner known only by its ref (from the URL): the ref's name. */
function optionOfRef(ref: string): OwnerOption {
  try {
    return { ref, label: parseEntityRef(ref).name };
  } catch {
    return { ref, label: ref };
  }
}

/**
 * The Models page's owner filter: picks a group or user of the catalog by name, title or
 * display name (`risk` finds Risk ML), and hands on its entity ref.
 */
export function OwnerPicker(props: {
  value: string;
  onChange: (ref: string) => void;
  className?: string;
}) {
  const catalogApi = useApiHolder().get(catalogApiRef);
  // An app without the catalog's API (a bare legacy app): the owner typed as an entity ref.
  return catalogApi ? (
    <CatalogOwnerPicker {...props} catalogApi={catalogApi} />
  ) : (
    <OwnerRefField {...props} />
  );
}

/** The owner as a typed entity ref, applied on Enter or when the field loses focus. */
function OwnerRefField(props: {
  value: string;
  onChange: (ref: string) => void;
  className?: string;
}) {
  const { value, onChange, className } = props;
  const [text, setText] = useState(value);
  const apply = () => {
    if (text.trim() !== value) onChange(text.trim());
  };
  return (
    <TextField
      id="models-owner"
      className={className}
      size="small"
      variant="outlined"
      label="Owner"
      placeholder="group:default/risk-ml"
      value={text}
      onChange={e => setText(e.target.value)}
      onBlur={apply}
      onKeyDown={e => {
        if (e.key === 'Enter') apply();
      }}
    />
  );
}

function CatalogOwnerPicker(props: {
  value: string;
  onChange: (ref: string) => void;
  className?: string;
  catalogApi: CatalogApi;
}) {
  const { value, onChange, className, catalogApi } = props;
  const [text, setText] = useState('');
  const [term, setTerm] = useState('');
  const [open, setOpen] = useState(false);
  useDebounce(() => setTerm(text.trim()), SEARCH_DEBOUNCE_MS, [text]);

  const { value: options = [], loading } = useAsync(async () => {
    if (!open) return [];
    const response = await catalogApi.queryEntities({
      filter: { kind: ['Group', 'User'] },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
      orderFields: { field: 'metadata.name', order: 'asc' },
      limit: OPTIONS,
      ...(term
        ? {
            fullTextFilter: {
              term,
              fields: [
                'metadata.name',
                'metadata.title',
                'spec.profile.displayName',
              ],
            },
          }
        : {}),
    });
    return response.items.map(entity => ({
      ref: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
      label: labelOf(entity),
    }));
  }, [catalogApi, term, open]);

  // The chosen owner's label: as picked, else (from the URL) read from the catalog.
  const [chosen, setChosen] = useState<OwnerOption | null>(null);
  const { value: named } = useAsync(async () => {
    if (!value || chosen?.ref === value) return undefined;
    try {
      const entity = await catalogApi.getEntityByRef(value);
      return entity ? { ref: value, label: labelOf(entity) } : undefined;
    } catch {
      return undefined; // the ref's name will do
    }
  }, [catalogApi, value]);
  let selected: OwnerOption | null = null;
  if (value) {
    if (chosen?.ref === value) selected = chosen;
    else if (named?.ref === value) selected = named;
    else selected = optionOfRef(value);
  }
  return (
    <Autocomplete<OwnerOption>
      id="models-owner"
      className={className}
      size="small"
      open={open}
      onOpen={() => setOpen(true)}
      onClose={() => setOpen(false)}
      // the chosen owner stays an option, so that the value is always one of them
      options={
        selected && !options.some(o => o.ref === selected!.ref)
          ? [selected, ...options]
          : options
      }
      loading={loading}
      value={selected}
      inputValue={open ? text : selected?.label ?? ''}
      onInputChange={(_, next, reason) => {
        if (reason === 'input') setText(next);
        if (reason === 'clear') setText('');
      }}
      onChange={(_, option) => {
        setText('');
        setChosen(option);
        onChange(option?.ref ?? '');
      }}
      filterOptions={all => all}
      getOptionLabel={option => option.label}
      getOptionSelected={(option, current) => option.ref === current.ref}
      noOptionsText={term ? `No group or user matches "${term}"` : 'No owners'}
      renderOption={option => (
        <div>
          <Typography variant="body2">{option.label}</Typography>
          <Typography variant="caption" color="textSecondary">
            {option.ref}
          </Typography>
        </div>
      )}
      renderInput={params => (
        <TextField
          {...params}
          label="Owner"
          variant="outlined"
          placeholder="Group or user"
        />
      )}
    />
  );
}
