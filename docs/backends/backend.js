// A backend in JavaScript (Node.js), written from docs/SPEC.md: the scenario document on
// stdin, its trace on stdout as JSON lines. Math.exp is not correctly rounded, so exp
// comes from exact_exp.js beside it.
//   python3 -m ann_ref verify golden/ --backend 'node docs/backends/backend.js' -j 2
'use strict';
const fs = require('fs');
const {exp} = require('./exact_exp.js');

// numbers are read from their bit patterns (scenario.bits), never from the decimals
const view = new DataView(new ArrayBuffer(8));
function fromBits(hex) { view.setBigUint64(0, BigInt('0x' + hex)); return view.getFloat64(0); }
function toBits(v) {
  if (Number.isNaN(v)) return '7ff8000000000000';      // every NaN is written so
  view.setFloat64(0, v);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

const scenario = JSON.parse(fs.readFileSync(0, 'utf8')).scenario;
const bits = scenario.bits;
const x = bits.x.map(r => r.map(fromBits));
const y = bits.y.map(r => r.map(fromBits));
let W = bits.W.map(r => r.map(fromBits));
let b = fromBits(bits.b);
const a = fromBits(bits.learning_rate);
const F = x.length, S = x[0].length, O = y.length, m = S;

function step() {                    // SPEC §3: every sum from its first term, left to right
  const e = [];
  for (let o = 0; o < O; o++) {
    e.push([]);
    for (let j = 0; j < S; j++) {
      let z = W[0][o] * x[0][j];                         // z = W'x, then b added last
      for (let f = 1; f < F; f++) z = z + W[f][o] * x[f][j];
      z = z + b;
      const s = 1 / (1 + exp(-z));                       // s = 1/(1 + e^-z)
      const yPred = s >= 0.5 ? 1 : 0;
      e[o].push((scenario.variant === 'threshold' ? yPred : s) - y[o][j]);
    }
  }
  const next = [];
  for (let f = 0; f < F; f++) {                         // dW = x e' / m, W = W - a dW
    next.push([]);
    for (let o = 0; o < O; o++) {
      let g = x[f][0] * e[o][0];
      for (let j = 1; j < S; j++) g = g + x[f][j] * e[o][j];
      next[f].push(W[f][o] - a * (g / m));
    }
  }
  let total = e[0][0];                                   // db: e row by row, then / m
  for (let o = 0; o < O; o++) for (let j = 0; j < S; j++) if (o || j) total = total + e[o][j];
  b = b - a * (total / m);
  W = next;
}

const lines = [];
for (let k = 0; k <= scenario.iterations; k++) {
  if (k > 0) step();
  lines.push(JSON.stringify({iteration: k, bits: {W: W.map(r => r.map(toBits)), b: toBits(b)}}));
}
process.stdout.write(lines.join('\n') + '\n');
