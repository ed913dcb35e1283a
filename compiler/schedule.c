/* schedule.c: Netlist -> predicted latency and initiation interval.
 *
 * The engines' control is small and data-independent, so rnnc predicts timing by running
 * the very same handshake rules, cycle by cycle, that emit_verilog.c writes into each
 * engine: inputs offered back to back, the output always ready. The simulation of the
 * emitted RTL must measure the same numbers (tests check it for every design).
 *
 * Rules per engine (registered state; s_ready never depends on m_ready):
 *   MAP (dense, proj, cell, act, softmax): one job at a time, started when the input is valid
 *     and !busy && !(m_valid && emits); a job started in cycle c writes its result at the end
 *     of cycle c+L-1, so m_valid is high from c+L; busy until c+L. The beat is taken (s_ready)
 *     in the start cycle, or, for engines that read it in place over several cycles (reuse
 *     factor > 1), ack_off cycles later.
 *   FLATTEN: s_ready = !(m_valid && s_last); the last beat sets m_valid.
 *   REVERSE: fills T beats, then drains them last-first one per cycle, then fills again. */
#include "rnnc.h"

#include <stdlib.h>

typedef struct {
    long cnt;               /* MAP: cycles until idle */
    bool m_valid, m_last;
    bool job_emit, job_last;
    bool draining;          /* REVERSE */
    int remaining;          /* REVERSE: beats still to send after the current one */
} EngState;

static bool emits(const Engine *e, bool in_last)
{
    return e->kind == ENG_CELL && !e->emit_all ? in_last : true;
}

/* A MAP engine may start a job (its input valid and this true). */
static bool can_start(const Engine *e, const EngState *s, bool in_last)
{
    return s->cnt == 0 && !(s->m_valid && emits(e, in_last));
}

static bool eng_ready(const Engine *e, const EngState *s, bool in_last)
{
    switch (e->kind) {
    case ENG_FLATTEN: return !(s->m_valid && in_last);
    case ENG_REVERSE: return !s->draining;
    default:
        /* in-place readers take the beat when they are done reading it */
        if (e->ack_off) return s->cnt == e->latency - e->ack_off;
        return can_start(e, s, in_last);
    }
}

static void eng_step(const Engine *e, EngState *s, bool hs_in, bool valid_in, bool in_last, bool hs_out)
{
    switch (e->kind) {
    case ENG_FLATTEN:
        if (hs_in && in_last) { s->m_valid = true; s->m_last = true; }
        else if (hs_out) s->m_valid = false;
        return;
    case ENG_REVERSE:
        if (hs_out) {
            if (s->remaining > 0) {
                s->remaining--;
                s->m_last = s->remaining == 0;
            } else {
                s->m_valid = false;
                s->draining = false;
            }
        }
        if (hs_in && in_last) {
            s->draining = true;
            s->m_valid = true;
            s->remaining = e->steps - 1;
            s->m_last = e->steps == 1;
        }
        return;
    default: {
        bool start = e->ack_off ? valid_in && can_start(e, s, in_last) : hs_in;
        bool done = e->latency == 1 ? start : s->cnt == 1;
        bool emit_now = e->latency == 1 ? emits(e, in_last) : s->job_emit;
        bool last_now = e->latency == 1 ? in_last : s->job_last;
        if (done && emit_now) { s->m_valid = true; s->m_last = e->kind == ENG_CELL && !e->emit_all ? true : last_now; }
        else if (hs_out) s->m_valid = false;
        if (start) {
            s->cnt = e->latency - 1;
            s->job_emit = emits(e, in_last);
            s->job_last = in_last;
        } else if (s->cnt > 0) {
            s->cnt--;
        }
        return;
    }
    }
}

Schedule *schedule_netlist(const Netlist *n, int n_seq)
{
    const Model *m = n->model;
    Schedule *sc = xcalloc(1, sizeof *sc);
    sc->n_seq = n_seq;
    sc->seq_start = xcalloc((size_t)n_seq, sizeof(long));
    sc->seq_end = xcalloc((size_t)n_seq, sizeof(long));
    EngState *st = xcalloc((size_t)n->n, sizeof *st);
    bool *valid = xcalloc((size_t)n->n + 1, sizeof(bool));
    bool *last = xcalloc((size_t)n->n + 1, sizeof(bool));
    bool *ready = xcalloc((size_t)n->n + 1, sizeof(bool));
    long beats_in = 0, total_in = (long)n_seq * m->timesteps;
    long beats_out = 0, out_per_seq = m->out_seq ? m->out_steps : 1;
    long total_out = out_per_seq * n_seq;
    long limit = 1000000000L;

    for (long cyc = 0; beats_out < total_out; cyc++) {
        if (cyc > limit) BUG("schedule did not converge");
        valid[0] = beats_in < total_in;
        last[0] = beats_in % m->timesteps == m->timesteps - 1;
        for (int i = 0; i < n->n; i++) {
            valid[i + 1] = st[i].m_valid;
            last[i + 1] = st[i].m_last;
        }
        for (int i = 0; i < n->n; i++) ready[i] = eng_ready(&n->eng[i], &st[i], last[i]);
        ready[n->n] = true;
        for (int i = 0; i < n->n; i++) {
            bool hs_in = valid[i] && ready[i], hs_out = valid[i + 1] && ready[i + 1];
            eng_step(&n->eng[i], &st[i], hs_in, valid[i], last[i], hs_out);
        }
        if (valid[0] && ready[0]) {
            if (beats_in % m->timesteps == 0) sc->seq_start[beats_in / m->timesteps] = cyc;
            beats_in++;
        }
        if (valid[n->n]) {
            beats_out++;
            if (beats_out % out_per_seq == 0) sc->seq_end[beats_out / out_per_seq - 1] = cyc;
        }
    }
    /* from the cycle the first beat is offered (cycle 0, the design idle) to the last output
     * beat of that sequence; for most designs that cycle is also the beat's handshake */
    sc->latency_cycles = sc->seq_end[0];
    sc->ii_cycles = n_seq >= 2 ? sc->seq_start[n_seq - 1] - sc->seq_start[n_seq - 2] : 0;
    free(st);
    free(valid);
    free(last);
    free(ready);
    return sc;
}

void dump_schedule(FILE *f, const Netlist *n, const Schedule *s)
{
    fprintf(f, "# engine                          kind       mult  rf  depth  mvm_lat  latency\n");
    for (int i = 0; i < n->n; i++) {
        const Engine *e = &n->eng[i];
        fprintf(f, "%-34s %-10s %5d %4d %5d %7d %8d\n", e->name, engine_kind_name(e->kind), e->n_mult,
                e->mvm.rf, e->mvm.depth, e->mvm.latency, e->latency);
    }
    fprintf(f, "latency_cycles %ld\nii_cycles %ld\n", s->latency_cycles, s->ii_cycles);
    for (int k = 0; k < s->n_seq; k++)
        fprintf(f, "seq %d: start %ld end %ld\n", k, s->seq_start[k], s->seq_end[k]);
}
