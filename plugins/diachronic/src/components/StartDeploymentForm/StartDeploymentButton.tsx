import { useId, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useFocusWhenOpened } from '../../hooks';
import { StartDeploymentForm, StartDeploymentFormProps } from './StartDeploymentForm';

export interface StartDeploymentButtonProps extends Pick<StartDeploymentFormProps, 'families' | 'onSubmit'> {
  /** Disabled: while the permission is checked (nothing said yet), or with `disabledReason`. */
  disabled?: boolean;
  /** Why the user cannot start a deployment, shown beside the disabled button. */
  disabledReason?: string;
}

/**
 * "Start a deployment", which opens the start form in a dialog. A start or a queued request closes the
 * dialog and is told beside the button; a duplicate or a failure keeps the dialog open with the input.
 */
export function StartDeploymentButton({ families, onSubmit, disabled = false, disabledReason }: StartDeploymentButtonProps) {
  const [open, setOpen] = useState(false);
  const [started, setStarted] = useState<string>();
  const focus = useFocusWhenOpened();
  const reasonId = useId();
  const titleId = useId();
  const close = () => setOpen(false);

  return (
    <Box display="flex" alignItems="center" justifyContent="flex-end" flexWrap="wrap" style={{ gap: 16 }}>
      {started && (
        <Alert severity="success" onClose={() => setStarted(undefined)}>
          {started}
        </Alert>
      )}
      {disabledReason && (
        <Typography id={reasonId} variant="body2" color="textSecondary">
          {disabledReason}
        </Typography>
      )}
      <Button
        variant="contained"
        color="primary"
        disabled={disabled || !!disabledReason}
        aria-describedby={disabledReason ? reasonId : undefined}
        onClick={() => {
          setStarted(undefined);
          setOpen(true);
        }}
      >
        Start a deployment
      </Button>
      <Dialog open={open} onClose={close} TransitionProps={focus.TransitionProps} aria-labelledby={titleId} fullWidth maxWidth="sm">
        <DialogTitle id={titleId}>Start a deployment</DialogTitle>
        <StartDeploymentForm
          families={families}
          onSubmit={onSubmit}
          onCancel={close}
          versionInputRef={focus.inputRef}
          onStarted={message => {
            setStarted(message);
            close();
          }}
        />
      </Dialog>
    </Box>
  );
}
