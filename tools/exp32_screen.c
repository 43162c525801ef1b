/* exp32_screen: how close e^x comes to a binary32 rounding midpoint, for every binary32 x.

   For each binary32 argument x with 2^-27 <= |x| and e^x below 2^128 (beyond it e^x
   overflows whatever its rounding), e^x is computed in binary128 with libquadmath's
   expq (113 bits), and its distance to the nearest midpoint between two binary32
   values is measured in units of the binary32 spacing (ULP) at e^x: 2^(e-23) for e^x in
   [2^e, 2^(e+1)), e >= -126, and 2^-149 for subnormal results, whose grid runs down to
   0 (the midpoint 2^-150 between 0 and the least subnormal included), and up to the
   overflow midpoint 2^128 - 2^103 between FLT_MAX and 2^128.
   For |x| < 2^-26, e^x lies 1/4 ULP or more from every midpoint (the proof in
   ann_ref/core/binary32.py), so the screen starts at 2^-27 and overlaps it by a binade.

   Every signed distance (e^x minus the midpoint below or above it, in ULP) is computed
   a second time from glibc's expl (x87 extended, 64 bits, separate code): the two must
   agree within 2^-36 ULP everywhere, and the largest difference is printed. With the
   closest distance far above 2^-36, this also shows that (float)expl(x) is e^x
   correctly rounded for every x (benchmarks/bench_exp32.py relies on it to judge
   NumPy). The closest arguments are printed for an independent check
   (tests/test_exp32.py re-evaluates them with Python's decimal).

   In the same loop it counts the arguments where two common float32 exps misround:
   glibc's expf, and (float)exp((double)x), glibc's binary64 exp rounded to binary32.

       gcc -O2 -pthread -o /tmp/exp32_screen tools/exp32_screen.c -lquadmath -lm
       /tmp/exp32_screen [threads [from to]]

   threads defaults to 2; from and to (hex bit patterns, both of one sign, to included)
   screen a part only. The whole screen takes 9.5 minutes of CPU time: under 5 minutes
   on two idle cores. Its exit status is 1 if expq and expl disagree anywhere. */

#include <math.h>
#include <pthread.h>
#include <quadmath.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HISTOGRAM 48        /* counts of distances below 2^-k, k < 48 */
#define KEEP_BELOW 0x1p-21  /* arguments this close to a midpoint are listed */
#define AGREE 0x1p-36       /* expq and expl distances must agree this well */
#define CHUNK 65536

typedef struct {
    uint32_t x;             /* bit pattern of the argument */
    double distance;        /* in ULP, from expq */
    double relative;        /* |e^x - midpoint| / midpoint */
    int above;              /* e^x above the midpoint */
    uint32_t result;        /* bit pattern of e^x rounded to binary32 */
    int subnormal;
} Near;

typedef struct {
    uint64_t screened, overflow, normal, subnormal, disagree;
    uint64_t expf_wrong, exp_double_wrong;     /* misrounded by expf, (float)exp(x) */
    uint32_t first_expf_wrong[8], first_exp_double_wrong[8];
    uint64_t below[HISTOGRAM];
    uint64_t below_subnormal[HISTOGRAM];
    double min_normal, min_subnormal, min_relative, max_difference;
    uint32_t at_min_normal, at_min_subnormal, at_min_relative, at_max_difference;
    /* boundaries, as bit patterns (0xffffffff: not met) */
    uint32_t last_finite, first_inf, first_nonzero_neg, first_zero_neg, last_subnormal;
    uint32_t first_not_one_pos, first_not_one_neg;
    Near *near;
    size_t count, room;
} Stats;

typedef struct {
    uint32_t lo, hi;        /* patterns lo .. hi (inclusive), one sign */
} Range;

static Range ranges[2];
static int nranges;
static uint64_t total;      /* arguments in all ranges */
static uint64_t next_index; /* shared work counter */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static float float_of(uint32_t n) { float f; memcpy(&f, &n, 4); return f; }
static uint32_t bits_of(float f) { uint32_t n; memcpy(&n, &f, 4); return n; }

static uint32_t pattern(uint64_t i)
{
    if (i < (uint64_t)ranges[0].hi - ranges[0].lo + 1)
        return ranges[0].lo + (uint32_t)i;
    return ranges[1].lo + (uint32_t)(i - ((uint64_t)ranges[0].hi - ranges[0].lo + 1));
}

/* Distance from y > 0 to the nearest binary32 midpoint, in ULP at y, in binary128; its
   side, the rounded value's bits, and the midpoint's relative distance. -1 when
   y >= 2^128 (no binary32 grid). */
static __float128 distance_q(__float128 y, __float128 *signed_distance, int *above,
                             uint32_t *result, int *subnormal, double *relative)
{
    int e;
    frexpq(y, &e);                       /* y in [2^(e-1), 2^e) */
    if (e - 1 >= 128)
        return -1;
    int q = e - 1 >= -126 ? e - 24 : -149;   /* the ULP is 2^q */
    __float128 t = ldexpq(y, -q);        /* exact */
    __float128 n = floorq(t);
    __float128 d = (t - n) - 0.5Q;       /* exact */
    *signed_distance = d;
    *above = d > 0;
    *subnormal = e - 1 < -126;
    __float128 rounded = d > 0 ? n + 1 : n;  /* never a tie: e^x is irrational */
    *result = bits_of((float)ldexpq(rounded, q));
    __float128 midpoint = ldexpq(n + 0.5Q, q);
    *relative = (double)(fabsq(y - midpoint) / midpoint);
    return fabsq(d);
}

/* The signed distance from y to the midpoint of the binary32 interval holding y, in ULP
   (in [-1/2, 1/2)); 1 when y >= 2^128. */
static long double signed_distance_l(long double y)
{
    int e;
    frexpl(y, &e);
    if (e - 1 >= 128)
        return 1;
    int q = e - 1 >= -126 ? e - 24 : -149;
    long double t = ldexpl(y, -q);
    return (t - floorl(t)) - 0.5L;
}

static void keep(Stats *s, Near n)
{
    if (s->count == s->room) {
        s->room = s->room ? 2 * s->room : 256;
        s->near = realloc(s->near, s->room * sizeof(Near));
        if (!s->near) { perror("realloc"); exit(2); }
    }
    s->near[s->count++] = n;
}

static void screen(Stats *s, uint32_t n)
{
    float x = float_of(n);
    __float128 y = expq((__float128)x);
    int above, subnormal;
    uint32_t result;
    double relative;
    __float128 signed_dq;
    __float128 dq = distance_q(y, &signed_dq, &above, &result, &subnormal, &relative);
    s->screened++;
    if (dq < 0) {
        s->overflow++;
        if (n < 0x80000000u && n < s->first_inf) s->first_inf = n;
        return;
    }
    if (n < 0x80000000u) {
        if (result != 0x7f800000u && (s->last_finite == 0xffffffffu || n > s->last_finite))
            s->last_finite = n;
        if (result == 0x7f800000u && n < s->first_inf)
            s->first_inf = n;
        if (result != 0x3f800000u && n < s->first_not_one_pos)
            s->first_not_one_pos = n;              /* the least x > 0 with e^x not 1 */
    }
    if (n > 0x80000000u) {
        if (result != 0x3f800000u && n < s->first_not_one_neg)
            s->first_not_one_neg = n;              /* the largest x < 0 with e^x not 1 */
        if (result != 0 && (s->first_nonzero_neg == 0xffffffffu || n > s->first_nonzero_neg))
            s->first_nonzero_neg = n;             /* largest pattern: least x */
        if (result == 0 && n < s->first_zero_neg)
            s->first_zero_neg = n;                /* least pattern: the first x with 0 */
        if (result < 0x00800000u && result != 0 && n < s->last_subnormal)
            s->last_subnormal = n;                /* least pattern: the largest x */
    }
    double d = (double)dq;
    long double dl = signed_distance_l(expl((long double)x));
    /* the two values can lie on either side of a binary32 value or a power of two,
       where the signed distance jumps from 1/2 to -1/2: compare modulo 1 */
    __float128 gap = signed_dq - (__float128)dl;
    if (gap > 0.5Q) gap -= 1;
    if (gap < -0.5Q) gap += 1;
    double diff = fabs((double)gap);
    if (bits_of(expf(x)) != result) {
        if (s->expf_wrong < 8) s->first_expf_wrong[s->expf_wrong] = n;
        s->expf_wrong++;
    }
    if (bits_of((float)exp((double)x)) != result) {
        if (s->exp_double_wrong < 8) s->first_exp_double_wrong[s->exp_double_wrong] = n;
        s->exp_double_wrong++;
    }
    if (diff > s->max_difference) { s->max_difference = diff; s->at_max_difference = n; }
    if (!(diff < AGREE)) s->disagree++;
    uint64_t *below = subnormal ? s->below_subnormal : s->below;
    if (subnormal) s->subnormal++; else s->normal++;
    for (int k = 0; k < HISTOGRAM && d < ldexp(1.0, -k); k++)
        below[k]++;
    if (subnormal) {
        if (d < s->min_subnormal) { s->min_subnormal = d; s->at_min_subnormal = n; }
    } else {
        if (d < s->min_normal) { s->min_normal = d; s->at_min_normal = n; }
        if (relative < s->min_relative) { s->min_relative = relative; s->at_min_relative = n; }
    }
    if (d < KEEP_BELOW) {
        Near m = {n, d, relative, above, result, subnormal};
        keep(s, m);
    }
}

static void init(Stats *s)
{
    memset(s, 0, sizeof *s);
    s->min_normal = s->min_subnormal = s->min_relative = 1.0;
    s->last_finite = s->first_nonzero_neg = 0xffffffffu;
    s->first_inf = s->first_zero_neg = s->last_subnormal = 0xffffffffu;
    s->first_not_one_pos = s->first_not_one_neg = 0xffffffffu;
}

static void *worker(void *arg)
{
    Stats *s = arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        uint64_t start = next_index;
        next_index += CHUNK;
        pthread_mutex_unlock(&lock);
        if (start >= total)
            return NULL;
        uint64_t end = start + CHUNK < total ? start + CHUNK : total;
        for (uint64_t i = start; i < end; i++)
            screen(s, pattern(i));
    }
}

static uint32_t umin(uint32_t a, uint32_t b) { return a < b ? a : b; }

static void merge(Stats *into, const Stats *s)
{
    into->screened += s->screened; into->overflow += s->overflow;
    into->normal += s->normal; into->subnormal += s->subnormal;
    into->disagree += s->disagree;
    into->expf_wrong += s->expf_wrong;
    into->exp_double_wrong += s->exp_double_wrong;
    for (int k = 0; k < HISTOGRAM; k++) {
        into->below[k] += s->below[k];
        into->below_subnormal[k] += s->below_subnormal[k];
    }
    if (s->min_normal < into->min_normal) {
        into->min_normal = s->min_normal; into->at_min_normal = s->at_min_normal; }
    if (s->min_subnormal < into->min_subnormal) {
        into->min_subnormal = s->min_subnormal; into->at_min_subnormal = s->at_min_subnormal; }
    if (s->min_relative < into->min_relative) {
        into->min_relative = s->min_relative; into->at_min_relative = s->at_min_relative; }
    if (s->max_difference > into->max_difference) {
        into->max_difference = s->max_difference;
        into->at_max_difference = s->at_max_difference; }
    if (s->last_finite != 0xffffffffu &&
        (into->last_finite == 0xffffffffu || s->last_finite > into->last_finite))
        into->last_finite = s->last_finite;
    into->first_inf = umin(into->first_inf, s->first_inf);
    into->first_not_one_pos = umin(into->first_not_one_pos, s->first_not_one_pos);
    into->first_not_one_neg = umin(into->first_not_one_neg, s->first_not_one_neg);
    if (s->first_nonzero_neg != 0xffffffffu &&
        (into->first_nonzero_neg == 0xffffffffu
         || s->first_nonzero_neg > into->first_nonzero_neg))
        into->first_nonzero_neg = s->first_nonzero_neg;
    into->first_zero_neg = umin(into->first_zero_neg, s->first_zero_neg);
    into->last_subnormal = umin(into->last_subnormal, s->last_subnormal);
    for (size_t i = 0; i < s->count; i++)
        keep(into, s->near[i]);
}

static int by_distance(const void *a, const void *b)
{
    double u = ((const Near *)a)->distance, v = ((const Near *)b)->distance;
    return u < v ? -1 : u > v;
}

static void add_range(uint32_t lo, uint32_t hi)
{
    ranges[nranges].lo = lo;
    ranges[nranges].hi = hi;
    total += (uint64_t)hi - lo + 1;
    nranges++;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    if (threads < 1 || threads > 64 || argc == 3 || argc > 4) {
        fprintf(stderr, "usage: %s [threads [from to]]\n", argv[0]);
        return 2;
    }
    if (argc == 4) {
        uint32_t lo = (uint32_t)strtoul(argv[2], NULL, 16);
        uint32_t hi = (uint32_t)strtoul(argv[3], NULL, 16);
        if (lo > hi || (lo >> 31) != (hi >> 31)) {
            fprintf(stderr, "%s: from and to must be of one sign, from <= to\n", argv[0]);
            return 2;
        }
        add_range(lo, hi);
    } else {
        add_range(0x32000000u, 0x42b20000u);   /* 2^-27 .. 89: e^89 > 2^128 */
        add_range(0xb2000000u, 0xc2d20000u);   /* -2^-27 .. -105: e^-105 < 2^-151 */
    }
    pthread_t id[64];
    Stats part[64], all;
    for (int t = 0; t < threads; t++) {
        init(&part[t]);
        pthread_create(&id[t], NULL, worker, &part[t]);
    }
    init(&all);
    for (int t = 0; t < threads; t++) {
        pthread_join(id[t], NULL);
        merge(&all, &part[t]);
        free(part[t].near);
        part[t].near = NULL;
    }
    qsort(all.near, all.count, sizeof(Near), by_distance);

    for (int r = 0; r < nranges; r++)
        printf("range %08x %08x\n", ranges[r].lo, ranges[r].hi);
    printf("screened %llu arguments: %llu normal results, %llu subnormal or zero results, "
           "%llu at or beyond 2^128\n", (unsigned long long)all.screened,
           (unsigned long long)all.normal, (unsigned long long)all.subnormal,
           (unsigned long long)all.overflow);
    printf("closest normal %08x %.9g distance %a ulp (2^%.4f)\n", all.at_min_normal,
           float_of(all.at_min_normal), all.min_normal, log2(all.min_normal));
    if (all.subnormal)
        printf("closest subnormal %08x %.9g distance %a ulp (2^%.4f)\n", all.at_min_subnormal,
               float_of(all.at_min_subnormal), all.min_subnormal, log2(all.min_subnormal));
    printf("closest relative %08x %.9g distance %a (2^%.4f) of the midpoint\n",
           all.at_min_relative, float_of(all.at_min_relative), all.min_relative,
           log2(all.min_relative));
    printf("expl against expq: largest difference %a ulp (2^%.2f) at %08x; "
           "%llu beyond 2^-36\n",
           all.max_difference, all.max_difference ? log2(all.max_difference) : -INFINITY,
           all.at_max_difference, (unsigned long long)all.disagree);
    /* 0xffffffff: not in the range screened */
    printf("boundary largest-finite %08x least-inf %08x least-nonzero %08x largest-zero %08x "
           "largest-subnormal %08x least-above-one %08x largest-below-one %08x\n",
           all.last_finite, all.first_inf, all.first_nonzero_neg, all.first_zero_neg,
           all.last_subnormal, all.first_not_one_pos, all.first_not_one_neg);
    printf("glibc expf misrounds %llu of the %llu arguments with a finite nonzero grid "
           "(%llu normal + %llu subnormal):", (unsigned long long)all.expf_wrong,
           (unsigned long long)(all.normal + all.subnormal), (unsigned long long)all.normal,
           (unsigned long long)all.subnormal);
    for (int t = 0; t < threads; t++)
        for (uint64_t i = 0; i < part[t].expf_wrong && i < 8; i++)
            printf(" %08x", part[t].first_expf_wrong[i]);
    printf("\n(float)exp((double)x) misrounds %llu:",
           (unsigned long long)all.exp_double_wrong);
    for (int t = 0; t < threads; t++)
        for (uint64_t i = 0; i < part[t].exp_double_wrong && i < 8; i++)
            printf(" %08x", part[t].first_exp_double_wrong[i]);
    printf("\n");
    for (int k = 20; k < HISTOGRAM; k++)
        printf("below 2^-%d: %llu normal, %llu subnormal\n", k,
               (unsigned long long)all.below[k], (unsigned long long)all.below_subnormal[k]);
    for (size_t i = 0; i < all.count; i++) {
        Near *m = &all.near[i];
        printf("near %08x %.9g distance %a ulp (2^%.4f) %s result %08x relative 2^%.4f%s\n",
               m->x, float_of(m->x), m->distance, log2(m->distance),
               m->above ? "above" : "below", m->result, log2(m->relative),
               m->subnormal ? " subnormal" : "");
    }
    free(all.near);
    return all.disagree ? 1 : 0;
}
