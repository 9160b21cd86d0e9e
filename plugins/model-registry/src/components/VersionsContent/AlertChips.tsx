import { MonitoringAlert } from '@model-registry/plugin-model-registry-common';
import { Chip, Tooltip } from '@material-ui/core';
import { describeAlert } from '../../monitoring/thresholds';

/** A chip `alert: <metric>` per open alert of a version, its value against the threshold in a tooltip. */
export function AlertChips({ alerts }: { alerts: MonitoringAlert[] }) {
  return (
    <>
      {alerts.map(alert => (
        <Tooltip
          key={alert.id}
          title={`${describeAlert(alert)}, open since ${new Date(
            alert.openedAt,
          ).toLocaleString()}`}
        >
          <Chip
            size="small"
            label={`alert: ${alert.metric}`}
            aria-label={`alert: ${describeAlert(alert)}`}
            style={{
              marginLeft: 4,
              color: '#fff',
              backgroundColor: '#d32f2f',
            }}
          />
        </Tooltip>
      ))}
    </>
  );
}
