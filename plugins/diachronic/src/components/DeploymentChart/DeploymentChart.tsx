import { useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Theme, useTheme } from '@material-ui/core/styles';
import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DeploymentState } from '@diachronic/backstage-plugin-diachronic-common';
import { ChartMarker, chartData, MarkerTone } from './chartData';

const HEIGHT = 220;
/** Marker labels step down in this many rows, so that events close in time do not write over each other. */
const LABEL_ROWS = 3;

const clock = (t: number) => new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function toneColor(theme: Theme, tone: MarkerTone): string {
  switch (tone) {
    case 'ok':
      return theme.palette.success.main;
    case 'hold':
      return theme.palette.warning.dark;
    case 'stop':
      return theme.palette.error.main;
    default:
      return theme.palette.info.dark;
  }
}

function MarkerLabel({ viewBox, marker, row, color }: { viewBox?: { x?: number; y?: number }; marker: ChartMarker; row: number; color: string }) {
  if (viewBox?.x === undefined || viewBox.y === undefined) return null;
  return (
    <g data-testid="chart-marker" data-marker={marker.label}>
      <title>{marker.title}</title>
      <text x={viewBox.x + 3} y={viewBox.y + 12 + row * 12} fontSize={11} fill={color}>
        {marker.label}
      </text>
    </g>
  );
}

/**
 * The deployment over time: its live percentage (a step line) and, while it migrates, what still runs on
 * the old queue; markers where it was promoted, paused, resumed, overridden, held, aborted, or the health
 * gate failed. `now` carries a running deployment's last values to the present.
 */
export function DeploymentChart({ deployment, now = Date.now() }: { deployment: DeploymentState; now?: number }) {
  const theme = useTheme();
  const { points, markers } = useMemo(() => chartData(deployment, now), [deployment, now]);
  if (points.length === 0) {
    return (
      <Typography variant="caption" color="textSecondary" display="block">
        No timeline recorded: the deployment ran on a worker older than the chart.
      </Typography>
    );
  }
  const drains = points.some(point => point.oldRunning !== undefined);
  const marked = markers.map(marker => `${marker.label} at ${clock(marker.t)}`).join(', ');
  const description = `Live percentage over time, ${points[0].livePercent}% to ${points[points.length - 1].livePercent}%${marked ? `; ${marked}` : ''}`;
  return (
    <Box data-testid="deployment-chart" role="img" aria-label={description}>
      <ResponsiveContainer width="100%" height={HEIGHT} initialDimension={{ width: 800, height: HEIGHT }}>
        <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={clock} fontSize={11} />
          <YAxis yAxisId="percent" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} unit="%" width={44} fontSize={11} />
          {drains && <YAxis yAxisId="old" orientation="right" allowDecimals={false} width={44} fontSize={11} />}
          <Tooltip labelFormatter={value => clock(Number(value))} />
          <Legend verticalAlign="top" height={24} iconSize={10} wrapperStyle={{ fontSize: 12 }} />
          <Line
            yAxisId="percent"
            dataKey="livePercent"
            name="Live %"
            type="stepAfter"
            stroke={theme.palette.primary.main}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          {drains && (
            <Line
              yAxisId="old"
              dataKey="oldRunning"
              name="Running on the old queue"
              type="linear"
              stroke={theme.palette.text.secondary}
              strokeDasharray="4 2"
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          )}
          {markers.map((marker, i) => {
            const color = toneColor(theme, marker.tone);
            return (
              <ReferenceLine
                key={`${marker.t}-${marker.label}-${i}`}
                yAxisId="percent"
                x={marker.t}
                stroke={color}
                strokeDasharray="2 2"
                ifOverflow="extendDomain"
                label={<MarkerLabel marker={marker} row={i % LABEL_ROWS} color={color} />}
              />
            );
          })}
        </ComposedChart>
      </ResponsiveContainer>
    </Box>
  );
}
