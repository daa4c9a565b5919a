import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Slider from '@material-ui/core/Slider';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useDialogSubmit, useFocusWhenOpened, useOnOpen } from '../../hooks';

export const overridePresets = [0, 10, 25, 50, 75, 100];

/** The sentence the dialog shows before anything happens: what setting `percent` will do. */
export function overrideConsequence(versionId: string, current: number, percent: number): string {
  const stop = 'The automatic rollout then stops itself and leaves the percentage to you.';
  if (percent === 100) {
    return `Fast forward: every new workflow starts on ${versionId} now (${current}% → 100%). ${stop}`;
  }
  if (percent === 0) {
    return `No new workflow starts on ${versionId} from now on (${current}% → 0%); running ones stay where they are. ${stop}`;
  }
  return `${percent}% of new workflows start on ${versionId} from now on (${current}% → ${percent}%). ${stop}`;
}

export interface OverrideDialogProps {
  open: boolean;
  versionId: string;
  currentPercent: number;
  onClose: () => void;
  onSubmit: (input: { percent: number; reason: string }) => Promise<void>;
}

/** Set the live percentage by hand: slider and presets, a required reason, a confirmation sentence. */
export function OverrideDialog({ open, versionId, currentPercent, onClose, onSubmit }: OverrideDialogProps) {
  const [percent, setPercent] = useState(currentPercent);
  const [reason, setReason] = useState('');
  const { busy, error, clearError, submit } = useDialogSubmit(onSubmit, onClose);

  const focus = useFocusWhenOpened();
  useOnOpen(open, () => {
    setPercent(currentPercent);
    setReason('');
    clearError();
  });

  const unchanged = percent === currentPercent;
  const missingReason = reason.trim() === '';

  return (
    <Dialog open={open} TransitionProps={focus.TransitionProps} onClose={onClose} aria-labelledby="diachronic-override-title" fullWidth maxWidth="sm">
      <DialogTitle id="diachronic-override-title">Override live percentage of {versionId}</DialogTitle>
      <DialogContent>
        <Typography id="diachronic-override-percent" gutterBottom>
          Live percentage: {percent}%
        </Typography>
        <Slider
          value={percent}
          min={0}
          max={100}
          step={1}
          valueLabelDisplay="auto"
          aria-labelledby="diachronic-override-percent"
          onChange={(_event, value) => setPercent(Array.isArray(value) ? value[0] : value)}
        />
        <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }} mb={2}>
          <ButtonGroup size="small" aria-label="presets">
            {overridePresets.map(preset => (
              <Button
                key={preset}
                onClick={() => setPercent(preset)}
                variant={preset === percent ? 'contained' : 'outlined'}
              >
                {preset}%
              </Button>
            ))}
          </ButtonGroup>
          <Button size="small" color="secondary" variant="outlined" onClick={() => setPercent(100)}>
            Fast forward to 100%
          </Button>
        </Box>
        <TextField
          id="diachronic-override-reason"
          label="Reason"
            inputRef={focus.inputRef}
          required
          fullWidth
          multiline
          value={reason}
          onChange={event => setReason(event.target.value)}
          helperText={missingReason ? 'Required: it is recorded with the override' : ' '}
        />
        <Box mt={2}>
          {unchanged ? (
            <Typography color="textSecondary">
              Live is already at {currentPercent}%: choose another percentage.
            </Typography>
          ) : (
            <Alert severity="warning" data-testid="override-consequence">
              {overrideConsequence(versionId, currentPercent, percent)}
            </Alert>
          )}
        </Box>
        {error && (
          <Box mt={2}>
            <Alert severity="error">{error.message}</Alert>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button color="primary" variant="contained" disabled={busy || unchanged || missingReason} onClick={() => submit({ percent, reason: reason.trim() })}>
          Set {percent}%
        </Button>
      </DialogActions>
    </Dialog>
  );
}
