import { EntityRefLinks } from '@backstage/plugin-catalog-react';
import {
  approvalRuleOf,
  ModelVersion,
  PromotionRequest,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { Box, Button, Chip, TextField, Typography } from '@material-ui/core';
import { Fragment, useState } from 'react';
import { ModelRegistryApi } from '../../api';
import {
  PermissionState,
  RegistryPermissions,
} from '../../hooks/useRegistryPermissions';
import { ConfirmDialog, useSubmit } from '../ConfirmDialog';
import { StageDialog, StageMove, stageMoveLabel } from './StageDialog';

type Control = {
  key: string;
  label: string;
  permission: PermissionState;
  onClick: () => void;
};

function ControlButton(props: { control: Control; describedBy?: string }) {
  const { control } = props;
  const denied = !control.permission.loading && !control.permission.allowed;
  return (
    <Box mr={1} mb={1} display="inline-block">
      <Button
        size="small"
        variant="outlined"
        color="primary"
        disabled={control.permission.loading || denied}
        onClick={control.onClick}
        aria-label={control.label}
        aria-describedby={denied ? props.describedBy : undefined}
        data-testid={denied ? `denied-${control.label}` : undefined}
      >
        {control.label}
      </Button>
    </Box>
  );
}

function AliasDialog(props: {
  api: ModelRegistryApi;
  entityRef: string;
  version: ModelVersion;
  protectedAliases: string[];
  onClose: () => void;
  onDone: () => void;
}) {
  const [alias, setAlias] = useState('');
  const [comment, setComment] = useState('');
  const { busy, failure, submit } = useSubmit(
    () =>
      props.api
        .setAlias(
          props.entityRef,
          alias.trim(),
          props.version.version,
          comment.trim() || undefined,
        )
        .then(() => {}),
    props.onDone,
  );
  return (
    <ConfirmDialog
      id="alias-dialog"
      title={`Set an alias on version ${props.version.version}`}
      comment={{
        label: 'Comment',
        helperText: 'Why? It is kept in the history.',
        value: comment,
        onChange: setComment,
      }}
      failure={failure}
      busy={busy}
      confirmLabel="Confirm"
      confirmDisabled={!alias.trim()}
      onConfirm={submit}
      onClose={props.onClose}
    >
      <TextField
        fullWidth
        margin="dense"
        id="promotion-alias"
        label="Alias"
        helperText={`Letters, digits, _ and -; latest and v<number> are reserved. An existing alias moves here.${
          props.protectedAliases.length
            ? ` Protected (the protected-alias permission, or a promotion request): ${props.protectedAliases.join(
                ', ',
              )}.`
            : ''
        }`}
        value={alias}
        onChange={e => setAlias(e.target.value)}
      />
    </ConfirmDialog>
  );
}

/**
 * Stage, promotion-request and alias controls for one version. Each control follows the
 * caller's permissions on the model; what is denied is said under the buttons (not only on
 * hover), with whom to ask. A stage that needs approvals offers a request (and break glass
 * where config allows it); an open request shows instead of a second one.
 */
export function PromotionControls(props: {
  api: ModelRegistryApi;
  entityRef: string;
  modelName: string;
  owner?: string;
  version: ModelVersion;
  stageRules: StageRules;
  occupants: Record<string, number>;
  permissions: RegistryPermissions;
  openRequests: PromotionRequest[];
  protectedAliases: string[];
  onChanged: () => void;
}) {
  const { api, entityRef, version, stageRules, permissions } = props;
  const [move, setMove] = useState<StageMove | undefined>();
  const [aliasOpen, setAliasOpen] = useState(false);

  const inSingleStage = stageRules.singleOccupancyStages.includes(
    version.stage,
  );
  const targets = inSingleStage
    ? [] // the occupant is replaced by promoting another version, never demoted
    : stageRules.stages.filter(
        s => s !== version.stage && s !== stageRules.stages[0],
      );

  const controls: Control[] = [];
  const pending: PromotionRequest[] = [];
  const approvers = new Set<string>();
  for (const stage of targets) {
    const rule = approvalRuleOf(stageRules, stage);
    if (!rule) {
      const m: StageMove = { stage, mode: 'direct' };
      controls.push({
        key: stage,
        label: stageMoveLabel(m, stageRules),
        permission: stageRules.protectedStages.includes(stage)
          ? permissions.promote
          : permissions.stage,
        onClick: () => setMove(m),
      });
      continue;
    }
    rule.notify.forEach(ref => approvers.add(ref));
    const open = props.openRequests.find(r => r.stage === stage);
    if (open) {
      pending.push(open);
    } else {
      const m: StageMove = { stage, mode: 'request' };
      controls.push({
        key: `request-${stage}`,
        label: stageMoveLabel(m, stageRules),
        permission: permissions.request,
        onClick: () => setMove(m),
      });
    }
    if (
      rule.directPromotion === 'break-glass' &&
      !permissions.promote.loading &&
      permissions.promote.allowed
    ) {
      const m: StageMove = { stage, mode: 'break-glass' };
      controls.push({
        key: `break-glass-${stage}`,
        label: stageMoveLabel(m, stageRules),
        permission: permissions.promote,
        onClick: () => setMove(m),
      });
    }
  }
  const aliasPermission: PermissionState = {
    loading: permissions.alias.loading || permissions.protectedAlias.loading,
    allowed: permissions.alias.allowed || permissions.protectedAlias.allowed,
  };
  controls.push({
    key: 'alias',
    label: 'Set alias',
    permission: aliasPermission,
    onClick: () => setAliasOpen(true),
  });

  const denied = controls.filter(
    c => !c.permission.loading && !c.permission.allowed,
  );
  const reasonId = `denied-reason-${version.version}`;
  const done = () => {
    setMove(undefined);
    setAliasOpen(false);
    props.onChanged();
  };

  return (
    <>
      {pending.map(request => (
        <Chip
          key={request.id}
          size="small"
          color="secondary"
          label={`${request.stage} requested by ${request.requestedBy.replace(
            /^user:(default\/)?/,
            '',
          )} · ${request.approvals} of ${request.requiredApprovals} approvals`}
          style={{ marginRight: 8, marginBottom: 8 }}
          data-testid={`open-request-${version.version}`}
        />
      ))}
      {controls.map(control => (
        <ControlButton
          key={control.key}
          control={control}
          describedBy={reasonId}
        />
      ))}
      {denied.length > 0 && (
        <Typography
          variant="caption"
          component="p"
          color="textSecondary"
          id={reasonId}
          data-testid={reasonId}
        >
          {`Not allowed for you: ${denied.map(c => c.label).join(', ')}. `}
          {props.owner ? (
            <>
              Ask {props.modelName}&apos;s owner,{' '}
              <EntityRefLinks entityRefs={[props.owner]} defaultKind="group" />
              {approvers.size > 0 ? ', or its approvers: ' : '.'}
            </>
          ) : (
            <>{approvers.size > 0 ? 'Its approvers: ' : ''}</>
          )}
          {approvers.size > 0 && (
            <Fragment>
              <EntityRefLinks entityRefs={[...approvers]} defaultKind="group" />
              .
            </Fragment>
          )}
        </Typography>
      )}
      {move && (
        <StageDialog
          api={api}
          entityRef={entityRef}
          version={version}
          move={move}
          stageRules={stageRules}
          occupants={props.occupants}
          overrideGates={permissions.overrideGates}
          protectedAliases={props.protectedAliases}
          onClose={() => setMove(undefined)}
          onDone={done}
        />
      )}
      {aliasOpen && (
        <AliasDialog
          api={api}
          entityRef={entityRef}
          version={version}
          protectedAliases={props.protectedAliases}
          onClose={() => setAliasOpen(false)}
          onDone={done}
        />
      )}
    </>
  );
}
