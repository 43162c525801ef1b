/* e^x correctly rounded to binary64, in integer fixed point: the exact method of
 * ann_ref/core/exponential.py (its last path), ported from exact_exp.py beside it.
 *
 * x = k*ln2 + r, 0 <= r < ln2; e^r = (e^(r/256))^256: the series on r/256, then eight
 * squarings, in fixed point with G fraction bits and a bound D on the error. When
 * Y - D and Y + D round to the same binary64, that is e^x correctly rounded; e^x is
 * irrational for x != 0, so a finer G always decides. G starts at 112 and doubles up
 * to 1792 here (the hardest binary64 arguments need about 113 bits); past that the
 * function aborts, which no argument makes it do (tested on golden/exp.json).
 * No floating-point operation but floor(x / ln2) as a first guess of k. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exact_exp.h"

#define MAXL 64                     /* 32-bit limbs: values below 2^(G+12), G <= 1792 */
typedef struct { uint32_t d[MAXL]; } big;
static int NL;                      /* limbs in use at this precision */

static void set_u64(big *a, uint64_t v) {
    memset(a->d, 0, sizeof a->d);
    a->d[0] = (uint32_t)v;
    a->d[1] = (uint32_t)(v >> 32);
}

static int is_zero(const big *a) {
    for (int i = 0; i < NL; i++) if (a->d[i]) return 0;
    return 1;
}

static int cmp(const big *a, const big *b) {
    for (int i = NL - 1; i >= 0; i--)
        if (a->d[i] != b->d[i]) return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

static void add(big *r, const big *a, const big *b) {
    uint64_t c = 0;
    for (int i = 0; i < NL; i++) { c += (uint64_t)a->d[i] + b->d[i]; r->d[i] = (uint32_t)c; c >>= 32; }
}

static void sub(big *r, const big *a, const big *b) {          /* a >= b */
    uint64_t borrow = 0;
    for (int i = 0; i < NL; i++) {
        uint64_t t = (uint64_t)a->d[i] - b->d[i] - borrow;
        r->d[i] = (uint32_t)t;
        borrow = t >> 63;
    }
}

static void shr(big *r, const big *a, int s) {
    big t;
    int ls = s / 32, bs = s % 32;
    for (int i = 0; i < NL; i++) {
        uint64_t lo = i + ls < NL ? a->d[i + ls] : 0, hi = i + ls + 1 < NL ? a->d[i + ls + 1] : 0;
        t.d[i] = (uint32_t)(((hi << 32) | lo) >> bs);
    }
    memcpy(r->d, t.d, sizeof(uint32_t) * NL);
}

static void shl(big *r, const big *a, int s) {
    big t;
    int ls = s / 32, bs = s % 32;
    for (int i = 0; i < NL; i++) {
        int src = i - ls;
        uint64_t here = src >= 0 ? a->d[src] : 0, below = src >= 1 ? a->d[src - 1] : 0;
        t.d[i] = (uint32_t)((here << bs) | (bs ? below >> (32 - bs) : 0));
    }
    memcpy(r->d, t.d, sizeof(uint32_t) * NL);
}

static void mul_small(big *r, const big *a, uint32_t m) {
    uint64_t c = 0;
    for (int i = 0; i < NL; i++) { c += (uint64_t)a->d[i] * m; r->d[i] = (uint32_t)c; c >>= 32; }
}

static void div_small(big *r, const big *a, uint32_t d) {      /* floor(a / d) */
    uint64_t rem = 0;
    for (int i = NL - 1; i >= 0; i--) {
        uint64_t cur = (rem << 32) | a->d[i];
        r->d[i] = (uint32_t)(cur / d);
        rem = cur % d;
    }
}

static void mul_shr(big *r, const big *a, const big *b, int s) {   /* floor(a*b / 2^s) */
    uint32_t t[2 * MAXL + 1];
    memset(t, 0, sizeof t);
    for (int i = 0; i < NL; i++) {
        uint64_t c = 0;
        if (!a->d[i]) continue;
        for (int j = 0; j < NL; j++) {
            c += (uint64_t)a->d[i] * b->d[j] + t[i + j];
            t[i + j] = (uint32_t)c;
            c >>= 32;
        }
        t[i + NL] = (uint32_t)c;
    }
    int ls = s / 32, bs = s % 32;
    for (int i = 0; i < NL; i++) {
        uint64_t lo = t[i + ls], hi = i + ls + 1 < 2 * NL ? t[i + ls + 1] : 0;
        r->d[i] = (uint32_t)(((hi << 32) | lo) >> bs);
    }
}

static int bit_length(const big *a) {
    for (int i = NL - 1; i >= 0; i--)
        if (a->d[i]) { int n = 32; while (!(a->d[i] >> (n - 1))) n--; return 32 * i + n; }
    return 0;
}

static int bit(const big *a, int i) { return (a->d[i / 32] >> (i % 32)) & 1; }

static int any_below(const big *a, int i) {                     /* a bit under bit i */
    for (int j = 0; j < i / 32; j++) if (a->d[j]) return 1;
    return (a->d[i / 32] & ((1u << (i % 32)) - 1)) != 0;
}

static uint64_t low64(const big *a) { return a->d[0] | (uint64_t)a->d[1] << 32; }

static void ln2_fixed(big *total, int G) {    /* ln2 * 2^G rounded down: 2 atanh(1/3) */
    big power, t;
    set_u64(total, 0);
    set_u64(&power, 2);
    shl(&power, &power, G + 24);
    div_small(&power, &power, 3);
    for (uint32_t k = 1; !is_zero(&power); k += 2) {
        div_small(&t, &power, k);
        add(total, total, &t);
        div_small(&power, &power, 9);
    }
    shr(total, total, 24);
}

/* The bit pattern of the binary64 nearest to N * 2^E, ties to even, subnormals and
 * overflow to inf included. */
static uint64_t to_bits(const big *N, int E) {
    int len = bit_length(N), shift;
    uint64_t q;
    if (len == 0) return 0;
    shift = len - 53;
    if (E + shift < -1074) shift = -1074 - E;
    if (shift > 0) {
        big t;
        shr(&t, N, shift);
        q = low64(&t);
        if (bit(N, shift - 1) && (any_below(N, shift - 1) || (q & 1))) q++;
    } else {
        q = low64(N) << -shift;
    }
    E += shift;
    if (q >> 53) { q >>= 1; E++; }
    uint64_t n = ((uint64_t)(E + 1074) << 52) + q;
    return n < 0x7FF0000000000000ull ? n : 0x7FF0000000000000ull;
}

uint64_t exact_exp_bits(uint64_t n) {
    int sign = (int)(n >> 63), e = (int)((n >> 52) & 0x7FF);
    uint64_t f = n & 0xFFFFFFFFFFFFFull;
    double x;
    if (e == 0x7FF) return f ? 0x7FF8000000000000ull : (sign ? 0 : 0x7FF0000000000000ull);
    if (e < 969) return 0x3FF0000000000000ull;            /* |x| < 2^-54: rounds to 1 */
    if (e >= 1033) return sign ? 0 : 0x7FF0000000000000ull;
    memcpy(&x, &n, sizeof x);
    uint64_t M = f | (1ull << 52);
    int E = e - 1075;
    for (int G = 112; G <= 1792; G *= 2) {
        big L, X, R, t, S, Y, term, lo, hi, d;
        NL = (G + 64) / 32 + 1;
        ln2_fixed(&L, G);
        set_u64(&X, M);                               /* |x| * 2^G, rounded down */
        if (E + G >= 0) shl(&X, &X, E + G); else shr(&X, &X, -(E + G));
        /* k = floor(x / ln2), r = x - k ln2 in [0, ln2): k guessed, then corrected */
        long k = (long)floor(x / 0.6931471805599453);
        if (!sign) {
            for (;;) {
                mul_small(&t, &L, (uint32_t)k);
                if (cmp(&t, &X) > 0) { k--; continue; }
                sub(&R, &X, &t);
                if (cmp(&R, &L) >= 0) { k++; continue; }
                break;
            }
        } else {                                      /* r = |k| ln2 - |x| */
            long a = -k;
            for (;;) {
                mul_small(&t, &L, (uint32_t)a);
                if (cmp(&t, &X) < 0) { a++; continue; }
                sub(&R, &t, &X);
                if (cmp(&R, &L) >= 0) { a--; continue; }
                break;
            }
            k = -a;
        }
        shr(&S, &R, 8);                               /* e^(r/256) by its series */
        set_u64(&Y, 1);
        shl(&Y, &Y, G);
        term = Y;
        uint32_t terms = 1;
        while (!is_zero(&term)) {
            mul_shr(&term, &term, &S, G);
            div_small(&term, &term, terms);
            add(&Y, &Y, &term);
            terms++;
        }
        uint64_t D = 2 * (uint64_t)terms + 2;         /* each division errs below 1 */
        for (int i = 0; i < 8; i++) {                 /* e^r = (e^(r/256))^(2^8) */
            mul_shr(&Y, &Y, &Y, G);
            D = 3 * D + 1;                            /* Y < 1.42 * 2^G: at most triples */
        }
        D += 2 * (2 + (uint64_t)labs(k)) + 512;       /* from r's error, times 256 */
        set_u64(&d, D);
        sub(&lo, &Y, &d);
        add(&hi, &Y, &d);
        uint64_t low = to_bits(&lo, (int)k - G);
        if (low == to_bits(&hi, (int)k - G)) return low;
    }
    fprintf(stderr, "exact_exp: undecided at 1792 bits\n");
    abort();
}

double exact_exp(double x) {
    uint64_t n;
    double y;
    memcpy(&n, &x, sizeof n);
    n = exact_exp_bits(n);
    memcpy(&y, &n, sizeof y);
    return y;
}
