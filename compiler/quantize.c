/* quantize.c: the checked Model's weights (doubles, Keras layout) -> raw integers of the layer's
 * types: kernel to ty.weight, recurrent kernel to ty.rweight, both bias rows to ty.bias, each by
 * fx_from_double (docs/numerics.md: Q of x * 2^F, then O). Weights that do not fit their type
 * are not an error (hls4ml wraps or saturates them too) but get one warning per array, since
 * a wrapped weight is almost never what the user meant. */
#include "rnnc.h"

#include <math.h>

static int64_t *quantize_array(const Model *m, const Layer *l, const char *what, const double *v, size_t n,
                               FxType t)
{
    if (!v) return NULL;
    int64_t *q = xcalloc(n, sizeof *q);
    /* Same fractional bits, 62 bits wide, signed, saturating: the value before t's overflow step. */
    FxType wide = t;
    wide.w = 62;
    wide.i = t.i + (62 - t.w);
    wide.o = O_SAT;
    wide.sgn = true; /* so negative values show for ap_ufixed */
    size_t bad = 0;
    double worst = 0;
    for (size_t k = 0; k < n; k++) {
        q[k] = fx_from_double(v[k], t);
        int64_t r = fx_from_double(v[k], wide);
        if (r < fx_min_raw(t) || r > fx_max_raw(t)) {
            bad++;
            if (fabs(v[k]) > worst) worst = fabs(v[k]);
        }
    }
    if (bad) {
        char tn[64];
        fx_format(t, tn, sizeof tn);
        fprintf(stderr,
                "rnnc: warning: %s: layers[%d].%s: %zu of %zu values do not fit %s (largest magnitude %g); "
                "they %s\n",
                m->path, l->json_index, what, bad, n, tn, worst, t.o == O_SAT ? "saturate" : "wrap around");
    }
    return q;
}

void quantize_model(Model *m)
{
    for (int i = 0; i < m->n_layers; i++) {
        Layer *l = &m->layers[i];
        size_t cols = (size_t)l->gates * (size_t)l->units;
        l->qkernel = quantize_array(m, l, "kernel", l->kernel, (size_t)l->in_feat * cols, l->ty.weight);
        l->qrkernel = quantize_array(m, l, "recurrent_kernel", l->rkernel, (size_t)l->units * cols, l->ty.rweight);
        l->qbias = quantize_array(m, l, "bias", l->bias, cols, l->ty.bias);
        l->qrbias = quantize_array(m, l, "bias[1]", l->rbias, cols, l->ty.bias);
    }
}
