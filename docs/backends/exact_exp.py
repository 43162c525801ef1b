"""e^x correctly rounded to binary64, on integers only: the exact method of
ann_ref/core/exponential.py (its last path), to copy into a Python or NumPy backend.

x = k*ln2 + r with 0 <= r < ln2; e^r = (e^(r/256))^256, the series on r/256, then
eight squarings, all in fixed point with G fraction bits, with a bound D on the error;
when Y - D and Y + D round to the same binary64, that is e^x correctly rounded
(e^x is irrational for x != 0, so it is never a tie and a finer G always decides).
A few µs a call: enough for the golden catalogue; a fast path in floats (as
exponential.py has) would decide most calls without it.

    python3 exact_exp.py < arguments      # one bit pattern per line in, e^x's out
"""
import struct
import sys

_LN2 = {}


def ln2_fixed(G):
    """ln 2 * 2**G, rounded down, error below 1: 2*atanh(1/3) = sum 2/((2k+1) 3^(2k+1))."""
    if G not in _LN2:
        total, power, k = 0, (2 << (G + 24)) // 3, 1
        while power:
            total += power // k
            power //= 9
            k += 2
        _LN2[G] = total >> 24
    return _LN2[G]


def to_bits(N, E):
    """The bit pattern of the binary64 nearest to N * 2**E (N >= 0), ties to even,
    subnormals and overflow to inf included."""
    if N == 0:
        return 0
    shift = N.bit_length() - 53                # keep 53 significant bits,
    if E + shift < -1074:                      # or down to 2^-1074 for a subnormal
        shift = -1074 - E
    if shift > 0:
        q, rest, half = N >> shift, N & ((1 << shift) - 1), 1 << (shift - 1)
        if rest > half or (rest == half and q & 1):
            q += 1
    else:
        q = N << -shift
    E += shift
    if q >> 53:                                # the rounding carried into bit 54
        q >>= 1
        E += 1
    n = ((E + 1074) << 52) + q                 # exponent field and fraction at once
    return min(n, 0x7FF0000000000000)


def exp_bits(n):
    """e^x correctly rounded, x and the result as 64-bit patterns (NaN: 7ff8...)."""
    sign, e, f = n >> 63, (n >> 52) & 0x7FF, n & 0xFFFFFFFFFFFFF
    if e == 0x7FF:                             # inf, NaN
        return 0x7FF8000000000000 if f else (0 if sign else 0x7FF0000000000000)
    if e < 969:                                # |x| < 2^-54 (zeros too): e^x rounds to 1
        return 0x3FF0000000000000
    if e >= 1033:                              # |x| >= 1024: overflow or underflow
        return 0 if sign else 0x7FF0000000000000
    M, E = (f | 1 << 52), e - 1075             # |x| = M * 2**E
    if sign:
        M = -M
    G = 112                                    # fraction bits: doubled until decided
    while True:
        L = ln2_fixed(G)
        X = M << (E + G) if E + G >= 0 else M >> -(E + G)   # x * 2^G, rounded down
        k = X // L                             # floor: r = x - k*ln2 in [0, ln2)
        R = X - k * L                          # error below 1 + |k| units of 2^-G
        # e^(r/256) by its series: each term's division errs by below 1 unit
        S = R >> 8
        Y = term = 1 << G
        n_terms = 1
        while term:
            term = (term * S >> G) // n_terms
            Y += term
            n_terms += 1
        D = 2 * n_terms + 2
        for _ in range(8):                     # e^r = (e^(r/256))^(2^8)
            Y = Y * Y >> G
            D = 3 * D + 1                      # Y < 1.42 * 2^G: at most triples it
        D += 2 * (2 + abs(k)) + 512            # from r's error, times 256
        low = to_bits(Y - D, k - G)
        if low == to_bits(Y + D, k - G):
            return low
        G *= 2


def exp(v):
    """exp of a Python float (binary64), correctly rounded."""
    bits = exp_bits(struct.unpack("<Q", struct.pack("<d", v))[0])
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


if __name__ == "__main__":
    for line in sys.stdin:
        if line.strip():
            print("%016x" % exp_bits(int(line, 16)))
