import ListItemText, { ListItemTextProps } from '@material-ui/core/ListItemText';

/** MUI's ListItemText whose text wraps: Backstage's theme keeps a list item to one line, clipped at its edge. */
export function WrappedListItemText({ style, ...props }: ListItemTextProps) {
  return <ListItemText {...props} style={{ whiteSpace: 'normal', ...style }} />;
}
