export const pluginId = 'diachronic';
