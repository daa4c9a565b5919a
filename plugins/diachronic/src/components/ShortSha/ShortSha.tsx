import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import { CopyTextButton } from '@backstage/core-components';

/** Characters of a version id shown where space is short (git's own short form). */
export const SHORT_SHA_LENGTH = 7;

/** A version id cut to its first characters, the whole on hover (its title), with a copy button. */
export function ShortSha({ versionId, copy = true }: { versionId: string; copy?: boolean }) {
  const short = versionId.slice(0, SHORT_SHA_LENGTH);
  return (
    <Box component="span" display="inline-flex" alignItems="center" style={{ whiteSpace: 'nowrap' }}>
      <Tooltip title={versionId}>
        <code data-testid="short-sha">
          {short}
        </code>
      </Tooltip>
      {copy && <CopyTextButton text={versionId} aria-label={`Copy ${versionId}`} tooltipText="Version copied" variant="tertiary" />}
    </Box>
  );
}
