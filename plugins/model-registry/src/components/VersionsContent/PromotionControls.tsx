import { usePermission } from '@backstage/plugin-permission-react';
import {
  isProtectedStage,
  modelAliasManagePermission,
  modelVersionPromoteProductionPermission,
  modelVersionStagePermission,
  ModelVersion,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
  Tooltip,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { ModelRegistryApi } from '../../api';
import { serverMessage } from '../errors';

type Action = { kind: 'stage'; stage: string } | { kind: 'alias' };

function actionLabel(action: Action, rules: StageRules) {
  if (action.kind === 'alias') return 'Set alias';
  if (action.stage === rules.archivedStage) return 'Archive';
  if (isProtectedStage(rules, action.stage))
    return `Promote to ${action.stage}`;
  return `Move to ${action.stage}`;
}

/** A control that asks the backend's permission for this model and explains a denial. */
function GuardedButton(props: {
  entityRef: string;
  permission:
    | typeof modelVersionStagePermission
    | typeof modelVersionPromoteProductionPermission
    | typeof modelAliasManagePermission;
  label: string;
  deniedReason: string;
  onClick: () => void;
}) {
  const { loading, allowed } = usePermission({
    permission: props.permission,
    resourceRef: props.entityRef,
  });
  const button = (
    <Button
      size="small"
      variant="outlined"
      color="primary"
      disabled={loading || !allowed}
      onClick={props.onClick}
      aria-label={props.label}
    >
      {props.label}
    </Button>
  );
  if (loading || allowed) {
    return (
      <Box mr={1} mb={1} display="inline-block">
        {button}
      </Box>
    );
  }
  return (
    <Tooltip title={props.deniedReason}>
      {/* A disabled button fires no events; the span carries the tooltip and focus. */}
      <Box
        component="span"
        mr={1}
        mb={1}
        display="inline-block"
        tabIndex={0}
        aria-label={`${props.label}: ${props.deniedReason}`}
        data-testid={`denied-${props.label}`}
      >
        {button}
      </Box>
    </Tooltip>
  );
}

/**
 * Promote, archive and alias controls for one version. Each control asks the backend's
 * permission for this model and target stage; a confirmation dialog takes a comment.
 */
export function PromotionControls(props: {
  api: ModelRegistryApi;
  entityRef: string;
  modelName: string;
  version: ModelVersion;
  stageRules: StageRules;
  occupants: Record<string, number>;
  onChanged: () => void;
}) {
  const { api, entityRef, version, stageRules, occupants } = props;
  const [action, setAction] = useState<Action | undefined>();
  const [comment, setComment] = useState('');
  const [alias, setAlias] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();

  const inSingleStage = stageRules.singleOccupancyStages.includes(
    version.stage,
  );
  const targets = inSingleStage
    ? [] // the occupant is replaced by promoting another version, never demoted
    : stageRules.stages.filter(
        s => s !== version.stage && s !== stageRules.stages[0],
      );

  const close = () => {
    setAction(undefined);
    setComment('');
    setAlias('');
    setFailure(undefined);
  };

  const confirm = async () => {
    if (!action) return;
    setBusy(true);
    setFailure(undefined);
    try {
      if (action.kind === 'stage') {
        await api.transitionStage(
          entityRef,
          version.version,
          action.stage,
          comment || undefined,
        );
      } else {
        await api.setAlias(
          entityRef,
          alias,
          version.version,
          comment || undefined,
        );
      }
      close();
      props.onChanged();
    } catch (error) {
      setFailure(serverMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const displaced =
    action?.kind === 'stage' &&
    stageRules.singleOccupancyStages.includes(action.stage)
      ? occupants[action.stage]
      : undefined;

  return (
    <>
      {targets.map(stage => {
        const isProtected = isProtectedStage(stageRules, stage);
        const label = actionLabel({ kind: 'stage', stage }, stageRules);
        return (
          <GuardedButton
            key={stage}
            entityRef={entityRef}
            permission={
              isProtected
                ? modelVersionPromoteProductionPermission
                : modelVersionStagePermission
            }
            label={label}
            deniedReason={
              isProtected
                ? `You are not allowed to promote versions of ${props.modelName} to ${stage}.`
                : `You are not allowed to change the stage of versions of ${props.modelName}.`
            }
            onClick={() => setAction({ kind: 'stage', stage })}
          />
        );
      })}
      <GuardedButton
        entityRef={entityRef}
        permission={modelAliasManagePermission}
        label="Set alias"
        deniedReason={`You are not allowed to manage aliases of ${props.modelName}.`}
        onClick={() => setAction({ kind: 'alias' })}
      />
      <Dialog
        open={Boolean(action)}
        onClose={close}
        aria-labelledby="promotion-dialog-title"
      >
        <DialogTitle id="promotion-dialog-title">
          {action?.kind === 'stage'
            ? `${actionLabel(action, stageRules)}: version ${version.version}?`
            : `Set an alias on version ${version.version}`}
        </DialogTitle>
        <DialogContent>
          {action?.kind === 'stage' && (
            <DialogContentText>
              {displaced && displaced !== version.version
                ? `Version ${displaced} is in ${action.stage} now; it will be moved to ${stageRules.archivedStage} in the same step.`
                : `Version ${version.version} moves from ${version.stage} to ${action.stage}.`}
            </DialogContentText>
          )}
          {action?.kind === 'alias' && (
            <TextField
              fullWidth
              margin="dense"
              id="promotion-alias"
              label="Alias"
              helperText="Letters, digits, _ and -; latest and v<number> are reserved. An existing alias moves here."
              value={alias}
              onChange={e => setAlias(e.target.value)}
            />
          )}
          <TextField
            fullWidth
            margin="dense"
            id="promotion-comment"
            label="Comment"
            helperText="Why? It is kept in the history."
            value={comment}
            onChange={e => setComment(e.target.value)}
            multiline
          />
          {failure && (
            <Typography color="error" role="alert">
              {failure}
            </Typography>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button
            onClick={confirm}
            color="primary"
            variant="contained"
            disabled={busy || (action?.kind === 'alias' && !alias)}
          >
            Confirm
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
