import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Alert from '@material-ui/lab/Alert';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { usePermission } from '@backstage/plugin-permission-react';
import { diachronicFreezePermission, FamilyView } from '@diachronic/backstage-plugin-diachronic-common';
import { diachronicApiRef } from '../../api';
import { useDialogSubmit, useFocusWhenOpened, useOnOpen } from '../../hooks';
import { formatTime } from '../../format';

/** The freeze dialog: a reason is required, an end time is optional (local time, sent as ISO). */
function FreezeDialog({
  open,
  family,
  onClose,
  onSubmit,
}: {
  open: boolean;
  family: string;
  onClose: () => void;
  onSubmit: (input: { reason: string; until?: string }) => Promise<void>;
}) {
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const { busy, error, clearError, submit } = useDialogSubmit(onSubmit, onClose);
  const focus = useFocusWhenOpened();
  useOnOpen(open, () => {
    setReason('');
    setUntil('');
    clearError();
  });

  return (
    <Dialog open={open} TransitionProps={focus.TransitionProps} onClose={onClose} aria-labelledby="diachronic-freeze-title" fullWidth maxWidth="sm">
      <DialogTitle id="diachronic-freeze-title">Freeze {family}?</DialogTitle>
      <DialogContent>
        <Alert severity="info">
          No waiting deployment of {family} starts, and the running one takes no step or wave, until the freeze ends.
          Promote, override and abort still work (recorded as break-glass).
        </Alert>
        <Box mt={2}>
          <TextField
            id="diachronic-freeze-reason"
            label="Reason"
            inputRef={focus.inputRef}
            required
            fullWidth
            value={reason}
            onChange={event => setReason(event.target.value)}
            helperText={reason.trim() === '' ? 'Required: it is shown with the freeze' : ' '}
          />
        </Box>
        <Box mt={2}>
          <TextField
            id="diachronic-freeze-until"
            label="Ends by itself at (optional)"
            type="datetime-local"
            fullWidth
            InputLabelProps={{ shrink: true }}
            value={until}
            onChange={event => setUntil(event.target.value)}
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
        <Button variant="contained" color="primary" disabled={busy || reason.trim() === ''}
          onClick={() => submit({ reason: reason.trim(), ...(until && { until: new Date(until).toISOString() }) })}
        >
          Freeze {family}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** A family's freeze: who froze it, why and until when, with Unfreeze; or Freeze. Both on diachronic.freeze. */
export function FamilyFreeze({
  entityRef,
  family,
  onChanged,
}: {
  entityRef: CompoundEntityRef;
  family: FamilyView;
  onChanged: () => void;
}) {
  const api = useApi(diachronicApiRef);
  const { loading, allowed } = usePermission({ permission: diachronicFreezePermission, resourceRef: stringifyEntityRef(entityRef) });
  const [dialog, setDialog] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const blocker = loading ? 'Checking your permissions…' : !allowed && `You lack the permission ${diachronicFreezePermission.name} on this entity.`;
  const { freeze } = family;

  const unfreeze = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.unfreezeFamilies(entityRef, { family: family.family });
      onChanged();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const guarded = (button: JSX.Element) =>
    blocker ? (
      <Tooltip title={blocker}>
        <span>{button}</span>
      </Tooltip>
    ) : (
      button
    );

  return (
    <Box mb={2} data-testid="family-freeze">
      {freeze ? (
        <Alert
          severity="warning"
          action={guarded(
            <Button color="inherit" size="small" disabled={!!blocker || busy || freeze.scope === 'global'} onClick={unfreeze}>
              Unfreeze
            </Button>,
          )}
        >
          Frozen {freeze.scope === 'global' ? '(every family) ' : ''}by {freeze.who}: {freeze.why}
          {freeze.until ? ` · until ${formatTime(freeze.until)}` : ' · until unfrozen'}. No deployment of {family.family} starts or
          takes a step meanwhile.
        </Alert>
      ) : (
        guarded(
          <Button variant="outlined" size="small" disabled={!!blocker} onClick={() => setDialog(true)}>
            Freeze
          </Button>,
        )
      )}
      {error && (
        <Box mt={1}>
          <Alert severity="error">{error.message}</Alert>
        </Box>
      )}
      <FreezeDialog
        open={dialog}
        family={family.family}
        onClose={() => setDialog(false)}
        onSubmit={async input => {
          await api.freezeFamilies(entityRef, { family: family.family, ...input });
          onChanged();
        }}
      />
    </Box>
  );
}
