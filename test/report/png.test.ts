import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { crc32, encodePng, renderReport } from '../../src/report/index.js';

/** Splits PNG bytes into chunks, checking each CRC. */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    assert.equal(png.readUInt32BE(at + 8 + len), crc32(png.subarray(at + 4, at + 8 + len)), `${type} CRC`);
    out.push({ type, data });
    at += 12 + len;
  }
  return out;
}

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(Buffer.from('123456789', 'ascii')), 0xcbf43926);
});

test('encodePng writes a valid RGB PNG whose pixels decode back exactly', () => {
  // 2×3 image, channel-major [3, H, W] in [0, 1].
  const h = 2;
  const w = 3;
  const pixels = Array.from({ length: 3 * h * w }, (_, i) => (i % 7) / 6);
  const parts = chunks(encodePng(pixels, 3, h, w));
  assert.deepEqual(
    parts.map((p) => p.type),
    ['IHDR', 'IDAT', 'IEND'],
  );
  const ihdr = parts[0]!.data;
  assert.equal(ihdr.readUInt32BE(0), w);
  assert.equal(ihdr.readUInt32BE(4), h);
  assert.deepEqual([...ihdr.subarray(8)], [8, 2, 0, 0, 0]);
  const raw = inflateSync(parts[1]!.data);
  assert.equal(raw.length, h * (1 + 3 * w));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++)
        assert.equal(raw[y * (1 + 3 * w) + 1 + 3 * x + c], Math.round(pixels[c * h * w + y * w + x]! * 255));
  // Grayscale input is replicated over the three channels; a wrong size is refused.
  const gray = inflateSync(chunks(encodePng([0, 1], 1, 1, 2))[1]!.data);
  assert.deepEqual([...gray], [0, 0, 0, 0, 255, 255, 255]);
  assert.throws(() => encodePng([0, 1, 2], 3, 1, 2), /expected 3×1×2 = 6 values, got 3/);
});

test('a report gallery is embedded as inline PNG images', async () => {
  const html = await renderReport({
    title: 't',
    generatedAt: '2026-11-24T00:00:00Z',
    environment: {},
    tables: [],
    curves: [],
    lossCurves: [],
    latentViews: [],
    theory: [],
    notes: [],
    galleries: [
      {
        title: 'Augmented views',
        caption: 'c',
        rows: [{ label: 'crop-only (1)', images: [{ channels: 1, height: 1, width: 2, pixels: [0, 1] }] }],
      },
    ],
  });
  assert.match(html, /<h3>Augmented views<\/h3>/);
  assert.match(
    html,
    /<th>crop-only \(1\)<\/th><td><img alt="crop-only \(1\)" width="4" height="2" style="image-rendering:pixelated" src="data:image\/png;base64,[A-Za-z0-9+/=]+"><\/td>/,
  );
});
