import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPublished, publishedCurves, publishedTable1 } from '../../src/report/published.js';

test('published.json has every Table 1 cell (n/a only for the invertible MLP inverse encoder)', () => {
  const p = loadPublished();
  assert.deepEqual(p.table1.rows, ['identity', 'invertible-mlp', 'linear', 'patches', 'spiral']);
  assert.deepEqual(p.table1.columns, ['holds-infonce', 'violated-infonce', 'violated-adapted', 'violated-inverse']);
  let numbers = 0;
  for (const r of p.table1.rows) {
    for (const c of p.table1.columns) {
      const cell = p.table1.cells[r]?.[c];
      assert.notEqual(cell, undefined, `${r}/${c} missing`);
      if (cell === null) assert.deepEqual([r, c], ['invertible-mlp', 'violated-inverse']);
      else numbers++;
    }
  }
  assert.equal(numbers, 19);
  assert.deepEqual(p.table1.cells.identity?.['violated-infonce'], { mean: 0.06, std: 0.03 });
  assert.deepEqual(p.table1.cells.spiral?.['violated-infonce'], { mean: 0.72, std: 0.33 });
  assert.deepEqual(p.table1.cells.patches?.['violated-inverse'], { mean: 0.88, std: 0.01 });
  assert.deepEqual(p.table1.cells['invertible-mlp']?.['violated-adapted'], { mean: 0.6, std: 0.01 });
});

test('published.json holds the MCC/APE/loss numbers, Table 7 and the ρ sweep', () => {
  const p = loadPublished();
  assert.deepEqual(p.holdsMlp.identity, { mcc: 0.775, ape: 0.007, loss: 7.388 });
  assert.deepEqual(p.holdsMlp.patches, { mcc: 0.836, ape: 0.031, loss: 7.429 });
  assert.deepEqual(p.violatedIdentity['violated-adapted'], { mcc: 0.607, ape: 0.152, loss: 6.689 });
  assert.deepEqual(p.violatedIdentity['violated-inverse'], { mcc: 0.801, ape: 0.047, loss: 6.058 });
  assert.deepEqual(p.table7.linear.dFixed, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(p.table7.linear.r2[0], 0.969);
  assert.equal(p.table7.linear.r2[9], 0.299);
  assert.equal(p.table7.linear.r2[10], 0.032);
  assert.deepEqual(p.rhoSweep.mlp, { rho: [0, 0.5, 1], r2: [0.053, 0.575, 0.626] });
  assert.deepEqual(p.rhoSweep['inverse-linear'], { rho: [0, 0.5, 1], r2: [0.994, 0.997, 0.709] });
});

test('publishedTable1 and publishedCurves turn the data into report inputs', () => {
  const p = loadPublished();
  const t = publishedTable1(p);
  assert.equal(t.ours.length, 0);
  assert.equal(t.published['invertible-mlp']?.['violated-inverse'], null);
  assert.deepEqual(t.published.linear?.['violated-adapted'], { mean: 0.65, std: 0.03 });
  const c = publishedCurves(p);
  assert.deepEqual(
    c.rho.series[0]?.points.map((q) => q.y),
    [0.053, 0.575, 0.626],
  );
  assert.equal(c.fixedDims.series[0]?.points.length, 11);
});
