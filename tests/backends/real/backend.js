// The network in JavaScript (Node.js), loops in the order of docs/SPEC.md, with V8's
// Math.exp: scenario on stdin, trace on stdout as JSON lines; --batch for the protocol of
// golden/README.md. One switch turns its one deviation from the spec off:
//   --exact-exp   a correctly rounded exp (below, on BigInt) instead of Math.exp
'use strict';
const fs = require('fs');
const readline = require('readline');

const view = new DataView(new ArrayBuffer(8));
function fromBits(hex) { view.setBigUint64(0, BigInt('0x' + hex)); return view.getFloat64(0); }
function toBits(v) {
  if (Number.isNaN(v)) return '7ff8000000000000';
  view.setFloat64(0, v);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

// e^v correctly rounded: v is exactly M·2^E; with P fractional bits, k = round(v/ln 2),
// r = v − k·ln 2, e^r by its Taylor series, each with an error below 2^(16−P); the
// result e^r·2^k is rounded to its binary64 quantum unless it lies within that error of
// a midpoint, in which case P grows.
const lnTwo = new Map();
function ln2(P) {                 // ln 2 = 2·atanh(1/3), with P fractional bits
  if (!lnTwo.has(P)) {
    const one = 1n << BigInt(P);
    let sum = 0n, term = one / 3n, n = 1n;
    while (term > 0n) { sum += term / n; term /= 9n; n += 2n; }
    lnTwo.set(P, 2n * sum);
  }
  return lnTwo.get(P);
}
function fixed(v, P) {            // v·2^P, exact (|v| ≥ 2^-54 has no bit below 2^-107)
  view.setFloat64(0, v);
  const u = view.getBigUint64(0), e = Number((u >> 52n) & 0x7ffn);
  const m = (u & 0xfffffffffffffn) | (e ? 1n << 52n : 0n);
  const shift = BigInt(Math.max(e, 1) - 1075 + P);
  const mag = shift >= 0n ? m << shift : m >> -shift;
  return v < 0 ? -mag : mag;
}
function exactExp(v) {
  if (Number.isNaN(v)) return NaN;
  if (v > 710) return Infinity;
  if (v < -746) return 0;
  if (Math.abs(v) < 2 ** -54) return 1;
  for (let P = 192; ; P += 64) {
    const one = 1n << BigInt(P), L = ln2(P), x = fixed(v, P);
    const k = (x * 2n + L) / (2n * L) - (x < 0n ? 1n : 0n);      // near round(x / L)
    const r = x - k * L;
    let sum = one, term = one;
    for (let n = 1n; term !== 0n; n++) { term = term * r / one / n; sum += term; }
    // the value is sum·2^(k−P); its quantum 2^q: 53 significant bits, at least 2^-1074
    const top = sum.toString(2).length - 1 + Number(k) - P;           // floor(log2)
    const q = Math.max(top - 52, -1074);
    const shift = BigInt(q - Number(k) + P);                          // > 16 here
    const n = sum >> shift, rest = sum - (n << shift), half = 1n << (shift - 1n);
    const margin = 1n << 16n;
    if (rest - half > margin || half - rest > margin) {
      const rounded = rest > half ? n + 1n : n;
      return Number(rounded) * 2 ** q;        // exact: < 2^54 times a power of two
    }
  }
}

function run(scenario, exp) {
  const bits = scenario.bits;
  const x = bits.x.map(r => r.map(fromBits)), y = bits.y.map(r => r.map(fromBits));
  let W = bits.W.map(r => r.map(fromBits)), b = fromBits(bits.b);
  const a = fromBits(bits.learning_rate), F = x.length, S = x[0].length, O = y.length, m = S;
  const lines = [];
  for (let k = 0; k <= scenario.iterations; k++) {
    lines.push(JSON.stringify({iteration: k, bits: {W: W.map(r => r.map(toBits)), b: toBits(b)}}));
    if (k === scenario.iterations) break;
    const e = [];
    for (let o = 0; o < O; o++) {
      e.push([]);
      for (let j = 0; j < S; j++) {
        let z = W[0][o] * x[0][j];
        for (let f = 1; f < F; f++) z = z + W[f][o] * x[f][j];
        z = z + b;
        const s = 1 / (1 + exp(-z));
        e[o].push((scenario.variant === 'logistic' ? s : (s >= 0.5 ? 1 : 0)) - y[o][j]);
      }
    }
    const next = [];
    for (let f = 0; f < F; f++) {
      next.push([]);
      for (let o = 0; o < O; o++) {
        let g = x[f][0] * e[o][0];
        for (let j = 1; j < S; j++) g = g + x[f][j] * e[o][j];
        next[f].push(W[f][o] - a * (g / m));
      }
    }
    let total = e[0][0];
    for (let o = 0; o < O; o++) for (let j = 0; j < S; j++) if (o || j) total = total + e[o][j];
    b = b - a * (total / m);
    W = next;
  }
  return lines.join('\n') + '\n';
}

const args = new Set(process.argv.slice(2));
for (const a of args) if (a !== '--batch' && a !== '--exact-exp') {
  process.stderr.write('unknown switch ' + a + '; known: --batch, --exact-exp\n');
  process.exit(2);
}
const exp = args.has('--exact-exp') ? exactExp : Math.exp;
if (args.has('--batch')) {
  const rl = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
  rl.on('line', text => {
    if (!text.trim()) return;
    let out;
    try { out = run(JSON.parse(text).scenario, exp) + '{"end": true}\n'; }
    catch (err) { out = JSON.stringify({error: String(err)}) + '\n'; }
    process.stdout.write(out);
  });
} else {
  process.stdout.write(run(JSON.parse(fs.readFileSync(0, 'utf8')).scenario, exp));
}
