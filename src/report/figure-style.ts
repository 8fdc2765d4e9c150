// The look every report figure shares (Vega-Lite config).
const FONT = 'Helvetica, Arial, sans-serif';
export const CONFIG = {
  font: FONT,
  view: { stroke: '#ddd' },
  axis: { gridColor: '#eee' },
  legend: { labelLimit: 320 },
};
