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
 *   REVERSE: fills T beats, then drains them last-first one per cycle, then fills again.
 *   BUFFER: the same, draining them in order.
 *   MERGE (a join): a MAP engine of latency 1 whose job starts when both inputs are valid;
 *     each input is ready when the engine can start and the other input is valid.
 * Streams follow the netlist graph: a stream read by several inputs forks (rnnc_stream_fork):
 * each branch is valid until it takes the beat, the producer sees ready when every branch has
 * taken it or takes it now. */
#include "rnnc.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    long cnt;               /* MAP: cycles until the newest job's result (0: none running) */
    long tcnt;              /* overlapped MAP: the same for the older job, in its tail */
    bool m_valid, m_last;
    bool job_emit, job_last;
    bool t_emit, t_last;    /* the older job's */
    bool mid_seq;           /* MAP: the next beat is not a sequence's first */
    bool job_first;         /* MAP: the newest job's beat was (a first step: eng_first_skip) */
    bool draining;          /* REVERSE */
    int remaining;          /* REVERSE: beats still to send after the current one */
} EngState;

/* The newest job's latency: a sequence's first step may be shorter (plan_first_period). */
static long job_len(const Engine *e, const EngState *s)
{
    return e->latency - (s->job_first ? eng_first_skip(e) : 0);
}

static bool emits(const Engine *e, bool in_last)
{
    return e->kind == ENG_CELL && !e->emit_all ? in_last : true;
}

/* A MAP engine may start a job (its input valid and this true): the newest job is past its
 * head (job cycle P on; P = L: done), and an emitting job finds the output register free and
 * no emitting job in its tail. */
static bool can_start(const Engine *e, const EngState *s, bool in_last)
{
    bool tail_emits = s->cnt > 0 && s->job_emit;
    return s->cnt <= e->latency - eng_period(e) && !(emits(e, in_last) && (s->m_valid || tail_emits));
}

static bool eng_ready(const Engine *e, const EngState *s, bool in_last)
{
    switch (e->kind) {
    case ENG_FLATTEN: return !(s->m_valid && in_last);
    case ENG_REVERSE:
    case ENG_BUFFER: return !s->draining;
    default:
        /* in-place readers take the beat when they are done reading it */
        if (e->ack_off) return s->cnt == job_len(e, s) - e->ack_off;
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
    case ENG_BUFFER: /* the same timing, only the order differs */
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
        if (s->tcnt == 1) { /* the older job ends (overlapped jobs: it always ends first) */
            done = true;
            emit_now = s->t_emit;
            last_now = s->t_last;
        }
        if (done && emit_now) { s->m_valid = true; s->m_last = e->kind == ENG_CELL && !e->emit_all ? true : last_now; }
        else if (hs_out) s->m_valid = false;
        if (s->tcnt > 0) s->tcnt--;
        if (start) {
            if (s->cnt > 1) { /* the running job goes on in its tail */
                if (s->tcnt > 0) BUG("%s: two jobs in their tails", e->name);
                s->tcnt = s->cnt - 1;
                s->t_emit = s->job_emit;
                s->t_last = s->job_last;
            }
            s->job_first = !s->mid_seq;
            s->mid_seq = !in_last;
            s->cnt = job_len(e, s) - 1;
            s->job_emit = emits(e, in_last);
            s->job_last = in_last;
        } else if (s->cnt > 0) {
            s->cnt--;
        }
        return;
    }
    }
}

/* One input of an engine, or the design's output: the stream it reads (0: the model input,
 * i + 1: engine i's output) and, when that stream forks, whether this branch has taken the
 * current beat (rnnc_stream_fork's `taken`). v, l, r: this cycle's valid, last, ready. */
typedef struct {
    int src;
    bool fork, taken;
    bool v, l, r;
} Edge;

/* A sharing host's token (rnnc_mac_token): own is the owner (0: the host, k: guest k) and
 * run says the owner has taken its input's last beat; the owner may take a beat while !run,
 * and once it has, its output valid passes the token on (the last guest's back to the host). */
typedef struct { int own; bool run; } Token;

typedef struct {
    const Netlist *n;
    EngState *st;
    Token *tok;         /* per engine: the token of a sharing host (indexed by the host) */
    Edge *ed;           /* engine i's inputs at base[i].., then the design's output */
    int *base, n_ed;
    bool *pv, *pl, *pr; /* per stream: the producer's valid, last; ready (all branches) */
} SchedGraph;

static void graph_init(SchedGraph *g, const Netlist *n)
{
    g->n = n;
    g->st = xcalloc((size_t)n->n, sizeof *g->st);
    g->base = xcalloc((size_t)n->n + 1, sizeof *g->base);
    for (int i = 0; i < n->n; i++) g->base[i + 1] = g->base[i] + n->eng[i].n_in;
    g->n_ed = g->base[n->n] + 1;
    g->ed = xcalloc((size_t)g->n_ed, sizeof *g->ed);
    for (int i = 0; i < n->n; i++)
        for (int j = 0; j < n->eng[i].n_in; j++) g->ed[g->base[i] + j].src = n->eng[i].in[j].eng + 1;
    g->ed[g->n_ed - 1].src = n->out.eng + 1;
    Sink sk[2];
    for (int k = 0; k < g->n_ed; k++) g->ed[k].fork = stream_sinks(n, g->ed[k].src - 1, sk, 2) > 1;
    g->pv = xcalloc((size_t)n->n + 1, sizeof(bool));
    g->pl = xcalloc((size_t)n->n + 1, sizeof(bool));
    g->pr = xcalloc((size_t)n->n + 1, sizeof(bool));
    g->tok = xcalloc((size_t)n->n + 1, sizeof *g->tok);
}

/* Engine i may take a beat (start a job) now: always, unless it shares MACs and does not hold
 * their token. */
static bool tok_ok(const SchedGraph *g, int i)
{
    const Engine *e = &g->n->eng[i];
    const Token *t = &g->tok[e->mac_host];
    return !e->mac_owner || (t->own == e->mac_owner - 1 && !t->run);
}

/* The tokens' registers at the end of a cycle (rnnc_mac_token): the owner's last beat taken,
 * then its output valid passes the token on. */
static void tok_step(SchedGraph *g)
{
    const Netlist *n = g->n;
    for (int h = 0; h < n->n; h++) {
        if (n->eng[h].mac_owner != 1) continue;
        Token *t = &g->tok[h];
        int o = -1; /* the owner's engine */
        for (int i = h; i < n->n && o < 0; i++)
            if (n->eng[i].mac_host == h && n->eng[i].mac_owner == t->own + 1) o = i;
        const Edge *d = &g->ed[g->base[o]];
        if (!t->run) t->run = d->v && d->r && d->l;
        else if (g->pv[o + 1]) {
            t->own = (t->own + 1) % n->eng[h].mac_owners;
            t->run = false;
        }
    }
}

static void graph_free(SchedGraph *g)
{
    free(g->st);
    free(g->base);
    free(g->ed);
    free(g->pv);
    free(g->pl);
    free(g->pr);
    free(g->tok);
}

/* One clock cycle: pv/pl[0] (the model input) set by the caller. Returns the output edge. */
static const Edge *graph_cycle(SchedGraph *g)
{
    const Netlist *n = g->n;
    for (int i = 0; i < n->n; i++) {
        g->pv[i + 1] = g->st[i].m_valid;
        g->pl[i + 1] = g->st[i].m_last;
    }
    for (int k = 0; k < g->n_ed; k++) {
        Edge *d = &g->ed[k];
        d->v = g->pv[d->src] && !d->taken;
        d->l = g->pl[d->src];
    }
    for (int i = 0; i < n->n; i++) {
        Edge *d = &g->ed[g->base[i]];
        bool ok = tok_ok(g, i);
        if (!ok) d[0].v = false; /* a sharer without the token sees no beat and takes none */
        bool r = ok && eng_ready(&n->eng[i], &g->st[i], d[0].l);
        for (int j = 0; j < n->eng[i].n_in; j++) /* a join takes its beats together */
            d[j].r = r && (n->eng[i].n_in == 1 || d[1 - j].v);
    }
    g->ed[g->n_ed - 1].r = true; /* the output is always ready */
    for (int s = 0; s <= n->n; s++) g->pr[s] = true;
    for (int k = 0; k < g->n_ed; k++) g->pr[g->ed[k].src] &= g->ed[k].r || g->ed[k].taken;
    for (int i = 0; i < n->n; i++) {
        const Edge *d = &g->ed[g->base[i]];
        bool valid_in = d[0].v && (n->eng[i].n_in == 1 || d[1].v);
        eng_step(&n->eng[i], &g->st[i], d[0].v && d[0].r, valid_in, d[0].l, g->pv[i + 1] && g->pr[i + 1]);
    }
    for (int k = 0; k < g->n_ed; k++) {
        Edge *d = &g->ed[k];
        if (g->pv[d->src] && g->pr[d->src]) d->taken = false;
        else if (d->fork && d->v && d->r) d->taken = true;
    }
    tok_step(g);
    return &g->ed[g->n_ed - 1];
}

/* Cycles with fixed-latency jobs counting down and nothing else happening repeat exactly:
 * after such a quiet cycle, skip ahead to just before the next cycle in which some count
 * matters (a job's last cycle, an in-place reader taking its beat). Returns the cycles
 * skipped (0 when none can be). Makes the schedule's time linear in beats, not cycles. */
static long quiet_skip(const Netlist *n, EngState *st)
{
    long skip = -1;
    for (int i = 0; i < n->n; i++) {
        const Engine *e = &n->eng[i];
        long c = st[i].cnt, head = e->latency - eng_period(e);
        if (e->kind == ENG_FLATTEN || e->kind == ENG_REVERSE || e->kind == ENG_BUFFER || c == 0) continue;
        long k = 1; /* the largest count <= c with a behaviour of its own */
        long ack = job_len(e, &st[i]) - e->ack_off;
        if (e->ack_off && ack <= c && ack > k) k = ack;
        if (head > k && head <= c) k = head; /* the head ends: the next job may start */
        if (skip < 0 || c - k < skip) skip = c - k;
        if (st[i].tcnt > 0 && st[i].tcnt - 1 < skip) skip = st[i].tcnt - 1;
    }
    if (skip <= 0) return 0;
    for (int i = 0; i < n->n; i++)
        if (n->eng[i].kind != ENG_FLATTEN && n->eng[i].kind != ENG_REVERSE && n->eng[i].kind != ENG_BUFFER && st[i].cnt > 0) {
            st[i].cnt -= skip;
            if (st[i].tcnt > 0) st[i].tcnt -= skip;
        }
    return skip;
}

/* The cycle just run changed nothing but counts (each down by one, none ending a job), and no
 * beat moved on any edge. */
static bool quiet_cycle(const SchedGraph *g, const EngState *before, const bool *taken_before)
{
    for (int k = 0; k < g->n_ed; k++)
        if ((g->ed[k].v && g->ed[k].r) || g->ed[k].taken != taken_before[k]) return false;
    for (int i = 0; i < g->n->n; i++) {
        EngState b = before[i];
        const EngState *a = &g->st[i];
        if (b.cnt == 1 || b.tcnt == 1) return false; /* a job ended: the engine may start one next cycle */
        if (b.cnt > 0) b.cnt--;
        if (b.tcnt > 0) b.tcnt--;
        if (b.cnt != a->cnt || b.tcnt != a->tcnt || b.m_valid != a->m_valid || b.m_last != a->m_last ||
            b.job_emit != a->job_emit || b.job_last != a->job_last || b.draining != a->draining ||
            b.remaining != a->remaining)
            return false;
    }
    return true;
}

Schedule *schedule_netlist(const Netlist *n, int n_seq)
{
    const Model *m = n->model;
    Schedule *sc = xcalloc(1, sizeof *sc);
    sc->n_seq = n_seq;
    sc->seq_start = xcalloc((size_t)n_seq, sizeof(long));
    sc->seq_end = xcalloc((size_t)n_seq, sizeof(long));
    SchedGraph g;
    graph_init(&g, n);
    long beats_in = 0, total_in = (long)n_seq * m->timesteps;
    long beats_out = 0, out_per_seq = m->out_seq ? m->out_steps : 1;
    long total_out = out_per_seq * n_seq;
    /* every iteration moves a beat, starts or ends a job, or skips to one that does */
    long limit = 64L * (total_in + total_out + 16) * (n->n + 2), iter = 0;
    EngState *before = xcalloc((size_t)n->n + 1, sizeof *before);
    bool *taken = xcalloc((size_t)g.n_ed, sizeof *taken);
    Token *tok = xcalloc((size_t)n->n + 1, sizeof *tok);

    for (long cyc = 0; beats_out < total_out; cyc++) {
        if (++iter > limit) BUG("schedule did not converge");
        memcpy(before, g.st, (size_t)n->n * sizeof *before);
        for (int k = 0; k < g.n_ed; k++) taken[k] = g.ed[k].taken;
        memcpy(tok, g.tok, (size_t)n->n * sizeof *tok);
        g.pv[0] = beats_in < total_in;
        g.pl[0] = beats_in % m->timesteps == m->timesteps - 1;
        bool in_valid = g.pv[0];
        const Edge *out = graph_cycle(&g);
        if (in_valid && g.pr[0]) {
            if (beats_in % m->timesteps == 0) sc->seq_start[beats_in / m->timesteps] = cyc;
            beats_in++;
        }
        if (out->v && out->r) {
            beats_out++;
            if (beats_out % out_per_seq == 0) sc->seq_end[beats_out / out_per_seq - 1] = cyc;
        }
        if (quiet_cycle(&g, before, taken) && !memcmp(tok, g.tok, (size_t)n->n * sizeof *tok)) cyc += quiet_skip(n, g.st);
    }
    free(tok);
    free(before);
    free(taken);
    /* from the cycle the first beat is offered (cycle 0, the design idle) to the last output
     * beat of that sequence; for most designs that cycle is also the beat's handshake */
    sc->latency_cycles = sc->seq_end[0];
    sc->ii_cycles = n_seq >= 2 ? sc->seq_start[n_seq - 1] - sc->seq_start[n_seq - 2] : 0;
    graph_free(&g);
    return sc;
}

/* A wavefront's line: its early group, lead, slots, pre-sums and the captured runs its early
 * trees read from the MACs (plan_wave, mvm_pre_sum, plan_mac_reads). */
static void dump_wave(FILE *f, const Engine *e)
{
    MvmPlanOpts opt = plan_engine_opts(e, &e->mvm);
    MvmPlan *pl = plan_mvm(&e->mvm, &opt);
    int pre = 0, mac_reads = 0;
    for (int j = 0; j < e->mvm.n_out; j++) pre += pl->out[j].n_pre > 0;
    for (int m = 0; m < pl->n_mult; m++)
        for (int i = 0; i < pl->mult[m].n_caps; i++) mac_reads += pl->mult[m].cap_mac[i];
    fprintf(f, "wave %s: units 0..%d first, their lanes %d cycles early; %d slots a step on %d multipliers; "
               "%d outputs with a pre-sum, trees %d stage%s, %d captured runs read from their MACs (plan_wave)\n",
            e->name, e->wave_units - 1, e->wave_lead, e->mvm.rf, e->mvm.n_mult, pre, pl->depth, pl->depth > 1 ? "s" : "",
            mac_reads);
    plan_free(pl);
}

/* An overlapped cell's recurrence floor (plan_loop_floor): how close its period is to what
 * any order of its h products on the same multipliers and stages could reach. */
static void dump_loop_floor(FILE *f, const Engine *e)
{
    MvmPlanOpts opt = plan_engine_opts(e, &e->mvm);
    MvmPlan *pl = plan_mvm(&e->mvm, &opt);
    LoopFloor lf = plan_loop_floor(e, pl);
    int busy = (lf.n_all + pl->n_mult - 1) / pl->n_mult;
    fprintf(f, "loop %s: %d h products of %d in job cycles %d..%d, h read again %d cycles after its rows' last read (O); "
               "this order needs P >= %d, any order on %d multipliers P >= O + %d = %d (plan_loop_floor), "
               "their slots P >= %d\n",
            e->name, lf.n_h, lf.n_all, lf.first, lf.last, lf.overhead, lf.rule, pl->n_mult, lf.floor - lf.overhead,
            lf.floor, busy);
    plan_free(pl);
}

void dump_schedule(FILE *f, const Netlist *n, const Schedule *s)
{
    fprintf(f, "# engine                          kind       mult  rf  depth  mvm_lat  latency  inputs\n");
    for (int i = 0; i < n->n; i++) {
        const Engine *e = &n->eng[i];
        fprintf(f, "%-34s %-10s %5d %4d %5d %7d %8d ", e->name, engine_kind_name(e->kind), e->n_mult,
                e->mvm.rf, e->mvm.depth, e->mvm.latency, e->latency);
        for (int j = 0; j < e->n_in; j++)
            fprintf(f, " %s", e->in[j].eng == RNNC_INPUT ? "input" : n->eng[e->in[j].eng].name);
        fprintf(f, "\n");
    }
    for (int i = 0; i < n->n; i++) {
        const Engine *e = &n->eng[i];
        if (e->kind != ENG_CELL) continue;
        const Engine *p = e->split ? &n->eng[e->in[0].eng] : e; /* split: the proj computes x*W */
        fprintf(f, "form %s %s x_rf %d h_rf %d (%s)\n", e->name, e->split ? "split" : "fused", p->mvm.rf, e->mvm.rf,
                e->layer->rreuse ? "recurrent_reuse_factor" : e->split_auto && e->layer->reuse > 1 ? "chosen" : "reuse_factor");
        if (e->lane_ii > 1)
            fprintf(f, "lanes %s: %d x %d slots, one multiplier each (a unit every %d cycles)\n", e->name, e->lanes,
                    e->slots, e->lane_ii);
        if (e->period) fprintf(f, "overlap %s: next step %d cycles after a step's start (step latency %d)\n", e->name,
                               e->period, e->latency);
        if (e->period) dump_loop_floor(f, e);
        if (e->first_period)
            fprintf(f, "first_step %s: a sequence's first step skips its h products: next step %d cycles after its start "
                       "(step latency %d) (plan_first_period)\n", e->name, e->first_period, e->latency - eng_first_skip(e));
        if (e->cell_start < e->mvm.latency)
            fprintf(f, "early_lanes %s: lanes from job cycle %d, the product ends in %d (plan_lane_start)\n", e->name,
                    e->cell_start, e->mvm.latency);
        if (e->mvm.placement == PLACE_PAIRED)
            fprintf(f, "paired %s: a unit's xh and hu products in adjacent slots (plan_pair_runs)\n", e->name);
        if (e->lane_ii > 1 && e->lane_hh_direct)
            fprintf(f, "hh_direct %s: the serial lanes' candidate tables read xw + r * hu unregistered, z * hh %d cycles "
                       "after r * hu (serial_hh_direct)\n", e->name, e->lane_span);
        if (e->mvm.placement == PLACE_UNIT_ROWS)
            fprintf(f, "unit_rows %s: rows unit by unit, dealt to the multipliers in turn (plan_unit_rows)\n", e->name);
        if (e->mvm.placement == PLACE_WAVE) dump_wave(f, e);
        if (e->mvm.placement == PLACE_X_FIRST)
            fprintf(f, "x_first %s: every multiplier does %s of x*W first (plan_x_first)\n", e->name,
                    e->mvm.x_even ? "an even share" : "its share");
        if (e->mac_owner == 1) {
            fprintf(f, "share %s: its %d MACs also run", e->name, e->mvm.n_mult);
            for (int g = i + 1; g < n->n; g++)
                if (n->eng[g].mac_owner > 1 && n->eng[g].mac_host == i) fprintf(f, " %s (%d)", n->eng[g].name, n->eng[g].mvm.n_mult);
            fprintf(f, " (share_multipliers)\n");
        }
        if (e->rom_depth) {
            fprintf(f, "share_rom %s: its schedule ROM (%d words) also holds", e->name, e->rom_depth);
            for (int g = i + 1; g < n->n; g++)
                if (n->eng[g].rom_base && n->eng[g].mac_host == i)
                    fprintf(f, " %s's (%d words from %d%s)", n->eng[g].name, n->eng[g].mvm.rf, n->eng[g].rom_base,
                            n->eng[g].host_weights ? ", the host's weight registers" : "");
            fprintf(f, " (lower_share_roms)\n");
        }
    }
    for (int i = 0; i < n->n; i++)
        if (n->eng[i].mvm.n_logic)
            fprintf(f, "logic_mults %s: %d of its %d multipliers in logic, not DSP blocks (logic_multipliers; "
                       "%d-stage MACs)\n", n->eng[i].name, n->eng[i].mvm.n_logic, n->eng[i].mvm.n_mult, n->eng[i].mvm.mac_lat);
    for (int i = 0; i < n->n && !n->table_reg; i++) /* with --table-reg (iCE40) every schedule ROM has it */
        if (n->eng[i].mvm.rom_reg)
            fprintf(f, "rom_reg %s: its schedule ROM's words registered before they select the operands "
                       "(mvm_rom_reg)\n", n->eng[i].name);
    fprintf(f, "output %s\n", n->out.eng == RNNC_INPUT ? "input" : n->eng[n->out.eng].name);
    fprintf(f, "latency_cycles %ld\nii_cycles %ld\n", s->latency_cycles, s->ii_cycles);
    for (int k = 0; k < s->n_seq; k++)
        fprintf(f, "seq %d: start %ld end %ld\n", k, s->seq_start[k], s->seq_end[k]);
}
