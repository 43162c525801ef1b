/* The network in plain C, as most people write it from docs/SPEC.md: loops in the
   spec's order, doubles, and the C library's exp. Compiled with different flags
   (-O2; -O2 -march=native; -O2 -ffast-math; -m32 -mfpmath=387) it shows what a
   compiler and a libm do to the spec's arithmetic.

       cc -O2 backend.c -o backend -lquadmath -lm
       ./backend [--batch] < scenario.json

   Its switches are macros for the compiler, because a switch read at run time would
   change the code the compiler makes. Each turns one deviation off:
     -DEXACT_EXP    a correctly rounded exp (crexp.h) instead of the C library's exp
     -DPC53         x87 precision control set to 53 bits at start (32-bit x86 only)
     -DNO_FTZ       flush-to-zero and denormals-are-zero cleared at start (x86-64; the
                    -ffast-math start-up code sets them)
   and these keep one place of the step as written: the value is a binary64 there and
   the compiler may not fold it into what follows (an empty asm it cannot see through;
   on the x87 this stores the value, which rounds it):
     -DKEEP_Z       each product and partial sum of z      -DKEEP_ZB  Σ W·x before + b
     -DKEEP_DW      each product and partial sum of dW    -DKEEP_DB  each partial sum of db
     -DKEEP_DIV     Σ/m                                    -DKEEP_UPDATE  a·dW and a·db
     -DKEEP_ALL     all of these */
#include "scenario.h"
#include "crexp.h"
#if defined(PC53) && defined(__i386__)
#include <fpu_control.h>
#endif
#if defined(NO_FTZ) && defined(__SSE__)
#include <xmmintrin.h>
#endif

#ifdef KEEP_ALL
#define KEEP_Z
#define KEEP_ZB
#define KEEP_DW
#define KEEP_DB
#define KEEP_DIV
#define KEEP_UPDATE
#endif
#ifdef __SSE2_MATH__
#define BARRIER(v) __asm__ volatile("" : "+x"(v))
#else
#define BARRIER(v) __asm__ volatile("" : "+m"(v))
#endif
#define NOTHING(v) ((void)0)
#ifdef KEEP_Z
#define AT_Z BARRIER
#else
#define AT_Z NOTHING
#endif
#ifdef KEEP_ZB
#define AT_ZB BARRIER
#else
#define AT_ZB NOTHING
#endif
#ifdef KEEP_DW
#define AT_DW BARRIER
#else
#define AT_DW NOTHING
#endif
#ifdef KEEP_DB
#define AT_DB BARRIER
#else
#define AT_DB NOTHING
#endif
#ifdef KEEP_DIV
#define AT_DIV BARRIER
#else
#define AT_DIV NOTHING
#endif
#ifdef KEEP_UPDATE
#define AT_UPDATE BARRIER
#else
#define AT_UPDATE NOTHING
#endif
#ifdef EXACT_EXP
#define EXP crexp
#else
#define EXP exp
#endif

static void step(const scenario *sc, double *W, double *b, double *e) {
    int F = sc->F, S = sc->S, O = sc->O, f, j, o, i;
    const double *x = sc->x, *y = sc->y;
    double m = S, a = sc->a, acc, p, q, u;
    for (o = 0; o < O; o++)
        for (j = 0; j < S; j++) {
            double z, t, s;
            acc = W[o] * x[j];
            for (f = 1; f < F; f++) {
                p = W[f * O + o] * x[f * S + j];
                AT_Z(p);
                acc = acc + p;
                AT_Z(acc);
            }
            AT_ZB(acc);
            z = acc + *b;
            t = EXP(-z);
            s = 1.0 / (1.0 + t);
            e[o * S + j] = (sc->logistic ? s : (s >= 0.5 ? 1.0 : 0.0)) - y[o * S + j];
        }
    for (f = 0; f < F; f++)
        for (o = 0; o < O; o++) {
            acc = x[f * S] * e[o * S];
            for (j = 1; j < S; j++) {
                p = x[f * S + j] * e[o * S + j];
                AT_DW(p);
                acc = acc + p;
                AT_DW(acc);
            }
            q = acc / m;
            AT_DIV(q);
            u = a * q;
            AT_UPDATE(u);
            W[f * O + o] = W[f * O + o] - u;
        }
    acc = e[0];
    for (i = 1; i < O * S; i++) {
        acc = acc + e[i];
        AT_DB(acc);
    }
    q = acc / m;
    AT_DIV(q);
    u = a * q;
    AT_UPDATE(u);
    *b = *b - u;
}

static void run(scenario *sc, FILE *out) {
    double *e = malloc(sizeof(double) * sc->O * sc->S);
    long long k;
    put_state(out, 0, sc->W, sc->F, sc->O, sc->b);
    for (k = 1; k <= sc->iterations; k++) {
        step(sc, sc->W, &sc->b, e);
        put_state(out, k, sc->W, sc->F, sc->O, sc->b);
    }
    free(e);
}

int main(int argc, char **argv) {
#if defined(PC53) && defined(__i386__)
    fpu_control_t cw;
    _FPU_GETCW(cw);
    cw = (cw & ~_FPU_EXTENDED) | _FPU_DOUBLE;
    _FPU_SETCW(cw);
#endif
#if defined(NO_FTZ) && defined(__SSE__)
    _mm_setcsr(_mm_getcsr() & ~0x8040u);
#endif
    return serve(argc, argv, run);
}
