import { useState } from 'react';
import { ModelRegistryApi } from '../../api';
import { ConfirmDialog, useSubmit } from '../ConfirmDialog';

/** Confirms removing an alias from a model (DELETE …/aliases/{alias}), with a comment. */
export function RemoveAliasDialog(props: {
  api: ModelRegistryApi;
  entityRef: string;
  alias: string;
  version: number;
  onClose: () => void;
  onDone: () => void;
}) {
  const [comment, setComment] = useState('');
  const { busy, failure, submit } = useSubmit(
    () =>
      props.api.deleteAlias(
        props.entityRef,
        props.alias,
        comment.trim() || undefined,
      ),
    props.onDone,
  );
  return (
    <ConfirmDialog
      id="remove-alias-dialog"
      title={`Remove the alias ${props.alias}?`}
      comment={{
        label: 'Comment (optional)',
        helperText: 'Kept in the model history.',
        value: comment,
        onChange: setComment,
      }}
      failure={failure}
      busy={busy}
      confirmLabel="Remove alias"
      onConfirm={submit}
      onClose={props.onClose}
    >
      {`Clients that load ${props.alias} (today version ${props.version}) will no longer find it.`}
    </ConfirmDialog>
  );
}
