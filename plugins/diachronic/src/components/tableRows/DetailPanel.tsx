import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';

/**
 * A table row's detail panel that takes the table's width instead of setting it: a cell grows to fit its
 * content and the table scrolls sideways, so a long event or flag name would push the columns off-screen at
 * 1024 px. With no width of its own the panel wraps its text within the columns' width (the table's cells
 * do not wrap; long names break anywhere).
 */
export function DetailPanel({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <Box
      px={4}
      py={1}
      style={{ width: 0, minWidth: '100%', boxSizing: 'border-box', whiteSpace: 'normal', overflowWrap: 'anywhere' }}
      data-testid={testId}
    >
      {children}
    </Box>
  );
}
