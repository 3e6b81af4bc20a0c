// The results page's map: reads the run's manifest (window.GEODENSE_RESULTS, written by GeoDense into index.html)
// and shows every input with its output layers in the input's own coordinate system, so the page needs no
// basemap, no network and no reprojection. Images are the run's PNG overlays placed at the raster's extent;
// vectors are the run's polygons, embedded in the page (a file:// page may not fetch files).
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import Projection from 'ol/proj/Projection.js';
import ImageLayer from 'ol/layer/Image.js';
import VectorLayer from 'ol/layer/Vector.js';
import Static from 'ol/source/ImageStatic.js';
import VectorSource from 'ol/source/Vector.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import { Fill, Stroke, Style } from 'ol/style.js';
import { defaults as defaultControls, ScaleLine, MousePosition } from 'ol/control.js';

const results = window.GEODENSE_RESULTS;

function projectionOf(input, index) {
  return new Projection({
    code: `geodense:${index}`,
    units: input.pixelSpace ? 'pixels' : 'm',
    extent: input.extent,
  });
}

function hexToRgba(hex, alpha) {
  const v = parseInt(hex.slice(1), 16);
  return `rgba(${(v >> 16) & 255}, ${(v >> 8) & 255}, ${v & 255}, ${alpha})`;
}

function vectorStyle(layer) {
  const cache = {};
  return feature => {
    const key = layer.colorBy ? String(feature.get(layer.colorBy)) : '';
    if (!cache[key]) {
      const colour = (layer.colors && layer.colors[key]) || layer.color || '#ff00ff';
      cache[key] = new Style({
        stroke: new Stroke({ color: colour, width: 2 }),
        fill: new Fill({ color: hexToRgba(colour, layer.fillOpacity ?? 0.15) }),
      });
    }
    return cache[key];
  };
}

function olLayer(layer, input, projection) {
  if (layer.type === 'image') {
    return new ImageLayer({
      source: new Static({ url: layer.src, imageExtent: layer.extent || input.extent, projection, interpolate: false }),
      opacity: layer.opacity ?? 1,
      visible: layer.visible !== false,
    });
  }
  const features = layer.features
    ? new GeoJSON().readFeatures(layer.features, { dataProjection: projection, featureProjection: projection })
    : [];
  // pixel-space outputs count rows downwards; the map's y axis points up
  if (input.pixelSpace) features.forEach(f => f.getGeometry().scale(1, -1, [0, 0]));
  return new VectorLayer({
    source: new VectorSource({ features }),
    style: vectorStyle(layer),
    visible: layer.visible !== false,
  });
}

function layerSwitcher(entries) {
  const box = document.getElementById('layers');
  box.replaceChildren();
  for (const { spec, layer } of entries) {
    const row = document.createElement('label');
    row.className = 'layer';
    const check = document.createElement('input');
    check.type = 'checkbox';
    check.checked = layer.getVisible();
    check.addEventListener('change', () => layer.setVisible(check.checked));
    const opacity = document.createElement('input');
    opacity.type = 'range'; opacity.min = '0'; opacity.max = '1'; opacity.step = '0.05';
    opacity.value = String(layer.getOpacity());
    opacity.title = 'opacity';
    opacity.addEventListener('input', () => layer.setOpacity(Number(opacity.value)));
    const name = document.createElement('span');
    name.textContent = spec.name + (spec.note ? ` (${spec.note})` : '');
    row.append(check, name, opacity);
    box.append(row);
  }
}

const map = new Map({
  target: 'map',
  controls: defaultControls().extend([new ScaleLine(), new MousePosition({ className: 'mouse-position' })]),
});
let current = [];

function show(index) {
  const input = results.inputs[index];
  const projection = projectionOf(input, index);
  for (const { layer } of current) map.removeLayer(layer);
  current = input.layers.map(spec => ({ spec, layer: olLayer(spec, input, projection) }));
  for (const { layer } of current) map.addLayer(layer);
  const view = new View({ projection, extent: input.extent, constrainOnlyCenter: true });
  map.setView(view);
  view.fit(input.extent, { padding: [20, 20, 20, 20] });
  layerSwitcher(current);
  document.getElementById('crs').textContent = input.pixelSpace ? 'pixel coordinates (no georeference)' : input.crs || '';
}

const select = document.getElementById('input');
results.inputs.forEach((input, i) => {
  const option = document.createElement('option');
  option.value = String(i);
  option.textContent = input.name;
  select.append(option);
});
select.addEventListener('change', () => show(Number(select.value)));
if (results.inputs.length > 0) show(0);

// what a test (or a curious user in the console) can ask the page
window.geodense = {
  map,
  layerNames: () => current.map(c => c.spec.name),
  // features of the named vector layer (all vector layers when no name is given), drawn or hidden
  featureCount: name => current
    .filter(c => c.layer instanceof VectorLayer && (name === undefined || c.spec.name === name))
    .reduce((n, c) => n + c.layer.getSource().getFeatures().length, 0),
  // resolves once every visible layer has been drawn
  rendered: () => new Promise(resolve => { map.once('rendercomplete', () => resolve(true)); map.render(); }),
  show,
};
