import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import type { FamilyPolicy as Policy, PolicySource, RolloutStep } from '@diachronic/backstage-plugin-diachronic-common';
import { formatDuration } from '../../format';

const sourceLabel: Record<PolicySource, string> = {
  'built-in': 'built-in',
  default: 'configured default',
  family: 'family policy',
  request: 'this request',
};

const isSchedule = (value: unknown): value is RolloutStep[] =>
  Array.isArray(value) && value.every(step => typeof step === 'object' && step !== null && 'percent' in step);

/** A setting's value for people: durations for `…Ms`, on/off, the schedule as its steps. */
export function formatSetting(key: string, value: unknown): string {
  if (typeof value === 'boolean') {
    if (key.endsWith('.enabled')) return value ? 'on' : 'off';
    return value ? 'yes' : 'no';
  }
  if (typeof value === 'number') {
    if (key.endsWith('Ms')) return formatDuration(value);
    if (key.endsWith('Percent')) return `${value}%`;
    return String(value);
  }
  if (isSchedule(value)) return value.map(step => `${step.percent}% for ${formatDuration(step.pauseMs)}`).join(' → ');
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** The family's policy, collapsed: every setting, its value, where it comes from; what a request changed or may not. */
export function FamilyPolicy({ family, policy }: { family: string; policy: Policy }) {
  const changed = new Map((policy.deployment ?? []).map(setting => [setting.key, setting]));
  const locked = new Set(policy.locked);
  return (
    <Accordion TransitionProps={{ unmountOnExit: true }} data-testid="family-policy">
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="subtitle2">
          Policy: what deployments of {family} run with
          {changed.size > 0 && ` · the running deployment changes ${changed.size}`}
          {locked.size > 0 && ` · locked: ${policy.locked.join(', ')}`}
        </Typography>
      </AccordionSummary>
      <AccordionDetails>
        <Table size="small" aria-label={`policy of ${family}`}>
          <TableHead>
            <TableRow>
              <TableCell>Setting</TableCell>
              <TableCell>Value</TableCell>
              <TableCell>From</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {policy.settings.map(setting => {
              const override = changed.get(setting.key);
              const option = setting.key.split('.')[0];
              return (
                <TableRow key={setting.key}>
                  <TableCell>
                    <code>{setting.key}</code>
                    {locked.has(option) && <Chip size="small" variant="outlined" label="locked" style={{ marginLeft: 4 }} />}
                  </TableCell>
                  <TableCell style={{ overflowWrap: 'anywhere' }}>
                    {formatSetting(setting.key, setting.value)}
                    {override && (
                      <Typography variant="caption" color="primary" display="block">
                        this deployment: {formatSetting(setting.key, override.value)}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>{override ? `${sourceLabel[setting.source]}; ${sourceLabel.request}` : sourceLabel[setting.source]}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </AccordionDetails>
    </Accordion>
  );
}
