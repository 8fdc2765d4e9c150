// Suites: the suites the store has runs of, and each one's tables next to the paper's numbers as
// the HTML report draws them (the server renders them with the report's own code), with a link to
// the full report and to the suite's runs.
import type { SuiteEntry, SuiteResponse } from '../src/serve/api-types.js';
import { getJson, h, replace } from './dom.js';
import type { Page } from './runs-page.js';

const suiteHref = (s: { suite: string; preset: string }): string =>
  `#/suite?${new URLSearchParams({ name: s.suite, preset: s.preset }).toString()}`;

export function suitesPage(): Page {
  const el = h('div', { class: 'suites-page' }, h('h1', {}, 'Suites'), h('p', { class: 'empty' }, 'Loading…'));
  void getJson<SuiteEntry[]>('/api/suites').then(
    (list) =>
      replace(
        el,
        h('h1', {}, 'Suites'),
        list.length === 0
          ? h(
              'p',
              { class: 'empty' },
              'No run of this store belongs to a suite (clab reproduce <suite> labels its runs).',
            )
          : h(
              'ul',
              { 'data-testid': 'suites' },
              ...list.map((s) =>
                h(
                  'li',
                  {},
                  s.known ? h('a', { href: suiteHref(s) }, s.suite) : s.suite,
                  ` · preset ${s.preset} · ${s.runs} runs`,
                  s.known ? '' : ' (no suite file)',
                ),
              ),
            ),
      ),
    (err: Error) => replace(el, h('p', { class: 'error' }, err.message)),
  );
  return { el, dispose: () => undefined };
}

export function suitePage(name: string, preset: string): Page {
  const el = h(
    'div',
    { class: 'suite-page' },
    h('p', { class: 'empty' }, 'Loading the suite (the first time computes its report)…'),
  );
  void getJson<SuiteResponse>(`/api/suite?${new URLSearchParams({ name, preset }).toString()}`).then(
    (s) => {
      const tables = h('div', { class: 'suite-tables', 'data-testid': 'suite-tables' });
      // The one place HTML from the server is inserted: the report's tableToHtml, which escapes every string.
      tables.innerHTML = s.tablesHtml.join('\n');
      replace(
        el,
        h('p', {}, h('a', { href: '#/suites' }, '← all suites')),
        h('h1', {}, s.title),
        h(
          'p',
          { class: 'meta' },
          `${s.suite} · preset ${s.preset} · `,
          h('a', { href: s.reportUrl, target: '_blank', rel: 'noopener' }, 'full HTML report'),
          ' · ',
          h('a', { href: `#/?q=${encodeURIComponent(s.suite)}` }, 'runs of this suite'),
        ),
        tables,
        h('ul', { class: 'notes' }, ...s.notes.map((n) => h('li', {}, n))),
      );
    },
    (err: Error) => replace(el, h('p', { class: 'error' }, err.message)),
  );
  return { el, dispose: () => undefined };
}
