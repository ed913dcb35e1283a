/* tests/fuzz/harness.c: rnnc's passes in-process under AFL++ persistent mode (tools/fuzz.sh).
 *
 *   RNNC_FUZZ_FORMAT=F harness [FIXED]     F: json emit vectors config onnx arch
 *
 * Each test case comes from AFL's shared memory (__AFL_FUZZ_TESTCASE_BUF) and runs the passes
 * main.c runs for that format, without a new process:
 *   json     model.json -> parse, check, quantize, lower, schedule, dump the schedule
 *   emit     the same, and every 10th case emits the design into a tmpfs directory
 *   vectors  an IN.txt for the fixed model FIXED -> read_vectors, emulate (fixed and float)
 *   config   an hls4ml configuration for the fixed model FIXED -> apply, then as json
 *   onnx     an ONNX ModelProto -> onnx_tree, then as json
 *   arch     a Keras architecture JSON with the fixed weights file FIXED -> the Keras reader
 *            (in-process: this file includes keras.c to call its reader without the child)
 * A rejected input ends in user_error, whose on_user_error hook jumps back here. rnnc never frees
 * (a short-lived compiler), so each process runs 1000 cases (__AFL_LOOP) with leak detection off.
 * Files the formats need as paths go to /dev/shm. Not part of rnnc: built only by tools/fuzz.sh. */
#include "../../compiler/keras.c"

#include <setjmp.h>

#ifndef __AFL_FUZZ_TESTCASE_LEN
/* without afl-clang-fast: one case from stdin (reproducing a finding) */
static unsigned char stdin_buf[1 << 20];
static ssize_t stdin_len;
#define __AFL_FUZZ_INIT() int unused_afl_init_
#define __AFL_INIT() (void)0
#define __AFL_FUZZ_TESTCASE_BUF stdin_buf
#define __AFL_FUZZ_TESTCASE_LEN (stdin_len = read(0, stdin_buf, sizeof stdin_buf - 1), stdin_len < 0 ? 0 : stdin_len)
#define __AFL_LOOP(n) (loop_once_++ == 0)
static int loop_once_;
#endif

__AFL_FUZZ_INIT();

static jmp_buf back;
static char *stage;     /* the emission's staging directory while it is being written */

static void jump_back(void)
{
    if (stage) stage_abort(stage);
    stage = NULL;
    longjmp(back, 1);
}

static void close_h5_objects(void)
{
    ssize_t n = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (n <= 0) return;
    hid_t *ids = xcalloc((size_t)n, sizeof *ids);
    n = H5Fget_obj_ids(H5F_OBJ_ALL, H5F_OBJ_ALL, (size_t)n, ids);
    for (ssize_t i = 0; i < n; i++) {
        H5I_type_t t = H5Iget_type(ids[i]);
        if (t == H5I_GROUP) H5Gclose(ids[i]);
        else if (t == H5I_DATASET) H5Dclose(ids[i]);
        else if (t == H5I_ATTR) H5Aclose(ids[i]);
        else if (t == H5I_DATATYPE) H5Tclose(ids[i]);
    }
    for (ssize_t i = 0; i < n; i++)
        if (H5Iget_type(ids[i]) == H5I_FILE) H5Fclose(ids[i]);
    free(ids);
}

static void write_case(const char *path, const unsigned char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

/* check, quantize, lower, schedule (and emit every 10th time with emit) */
static void compile(Model *m, bool emit, const char *out_dir, FILE *null)
{
    static unsigned count;
    check_model(m);
    quantize_model(m);
    Netlist *n = lower_model(m, 0);
    Schedule *s = schedule_netlist(n, RNNC_II_SEQ);
    dump_schedule(null, n, s);
    if (emit && count++ % 10 == 0) {
        stage = stage_begin(out_dir);
        on_user_error(jump_back); /* in place of files.c's: jump_back removes the stage */
        emit_verilog(n, s, stage);
        emit_sim(n, s, stage);
        emit_report(n, s, stage);
        emit_uart(n, stage);
        emit_ref(m, stage);
        stage_commit(stage, out_dir);
        free(stage);
        stage = NULL;
    }
}

static void emulate(const Model *m, const Vectors *v)
{
    int outs = (m->out_seq ? m->out_steps : 1) * m->out_feat;
    int64_t *raw = xcalloc((size_t)outs, sizeof(int64_t));
    double *real = xcalloc((size_t)outs, sizeof(double));
    size_t per_seq = (size_t)v->timesteps * (size_t)v->features;
    for (int k = 0; k < v->n_seq && k < 64; k++) {
        emulate_fixed(m, v->values + (size_t)k * per_seq, raw);
        emulate_float(m, v->values + (size_t)k * per_seq, real);
    }
    free(raw);
    free(real);
}

static Model *from_tree(cJSON *tree, const char *path)
{
    char *text = rnnc_json_print(tree);
    return parse_model_text(path, text, strlen(text));
}

/* the Keras reader of keras_tree_read, in this process (no child) */
static Model *arch_model(const char *path, const char *weights)
{
    KerasOptions ko = {.weights = weights};
    KerasTree kt = keras_tree_read(path, &ko);
    keras_apply_options(kt.tree, &ko, kt.refs, kt.input_name, path);
    return from_tree(kt.tree, path);
}

static void one_case(const char *fmt, const unsigned char *buf, size_t len, const char *file,
                     const char *fixed, Model *fixed_model, FILE *null, const char *out_dir)
{
    if (!strcmp(fmt, "json") || !strcmp(fmt, "emit")) {
        char *text = xcalloc(len + 1, 1);
        memcpy(text, buf, len);
        compile(parse_model_text("case.json", text, len), !strcmp(fmt, "emit"), out_dir, null);
        return;
    }
    write_case(file, buf, len);
    if (!strcmp(fmt, "vectors")) {
        Vectors *v = read_vectors(file, fixed_model);
        precision_warn_overflow(fixed_model, v, file);
        emulate(fixed_model, v);
    } else if (!strcmp(fmt, "config")) {
        KerasOptions ko = {.config = file};
        compile(parse_tree(rnnc_tree(fixed, &ko), fixed), false, NULL, null);
    } else if (!strcmp(fmt, "onnx")) {
        KerasOptions ko = {0};
        compile(from_tree(onnx_options(file, &ko), file), false, NULL, null);
    } else if (!strcmp(fmt, "arch")) {
        compile(arch_model(file, fixed), false, NULL, null);
    }
}

int main(int argc, char **argv)
{
    const char *fmt = getenv("RNNC_FUZZ_FORMAT");
    const char *fixed = argc > 1 ? argv[1] : NULL;
    if (!fmt || (strcmp(fmt, "json") && strcmp(fmt, "emit") && strcmp(fmt, "vectors") && strcmp(fmt, "config") &&
                 strcmp(fmt, "onnx") && strcmp(fmt, "arch"))) {
        fprintf(stderr, "harness: RNNC_FUZZ_FORMAT: json emit vectors config onnx arch\n");
        return 2;
    }
    if (!fixed && (!strcmp(fmt, "vectors") || !strcmp(fmt, "config") || !strcmp(fmt, "arch"))) {
        fprintf(stderr, "harness: %s needs the fixed model (or weights) file as its argument\n", fmt);
        return 2;
    }
    bool verbose = getenv("RNNC_FUZZ_VERBOSE") != NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    FILE *null = fopen("/dev/null", "w");
    Model *fixed_model = NULL;
    if (!strcmp(fmt, "vectors")) {
        fixed_model = parse_model(fixed);
        check_model(fixed_model);
        quantize_model(fixed_model);
    }
    char file[96], out_dir[96];
    /* arch: sniff wants a JSON's name or content; onnx: is_onnx_model is not needed here */
    snprintf(file, sizeof file, "/dev/shm/rnnc-fuzz-%ld.%s", (long)getpid(), !strcmp(fmt, "onnx") ? "onnx" : "json");
    snprintf(out_dir, sizeof out_dir, "/dev/shm/rnnc-fuzz-%ld-out", (long)getpid());
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(1000)) {
        size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
        if (setjmp(back) == 0) {
            on_user_error(jump_back);
            one_case(fmt, buf, len, file, fixed, fixed_model, null, out_dir);
            if (verbose) fprintf(stderr, "harness: accepted\n");
        } else if (verbose) {
            fprintf(stderr, "harness: rejected (user_error)\n");
        }
        on_user_error(NULL);
        if (!strcmp(fmt, "arch")) close_h5_objects();
    }
    unlink(file);
    return 0;
}
