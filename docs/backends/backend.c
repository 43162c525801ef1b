#define _POSIX_C_SOURCE 200809L      /* strndup */
/* A backend in C, written from docs/SPEC.md: the scenario document on stdin, its trace
 * on stdout as JSON lines. libm's exp is not correctly rounded: exp comes from
 * exact_exp.c beside this file (or, built with -DWITH_CORE_MATH, CORE-MATH's cr_exp).
 * Build without contraction into FMA, which the spec forbids:
 *   gcc -O2 -ffp-contract=off -o backend backend.c exact_exp.c -lm
 *   python3 -m ann_ref verify golden/ --backend ./backend -j 2
 * With --exp it reads bit patterns, one a line, and writes their exp instead. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exact_exp.h"

#ifdef WITH_CORE_MATH
double cr_exp(double);
#define EXP cr_exp
#else
#define EXP exact_exp
#endif

/* --- a small JSON reader: enough for a scenario document -------------------------- */
typedef struct node {
    char type;                        /* o(bject) a(rray) s(tring) n(umber) l(iteral) */
    const char *text; size_t len;     /* a string's characters or a number's text */
    struct node **items; char **keys; size_t count;
} node;

static const char *p;                 /* the text being read */

static void fail(const char *what) { fprintf(stderr, "backend: %s\n", what); exit(2); }
static void space(void) { while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++; }

static node *value(void);

static node *string(void) {           /* escapes are kept as they are: not needed here */
    node *n = calloc(1, sizeof *n);
    n->type = 's';
    n->text = ++p;
    while (*p != '"') { if (!*p) fail("unterminated string"); if (*p == '\\') p++; p++; }
    n->len = (size_t)(p++ - n->text);
    return n;
}

static node *container(char close) {
    node *n = calloc(1, sizeof *n);
    n->type = close == '}' ? 'o' : 'a';
    p++;
    space();
    while (*p != close) {
        n->items = realloc(n->items, (n->count + 1) * sizeof *n->items);
        n->keys = realloc(n->keys, (n->count + 1) * sizeof *n->keys);
        n->keys[n->count] = NULL;
        if (close == '}') {
            if (*p != '"') fail("expected a key");
            node *key = string();
            n->keys[n->count] = strndup(key->text, key->len);
            space();
            if (*p++ != ':') fail("expected ':'");
        }
        n->items[n->count++] = value();
        space();
        if (*p == ',') { p++; space(); } else if (*p != close) fail("expected ',' or a close");
    }
    p++;
    return n;
}

static node *value(void) {
    space();
    if (*p == '{') return container('}');
    if (*p == '[') return container(']');
    if (*p == '"') return string();
    node *n = calloc(1, sizeof *n);
    n->type = (*p == '-' || (*p >= '0' && *p <= '9')) ? 'n' : 'l';
    n->text = p;
    while (*p && !strchr(",]} \t\r\n", *p)) p++;
    n->len = (size_t)(p - n->text);
    return n;
}

static node *get(const node *object, const char *key) {
    for (size_t i = 0; object && object->type == 'o' && i < object->count; i++)
        if (!strcmp(object->keys[i], key)) return object->items[i];
    fprintf(stderr, "backend: no member '%s'\n", key);
    exit(2);
}

/* --- numbers from their bit patterns (scenario.bits), never from the decimals ------ */
static double from_bits(const node *s) {
    char hex[17];
    uint64_t n;
    double v;
    if (s->type != 's' || s->len != 16) fail("a bit pattern is 16 hex digits");
    memcpy(hex, s->text, 16);
    hex[16] = 0;
    n = strtoull(hex, NULL, 16);
    memcpy(&v, &n, sizeof v);
    return v;
}

static uint64_t to_bits(double v) {   /* every NaN is written 7ff8000000000000 */
    uint64_t n;
    if (v != v) return 0x7FF8000000000000ull;
    memcpy(&n, &v, sizeof n);
    return n;
}

static double *matrix(const node *m, size_t *rows, size_t *cols) {
    *rows = m->count;
    *cols = m->items[0]->count;
    double *a = malloc(*rows * *cols * sizeof *a);
    for (size_t i = 0; i < *rows; i++)
        for (size_t j = 0; j < *cols; j++) a[i * *cols + j] = from_bits(m->items[i]->items[j]);
    return a;
}

static void exp_mode(void) {
    unsigned long long n;
    while (scanf("%llx", &n) == 1) printf("%016" PRIx64 "\n", exact_exp_bits(n));
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--exp")) { exp_mode(); return 0; }
    size_t size = 0, cap = 1 << 16, n;
    char *text = malloc(cap);
    while ((n = fread(text + size, 1, cap - size - 1, stdin)) > 0)
        if ((size += n) == cap - 1) text = realloc(text, cap *= 2);
    text[size] = 0;
    p = text;
    node *scenario = get(value(), "scenario"), *bits = get(scenario, "bits");
    size_t F, S, O, F2, O2, one;
    double *x = matrix(get(bits, "x"), &F, &S), *y = matrix(get(bits, "y"), &O, &one);
    double *W = matrix(get(bits, "W"), &F2, &O2);
    double b = from_bits(get(bits, "b")), a = from_bits(get(bits, "learning_rate"));
    double m = (double)S;
    int logistic = !strncmp(get(scenario, "variant")->text, "logistic", 8);
    unsigned long long N = strtoull(get(scenario, "iterations")->text, NULL, 10);
    double *e = malloc(O * S * sizeof *e);
    for (unsigned long long k = 0; ; k++) {
        printf("{\"iteration\": %llu, \"bits\": {\"W\": [", k);
        for (size_t f = 0; f < F; f++) {
            printf(f ? ", [" : "[");
            for (size_t o = 0; o < O; o++) printf(o ? ", \"%016" PRIx64 "\"" : "\"%016" PRIx64 "\"", to_bits(W[f * O + o]));
            printf("]");
        }
        printf("], \"b\": \"%016" PRIx64 "\"}}\n", to_bits(b));
        if (k == N) break;
        /* SPEC §3: every sum from its first term, left to right; no FMA */
        for (size_t o = 0; o < O; o++)
            for (size_t j = 0; j < S; j++) {
                double z = W[o] * x[j];                   /* z = W'x, then b added last */
                for (size_t f = 1; f < F; f++) z = z + W[f * O + o] * x[f * S + j];
                z = z + b;
                double s = 1.0 / (1.0 + EXP(-z));         /* s = 1/(1 + e^-z) */
                double y_pred = s >= 0.5 ? 1.0 : 0.0;
                e[o * S + j] = (logistic ? s : y_pred) - y[o * S + j];
            }
        for (size_t f = 0; f < F; f++)                    /* dW = x e' / m; W = W - a dW */
            for (size_t o = 0; o < O; o++) {
                double g = x[f * S] * e[o * S];
                for (size_t j = 1; j < S; j++) g = g + x[f * S + j] * e[o * S + j];
                W[f * O + o] = W[f * O + o] - a * (g / m);
            }
        double total = e[0];                              /* db: e row by row, then / m */
        for (size_t i = 1; i < O * S; i++) total = total + e[i];
        b = b - a * (total / m);
    }
    return 0;
}
