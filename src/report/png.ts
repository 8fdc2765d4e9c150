// A minimal PNG encoder (RGB, 8-bit, no interlace) so that reports can show images — augmented
// views, rendered shapes — inline as data URIs without an image library. Format: PNG spec
// (ISO/IEC 15948): signature, IHDR, one zlib-compressed IDAT of filter-0 scanlines, IEND; every
// chunk carries a CRC-32 of its type and data.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (the PNG/zlib polynomial) of bytes. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Encodes an RGB image given as values in [0, 1], channel-major ([3, H, W] flattened, the layout
 * of one image of an [N, 3, H, W] tensor), or grayscale ([1, H, W]), as PNG bytes.
 */
export function encodePng(pixels: ArrayLike<number>, channels: 1 | 3, height: number, width: number): Buffer {
  if (pixels.length !== channels * height * width)
    throw new RangeError(
      `encodePng: expected ${channels}×${height}×${width} = ${channels * height * width} values, got ${pixels.length}`,
    );
  const raw = Buffer.alloc(height * (1 + 3 * width));
  const plane = height * width;
  for (let y = 0; y < height; y++) {
    const row = y * (1 + 3 * width);
    raw[row] = 0; // filter type: none
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const v = pixels[(channels === 3 ? c : 0) * plane + y * width + x]!;
        raw[row + 1 + 3 * x + c] = Math.round(Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * 255);
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
