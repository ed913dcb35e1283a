/* gen_model: a seeded random model generator for rnnc's end-to-end tests.
 *
 *   gen_model SEED OUT.json OUT_IN.txt [--kind K] [--spec SPEC] [--hls4ml] [--plain-types]
 *
 * Without --spec it draws a small random model (rnnc-model/1, see docs/model-format.md):
 * timesteps 1..6, features 1..5, 1..3 weighted layers (lstm, gru with reset_after true/false,
 * simple_rnn, dense) with flatten, dropout and activation layers sprinkled in, random
 * return_sequences / go_backwards, random precisions (model-wide, per layer, per tensor), reuse
 * factors (1, 2, 3, a prime, a non-divisor, the maximum) and table sizes, random ap_fixed modes
 * (every Q and O mode, AP_WRAP with saturation bits; --plain-types: none) and sometimes
 * accumulators wider than 64 bits. --kind forces the
 * first layer's kind: lstm, gru, gru_ra0 (reset_after false), simple_rnn, dense, bidirectional
 * (two random recurrent directions, a random merge mode).
 *
 * With --spec the structure is given explicitly and only the weights and inputs are random:
 *
 *   "T=4 F=3 P=ap_fixed<16,6> RF=2 IP=ap_fixed<12,4> IN=sym N=3 NAME=foo;
 *    lstm u=3 rs=1 gb=1 rf=max; gru u=2 ra=0 act=tanh ract=hard_sigmoid;
 *    dense u=4 act=softmax ts=256 p=ap_fixed<18,8> pw=ap_fixed<8,2> pa=ap_fixed<24,10>"
 *
 * Layer kinds: lstm gru simple_rnn dense flatten dropout activation bidirectional (its
 * forward and backward directions are the next two layers, recurrent; its keys rs, mm
 * (merge mode concat, sum, mul, ave), name, po/p (the merged result type)). Layer keys: u (units),
 * act, ract, rs, gb, ra (0/1), bias=0 (use_bias false), rf (number or "max"), rrf (recurrent_reuse_factor),
 * lm (lane_multipliers), lg (logic_multipliers), sh (share_multipliers: 1 true, -1 false), tm (table_mirror: 1 true,
 * -1 false), ts (table size), p (precision string), pw pr pb pa ps po pt (precision object keys weight,
 * recurrent_weight, bias, accum, state, result, table), rate, name, sm (the "softmax" object's
 * implementation: stable, latency or legacy), smi (its input type).
 * Global keys: T, F, P (model precision), RF (model reuse factor), IP (input precision),
 * IN=sym (inputs in [-1,1], default [0,1]), N (sequences, default 3), NAME.
 *
 * Everything printed depends only on SEED and the arguments (own PRNG, fixed formats).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_DENSE, K_LSTM, K_GRU, K_RNN, K_FLATTEN, K_DROPOUT, K_ACT, K_BIDIR };
static const char *const kind_names[] = {"dense", "lstm", "gru", "simple_rnn", "flatten", "dropout",
                                         "activation", "bidirectional"};
static const char *const merge_names[] = {"concat", "sum", "mul", "ave"};
enum { P_WEIGHT, P_RWEIGHT, P_BIAS, P_ACCUM, P_STATE, P_RESULT, P_TABLE, P_COUNT };
static const char *const pkey_names[P_COUNT] = {"weight", "recurrent_weight", "bias", "accum",
                                                "state", "result", "table"};

#define MAXL 16
#define STR 64

typedef struct {
    int kind;
    int units;
    int in;     /* input features */
    int in_seq; /* input is a sequence */
    char act[STR], ract[STR];
    int rs, gb, ra; /* -1: omit the key */
    int use_bias;
    int rf;    /* 0: omit; -1: the maximum */
    int rrf;   /* recurrent_reuse_factor, 0: omit */
    int lm;    /* lane_multipliers, 0: omit (--spec only) */
    int lg;    /* logic_multipliers (dense), 0: omit (--spec only) */
    int sh;    /* share_multipliers: 1 true, -1 false, 0: omit (--spec only) */
    int tm;    /* table_mirror: 1 true, -1 false, 0: omit (--spec only) */
    int ts;    /* 0: omit */
    char sm[128]; /* "softmax" object (--hls4ml), "" to omit */
    char prec[STR];
    char pk[P_COUNT][STR];
    double rate;
    char name[STR];
    int merge; /* bidirectional: merge_names index, -1: omit; its directions are the next two layers */
    int sub;   /* 1: a direction of the bidirectional before it (forward, then backward) */
} Layer;

typedef struct {
    int T, F, nseq, sym;
    char prec[STR], in_prec[STR], name[STR];
    int rf; /* 0: omit */
    int nl;
    Layer l[MAXL];
} Model;

/* ---- PRNG: splitmix64 ---- */
static uint64_t rng_state;
static uint64_t rnd64(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static int rnd(int n) { return (int)(rnd64() % (uint64_t)n); } /* 0..n-1 */
/* The modes of the types (draw_modes) come from a stream of their own, so the rest of a seed's
 * model is what it was before modes were drawn; --plain-types turns them off. */
static uint64_t mode_state;
static int modes_on = 1;
static int rnd_m(int n) {
    uint64_t save = rng_state;
    rng_state = mode_state;
    int r = rnd(n);
    mode_state = rng_state;
    rng_state = save;
    return r;
}
static double rndu(void) { return (double)(rnd64() >> 11) * (1.0 / 9007199254740992.0); }
static int chance(double p) { return rndu() < p; }
static const char *pick(const char *const *list, int n) { return list[rnd(n)]; }

static void die(const char *msg, const char *arg) {
    fprintf(stderr, "gen_model: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(2);
}

static void copy(char *dst, const char *src) {
    if (strlen(src) >= STR) die("string too long", src);
    strcpy(dst, src);
}

static int gates(int kind) { return kind == K_LSTM ? 4 : kind == K_GRU ? 3 : 1; }
static int is_rec(int kind) { return kind == K_LSTM || kind == K_GRU || kind == K_RNN; }
static int has_weights(int kind) { return kind == K_DENSE || is_rec(kind); }

static int max_rf(const Layer *L) {
    if (L->kind == K_DENSE) return L->in * L->units;
    int m = L->in > L->units ? L->in : L->units;
    return m * gates(L->kind) * L->units;
}

/* ---- random drawing ---- */
static const char *const model_precs[] = {"ap_fixed<16,6>", "ap_fixed<16,6>", "ap_fixed<12,4>",
                                          "ap_fixed<18,8>", "ap_fixed<10,3,AP_RND,AP_SAT>",
                                          "ap_fixed<16,6,AP_RND_CONV,AP_WRAP>"};
#define NMP ((int)(sizeof model_precs / sizeof model_precs[0]))
static const char *const dense_acts[] = {"linear", "relu", "sigmoid", "tanh", "hard_sigmoid"};
static const char *const gate_acts[] = {"sigmoid", "sigmoid", "sigmoid", "hard_sigmoid",
                                        "hard_sigmoid", "tanh"};
static const char *const rec_acts[] = {"tanh", "tanh", "tanh", "tanh", "sigmoid", "hard_sigmoid",
                                       "relu", "linear"};
static const int table_sizes[] = {256, 1024, 4096};

/* --hls4ml: only models whose RTL is bit-exact to --numerics hls4ml (compiler/hls4ml.c,
 * hls4ml_check_rtl): wrapping accum types, LSTM accum = state = result (the layer's one type;
 * a GRU's accum sometimes wider than its result: its gates in accum), softmax stable or latency (with its own softmax object), no
 * hard_sigmoid, go_backwards, simple_rnn, GRU reset_after false or bidirectional */
static int hls;
static const char *const hls_precs[] = {"ap_fixed<16,6>", "ap_fixed<12,4>", "ap_fixed<18,8>",
                                        "ap_fixed<16,6,AP_RND_CONV,AP_WRAP>"};

static const char *model_prec(void) { return hls ? pick(hls_precs, 4) : pick(model_precs, NMP); }

/* an activation of list a (n entries); with --hls4ml never hard_sigmoid */
static const char *pick_act(const char *const *a, int n) {
    const char *v;
    do v = pick(a, n);
    while (hls && !strcmp(v, "hard_sigmoid"));
    return v;
}

static int draw_rf(int max) {
    static const int primes[] = {5, 7, 11, 13, 17, 19, 23, 29, 31};
    int r;
    switch (rnd(7)) {
    case 0: r = 1; break;
    case 1: r = 2; break;
    case 2: r = 3; break;
    case 3: r = primes[rnd(9)]; break;
    case 4: /* a non-divisor of max, if there is one */
        r = 1;
        for (int tries = 0; tries < 20 && max > 2; tries++) {
            int c = 2 + rnd(max - 1);
            if (max % c != 0) { r = c; break; }
        }
        break;
    case 5: r = -1; break; /* the maximum */
    default: return 0;     /* omit: the model default */
    }
    if (r > max) r = -1;
    return r;
}

/* Sometimes rewrite a drawn type with random ap_fixed modes, in hls4ml's or ap_fixed's spelling:
 * every Q mode, every O mode, AP_WRAP with saturation bits. */
static void draw_modes(char *type) {
    static const char *const q[] = {"TRN", "TRN_ZERO", "RND", "RND_ZERO", "RND_INF", "RND_MIN_INF", "RND_CONV"};
    static const char *const o[] = {"WRAP", "SAT", "SAT_ZERO", "SAT_SYM"};
    int w, i;
    if (!modes_on || !type[0] || rnd_m(100) >= 50 || sscanf(strchr(type, '<'), "<%d,%d", &w, &i) != 2) return;
    int u = strstr(type, "ufixed") != NULL, oi = rnd_m(4), n = oi == 0 && rnd_m(2) ? 1 + rnd_m(3) : 0;
    char buf[STR];
    if (rnd_m(2))
        snprintf(buf, sizeof buf, "%sfixed<%d,%d,%s,%s,%d>", u ? "u" : "", w, i, q[rnd_m(7)], o[oi], n);
    else
        snprintf(buf, sizeof buf, "ap_%sfixed<%d,%d,AP_%s,AP_%s,%d>", u ? "u" : "", w, i, q[rnd_m(7)], o[oi], n);
    copy(type, buf);
}

static void draw_precision_types(Layer *L, int ufixed_ok);

static void draw_precision(Layer *L, int ufixed_ok) {
    static const char *const wide[] = {"fixed<89,49,TRN,WRAP,0>", "ap_fixed<70,30,AP_RND_CONV,AP_SAT_SYM>"};
    draw_precision_types(L, ufixed_ok);
    if (modes_on && !L->prec[0] && rnd_m(5) == 0) /* wide, as hls4ml infers by bit growth */
        copy(L->pk[P_ACCUM], wide[rnd_m(2)]);
    draw_modes(L->prec);
    for (int k = 0; k < P_COUNT; k++) draw_modes(L->pk[k]);
}

static void draw_precision_types(Layer *L, int ufixed_ok) {
    static const char *const weights[] = {"ap_fixed<8,2>", "ap_fixed<12,4>", "ap_fixed<16,6>",
                                          "ap_fixed<10,3,AP_RND,AP_SAT>"};
    static const char *const accums[] = {"ap_fixed<24,10>", "ap_fixed<20,8>", "ap_fixed<16,6>",
                                         "ap_fixed<16,6,AP_RND,AP_SAT>"};
    static const char *const biases[] = {"ap_fixed<8,3>", "ap_fixed<10,3,AP_RND,AP_SAT>",
                                         "ap_fixed<16,6>"};
    static const char *const states[] = {"ap_fixed<18,8>", "ap_fixed<20,6>", "ap_fixed<16,6>"};
    static const char *const results[] = {"ap_fixed<16,6>", "ap_fixed<12,4>", "ap_fixed<18,8>"};
    static const char *const tables[] = {"ap_fixed<18,8>", "ap_fixed<16,4>", "ap_fixed<12,2>"};
    int u = rnd(100);
    if (ufixed_ok && u < 25) {
        copy(L->pk[P_RESULT], "ap_ufixed<16,6>");
        return;
    }
    if (u < 50) return;
    if (u < 70) {
        copy(L->prec, model_prec());
        return;
    }
    if (chance(0.5)) copy(L->pk[P_WEIGHT], pick(weights, 4));
    if (is_rec(L->kind) && chance(0.4)) copy(L->pk[P_RWEIGHT], pick(weights, 4));
    if (chance(0.3)) copy(L->pk[P_BIAS], pick(biases, 3));
    if (hls && is_rec(L->kind)) { /* accum, state and result one type */
        if (chance(0.5)) {
            const char *t = pick(hls_precs, 4);
            copy(L->pk[P_ACCUM], t);
            copy(L->pk[P_RESULT], t);
            if (L->kind == K_LSTM) copy(L->pk[P_STATE], t);
            int w, i, n = 0;
            if (L->kind == K_GRU && sscanf(t, "ap_fixed<%d,%d%n", &w, &i, &n) == 2) /* no draw: seeds keep their models */
                snprintf(L->pk[P_ACCUM], STR, "ap_fixed<%d,%d%s", w + 4, i + 2, t + n);
        }
        if (chance(0.3)) copy(L->pk[P_TABLE], pick(tables, 3));
        return;
    }
    if (chance(0.5)) copy(L->pk[P_ACCUM], pick(accums, hls ? 3 : 4));
    if (L->kind == K_LSTM && chance(0.5)) copy(L->pk[P_STATE], pick(states, 3));
    if (chance(0.3)) copy(L->pk[P_RESULT], ufixed_ok && chance(0.5) ? "ap_ufixed<16,6>"
                                                                       : pick(results, 3));
    if (chance(0.3)) copy(L->pk[P_TABLE], pick(tables, 3));
}

static void init_layer(Layer *L, int kind) {
    memset(L, 0, sizeof *L);
    L->kind = kind;
    L->rs = L->gb = L->ra = L->merge = -1;
    L->use_bias = 1;
}

/* A bidirectional (L, just added) and its two directions after it, of any recurrent kinds. */
static void random_bidirectional(Model *M, Layer *L, int more, int feat) {
    static const int kinds[] = {K_LSTM, K_GRU, K_GRU, K_RNN};
    L->merge = rnd(4);
    L->rs = more ? chance(0.65) : chance(0.35);
    if (chance(0.3)) copy(L->prec, model_prec());
    if (chance(0.2)) copy(L->name, "bidi");
    int u = 1 + rnd(5);
    for (int d = 0; d < 2; d++) {
        Layer *S = &M->l[M->nl++];
        init_layer(S, kinds[rnd(4)]);
        if (S->kind == K_GRU) S->ra = rnd(2);
        S->sub = 1;
        S->rs = L->rs;
        S->units = L->merge == 0 ? 1 + rnd(5) : u;
        if (chance(0.6)) copy(S->act, pick(rec_acts, 8));
        if (S->kind != K_RNN && chance(0.6)) copy(S->ract, pick(gate_acts, 6));
        draw_precision(S, 0);
        if (chance(0.5)) S->ts = table_sizes[rnd(3)];
        S->in = feat;
        S->rf = draw_rf(max_rf(S));
    }
}

static void random_model(Model *M, uint64_t seed, const char *force) {
    M->T = 1 + rnd(6);
    M->F = 1 + rnd(5);
    M->nseq = 3;
    M->sym = chance(0.4);
    snprintf(M->name, STR, "gen_s%llu", (unsigned long long)seed);
    copy(M->prec, model_prec());
    if (chance(0.2)) copy(M->in_prec, chance(0.5) ? "ap_fixed<12,4>" : "ap_fixed<16,6,AP_RND,AP_SAT>");
    draw_modes(M->prec);
    draw_modes(M->in_prec);
    M->rf = chance(0.25) ? (chance(0.5) ? 4 : 1000) : 0;
    int nmain = 1 + rnd(3), trail = chance(0.2);
    int seq = 1, feat = M->F;
    M->nl = 0;
    for (int i = 0; i < nmain; i++) {
        /* an optional filler layer before this one */
        if (i > 0 && chance(0.3)) {
            Layer *L = &M->l[M->nl++];
            int k = rnd(3);
            init_layer(L, k == 0 ? K_DROPOUT : k == 1 ? K_ACT : (seq ? K_FLATTEN : K_DROPOUT));
            if (L->kind == K_DROPOUT) L->rate = rnd(4) * 0.25;
            if (L->kind == K_ACT) {
                copy(L->act, pick_act(dense_acts, 5));
                if (chance(0.3)) L->ts = table_sizes[rnd(3)];
                draw_precision(L, !strcmp(L->act, "relu") || !strcmp(L->act, "sigmoid"));
            }
            if (L->kind == K_FLATTEN) { feat *= M->T; seq = 0; }
        }
        Layer *L = &M->l[M->nl++];
        int kind, ra = -1;
        const char *k = NULL;
        if (i == 0 && force) k = force;
        else if (seq) {
            static const char *const ks[] = {"lstm", "gru", "gru_ra0", "simple_rnn", "dense"};
            k = ks[rnd(5)];
            if (hls && !strcmp(k, "gru_ra0")) k = "gru";
            if (hls && !strcmp(k, "simple_rnn")) k = "lstm";
        } else k = "dense";
        if (!strcmp(k, "lstm")) kind = K_LSTM;
        else if (!strcmp(k, "gru")) { kind = K_GRU; ra = chance(0.5) ? 1 : -1; }
        else if (hls && strcmp(k, "dense")) die("--hls4ml: --kind must be lstm, gru or dense", k);
        else if (!strcmp(k, "gru_ra0")) { kind = K_GRU; ra = 0; }
        else if (!strcmp(k, "simple_rnn")) kind = K_RNN;
        else if (!strcmp(k, "dense")) kind = K_DENSE;
        else if (!strcmp(k, "bidirectional")) kind = K_BIDIR;
        else die("unknown --kind (lstm, gru, gru_ra0, simple_rnn, dense, bidirectional)", k);
        init_layer(L, kind);
        if (kind == K_BIDIR) {
            random_bidirectional(M, L, i < nmain - 1, feat);
            seq = L->rs;
            feat = M->l[M->nl - 2].units + (L->merge == 0 ? M->l[M->nl - 1].units : 0);
            continue;
        }
        L->ra = ra;
        int last = (i == nmain - 1) && !trail;
        if (kind == K_DENSE) {
            L->units = 1 + rnd(7);
            if (last && L->units >= 2 && chance(hls ? 0.6 : 0.35)) {
                copy(L->act, "softmax");
                if (hls) { /* hls4ml's stable or latency, its accum the default, wrapping or saturating */
                    static const char *const acc[] = {"", ", \"accum\": \"ap_fixed<18,8,AP_RND,AP_SAT>\"",
                                                      ", \"accum\": \"ap_fixed<16,6>\""};
                    snprintf(L->sm, sizeof L->sm, "{\"implementation\": \"%s\"%s}", chance(0.5) ? "stable" : "latency",
                             pick(acc, 3));
                }
            }
            else if (chance(0.85)) copy(L->act, pick_act(dense_acts, 5));
            draw_precision(L, !strcmp(L->act, "relu") || !strcmp(L->act, "sigmoid"));
        } else {
            L->units = 1 + rnd(6);
            if (chance(0.6)) copy(L->act, pick_act(rec_acts, 8));
            if (kind != K_RNN && chance(0.6)) copy(L->ract, pick_act(gate_acts, 6));
            L->rs = (i < nmain - 1) ? chance(0.65) : chance(0.35);
            if (chance(0.5) && !hls) L->gb = chance(0.5);
            draw_precision(L, 0);
            seq = L->rs;
        }
        if (chance(0.1)) L->use_bias = 0;
        if (chance(0.6)) L->ts = table_sizes[rnd(3)];
        if (chance(0.2)) snprintf(L->name, STR, "%s%d", kind == K_DENSE ? "fc" : "rec", i);
        L->in = feat;
        L->rf = draw_rf(max_rf(L));
        feat = L->units; /* a dense keeps seq as it is */
    }
    if (trail) {
        Layer *L = &M->l[M->nl++];
        int k = rnd(3);
        init_layer(L, k == 0 ? K_DROPOUT : k == 1 ? K_ACT : (seq ? K_FLATTEN : K_ACT));
        if (L->kind == K_DROPOUT) L->rate = 0.5;
        if (L->kind == K_ACT) {
            copy(L->act, pick_act(dense_acts, 5));
            draw_precision(L, !strcmp(L->act, "relu") || !strcmp(L->act, "sigmoid"));
        }
    }
}

/* ---- the --spec parser ---- */
/* strtok_r-like splitting in plain C11: returns the next token of *p delimited by delims. */
static char *next_token(char **p, const char *delims) {
    char *s = *p + strspn(*p, delims);
    if (*s == '\0') { *p = s; return NULL; }
    char *e = s + strcspn(s, delims);
    if (*e) *e++ = '\0';
    *p = e;
    return s;
}

static int parse_int(const char *v, const char *what) {
    char *end;
    long x = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || x < 0 || x > 16777216) die("bad number in --spec", what);
    return (int)x;
}

/* The two layers after a bidirectional are its directions: recurrent, its return_sequences. */
static void mark_directions(Model *M) {
    for (int i = 0; i < M->nl; i++) {
        if (M->l[i].kind != K_BIDIR) continue;
        if (i + 2 >= M->nl || !is_rec(M->l[i + 1].kind) || !is_rec(M->l[i + 2].kind))
            die("a bidirectional needs two recurrent layers after it (forward, backward)", NULL);
        for (int d = 1; d <= 2; d++) {
            M->l[i + d].sub = 1;
            M->l[i + d].rs = M->l[i].rs == 1;
            M->l[i + d].gb = -1;
            M->l[i + d].name[0] = 0;
        }
        i += 2;
    }
}

static void spec_model(Model *M, char *spec, uint64_t seed) {
    M->T = 3;
    M->F = 2;
    M->nseq = 3;
    snprintf(M->name, STR, "spec_s%llu", (unsigned long long)seed);
    char *p1 = spec;
    int first = 1;
    for (char *seg; (seg = next_token(&p1, ";"));) {
        char *p2 = seg;
        Layer *L = NULL;
        for (char *tok; (tok = next_token(&p2, " \t\n"));) {
            char *eq = strchr(tok, '=');
            if (!first && !L) { /* the kind */
                if (M->nl >= MAXL) die("too many layers", NULL);
                int kind = -1;
                for (int k = 0; k < 8; k++)
                    if (!strcmp(tok, kind_names[k])) kind = k;
                if (kind < 0) die("unknown layer kind in --spec", tok);
                L = &M->l[M->nl++];
                init_layer(L, kind);
                if (kind == K_DROPOUT) L->rate = 0.25;
                continue;
            }
            if (!eq) die("expected key=value in --spec", tok);
            *eq = '\0';
            const char *k = tok, *v = eq + 1;
            if (first) {
                if (!strcmp(k, "T")) M->T = parse_int(v, k);
                else if (!strcmp(k, "F")) M->F = parse_int(v, k);
                else if (!strcmp(k, "N")) M->nseq = parse_int(v, k);
                else if (!strcmp(k, "P")) copy(M->prec, v);
                else if (!strcmp(k, "IP")) copy(M->in_prec, v);
                else if (!strcmp(k, "RF")) M->rf = parse_int(v, k);
                else if (!strcmp(k, "IN")) M->sym = !strcmp(v, "sym");
                else if (!strcmp(k, "NAME")) copy(M->name, v);
                else die("unknown global key in --spec", k);
                continue;
            }
            if (!strcmp(k, "u")) L->units = parse_int(v, k);
            else if (!strcmp(k, "act")) copy(L->act, v);
            else if (!strcmp(k, "ract")) copy(L->ract, v);
            else if (!strcmp(k, "rs")) L->rs = parse_int(v, k);
            else if (!strcmp(k, "gb")) L->gb = parse_int(v, k);
            else if (!strcmp(k, "ra")) L->ra = parse_int(v, k);
            else if (!strcmp(k, "bias")) L->use_bias = parse_int(v, k);
            else if (!strcmp(k, "rf")) L->rf = !strcmp(v, "max") ? -1 : parse_int(v, k);
            else if (!strcmp(k, "rrf")) L->rrf = parse_int(v, k);
            else if (!strcmp(k, "lm")) L->lm = parse_int(v, k);
            else if (!strcmp(k, "lg")) L->lg = parse_int(v, k);
            else if (!strcmp(k, "sh")) L->sh = parse_int(v, k);
            else if (!strcmp(k, "tm")) L->tm = parse_int(v, k);
            else if (!strcmp(k, "ts")) L->ts = parse_int(v, k);
            else if (!strcmp(k, "p")) copy(L->prec, v);
            else if (!strcmp(k, "pw")) copy(L->pk[P_WEIGHT], v);
            else if (!strcmp(k, "pr")) copy(L->pk[P_RWEIGHT], v);
            else if (!strcmp(k, "pb")) copy(L->pk[P_BIAS], v);
            else if (!strcmp(k, "pa")) copy(L->pk[P_ACCUM], v);
            else if (!strcmp(k, "ps")) copy(L->pk[P_STATE], v);
            else if (!strcmp(k, "po")) copy(L->pk[P_RESULT], v);
            else if (!strcmp(k, "pt")) copy(L->pk[P_TABLE], v);
            else if (!strcmp(k, "rate")) L->rate = atof(v);
            else if (!strcmp(k, "sm") || !strcmp(k, "smi")) { /* the "softmax" object: implementation, input */
                char *o = L->sm, add[80];
                snprintf(add, sizeof add, "\"%s\": \"%s\"", k[2] ? "input" : "implementation", v);
                size_t len = strlen(o);
                if (len) o[len - 1] = '\0'; /* reopen the object */
                if (strlen(o) + strlen(add) + 4 >= sizeof L->sm) die("--spec: softmax object too long", v);
                strcat(o, len ? ", " : "{");
                strcat(o, add);
                strcat(o, "}");
            }
            else if (!strcmp(k, "name")) copy(L->name, v);
            else if (!strcmp(k, "mm")) {
                for (L->merge = 3; L->merge >= 0 && strcmp(merge_names[L->merge], v); L->merge--) {}
                if (L->merge < 0) die("unknown merge mode in --spec", v);
            }
            else die("unknown layer key in --spec", k);
        }
        first = 0;
    }
    if (M->nl == 0) die("--spec has no layers", NULL);
    mark_directions(M);
}

/* ---- shapes and output ---- */
static void infer_shapes(Model *M) {
    int seq = 1, feat = M->F;
    for (int i = 0; i < M->nl; i++) {
        Layer *L = &M->l[i];
        L->in = feat;
        L->in_seq = seq;
        if (has_weights(L->kind) && L->units < 1) die("layer without units", kind_names[L->kind]);
        if (L->kind == K_BIDIR) {
            if (!seq) die("bidirectional layer on a vector", NULL);
            const Layer *f = &M->l[i + 1], *b = &M->l[i + 2];
            if (L->merge > 0 && f->units != b->units) die("bidirectional sum/mul/ave with unequal units", NULL);
            M->l[i + 1].in = M->l[i + 2].in = feat;
            M->l[i + 1].in_seq = M->l[i + 2].in_seq = 1;
            feat = L->merge > 0 ? f->units : f->units + b->units;
            seq = L->rs == 1;
            i += 2;
        } else if (is_rec(L->kind)) {
            if (!seq) die("recurrent layer on a vector", kind_names[L->kind]);
            feat = L->units;
            seq = L->rs == 1;
        } else if (L->kind == K_DENSE) feat = L->units;
        else if (L->kind == K_FLATTEN && seq) { feat *= M->T; seq = 0; }
    }
}

static void print_weights(FILE *f, int rows, int cols, double bound) {
    fputs("[", f);
    for (int r = 0; r < rows; r++) {
        fputs(r ? ",\n      [" : "\n      [", f);
        for (int c = 0; c < cols; c++) fprintf(f, "%s%.6f", c ? ", " : "", (2 * rndu() - 1) * bound);
        fputs("]", f);
    }
    fputs("]", f);
}

static void print_vector(FILE *f, int n, double bound) {
    fputs("[", f);
    for (int c = 0; c < n; c++) fprintf(f, "%s%.6f", c ? ", " : "", (2 * rndu() - 1) * bound);
    fputs("]", f);
}

static void print_model(FILE *f, const Model *M) {
    fprintf(f, "{\n  \"rnnc\": 1,\n  \"name\": \"%s\",\n", M->name);
    fprintf(f, "  \"input\": {\"timesteps\": %d, \"features\": %d", M->T, M->F);
    if (M->in_prec[0]) fprintf(f, ", \"precision\": \"%s\"", M->in_prec);
    fputs("},\n", f);
    if (M->prec[0]) fprintf(f, "  \"precision\": \"%s\",\n", M->prec);
    if (M->rf) fprintf(f, "  \"reuse_factor\": %d,\n", M->rf);
    fputs("  \"layers\": [", f);
    for (int i = 0; i < M->nl; i++) {
        const Layer *L = &M->l[i];
        if (L->sub) {
            fprintf(f, ",\n     \"%s\": {\"type\": \"%s\"", M->l[i - 1].sub ? "backward" : "forward", kind_names[L->kind]);
        } else {
            fprintf(f, "%s\n    {\"type\": \"%s\"", i ? "," : "", kind_names[L->kind]);
        }
        if (L->merge >= 0) fprintf(f, ", \"merge_mode\": \"%s\"", merge_names[L->merge]);
        if (L->name[0]) fprintf(f, ", \"name\": \"%s\"", L->name);
        if (has_weights(L->kind)) fprintf(f, ", \"units\": %d", L->units);
        if (L->act[0]) fprintf(f, ", \"activation\": \"%s\"", L->act);
        if (L->ract[0]) fprintf(f, ", \"recurrent_activation\": \"%s\"", L->ract);
        if (L->rs >= 0 && !L->sub) fprintf(f, ", \"return_sequences\": %s", L->rs ? "true" : "false");
        if (L->gb >= 0) fprintf(f, ", \"go_backwards\": %s", L->gb ? "true" : "false");
        if (L->ra >= 0) fprintf(f, ", \"reset_after\": %s", L->ra ? "true" : "false");
        if (L->kind == K_DROPOUT) fprintf(f, ", \"rate\": %g", L->rate);
        if (L->rf) fprintf(f, ", \"reuse_factor\": %d", L->rf < 0 ? max_rf(L) : L->rf);
        if (L->rrf) fprintf(f, ", \"recurrent_reuse_factor\": %d", L->rrf);
        if (L->lm) fprintf(f, ", \"lane_multipliers\": %d", L->lm);
        if (L->lg) fprintf(f, ", \"logic_multipliers\": %d", L->lg);
        if (L->sh) fprintf(f, ", \"share_multipliers\": %s", L->sh > 0 ? "true" : "false");
        if (L->ts) fprintf(f, ", \"table_size\": %d", L->ts);
        if (L->tm) fprintf(f, ", \"table_mirror\": %s", L->tm > 0 ? "true" : "false");
        if (L->sm[0]) fprintf(f, ", \"softmax\": %s", L->sm);
        if (L->prec[0]) fprintf(f, ", \"precision\": \"%s\"", L->prec);
        int any = 0;
        for (int k = 0; k < P_COUNT; k++)
            if (L->pk[k][0]) {
                fprintf(f, "%s\"%s\": \"%s\"", any ? ", " : ", \"precision\": {", pkey_names[k], L->pk[k]);
                any = 1;
            }
        if (any) fputs("}", f);
        if (has_weights(L->kind)) {
            int g = gates(L->kind), cols = g * L->units;
            if (!L->use_bias) fputs(", \"use_bias\": false", f);
            fputs(",\n     \"kernel\": ", f);
            print_weights(f, L->in, cols, 1.0 / sqrt((double)L->in));
            if (is_rec(L->kind)) {
                fputs(",\n     \"recurrent_kernel\": ", f);
                print_weights(f, L->units, cols, 1.0 / sqrt((double)L->units));
            }
            if (L->use_bias) {
                fputs(",\n     \"bias\": ", f);
                if (L->kind == K_GRU && L->ra != 0) print_weights(f, 2, cols, 0.2);
                else print_vector(f, cols, 0.2);
            }
        }
        if (L->kind != K_BIDIR) fputs("}", f);          /* a bidirectional: its directions follow */
        if (L->sub && M->l[i - 1].sub) fputs("}", f);   /* the backward closes the bidirectional */
    }
    fputs("\n  ]\n}\n", f);
}

static void print_inputs(FILE *f, const Model *M) {
    fprintf(f, "# %d sequences of %d timesteps x %d features, values in [%s, 1]\n", M->nseq, M->T,
            M->F, M->sym ? "-1" : "0");
    for (int s = 0; s < M->nseq; s++) {
        for (int i = 0; i < M->T * M->F; i++) {
            double u = rndu();
            fprintf(f, "%s%.4f", i ? " " : "", M->sym ? 2 * u - 1 : u);
        }
        fputs("\n", f);
    }
}

/* A third of the recurrent layers (and directions) get a recurrent_reuse_factor (the split
 * form at any reuse factor), drawn from a generator of their own so that every other draw of
 * the seed stays as it was; their reuse_factor (x*W's alone then) is clamped to in*gates*units. */
static void draw_recurrent_rf(Model *M, uint64_t seed) {
    uint64_t keep = rng_state;
    rng_state = seed * 0x9E3779B97F4A7C15ull + 777;
    for (int i = 0; i < M->nl; i++) {
        Layer *L = &M->l[i];
        if (!is_rec(L->kind) || L->rrf || rnd(3)) continue;
        int rmax = L->units * gates(L->kind) * L->units, xmax = L->in * gates(L->kind) * L->units;
        const int picks[] = {1, 2, 3, 5, L->units, rmax / 2 + 1, rmax};
        L->rrf = picks[rnd(7)];
        if (L->rrf > rmax) L->rrf = rmax;
        if (L->rf < 0 || L->rf > xmax) L->rf = xmax;
    }
    rng_state = keep;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: gen_model SEED OUT.json OUT_IN.txt [--kind K] [--spec SPEC] [--plain-types]\n");
        return 2;
    }
    char *end;
    unsigned long long seed = strtoull(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0') die("bad SEED", argv[1]);
    const char *force = NULL;
    char *spec = NULL;
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--kind") && i + 1 < argc) force = argv[++i];
        else if (!strcmp(argv[i], "--spec") && i + 1 < argc) spec = argv[++i];
        else if (!strcmp(argv[i], "--hls4ml")) hls = 1, modes_on = 0; /* hls4ml numerics: its own modes */
        else if (!strcmp(argv[i], "--plain-types")) modes_on = 0;
        else die("unknown argument", argv[i]);
    }
    static Model M;
    rng_state = seed * 0x2545F4914F6CDD1Dull + 12345;
    mode_state = seed * 0x9E3779B97F4A7C15ull + 777;
    if (spec) spec_model(&M, spec, seed);
    else random_model(&M, seed, force);
    infer_shapes(&M);
    for (int i = 0; i < M.nl; i++) /* clamp explicit reuse factors to the layer's maximum */
        if (M.l[i].rf > 0 && has_weights(M.l[i].kind) && M.l[i].rf > max_rf(&M.l[i])) M.l[i].rf = -1;
    if (!spec) draw_recurrent_rf(&M, seed);
    FILE *f = fopen(argv[2], "w");
    if (!f) die("cannot write", argv[2]);
    print_model(f, &M);
    if (fclose(f)) die("write failed", argv[2]);
    f = fopen(argv[3], "w");
    if (!f) die("cannot write", argv[3]);
    print_inputs(f, &M);
    if (fclose(f)) die("write failed", argv[3]);
    return 0;
}
