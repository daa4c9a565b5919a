import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import type { DeploymentEvent } from '@diachronic/backstage-plugin-diachronic-common';
import { formatTime } from '../../format';
import { WrappedListItemText } from '../WrappedListItemText';

/** Who did what, why and when, oldest first. */
export function EventsTimeline({ events }: { events: DeploymentEvent[] }) {
  if (events.length === 0) return <Typography variant="body2">No events recorded.</Typography>;
  return (
    <List dense aria-label="events">
      {events.map((event, i) => (
        <ListItem key={`${event.at}-${i}`} divider>
          <WrappedListItemText
            primary={
              <>
                <strong>{event.action}</strong> by {event.who}
                {event.detail && ` · ${event.detail}`}
              </>
            }
            secondary={`${formatTime(event.at)}${event.why ? ` · why: ${event.why}` : ''}`}
          />
        </ListItem>
      ))}
    </List>
  );
}
