// Draws the extension's icon, docs/icon.png (256x256): a file's pages as a grid, clean in blue, dirty in amber,
// and the one a write dropped in red with a cross. `node scripts/make-icon.mjs` writes it again.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 256;
const px = Buffer.alloc(N * N * 4);
const rgb = (hex) => [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
const set = (x, y, c, a = 255) => {
  const i = (y * N + x) * 4;
  px[i] = c[0]; px[i + 1] = c[1]; px[i + 2] = c[2]; px[i + 3] = a;
};
/** A rectangle with rounded corners of radius r (anti-aliasing by 4x4 supersampling at the corners). */
function roundRect(x0, y0, w, h, r, c) {
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) {
    let inside = 0;
    for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) {
      const fx = x + (sx + 0.5) / 4 - x0, fy = y + (sy + 0.5) / 4 - y0;
      const cx = Math.min(Math.max(fx, r), w - r), cy = Math.min(Math.max(fy, r), h - r);
      if ((fx - cx) ** 2 + (fy - cy) ** 2 <= r * r) inside++;
    }
    if (inside > 0) {
      const i = (y * N + x) * 4, a = inside / 16;
      for (let k = 0; k < 3; k++) px[i + k] = Math.round(px[i + k] * (1 - a) + c[k] * a);
      px[i + 3] = Math.max(px[i + 3], Math.round(255 * a));
    }
  }
}
roundRect(0, 0, N, N, 36, rgb('#1e2430'));
for (let row = 0; row < 4; row++) for (let col = 0; col < 4; col++) {
  const key = `${row}${col}`;
  const c = key === '11' ? '#e5534b' : ['10', '12', '21'].includes(key) ? '#e0a030' : '#3b82c4';
  roundRect(28 + col * 52, 28 + row * 52, 44, 44, 6, rgb(c));
}
// The cross on the lost page: two strokes 7 px wide.
for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
  const u = x - 102, v = y - 102;
  if (Math.abs(u) <= 13 && Math.abs(v) <= 13 && (Math.abs(u - v) <= 4.5 || Math.abs(u + v) <= 4.5)) set(x, y, [255, 255, 255]);
}

const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0); ihdr.writeUInt32BE(N, 4); ihdr[8] = 8; ihdr[9] = 6;
const raw = Buffer.concat(Array.from({ length: N }, (_, y) => Buffer.concat([Buffer.from([0]), px.subarray(y * N * 4, (y + 1) * N * 4)])));
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
writeFileSync(new URL('../docs/icon.png', import.meta.url), png);
console.log(`docs/icon.png: ${png.length} bytes`);
