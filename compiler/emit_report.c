/* emit_report.c: Netlist + Schedule -> DIR/report.json and the short summary on stdout. */
#include "rnnc.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

void emit_report(const Netlist *n, const Schedule *s, const char *dir)
{
    const Model *m = n->model;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "generator", "rnnc " RNNC_VERSION);
    cJSON_AddStringToObject(root, "model", m->name);
    cJSON_AddStringToObject(root, "top", m->name);
    cJSON_AddNumberToObject(root, "adder_fanin", n->fanin);
    /* UltraScale+'s stages (res_ultrascale): one-stage MACs, serial GRU lanes' pre_hh
     * unregistered, chained tree stages */
    cJSON_AddBoolToObject(root, "ultrascale", n->ultrascale);
    cJSON *engines = cJSON_AddArrayToObject(root, "engines");
    long mults = 0, elem = 0, wbits = 0;
    for (int i = 0; i < n->n; i++) {
        const Engine *e = &n->eng[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "module", e->name);
        cJSON_AddStringToObject(o, "layer", e->layer->name);
        cJSON_AddStringToObject(o, "kind", engine_kind_name(e->kind));
        cJSON_AddStringToObject(o, "role", e->role);
        cJSON *in = cJSON_AddArrayToObject(o, "inputs"); /* the producers' modules; "input": the design's */
        for (int j = 0; j < e->n_in; j++)
            cJSON_AddItemToArray(in, cJSON_CreateString(e->in[j].eng == RNNC_INPUT ? "input" : n->eng[e->in[j].eng].name));
        cJSON_AddNumberToObject(o, "multipliers", e->n_mult);
        cJSON_AddNumberToObject(o, "elementwise_multipliers", e->n_elem_mult);
        cJSON_AddNumberToObject(o, "products_per_job", e->mvm.n_products + e->mvm2.n_products);
        cJSON_AddNumberToObject(o, "reuse_factor", e->mvm.outs ? e->mvm.rf : 0);
        if (e->kind == ENG_CELL) {
            /* the cell's form; split: x*W is the proj engine's (its input), h*U the cell's */
            const Engine *p = e->split ? &n->eng[e->in[0].eng] : e;
            cJSON_AddStringToObject(o, "form", e->split ? "split" : "fused");
            cJSON_AddNumberToObject(o, "input_reuse_factor", p->mvm.rf);
            cJSON_AddNumberToObject(o, "recurrent_reuse_factor", e->mvm.rf);
            /* elementwise lanes (rtl_lib.md): units per lane, cycles between them */
            cJSON_AddNumberToObject(o, "lanes", e->lanes);
            cJSON_AddNumberToObject(o, "lane_unit_cycles", e->lane_ii);
        }
        cJSON_AddNumberToObject(o, "weight_bits", (double)e->weight_bits);
        cJSON_AddNumberToObject(o, "adder_tree_depth", e->mvm.outs ? e->mvm.depth : 0);
        cJSON_AddNumberToObject(o, "cycles_per_job", e->latency);
        /* job start -> the earliest next start (a cell whose steps overlap: less than a job) */
        cJSON_AddNumberToObject(o, "cycles_between_jobs", eng_period(e));
        if (e->mac_owner) { /* shared multipliers (lower_share): whose MACs, and its turn (0: the host's) */
            cJSON_AddStringToObject(o, "macs_of", n->eng[e->mac_host].name);
            cJSON_AddNumberToObject(o, "mac_turn", e->mac_owner - 1);
        }
        cJSON_AddItemToArray(engines, o);
        mults += e->n_mult;
        elem += e->n_elem_mult;
        wbits += e->weight_bits;
    }
    cJSON_AddStringToObject(root, "output", n->out.eng == RNNC_INPUT ? "input" : n->eng[n->out.eng].name);
    cJSON *types = cJSON_AddObjectToObject(root, "types"); /* per layer, as --write-config */
    char in_t[64];
    fx_format(m->input_type, in_t, sizeof in_t);
    cJSON_AddStringToObject(types, "input", in_t);
    for (int i = 0; i < m->n_layers; i++)
        if (m->layers[i].kind != L_FLATTEN && m->layers[i].kind != L_DROPOUT)
            cJSON_AddItemToObject(types, m->layers[i].name, precision_layer_types(&m->layers[i]));
    cJSON_AddItemToObject(root, "resources", res_json(n)); /* resources.c: predicted */
    cJSON *t = cJSON_AddObjectToObject(root, "totals");
    cJSON_AddNumberToObject(t, "latency_cycles", (double)s->latency_cycles);
    cJSON_AddNumberToObject(t, "ii_cycles", (double)s->ii_cycles);
    cJSON_AddNumberToObject(t, "multipliers", (double)mults);
    cJSON_AddNumberToObject(t, "elementwise_multipliers", (double)elem);
    cJSON_AddNumberToObject(t, "weight_bits", (double)wbits);
    write_json_tree(dir, "report.json", root);
}

void print_summary(FILE *f, const Netlist *n, const Schedule *s)
{
    const Model *m = n->model;
    fprintf(f, "rnnc: %s: %d engines\n", m->name, n->n);
    fprintf(f, "  %-32s %-10s %6s %5s %7s\n", "module", "kind", "mults", "rf", "cycles");
    long mults = 0;
    for (int i = 0; i < n->n; i++) {
        const Engine *e = &n->eng[i];
        fprintf(f, "  %-32s %-10s %6d %5d %7d\n", e->name, engine_kind_name(e->kind), e->n_mult, e->mvm.outs ? e->mvm.rf : 0,
                e->latency);
        mults += e->n_mult;
    }
    fprintf(f, "  latency %ld cycles, initiation interval %ld cycles, %ld multipliers\n", s->latency_cycles,
            s->ii_cycles, mults);
    print_types(f, m);
}
