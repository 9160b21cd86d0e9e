import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  approvalRuleOf,
  GateResult,
  modelPromotionApprovePermission,
  PromotionRequest,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import {
  Box,
  Button,
  Chip,
  DialogContentText,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { ModelRegistryApi } from '../../api';
import { ConfirmDialog, useSubmit } from '../ConfirmDialog';

type Decision = 'approve' | 'reject';

function gateSummary(results: GateResult[] | undefined | null) {
  if (!results || results.length === 0) return 'no gates';
  const overridden = results.filter(r => r.overridden);
  const failing = results.filter(r => !r.passed && !r.overridden);
  const parts = [
    `${results.length - failing.length} of ${results.length} passed`,
  ];
  for (const r of overridden) {
    parts.push(
      `${r.gate} overridden by ${r.overridden!.by}: ${r.overridden!.reason}`,
    );
  }
  for (const r of failing) parts.push(`${r.gate} failing: ${r.reason}`);
  return parts.join('; ');
}

function DecisionDialog(props: {
  api: ModelRegistryApi;
  request: PromotionRequest;
  decision: Decision;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { api, request, decision } = props;
  const [comment, setComment] = useState('');
  const { busy, failure, submit } = useSubmit(async () => {
    const text = comment.trim() || undefined;
    if (decision === 'approve') {
      const result = await api.approvePromotionRequest(
        request.modelRef,
        request.id,
        text,
      );
      props.onDone(
        result.executed
          ? `Approved: version ${request.version} is in ${request.stage} now.`
          : `Approved (${result.request.approvals} of ${result.request.requiredApprovals}).`,
      );
    } else {
      await api.rejectPromotionRequest(request.modelRef, request.id, text);
      props.onDone('Rejected.');
    }
  });
  const verb = decision === 'approve' ? 'Approve' : 'Reject';
  const remaining = request.requiredApprovals - request.approvals - 1;
  let explanation =
    'The request is closed; the requester is notified with your comment.';
  if (decision === 'approve') {
    explanation =
      remaining <= 0
        ? `Yours is the last approval needed: the gates are checked again and version ${request.version} moves to ${request.stage} at once.`
        : `${remaining} more approval(s) will be needed after yours.`;
  }
  return (
    <ConfirmDialog
      id="decision"
      title={`${verb} the promotion of version ${request.version} to ${request.stage}?`}
      comment={{
        label: 'Comment',
        helperText: 'Kept in the history and sent to the requester.',
        value: comment,
        onChange: setComment,
      }}
      failure={failure}
      busy={busy}
      confirmLabel={verb}
      onConfirm={submit}
      onClose={props.onClose}
    >
      <DialogContentText>{explanation}</DialogContentText>
    </ConfirmDialog>
  );
}

function RequestActions(props: {
  api: ModelRegistryApi;
  request: PromotionRequest;
  me?: string;
  stageRules: StageRules;
  onChanged: (message?: string) => void;
}) {
  const { api, request, me, stageRules } = props;
  const approve = usePermission({
    permission: modelPromotionApprovePermission,
    resourceRef: request.modelRef,
  });
  const [decision, setDecision] = useState<Decision | undefined>();
  const cancel = useSubmit(
    () =>
      api.cancelPromotionRequest(request.modelRef, request.id).then(() => {}),
    () => props.onChanged('Cancelled.'),
  );
  if (request.status !== 'open') return null;

  const rule = approvalRuleOf(stageRules, request.stage);
  const approvers = rule?.notify ?? [];
  const mine = Boolean(me) && request.requestedBy === me;
  const decided = request.decisions.some(d => d.decidedBy === me);
  const selfBlocked = mine && !rule?.allowSelfApproval;
  const mayDecide =
    !approve.loading && approve.allowed && !selfBlocked && !decided;

  let reason: string | undefined;
  if (approve.loading) reason = undefined;
  else if (decided) reason = 'You decided already; other approvers are needed.';
  else if (selfBlocked)
    reason = 'You requested this: another approver must decide.';
  else if (!approve.allowed)
    reason = 'You may not approve promotions of this model.';

  const id = `decision-reason-${request.id}`;

  return (
    <>
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        <Button
          size="small"
          variant="contained"
          color="primary"
          disabled={!mayDecide || cancel.busy}
          aria-describedby={reason ? id : undefined}
          onClick={() => setDecision('approve')}
        >
          Approve
        </Button>
        <Button
          size="small"
          variant="outlined"
          disabled={!mayDecide || cancel.busy}
          aria-describedby={reason ? id : undefined}
          onClick={() => setDecision('reject')}
        >
          Reject
        </Button>
        {mine && (
          <Button size="small" onClick={cancel.submit} disabled={cancel.busy}>
            Cancel request
          </Button>
        )}
      </Box>
      {reason && (
        <Typography
          variant="caption"
          component="p"
          color="textSecondary"
          id={id}
          data-testid={id}
        >
          {reason}
          {approvers.length > 0 && (
            <>
              {' '}
              Approvers of {request.stage}:{' '}
              <EntityRefLinks entityRefs={approvers} defaultKind="group" />.
            </>
          )}
        </Typography>
      )}
      {cancel.failure && (
        <Typography color="error" role="alert" variant="body2">
          {cancel.failure}
        </Typography>
      )}
      {decision && (
        <DecisionDialog
          api={api}
          request={request}
          decision={decision}
          onClose={() => setDecision(undefined)}
          onDone={message => {
            setDecision(undefined);
            props.onChanged(message);
          }}
        />
      )}
    </>
  );
}

/**
 * Promotion requests with who asked, why, the gates at that moment, the approvals so far,
 * and — for open ones — approve, reject and cancel as the caller's permissions allow.
 */
export function PromotionRequestTable(props: {
  api: ModelRegistryApi;
  requests: PromotionRequest[];
  stageRules: StageRules;
  me?: string;
  showModel?: boolean;
  title: string;
  onChanged: (message?: string) => void;
}) {
  const { requests } = props;
  return (
    <Table size="small" aria-label={props.title}>
      <TableHead>
        <TableRow>
          {props.showModel && <TableCell>Model</TableCell>}
          <TableCell>Version</TableCell>
          <TableCell>Requested by</TableCell>
          <TableCell>Comment</TableCell>
          <TableCell>Gates</TableCell>
          <TableCell>Approvals</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Actions</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {requests.map(request => (
          <TableRow
            key={request.id}
            data-testid={`promotion-request-${request.id}`}
          >
            {props.showModel && (
              <TableCell>
                <EntityRefLink entityRef={request.modelRef} />
              </TableCell>
            )}
            <TableCell style={{ whiteSpace: 'nowrap' }}>
              v{request.version} → {request.stage}
              {request.alias ? ` (@${request.alias})` : ''}
            </TableCell>
            <TableCell>
              <EntityRefLink entityRef={request.requestedBy} />
              <br />
              <span title={request.createdAt}>
                {new Date(request.createdAt).toLocaleString()}
              </span>
            </TableCell>
            <TableCell>{request.comment ?? '—'}</TableCell>
            <TableCell>
              <Typography variant="body2">
                {gateSummary(request.gateResults as GateResult[] | undefined)}
              </Typography>
            </TableCell>
            <TableCell>
              {request.approvals} of {request.requiredApprovals}
              {request.decisions.map(d => (
                <Typography
                  key={`${d.decidedBy}-${d.decidedAt}`}
                  variant="caption"
                  component="p"
                >
                  {d.decision === 'approve' ? 'approved' : 'rejected'} by{' '}
                  {d.decidedBy}
                  {d.comment ? `: ${d.comment}` : ''}
                </Typography>
              ))}
            </TableCell>
            <TableCell>
              <Chip
                size="small"
                label={request.status}
                color={request.status === 'open' ? 'secondary' : 'default'}
              />
              {request.expiresAt && request.status === 'open' && (
                <Typography variant="caption" component="p">
                  expires {new Date(request.expiresAt).toLocaleString()}
                </Typography>
              )}
            </TableCell>
            <TableCell>
              <RequestActions
                api={props.api}
                request={request}
                me={props.me}
                stageRules={props.stageRules}
                onChanged={props.onChanged}
              />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
