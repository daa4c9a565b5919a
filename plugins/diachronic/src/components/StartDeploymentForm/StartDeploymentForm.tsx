import { Ref, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import type { StartDeploymentRequest, StartDeploymentResponse } from '@diachronic/backstage-plugin-diachronic-common';

// The routing package's VERSION_ID_PATTERN; repeated because that package is not browser-safe. The
// backend validates again and answers 400 with the field.
const versionIdPattern = /^[0-9a-f]{7,40}$/;

export function describeStart(result: StartDeploymentResponse, versionId: string): string {
  switch (result.outcome) {
    case 'started':
      return `Deployment of ${versionId} started.`;
    case 'queued':
      return `Deployment of ${versionId} queued at position ${result.position}.`;
    default:
      return `Nothing started: ${result.message}`;
  }
}

export interface StartDeploymentFormProps {
  families: string[];
  onSubmit: (request: StartDeploymentRequest) => Promise<StartDeploymentResponse>;
  /** Called once a deployment started or was queued, with what to tell the user; the form has reset itself. */
  onStarted?: (message: string) => void;
  /** Shows a Cancel button beside the submit button. */
  onCancel?: () => void;
  /** The version field, for the dialog to focus once it has opened. */
  versionInputRef?: Ref<HTMLInputElement>;
}

/**
 * Request a deployment by hand: family, version, dark, migratory, reason. After a start or a queued request
 * the fields but the family go back to their defaults; after a duplicate or a failure they stay, to be fixed.
 */
export function StartDeploymentForm({ families, onSubmit, onStarted, onCancel, versionInputRef }: StartDeploymentFormProps) {
  const [family, setFamily] = useState(families[0] ?? '');
  const [versionId, setVersionId] = useState('');
  const [dark, setDark] = useState(false);
  const [migratory, setMigratory] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ severity: 'success' | 'info' | 'error'; text: string }>();

  const trimmed = versionId.trim();
  const versionError = trimmed !== '' && !versionIdPattern.test(trimmed);
  const canSubmit = !busy && family !== '' && trimmed !== '' && !versionError;
  const submit = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const result = await onSubmit({
        family,
        versionId: trimmed,
        dark,
        migratory,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      const text = describeStart(result, trimmed);
      if (result.outcome === 'duplicate') {
        setOutcome({ severity: 'info', text });
        return;
      }
      setVersionId('');
      setDark(false);
      setMigratory(false);
      setReason('');
      setOutcome({ severity: 'success', text });
      onStarted?.(text);
    } catch (e) {
      setOutcome({ severity: 'error', text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      // A column, as the dialog's own children are: the content scrolls, the actions stay in view.
      style={{ display: 'flex', flexDirection: 'column', minHeight: 0 }}
      onSubmit={e => {
        e.preventDefault();
        if (canSubmit) submit();
      }}
    >
      <DialogContent>
        <FormControl fullWidth>
          <InputLabel id="diachronic-start-family">Family</InputLabel>
          <Select labelId="diachronic-start-family" value={family} onChange={e => setFamily(String(e.target.value))}>
            {families.map(name => (
              <MenuItem key={name} value={name}>
                {name}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <Box mt={2}>
          <TextField
            id="diachronic-start-version"
            label="Version (git sha)"
            required
            fullWidth
            inputRef={versionInputRef}
            value={versionId}
            onChange={e => setVersionId(e.target.value)}
            error={versionError}
            helperText={versionError ? '7–40 lowercase hex digits' : ' '}
          />
        </Box>
        <FormControlLabel
          control={<Checkbox checked={dark} onChange={e => setDark(e.target.checked)} />}
          label="Dark (wait for promote)"
        />
        <FormControlLabel
          control={<Checkbox checked={migratory} onChange={e => setMigratory(e.target.checked)} />}
          label="Migratory"
        />
        <Box mt={1}>
          <TextField
            id="diachronic-start-reason"
            label="Reason"
            fullWidth
            value={reason}
            onChange={e => setReason(e.target.value)}
            helperText=" "
          />
        </Box>
        {outcome && <Alert severity={outcome.severity}>{outcome.text}</Alert>}
      </DialogContent>
      <DialogActions>
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
        <Button variant="contained" color="primary" type="submit" disabled={!canSubmit}>
          Start deployment
        </Button>
      </DialogActions>
    </form>
  );
}
