/**
 * The viewer's one HTML page. Kept as a string in a module (not an .html file) so that the
 * TypeScript build carries it into dist/ with everything else; the app itself is ES modules under
 * /viewer/app/ and the plot library under /plot/.
 */
export function pageHtml(title: string): string {
  const t = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>swaxs view: ${t}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>swaxs view</h1><span id="results-name">${t}</span>
  <div id="time-control">
    <label>slider <select id="slider-mode"></select></label>
    <input id="time-slider" type="range" min="0" max="1000" value="0" step="1">
    <span id="time-label"></span>
  </div>
  <span id="live-lag" role="status" hidden></span>
</header>
<div id="region-warning" role="alert" hidden></div>
<div id="fit-warning" role="alert" hidden></div>
<main>
  <section id="map-panel" class="panel"><h2>Map</h2><div class="controls" id="map-controls"></div><div class="figs" id="map-figs"></div></section>
  <section id="pixel-panel" class="panel"><h2>Pixel <span id="pixel-label"></span></h2><div class="controls" id="pixel-controls"></div><div class="figs" id="pixel-figs"></div></section>
  <section id="region-panel" class="panel wide"><h2>Region</h2><div class="controls" id="region-controls"></div><div class="figs" id="region-figs"></div></section>
</main>
<div id="status" role="status"></div>
<script type="module" src="/viewer/app/main.js"></script>
</body>
</html>
`;
}

const CSS = `
* { box-sizing: border-box; }
#region-warning, #fit-warning { margin: 8px 16px 0; padding: 6px 10px; background: #fff3cd; border-left: 4px solid #c90; }
body { margin: 0; font: 13px/1.4 Helvetica, Arial, sans-serif; color: #222; background: #f3f4f6; }
header { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: #1d2b3a; color: #fff;
  position: sticky; top: 0; z-index: 2; flex-wrap: wrap; }
header h1 { font-size: 16px; margin: 0; }
#results-name { opacity: 0.8; font-family: monospace; }
#time-control { display: flex; align-items: center; gap: 8px; flex: 1; min-width: 320px; }
#time-slider { flex: 1; }
#time-label { font-family: monospace; min-width: 300px; }
#live-lag { font-family: monospace; font-size: 12px; color: #2a7a2a; }
#live-lag.late { color: #c9262b; }
main { display: grid; grid-template-columns: minmax(300px, 2fr) minmax(400px, 5fr); gap: 12px; padding: 12px; }
.panel { background: #fff; border: 1px solid #d5d8dc; border-radius: 6px; padding: 8px 12px; min-width: 0; }
.panel.wide { grid-column: 1 / -1; }
.panel h2 { font-size: 14px; margin: 0 0 6px; }
.controls { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 6px; }
.figs { display: flex; flex-wrap: wrap; gap: 8px; }
figure { margin: 0; position: relative; flex: 1 1 auto; min-width: 0; padding-top: 20px; }
figure .plot { line-height: 0; }
figure .plot svg { max-width: 100%; height: auto; }
figure .tools { position: absolute; top: 0; right: 2px; display: flex; gap: 2px; opacity: 0.35; }
figure:hover .tools { opacity: 1; }
figure .tools button { font-size: 10px; padding: 1px 5px; cursor: pointer; }
#map-figs .cell { cursor: pointer; }
#map-figs .cell:hover { stroke: #c9262b; stroke-width: 1; }
#status { position: fixed; bottom: 6px; right: 10px; font-size: 11px; color: #666; }
#status.error { color: #c9262b; }
`;
