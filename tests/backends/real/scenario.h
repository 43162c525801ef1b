/* What the C backends of this folder share: reading a scenario document (its bits, not
   its decimals), writing the trace as JSON lines, and the --batch protocol of
   golden/README.md. A small JSON reader, enough for a scenario; no arithmetic here. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int F, S, O, logistic;
    long long iterations;
    double *x, *y, *W, b, a;      /* x F×S, y O×S, W F×O, row-major */
} scenario;

typedef struct node {             /* a JSON value: 'o'bject, 'a'rray, 's'tring, 'n'umber, 'l'iteral */
    char type, *text;
    double number;
    int count;
    char **keys;
    struct node *items;
} node;

static const char *skip(const char *p) { while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++; return p; }

static const char *parse(const char *p, node *n);

static const char *parse_string(const char *p, char **out) {
    size_t cap = 16, len = 0;
    char *s = malloc(cap);
    for (p++; *p && *p != '"'; p++) {
        char c = *p;
        if (c == '\\') {
            p++;
            if (!*p) break;
            c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'u' ? '?' : *p;
            if (*p == 'u') { int k; for (k = 0; k < 4 && p[1]; k++) p++; }
        }
        if (len + 2 > cap) s = realloc(s, cap *= 2);
        s[len++] = c;
    }
    s[len] = 0;
    *out = s;
    return *p == '"' ? p + 1 : NULL;
}

static const char *parse(const char *p, node *n) {
    memset(n, 0, sizeof *n);
    p = skip(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        n->type = *p == '{' ? 'o' : 'a';
        p = skip(p + 1);
        while (p && *p != close) {
            n->items = realloc(n->items, (n->count + 1) * sizeof(node));
            if (n->type == 'o') {
                n->keys = realloc(n->keys, (n->count + 1) * sizeof(char *));
                if (*p != '"' || !(p = parse_string(p, &n->keys[n->count]))) return NULL;
                p = skip(p);
                if (*p++ != ':') return NULL;
            }
            if (!(p = parse(p, &n->items[n->count++]))) return NULL;
            p = skip(p);
            if (*p == ',') p = skip(p + 1);
            else if (*p != close) return NULL;
        }
        return p ? p + 1 : NULL;
    }
    if (*p == '"') { n->type = 's'; return parse_string(p, &n->text); }
    if (*p == '-' || (*p >= '0' && *p <= '9')) {
        char *end;
        n->type = 'n';
        n->number = strtod(p, &end);
        return end;
    }
    n->type = 'l';
    while (*p >= 'a' && *p <= 'z') p++;
    return p;
}

static node *get(node *n, const char *key) {
    int i;
    for (i = 0; n && n->type == 'o' && i < n->count; i++)
        if (!strcmp(n->keys[i], key)) return &n->items[i];
    return NULL;
}

static double from_bits(const char *hex) {
    uint64_t u = strtoull(hex, NULL, 16);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* rows × cols bit strings into a new row-major array; NULL when not such a matrix */
static double *matrix(node *n, int *rows, int *cols) {
    int i, j;
    double *out;
    if (!n || n->type != 'a' || !n->count || n->items[0].type != 'a') return NULL;
    *rows = n->count;
    *cols = n->items[0].count;
    out = malloc(sizeof(double) * *rows * *cols + 1);
    for (i = 0; i < *rows; i++) {
        if (n->items[i].type != 'a' || n->items[i].count != *cols) return NULL;
        for (j = 0; j < *cols; j++) out[i * *cols + j] = from_bits(n->items[i].items[j].text);
    }
    return out;
}

static const char *read_scenario(const char *text, scenario *sc) {
    static node doc;
    node *s, *bits, *variant, *iterations;
    int r, c;
    if (!parse(text, &doc)) return "not JSON";
    s = get(&doc, "scenario");
    bits = get(s, "bits");
    variant = get(s, "variant");
    iterations = get(s, "iterations");
    if (!bits || !variant || !iterations) return "no scenario with bits, variant and iterations";
    sc->logistic = !strcmp(variant->text, "logistic");
    sc->iterations = (long long)iterations->number;
    if (!(sc->x = matrix(get(bits, "x"), &sc->F, &sc->S))) return "bad x";
    if (!(sc->y = matrix(get(bits, "y"), &sc->O, &c)) || c != sc->S) return "bad y";
    if (!(sc->W = matrix(get(bits, "W"), &r, &c)) || r != sc->F || c != sc->O) return "bad W";
    sc->b = from_bits(get(bits, "b")->text);
    sc->a = from_bits(get(bits, "learning_rate")->text);
    return NULL;
}

static void put_bits(FILE *out, double v) {
    uint64_t u;
    if (v != v) { fputs("\"7ff8000000000000\"", out); return; }
    memcpy(&u, &v, 8);
    fprintf(out, "\"%016llx\"", (unsigned long long)u);
}

/* one trace entry: W F×O and b after k updates */
static void put_state(FILE *out, long long k, const double *W, int F, int O, double b) {
    int f, o;
    fprintf(out, "{\"iteration\": %lld, \"bits\": {\"W\": [", k);
    for (f = 0; f < F; f++) {
        fputs(f ? ", [" : "[", out);
        for (o = 0; o < O; o++) { if (o) fputs(", ", out); put_bits(out, W[f * O + o]); }
        fputs("]", out);
    }
    fputs("], \"b\": ", out);
    put_bits(out, b);
    fputs("}}\n", out);
}

/* run(sc, out) for the document on stdin, or with --batch for each line of stdin */
static int serve(int argc, char **argv, void (*run)(scenario *, FILE *)) {
    int batch = 0, i;
    char *text = NULL;
    size_t cap = 0;
    ssize_t len;
    scenario sc;
    const char *why;
    for (i = 1; i < argc; i++) batch |= !strcmp(argv[i], "--batch");
    if (!batch) {
        size_t used = 0;
        cap = 1 << 16;
        text = malloc(cap);
        while ((len = fread(text + used, 1, cap - used - 1, stdin)) > 0)
            if ((used += len) + 1 == cap) text = realloc(text, cap *= 2);
        text[used] = 0;
        if ((why = read_scenario(text, &sc))) { fprintf(stderr, "%s\n", why); return 2; }
        run(&sc, stdout);
        return 0;
    }
    while ((len = getline(&text, &cap, stdin)) > 0) {
        if (len < 3) continue;
        if ((why = read_scenario(text, &sc))) printf("{\"error\": \"%s\"}\n", why);
        else { run(&sc, stdout); puts("{\"end\": true}"); }
        fflush(stdout);
    }
    return 0;
}
