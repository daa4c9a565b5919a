import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { useDialogSubmit, useFocusWhenOpened, useOnOpen } from '../../hooks';

export interface AbortDialogProps {
  open: boolean;
  versionId: string;
  onClose: () => void;
  onSubmit: (input: { reason: string }) => Promise<void>;
}

/** Abort a deployment: says what will happen and requires a reason. */
export function AbortDialog({ open, versionId, onClose, onSubmit }: AbortDialogProps) {
  const [reason, setReason] = useState('');
  const { busy, error, clearError, submit } = useDialogSubmit(onSubmit, onClose);

  const focus = useFocusWhenOpened();
  useOnOpen(open, () => {
    setReason('');
    clearError();
  });

  const missingReason = reason.trim() === '';

  return (
    <Dialog open={open} TransitionProps={focus.TransitionProps} onClose={onClose} aria-labelledby="diachronic-abort-title" fullWidth maxWidth="sm">
      <DialogTitle id="diachronic-abort-title">Abort the deployment of {versionId}?</DialogTitle>
      <DialogContent>
        <Alert severity="error" data-testid="abort-consequence">
          Live traffic to {versionId} goes to 0% and dark routing stops: no new workflow starts on it. The rollout and
          the migration stop. Workflows already on {versionId} stay there; it is kept until they finish.
        </Alert>
        <Box mt={2}>
          <TextField
            id="diachronic-abort-reason"
            label="Reason"
            inputRef={focus.inputRef}
            required
            fullWidth
            multiline
            value={reason}
            onChange={event => setReason(event.target.value)}
            helperText={missingReason ? 'Required: it is recorded with the abort' : ' '}
          />
        </Box>
        {error && (
          <Box mt={2}>
            <Alert severity="error">{error.message}</Alert>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" color="secondary" disabled={busy || missingReason} onClick={() => submit({ reason: reason.trim() })}>
          Abort {versionId}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
