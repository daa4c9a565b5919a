import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
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
}

/** Request a deployment by hand: family, version, dark, migratory, reason. */
export function StartDeploymentForm({ families, onSubmit }: StartDeploymentFormProps) {
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
      setOutcome({
        severity: result.outcome === 'duplicate' ? 'info' : 'success',
        text: describeStart(result, trimmed),
      });
      if (result.outcome !== 'duplicate') setVersionId('');
    } catch (e) {
      setOutcome({ severity: 'error', text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box
      component="form"
      display="flex"
      flexWrap="wrap"
      alignItems="center"
      style={{ gap: 16 }}
      onSubmit={e => {
        e.preventDefault();
        if (canSubmit) submit();
      }}
    >
      <FormControl style={{ minWidth: 160 }}>
        <InputLabel id="diachronic-start-family">Family</InputLabel>
        <Select labelId="diachronic-start-family" value={family} onChange={e => setFamily(String(e.target.value))}>
          {families.map(name => (
            <MenuItem key={name} value={name}>
              {name}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <TextField
        id="diachronic-start-version"
        label="Version (git sha)"
        required
        value={versionId}
        onChange={e => setVersionId(e.target.value)}
        error={versionError}
        helperText={versionError ? '7–40 lowercase hex digits' : ' '}
      />
      <FormControlLabel
        control={<Checkbox checked={dark} onChange={e => setDark(e.target.checked)} />}
        label="Dark (wait for promote)"
      />
      <FormControlLabel
        control={<Checkbox checked={migratory} onChange={e => setMigratory(e.target.checked)} />}
        label="Migratory"
      />
      <TextField
        id="diachronic-start-reason"
        label="Reason"
        value={reason}
        onChange={e => setReason(e.target.value)}
        helperText=" "
      />
      <Button variant="contained" color="primary" type="submit" disabled={!canSubmit}>
        Start deployment
      </Button>
      {outcome && (
        <Box flexBasis="100%">
          <Alert severity={outcome.severity}>{outcome.text}</Alert>
        </Box>
      )}
    </Box>
  );
}
