import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  approvalRuleOf,
  ModelVersion,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import {
  Box,
  Checkbox,
  DialogContentText,
  FormControlLabel,
  TextField,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ModelRegistryApi } from '../../api';
import { PermissionState } from '../../hooks/useRegistryPermissions';
import { ConfirmDialog, useSubmit } from '../ConfirmDialog';
import { VersionComparison } from '../CompareVersions';
import { GateChecklist } from './GateChecklist';

/**
 * How a version is to enter a stage: `direct` (a stage without approvals), `request` (open
 * a promotion request for a stage that needs approvals) or `break-glass` (a direct
 * promotion into such a stage, where config allows it).
 */
export type StageMove = {
  stage: string;
  mode: 'direct' | 'request' | 'break-glass';
};

export function stageMoveLabel(move: StageMove, rules: StageRules) {
  if (move.mode === 'request') return `Request ${move.stage}`;
  if (move.mode === 'break-glass') return `Break glass: ${move.stage}`;
  if (move.stage === rules.archivedStage) return 'Archive';
  if (rules.protectedStages.includes(move.stage))
    return `Promote to ${move.stage}`;
  return `Move to ${move.stage}`;
}

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The version being promoted beside the one in the stage now: metrics against it, with the
 * best marked, and the params and tags that differ.
 */
function ProductionComparison(props: {
  version: ModelVersion;
  current?: ModelVersion;
  stage: string;
  initialStage?: string;
}) {
  const { version, current, stage } = props;
  if (!current || current.version === version.version) {
    return (
      <Box mb={2}>
        <Typography variant="subtitle2" component="h3">
          Comparison
        </Typography>
        <Typography variant="body2">
          No version is in {stage} now to compare with.
        </Typography>
      </Box>
    );
  }
  return (
    <Box
      mb={2}
      component="section"
      aria-label={`Comparison with v${current.version}`}
    >
      <Typography variant="subtitle2" component="h3" gutterBottom>
        Against v{current.version}, in {stage} now
      </Typography>
      <VersionComparison
        versions={[version, current]}
        baseline={current.version}
        initialStage={props.initialStage}
        parts={['metrics', 'params', 'tags']}
      />
    </Box>
  );
}

/**
 * The confirmation of a stage move: what happens (the occupant archived, approvals needed),
 * the target stage's gates checked now, the metrics against the version in the stage, a
 * comment (the required reason of a break-glass promotion or a gate override), and for a
 * request an alias to move with the promotion.
 */
export function StageDialog(props: {
  api: ModelRegistryApi;
  entityRef: string;
  version: ModelVersion;
  move: StageMove;
  stageRules: StageRules;
  occupants: Record<string, number>;
  overrideGates: PermissionState;
  protectedAliases: string[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { api, entityRef, version, move, stageRules } = props;
  const [comment, setComment] = useState('');
  const [alias, setAlias] = useState('');
  const [override, setOverride] = useState(false);
  const occupant = stageRules.singleOccupancyStages.includes(move.stage)
    ? props.occupants[move.stage]
    : undefined;
  const displaced =
    occupant !== undefined && occupant !== version.version
      ? occupant
      : undefined;
  const rule = approvalRuleOf(stageRules, move.stage);

  const context = useAsync(async () => {
    const [gates, current] = await Promise.all([
      api.checkGates(entityRef, version.version, move.stage),
      displaced !== undefined
        ? api.getVersion(entityRef, displaced)
        : Promise.resolve(undefined),
    ]);
    return { gates, current };
  }, [api, entityRef, version.version, move.stage, displaced]);

  const failing = context.value ? !context.value.gates.passed : false;
  const needsReason = move.mode === 'break-glass' || (failing && override);
  const blockedByGates = failing && !override;

  const { busy, failure, submit } = useSubmit(async () => {
    const text = comment.trim() || undefined;
    if (move.mode === 'request') {
      await api.openPromotionRequest(entityRef, version.version, {
        stage: move.stage,
        comment: text,
        ...(override ? { overrideGates: true } : {}),
        ...(alias.trim() ? { alias: alias.trim() } : {}),
      });
    } else {
      await api.transitionStage(entityRef, version.version, move.stage, text, {
        ...(override ? { overrideGates: true } : {}),
        ...(move.mode === 'break-glass' ? { breakGlass: true } : {}),
      });
    }
  }, props.onDone);

  const what = (() => {
    const archived = displaced
      ? ` Version ${displaced}, in ${move.stage} now, is moved to ${stageRules.archivedStage} in the same step.`
      : '';
    if (move.mode === 'request' && rule) {
      const approvers = plural(rule.required, 'approval');
      return `Version ${version.version} moves from ${version.stage} to ${
        move.stage
      } once it has ${approvers}${
        rule.allowSelfApproval ? '' : ' from users other than you'
      }; the gates are checked again then.${archived}${
        rule.expiresAfterHours
          ? ` The request expires after ${plural(
              rule.expiresAfterHours,
              'hour',
            )}.`
          : ''
      }`;
    }
    return `Version ${version.version} moves from ${version.stage} to ${move.stage}.${archived}`;
  })();

  return (
    <ConfirmDialog
      id="stage-dialog"
      maxWidth="sm"
      title={
        move.mode === 'request'
          ? `Request the promotion of version ${version.version} to ${move.stage}`
          : `${stageMoveLabel(move, stageRules)}: version ${version.version}?`
      }
      comment={{
        label: needsReason ? 'Reason (required)' : 'Comment',
        helperText:
          move.mode === 'request'
            ? 'Why? The approvers see it; it is kept in the history.'
            : 'Why? It is kept in the history.',
        value: comment,
        onChange: setComment,
        required: needsReason,
      }}
      failure={failure}
      busy={busy}
      confirmLabel={move.mode === 'request' ? 'Request' : 'Confirm'}
      confirmDisabled={
        context.loading || blockedByGates || (needsReason && !comment.trim())
      }
      onConfirm={submit}
      onClose={props.onClose}
    >
      <DialogContentText>{what}</DialogContentText>
      {move.mode === 'break-glass' && (
        <Typography color="error" paragraph role="note">
          Break-glass promotion: this skips the approvals {move.stage} needs and
          is recorded as a break-glass promotion in the history and the audit
          log. The comment is the required reason.
        </Typography>
      )}
      {context.loading && <Progress />}
      {context.error && (
        <ResponseErrorPanel
          error={context.error}
          title="Could not check the gates"
        />
      )}
      {context.value && (
        <>
          <GateChecklist check={context.value.gates} />
          {stageRules.singleOccupancyStages.includes(move.stage) && (
            <ProductionComparison
              version={version}
              current={context.value.current}
              stage={move.stage}
              initialStage={stageRules.stages[0]}
            />
          )}
          {failing && props.overrideGates.allowed && (
            <FormControlLabel
              control={
                <Checkbox
                  checked={override}
                  onChange={e => setOverride(e.target.checked)}
                  color="primary"
                />
              }
              label="Override the failing gates (the comment is the reason, recorded with each gate)"
            />
          )}
          {failing && !props.overrideGates.allowed && (
            <Typography color="error" role="note">
              A failing gate blocks this. A user with the gate override
              permission can pass it, giving a reason.
            </Typography>
          )}
        </>
      )}
      {move.mode === 'request' && (
        <TextField
          fullWidth
          margin="dense"
          id="stage-dialog-alias"
          label="Alias to move with the promotion (optional)"
          helperText={
            props.protectedAliases.length
              ? `Protected aliases (${props.protectedAliases.join(
                  ', ',
                )}) move this way without their own permission.`
              : 'Points the alias at this version when the promotion executes.'
          }
          value={alias}
          onChange={e => setAlias(e.target.value)}
        />
      )}
    </ConfirmDialog>
  );
}
