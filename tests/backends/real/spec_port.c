/* docs/SPEC.md in C, step by step, with an exp of its own that is correctly rounded
   (crexp.h). Compile without contraction, as §1 asks:

       cc -O2 -ffp-contract=off spec_port.c -o spec_port -lquadmath -lm
       ./spec_port [--batch] < scenario.json

   It has no deviation from the spec, so no switches: it must agree with every golden
   file. (On 32-bit x86 it needs SSE2: -msse2 -mfpmath=sse, §1.) */
#include "scenario.h"
#include "crexp.h"

/* §3 "Sums": one running sum from the first term; terms are given as products */
static double sum_of_products(const double *u, int u_step, const double *v, int v_step, int n) {
    double acc = u[0] * v[0];
    int i;
    for (i = 1; i < n; i++) acc = acc + u[i * u_step] * v[i * v_step];
    return acc;
}

static void one_iteration(const scenario *sc, double *W, double *b, double *e, double *dW) {
    int F = sc->F, S = sc->S, O = sc->O, f, j, o, i;
    double m = (double)S, db;
    for (o = 0; o < O; o++)
        for (j = 0; j < S; j++) {
            double z = sum_of_products(&W[o], O, &sc->x[j], S, F) + *b;   /* step 1 */
            double t = crexp(-z);                                        /* step 2 */
            double s = 1.0 / (1.0 + t);                                  /* step 3 */
            double y_pred = s >= 0.5 ? 1.0 : 0.0;                        /* step 4 */
            e[o * S + j] = (sc->logistic ? s : y_pred) - sc->y[o * S + j];  /* step 5 */
        }
    for (f = 0; f < F; f++)                                              /* step 6 */
        for (o = 0; o < O; o++)
            dW[f * O + o] = sum_of_products(&sc->x[f * S], 1, &e[o * S], 1, S) / m;
    db = e[0];                                                           /* step 7 */
    for (i = 1; i < O * S; i++) db = db + e[i];
    db = db / m;
    for (i = 0; i < F * O; i++) W[i] = W[i] - sc->a * dW[i];             /* step 8 */
    *b = *b - sc->a * db;
}

static void run(scenario *sc, FILE *out) {
    double *e = malloc(sizeof(double) * sc->O * sc->S), *dW = malloc(sizeof(double) * sc->F * sc->O);
    long long k;
    for (k = 0; k <= sc->iterations; k++) {
        if (k) one_iteration(sc, sc->W, &sc->b, e, dW);
        put_state(out, k, sc->W, sc->F, sc->O, sc->b);
    }
    free(e);
    free(dW);
}

int main(int argc, char **argv) { return serve(argc, argv, run); }
