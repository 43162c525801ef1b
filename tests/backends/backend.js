// A second implementation of the network, in JavaScript, written from docs/SPEC.md and
// golden/README.md alone: it reads a scenario file on stdin and writes its trace to
// stdout as JSON lines ({"iteration": k, "bits": {"W": [[...]], "b": "..."}}).
// Math.exp is V8's, not correctly rounded, so it agrees with the golden files only where
// the threshold hides exp's last bit (the article's example). Options plant mistakes:
//   --strict      y_pred = 1 only where s > 0.5 (the spec: s >= 0.5)
//   --b-first     z = b + W'x (the spec adds b last)
//   --document    write the whole golden-format document instead of JSON lines
'use strict';
const fs = require('fs');

const view = new DataView(new ArrayBuffer(8));
function fromBits(hex) { view.setBigUint64(0, BigInt('0x' + hex)); return view.getFloat64(0); }
function toBits(v) {
  if (Number.isNaN(v)) return '7ff8000000000000';
  view.setFloat64(0, v);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

const options = new Set(process.argv.slice(2));
const scenario = JSON.parse(fs.readFileSync(0, 'utf8')).scenario;
const bits = scenario.bits;
const x = bits.x.map(r => r.map(fromBits));
const y = bits.y.map(r => r.map(fromBits));
let W = bits.W.map(r => r.map(fromBits));
let b = fromBits(bits.b);
const a = fromBits(bits.learning_rate);
const F = x.length, S = x[0].length, O = y.length, m = S;

function step() {
  const e = [];
  for (let o = 0; o < O; o++) {
    e.push([]);
    for (let j = 0; j < S; j++) {
      let z;
      if (options.has('--b-first')) {
        z = b;
        for (let k = 0; k < F; k++) z = z + W[k][o] * x[k][j];
      } else {
        z = W[0][o] * x[0][j];
        for (let k = 1; k < F; k++) z = z + W[k][o] * x[k][j];
        z = z + b;
      }
      const s = 1 / (1 + Math.exp(-z));
      const yPred = options.has('--strict') ? (s > 0.5 ? 1 : 0) : (s >= 0.5 ? 1 : 0);
      e[o].push((scenario.variant === 'threshold' ? yPred : s) - y[o][j]);
    }
  }
  const next = [];
  for (let k = 0; k < F; k++) {
    next.push([]);
    for (let o = 0; o < O; o++) {
      let g = x[k][0] * e[o][0];
      for (let j = 1; j < S; j++) g = g + x[k][j] * e[o][j];
      next[k].push(W[k][o] - a * (g / m));
    }
  }
  let total = e[0][0];
  for (let o = 0; o < O; o++) for (let j = 0; j < S; j++) if (o || j) total = total + e[o][j];
  b = b - a * (total / m);
  W = next;
}

const lines = [];
for (let k = 0; k <= scenario.iterations; k++) {
  if (k > 0) step();
  lines.push(JSON.stringify({iteration: k, bits: {W: W.map(r => r.map(toBits)), b: toBits(b)}}));
}
if (options.has('--document')) {
  process.stdout.write('{"format": "ann-ref-golden", "version": 1, "trace": [\n' +
                       lines.join(',\n') + '\n]}\n');
} else {
  process.stdout.write(lines.join('\n') + '\n');
}
