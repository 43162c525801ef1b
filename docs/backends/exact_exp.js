// e^x correctly rounded to binary64, on BigInt only: the exact method of
// ann_ref/core/exponential.py (its last path), ported from exact_exp.py beside it.
// x = k*ln2 + r, 0 <= r < ln2; e^r = (e^(r/256))^256 in fixed point with G fraction bits
// and a bound D on the error; when Y - D and Y + D round to the same binary64, that is
// e^x correctly rounded (e^x is irrational for x != 0: a finer G always decides).
//   node exact_exp.js < arguments      (one bit pattern per line in, e^x's out)
'use strict';

const ln2Cache = new Map();
function ln2Fixed(G) {               // ln 2 * 2^G rounded down: 2*atanh(1/3) = sum 2/((2k+1) 3^(2k+1))
  if (!ln2Cache.has(G)) {
    let total = 0n, power = (2n << BigInt(G + 24)) / 3n, k = 1n;
    while (power) { total += power / k; power /= 9n; k += 2n; }
    ln2Cache.set(G, total >> 24n);
  }
  return ln2Cache.get(G);
}

function bitLength(n) { return n.toString(2).length; }

function toBits(N, E) {              // the binary64 nearest to N * 2^E (N >= 0), ties to even
  if (N === 0n) return 0n;
  let shift = bitLength(N) - 53;
  if (E + shift < -1074) shift = -1074 - E;
  let q;
  if (shift > 0) {
    const s = BigInt(shift);
    q = N >> s;
    const rest = N - (q << s), half = 1n << (s - 1n);
    if (rest > half || (rest === half && (q & 1n))) q += 1n;
  } else {
    q = N << BigInt(-shift);
  }
  E += shift;
  if (q >> 53n) { q >>= 1n; E += 1; }
  const n = (BigInt(E + 1074) << 52n) + q;
  return n < 0x7FF0000000000000n ? n : 0x7FF0000000000000n;
}

function expBits(n) {                // n, the result: 64-bit patterns as BigInt
  const sign = n >> 63n, e = Number((n >> 52n) & 0x7FFn), f = n & 0xFFFFFFFFFFFFFn;
  if (e === 0x7FF) return f ? 0x7FF8000000000000n : (sign ? 0n : 0x7FF0000000000000n);
  if (e < 969) return 0x3FF0000000000000n;           // |x| < 2^-54: e^x rounds to 1
  if (e >= 1033) return sign ? 0n : 0x7FF0000000000000n;
  const M = sign ? -(f | (1n << 52n)) : (f | (1n << 52n)), E = e - 1075;
  for (let G = 112; ; G *= 2) {
    const L = ln2Fixed(G);
    const X = E + G >= 0 ? M << BigInt(E + G) : M >> BigInt(-(E + G));   // floor
    let k = X / L;                   // BigInt division truncates: make it a floor
    if (X - k * L < 0n) k -= 1n;
    const R = X - k * L;
    const S = R >> 8n, one = 1n << BigInt(G), g = BigInt(G);
    let Y = one, term = one, terms = 1n;
    while (term) { term = ((term * S) >> g) / terms; Y += term; terms += 1n; }
    let D = 2n * terms + 2n;
    for (let i = 0; i < 8; i++) { Y = (Y * Y) >> g; D = 3n * D + 1n; }
    D += 2n * (2n + (k < 0n ? -k : k)) + 512n;
    const low = toBits(Y - D, Number(k) - G);
    if (low === toBits(Y + D, Number(k) - G)) return low;
  }
}

const view = new DataView(new ArrayBuffer(8));
function exp(v) {                    // exp of a Number, correctly rounded
  view.setFloat64(0, v);
  view.setBigUint64(0, expBits(view.getBigUint64(0)));
  return view.getFloat64(0);
}

module.exports = {exp, expBits};

if (require.main === module) {
  const input = require('fs').readFileSync(0, 'utf8').split('\n').filter(l => l.trim());
  process.stdout.write(input.map(h => expBits(BigInt('0x' + h.trim())).toString(16)
    .padStart(16, '0') + '\n').join(''));
}
