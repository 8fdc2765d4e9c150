// The dashboard's client: a hash router over four pages (runs, a run, suites, a suite). Bundled
// with uPlot and the styles by esbuild into dist/web at `make build`; no CDN, no network.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { replace } from './dom.js';
import { runPage } from './run-page.js';
import { runsPage, type Page } from './runs-page.js';
import { suitePage, suitesPage } from './suites-page.js';

let current: Page | undefined;

function route(): void {
  const app = document.getElementById('app');
  if (app === null) return;
  current?.dispose();
  const hash = location.hash.replace(/^#/, '') || '/';
  const [pathPart = '/', queryPart = ''] = hash.split('?');
  const query = new URLSearchParams(queryPart);
  const run = /^\/run\/(.+)$/.exec(pathPart);
  if (run?.[1] !== undefined) current = runPage(decodeURIComponent(run[1]));
  else if (pathPart === '/suites') current = suitesPage();
  else if (pathPart === '/suite') current = suitePage(query.get('name') ?? '', query.get('preset') ?? '');
  else current = runsPage(query.get('q') ?? '');
  for (const [id, on] of [
    ['nav-runs', !pathPart.startsWith('/suite')],
    ['nav-suites', pathPart.startsWith('/suite')],
  ] as const)
    document.getElementById(id)?.classList.toggle('active', on);
  replace(app, current.el);
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', route);
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', route);
else route();
