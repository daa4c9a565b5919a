import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import type { DeploymentPhase } from '@diachronic/backstage-plugin-diachronic-common';
import { listedPhases, phaseLabels } from '../../phases';

export interface DeploymentFilterValues {
  phases: DeploymentPhase[];
  owner: string;
  text: string;
}

export interface DeploymentFiltersProps {
  value: DeploymentFilterValues;
  onChange: (value: DeploymentFilterValues) => void;
}

/** Phase (several), owner and free text. */
export function DeploymentFilters({ value, onChange }: DeploymentFiltersProps) {
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
      <FormControl style={{ minWidth: 220 }}>
        <InputLabel id="diachronic-filter-phase">Phases</InputLabel>
        <Select
          labelId="diachronic-filter-phase"
          multiple
          value={value.phases}
          onChange={e => onChange({ ...value, phases: e.target.value as DeploymentPhase[] })}
          renderValue={selected => (selected as DeploymentPhase[]).map(phase => phaseLabels[phase]).join(', ')}
        >
          {listedPhases.map(phase => (
            <MenuItem key={phase} value={phase}>
              <Checkbox checked={value.phases.includes(phase)} />
              <ListItemText primary={phaseLabels[phase]} />
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <TextField
        id="diachronic-filter-owner"
        label="Owner"
        placeholder="group:default/payments or payments"
        value={value.owner}
        onChange={e => onChange({ ...value, owner: e.target.value })}
      />
      <TextField
        id="diachronic-filter-text"
        label="Search"
        placeholder="family, entity, version"
        value={value.text}
        onChange={e => onChange({ ...value, text: e.target.value })}
      />
    </Box>
  );
}
