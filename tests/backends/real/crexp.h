/* exp correctly rounded to binary64 (docs/SPEC.md §4): e^v in binary128 (113-bit
   significand), then rounded once to binary64. For |v| < 2^-40 e^v is the Taylor sum
   1 + v + v²/2 + v³/6 in binary128 (the rest is below 2^-160, each rounding 2^-113);
   otherwise libquadmath's expq, whose error is below 2^-111 (an ULP of binary128 is
   2^-112 of the value). The rounding to binary64 is certain unless the binary128 value
   lies within its error of a midpoint between two binary64 numbers; crexp checks with
   a margin of 2^-108 (2^-111 for the Taylor sum, whose error is below 2^-112) and says
   so on stderr when that ever happens. */
#include <math.h>
#include <quadmath.h>
#include <stdio.h>

__attribute__((unused)) static double crexp(double v) {
    __float128 q, mid, w = v, margin = fabs(v) < 0x1p-40 ? 0x1p-111Q : 0x1p-108Q;
    double d, next;
    if (v != v) return v;
    q = fabs(v) < 0x1p-40 ? 1 + w + w * w / 2 + w * w * w / 6 : expq(w);
    d = (double)q;                           /* one rounding, to nearest, ties to even */
    if (isinf(d) || q == (__float128)d) return d;
    next = nextafter(d, q > (__float128)d ? INFINITY : -INFINITY);
    mid = ((__float128)d + (__float128)next) / 2;        /* exact in binary128 */
    if (fabsq(q - mid) <= fabsq(q) * margin)
        fprintf(stderr, "crexp: exp(%a) lies within its error of a rounding midpoint; "
                "its rounding is not certain\n", v);
    return d;
}
