/* tests/fuzz/harness.c: rnnc's passes in-process under AFL++ persistent mode (tools/fuzz.sh).
 *
 *   RNNC_FUZZ_FORMAT=F harness [FIXED]     F: json emit vectors config yaml onnx arch h5 keras
 *   RNNC_FUZZ_REPEAT=N ...  < CASE         outside AFL: the case from stdin, N times (timing)
 *
 * Each test case comes from AFL's shared memory (__AFL_FUZZ_TESTCASE_BUF) and runs the passes
 * main.c runs for that format, without a new process:
 *   json     model.json -> parse, check, quantize, lower (for the family, UltraScale+ or not and
 *            --table-reg or not that the case's hash picks: lowerings[]), schedule, dump the schedule
 *   emit     the same, and every 10th case emits the design into a tmpfs directory
 *   vectors  an IN.txt for the fixed model FIXED -> read_vectors, emulate (fixed and float)
 *   config   an hls4ml configuration for the fixed model FIXED -> apply, then as json
 *   yaml     the same as hls4ml's project YAML (a .yml file: libyaml, then the same path)
 *   onnx     an ONNX ModelProto -> onnx_tree, then as json
 *   arch     a Keras architecture JSON with the fixed weights file FIXED -> the Keras reader
 *            (in-process: this file includes keras.c to call its reader without the child)
 *   h5       a Keras model described as text (below), written as an HDF5 file -> the Keras reader
 *   keras    the same as a .keras zip (config.json, metadata.json, model.weights.h5) -> the reader
 * h5 and keras are structure-aware: the case is the model's JSON (the model_config attribute, or
 * config.json), then a line "%%", then one line per HDF5 object:
 *   a PATH NAME V1|V2|...   a variable-length string attribute (one value: a scalar string; no
 *                           values: an empty float64 array, as Keras 3 writes weight_names = [])
 *   s PATH NAME V1|V2|...   the same with fixed-length strings
 *   d PATH D0xD1... SEED    a float32 dataset of that shape (at most 65536 values, rank <= 3),
 *   e PATH D0xD1... SEED    float64, i: int32; the values follow from SEED in [-1, 1] (SEED nan:
 *   i PATH D0xD1... SEED    all NaN)
 *   m TEXT                  metadata.json (keras)
 * PATH is a slash-separated path from the root ("/" the root); missing groups are created. The
 * harness builds the file with the HDF5 library in memory (core driver, H5Fget_file_image), and
 * the .keras zip with libzip (entries stored, as Keras writes them), writes it to /dev/shm and
 * runs rnnc's reading code on it in this process. The image of the lines is kept while only the
 * JSON changes (most of AFL's mutations): keras zips it as it is, h5 writes the JSON into a copy
 * (case_h5_file: model_config as a fixed-length string, as Keras 2 wrote it). Byte-level corruption of HDF5 and zip files stays with the fork-server
 * run of rnnc itself, where the reading child isolates libhdf5 (tests/limits checks that
 * isolation); these formats fuzz rnnc's own Keras reader on every structure libhdf5 can write.
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

/* h5 and keras keep the file they built for the next case with the same lines: the harness's own
 * building code runs or not depending on the case before, which AFL would count as instability.
 * Its coverage is switched off while the file is built; rnnc's is what guides the fuzzer. */
#ifdef __AFL_COVERAGE_ON
__AFL_COVERAGE();
#else
#define __AFL_COVERAGE_ON() (void)0
#define __AFL_COVERAGE_OFF() (void)0
#endif

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

/* The lowerings a case is compiled for, one per case (case_lowering): each family's own paths in
 * lower.c and plan.c (Xilinx's registered products and LSTM lanes, UltraScale+'s one-stage MACs
 * and first-step skip with write-first h, ECP5's and iCE40's trees), with and without --table-reg. */
static const struct {
    int table_reg;
    const char *family;
    bool ultrascale;
} lowerings[] = {
    {0, "ice40", false},  {1, "ice40", false},  {0, "xilinx", false}, {1, "xilinx", false},
    {0, "xilinx", true},  {1, "xilinx", true},  {0, "ecp5", false},   {1, "ecp5", false},
};
static unsigned lowering; /* this case's entry of lowerings[] */

/* FNV-1a of the case's bytes: the same case always takes the same lowering (AFL sees a stable
 * target), and a mutation moves it to another as often as not. */
static unsigned case_lowering(const unsigned char *buf, size_t len)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ buf[i]) * 16777619u;
    return h % (sizeof lowerings / sizeof lowerings[0]);
}

/* check, quantize, lower, schedule (and emit every 10th time with emit) */
static void compile(Model *m, bool emit, const char *out_dir, FILE *null)
{
    static unsigned count;
    check_model(m);
    quantize_model(m);
    Netlist *n = lower_model_family(m, lowerings[lowering].table_reg, lowerings[lowering].family,
                                    lowerings[lowering].ultrascale);
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

/* ---- h5 and keras: a described Keras model, built as a file ---- */

#define CASE_MAX_LINES 256
#define CASE_MAX_VALUES 65536

/* The groups opened while one image is built, by the path a line named them with: a case names
 * the same group on many lines, and each lookup from the root is a B-tree walk per part. */
#define CASE_MAX_GROUPS 64
static struct {
    char *path;
    hid_t id;
} case_groups[CASE_MAX_GROUPS];
static int case_ngroups;

static void case_groups_close(void)
{
    for (int i = 0; i < case_ngroups; i++) {
        H5Gclose(case_groups[i].id);
        free(case_groups[i].path);
    }
    case_ngroups = 0;
}

/* the group at the slash path p (created as needed; the build's to close); -1 when HDF5 refuses a name */
static hid_t case_group(hid_t f, const char *p)
{
    for (int i = 0; i < case_ngroups; i++)
        if (!strcmp(case_groups[i].path, p)) return case_groups[i].id;
    hid_t g = H5Gopen2(f, "/", H5P_DEFAULT);
    const char *whole = p;
    char part[256];
    while (g >= 0 && *p) {
        while (*p == '/') p++;
        size_t n = strcspn(p, "/");
        if (!n) break;
        if (n >= sizeof part) n = sizeof part - 1;
        memcpy(part, p, n);
        part[n] = 0;
        p += strcspn(p, "/");
        htri_t has = H5Lexists(g, part, H5P_DEFAULT);
        hid_t k = has > 0 ? H5Gopen2(g, part, H5P_DEFAULT) : has == 0 ? H5Gcreate2(g, part, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
        H5Gclose(g);
        g = k;
    }
    if (g >= 0) {
        if (case_ngroups == CASE_MAX_GROUPS) case_groups_close(); /* no caller holds one across calls */
        case_groups[case_ngroups].path = xstrdup(whole);
        case_groups[case_ngroups++].id = g;
    }
    return g;
}

/* split "dir/name" at its last slash: the group's path in dir, the last part returned */
static const char *case_leaf(char *path)
{
    char *s = strrchr(path, '/');
    if (!s) {
        memmove(path + 1, path, strlen(path) + 1);
        path[0] = 0;
        return path + 1;
    }
    *s = 0;
    return s + 1;
}

static void case_attr(hid_t f, char *path, char *name, char *vals, bool fixed, bool split)
{
    hid_t g = case_group(f, path);
    if (g < 0) return;
    if (!vals) { /* an empty float64 array */
        hsize_t zero = 0;
        hid_t sp = H5Screate_simple(1, &zero, NULL);
        hid_t a = H5Acreate2(g, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
        if (a >= 0) H5Aclose(a);
        H5Sclose(sp);
        return;
    }
    const char *v[256];
    size_t n = 0, longest = 1;
    for (char *rest = vals; rest && n < 256;) {
        char *tok = split ? strsep(&rest, "|") : (rest += strlen(rest), vals);
        v[n++] = tok;
        if (strlen(tok) > longest) longest = strlen(tok);
        if (!split) break;
    }
    hsize_t dim = n;
    hid_t sp = n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_cset(t, H5T_CSET_UTF8);
    char *buf = NULL;
    if (fixed) {
        H5Tset_size(t, longest);
        buf = xcalloc(n * longest + 1, 1);
        for (size_t i = 0; i < n; i++) memcpy(buf + i * longest, v[i], strlen(v[i]));
    } else {
        H5Tset_size(t, H5T_VARIABLE);
    }
    hid_t a = H5Acreate2(g, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) {
        H5Awrite(a, t, fixed ? (const void *)buf : (const void *)v);
        H5Aclose(a);
    }
    free(buf);
    H5Tclose(t);
    H5Sclose(sp);
}

static void case_data(hid_t f, char *path, const char *shape, const char *seed, char kind)
{
    hsize_t dims[3];
    int rank = 0;
    long total = 1;
    for (const char *p = shape; *p && rank < 3; rank++) {
        char *end;
        long d = strtol(p, &end, 10);
        if (end == p || d < 0 || d > CASE_MAX_VALUES) return;
        dims[rank] = (hsize_t)d;
        total *= d;
        if (total > CASE_MAX_VALUES) return;
        p = *end == 'x' ? end + 1 : end + strlen(end);
    }
    const char *leaf = case_leaf(path);
    hid_t g = case_group(f, path);
    if (g < 0) return;
    /* the values in the file's own type (float32, float64, int32): written without HDF5's type
     * conversion, which callocs a 1 MiB buffer for every write */
    union {
        float f;
        double d;
        int32_t i;
    } *v = xcalloc((size_t)total + 1, sizeof *v);
    unsigned long s = strtoul(seed, NULL, 10);
    bool nan = !strcmp(seed, "nan");
    for (long k = 0; k < total; k++) {
        unsigned long h = (s * 2654435761UL + (unsigned long)k * 40503UL) >> 7;
        double x = nan ? NAN : (double)((long)(h % 2001) - 1000) / 1000.0;
        if (kind == 'i') ((int32_t *)v)[k] = (int32_t)((long)(h % 7) - 3);
        else if (kind == 'e') ((double *)v)[k] = x;
        else ((float *)v)[k] = (float)x;
    }
    hid_t sp = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    hid_t ft = kind == 'e' ? H5T_IEEE_F64LE : kind == 'i' ? H5T_STD_I32LE : H5T_IEEE_F32LE;
    hid_t d = H5Dcreate2(g, leaf, ft, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d >= 0) {
        H5Dwrite(d, ft, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
        H5Dclose(d);
    }
    free(v);
    H5Sclose(sp);
}

/* the image of the open in-memory file f (closed) */
static void *case_image(hid_t f, size_t *len)
{
    H5Fflush(f, H5F_SCOPE_GLOBAL);
    ssize_t size = H5Fget_file_image(f, NULL, 0);
    if (size <= 0) abort();
    void *img = xcalloc((size_t)size, 1);
    if (H5Fget_file_image(f, img, (size_t)size) != size) abort();
    H5Fclose(f);
    *len = (size_t)size;
    return img;
}

/* an in-memory (core driver) file: new, or opened read-write from the image img */
static hid_t case_file(const void *img, size_t len)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_core(fapl, 1 << 16, 0);
    if (img) H5Pset_file_image(fapl, (void *)(uintptr_t)img, len);
    hid_t f = img ? H5Fopen("case.h5", H5F_ACC_RDWR, fapl) : H5Fcreate("case.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f < 0) abort();
    return f;
}

/* the HDF5 file the lines after "%%" describe, as an image in memory; *meta: the m line */
static void *case_h5(char *lines, char **meta, size_t *len)
{
    hid_t f = case_file(NULL, 0);
    char *save = NULL;
    int n = 0;
    for (char *ln = strtok_r(lines, "\n", &save); ln && n < CASE_MAX_LINES; ln = strtok_r(NULL, "\n", &save), n++) {
        char kind = ln[0], *rest = ln[0] && ln[1] == ' ' ? ln + 2 : NULL, *sp = NULL;
        if (!rest) continue;
        if (kind == 'm') {
            free(*meta);
            *meta = xstrdup(rest);
            continue;
        }
        char *path = strtok_r(rest, " ", &sp), *b = strtok_r(NULL, " ", &sp), *c = strtok_r(NULL, "", &sp);
        if (!path || !b) continue;
        if (kind == 'a' || kind == 's') case_attr(f, path, b, c, kind == 's', true);
        else if ((kind == 'd' || kind == 'e' || kind == 'i') && c) case_data(f, path, b, c, kind);
    }
    case_groups_close();
    return case_image(f, len);
}

/* The lines' image, built once for a run of cases with the same lines: most of AFL's mutations
 * change the JSON and leave the lines as they were, and building the objects is most of the
 * harness's own time. The image is the same bytes a fresh build gives. */
static struct {
    char *lines, *meta;
    void *img;
    size_t len;
} lines_cache;

static const void *case_lines_image(const char *lines, const char **meta, size_t *len)
{
    if (!lines_cache.lines || strcmp(lines_cache.lines, lines)) {
        free(lines_cache.lines);
        free(lines_cache.meta);
        free(lines_cache.img);
        lines_cache.lines = NULL;
        lines_cache.meta = NULL;
        char *work = xstrdup(lines);
        lines_cache.img = case_h5(work, &lines_cache.meta, &lines_cache.len);
        free(work);
        lines_cache.lines = xstrdup(lines);
    }
    *meta = lines_cache.meta;
    *len = lines_cache.len;
    return lines_cache.img;
}

/* the lines' image with the model_config attribute (the case's JSON) added at the root, as the
 * JSON: replacing a model_config a line wrote. fixed: a fixed-length string of that size (the
 * JSON NUL-padded), else a variable-length one. */
static void *case_h5_model(const void *img, size_t ilen, const char *model_config, size_t fixed, size_t *len)
{
    hid_t f = case_file(img, ilen);
    if (H5Aexists(f, "model_config") > 0) H5Adelete(f, "model_config");
    if (fixed) {
        hid_t sp = H5Screate(H5S_SCALAR), t = H5Tcopy(H5T_C_S1);
        H5Tset_cset(t, H5T_CSET_UTF8);
        H5Tset_size(t, fixed);
        hid_t a = H5Acreate2(f, "model_config", t, sp, H5P_DEFAULT, H5P_DEFAULT);
        if (a >= 0) {
            H5Awrite(a, t, model_config);
            H5Aclose(a);
        }
        H5Tclose(t);
        H5Sclose(sp);
    } else {
        char *mc = xstrdup(model_config), root[2] = "/", name[] = "model_config";
        case_attr(f, root, name, mc, false, false);
        case_groups_close();
        free(mc);
    }
    return case_image(f, len);
}

/* h5: the JSON goes in as a fixed-length string attribute (as Keras 2 wrote model_config; other
 * attributes of the lines stay variable-length) of a padded size, 1-32 KiB. The image with a
 * placeholder of that size is built once for the lines; each case copies it and writes its JSON
 * over the placeholder, without HDF5 (the attribute's data lies in the root's object header, and
 * HDF5 1.10's default format keeps no checksum over it). Longer JSON: built each time. */
#define MC_MIN 1024
#define MC_MAX 32768
static struct {
    char *lines;
    size_t size, len, at; /* the attribute's size; the image's length; the placeholder's offset */
    void *img;
} mc_cache;

static void *case_h5_file(const char *lines, const void *img, size_t ilen, const char *json, size_t *len)
{
    size_t jlen = strlen(json), size = MC_MIN;
    while (size < jlen + 1) size *= 2;
    if (size > MC_MAX) return case_h5_model(img, ilen, json, 0, len);
    if (!mc_cache.img || mc_cache.size != size || strcmp(mc_cache.lines, lines)) {
        free(mc_cache.lines);
        free(mc_cache.img);
        mc_cache.lines = NULL;
        mc_cache.img = NULL;
        char *mark = xcalloc(size, 1);
        unsigned x = 12345;
        for (size_t i = 0; i + 1 < size; i++) mark[i] = (char)(1 + (x = x * 1103515245u + 12345u) % 255);
        size_t mlen;
        void *m = case_h5_model(img, ilen, mark, size, &mlen);
        char *at = memmem(m, mlen, mark, size - 1);
        /* the placeholder exactly once, or this case built the slow way */
        if (!at || memmem(at + 1, mlen - (size_t)(at + 1 - (char *)m), mark, size - 1)) {
            free(m);
            free(mark);
            return case_h5_model(img, ilen, json, 0, len);
        }
        free(mark);
        mc_cache.lines = xstrdup(lines);
        mc_cache.size = size;
        mc_cache.img = m;
        mc_cache.len = mlen;
        mc_cache.at = (size_t)(at - (char *)m);
    }
    char *out = xcalloc(mc_cache.len, 1);
    memcpy(out, mc_cache.img, mc_cache.len);
    memset(out + mc_cache.at, 0, size);
    memcpy(out + mc_cache.at, json, jlen);
    *len = mc_cache.len;
    return out;
}

static void case_zip_add(zip_t *z, const char *name, const void *data, size_t len)
{
    zip_source_t *src = zip_source_buffer(z, data, len, 0);
    zip_int64_t idx = src ? zip_file_add(z, name, src, ZIP_FL_OVERWRITE) : -1;
    if (idx < 0 || zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0) < 0) abort();
}

/* the case's model as path: an .h5 file, or a .keras zip of config.json, metadata.json and
 * model.weights.h5 */
static void case_model(const char *fmt, const unsigned char *buf, size_t len, const char *path)
{
    char *text = xcalloc(len + 1, 1);
    memcpy(text, buf, len);
    char *sep = strstr(text, "\n%%\n"), *lines = sep ? sep + 4 : text + len;
    if (sep) *sep = 0;
    const char *meta;
    size_t ilen;
    const void *img = case_lines_image(lines, &meta, &ilen);
    if (strcmp(fmt, "keras")) {
        size_t flen;
        void *file = case_h5_file(lines, img, ilen, text, &flen);
        write_case(path, file, flen);
        free(file);
    } else {
        int err;
        zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
        if (!z) abort();
        if (meta) case_zip_add(z, "metadata.json", meta, strlen(meta));
        case_zip_add(z, "config.json", text, strlen(text));
        case_zip_add(z, "model.weights.h5", img, ilen);
        if (zip_close(z) < 0) abort();
    }
    free(text);
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
    if (!strcmp(fmt, "h5") || !strcmp(fmt, "keras")) {
        __AFL_COVERAGE_OFF();
        case_model(fmt, buf, len, file);
        __AFL_COVERAGE_ON();
        compile(arch_model(file, NULL), false, NULL, null);
        return;
    }
    write_case(file, buf, len);
    if (!strcmp(fmt, "vectors")) {
        Vectors *v = read_vectors(file, fixed_model);
        precision_warn_overflow(fixed_model, v, file);
        emulate(fixed_model, v);
    } else if (!strcmp(fmt, "config") || !strcmp(fmt, "yaml")) {
        KerasOptions ko = {.config = file};
        compile(parse_tree(rnnc_tree(fixed, &ko), fixed), false, NULL, null);
    } else if (!strcmp(fmt, "onnx")) {
        KerasOptions ko = {0};
        compile(from_tree(onnx_options(file, &ko), file), false, NULL, null);
    } else if (!strcmp(fmt, "arch")) {
        compile(arch_model(file, fixed), false, NULL, null);
    }
}

/* one case, a rejection (user_error) jumping back here */
static void run_case(const char *fmt, const unsigned char *buf, size_t len, const char *file, const char *fixed,
                     Model *fixed_model, FILE *null, const char *out_dir, bool verbose)
{
    lowering = case_lowering(buf, len);
    if (verbose)
        fprintf(stderr, "harness: lowered for %s%s%s\n", lowerings[lowering].family,
                lowerings[lowering].ultrascale ? " (UltraScale+)" : "", lowerings[lowering].table_reg ? ", --table-reg" : "");
    if (setjmp(back) == 0) {
        on_user_error(jump_back);
        one_case(fmt, buf, len, file, fixed, fixed_model, null, out_dir);
        if (verbose) fprintf(stderr, "harness: accepted\n");
    } else if (verbose) {
        fprintf(stderr, "harness: rejected (user_error)\n");
    }
    on_user_error(NULL);
    if (!strcmp(fmt, "arch") || !strcmp(fmt, "h5") || !strcmp(fmt, "keras")) close_h5_objects();
}

int main(int argc, char **argv)
{
    const char *fmt = getenv("RNNC_FUZZ_FORMAT");
    const char *fixed = argc > 1 ? argv[1] : NULL;
    if (!fmt || (strcmp(fmt, "json") && strcmp(fmt, "emit") && strcmp(fmt, "vectors") && strcmp(fmt, "config") &&
                 strcmp(fmt, "yaml") && strcmp(fmt, "onnx") && strcmp(fmt, "arch") && strcmp(fmt, "h5") && strcmp(fmt, "keras"))) {
        fprintf(stderr, "harness: RNNC_FUZZ_FORMAT: json emit vectors config yaml onnx arch h5 keras\n");
        return 2;
    }
    if (!fixed && (!strcmp(fmt, "vectors") || !strcmp(fmt, "config") || !strcmp(fmt, "yaml") ||
                   !strcmp(fmt, "arch"))) {
        fprintf(stderr, "harness: %s needs the fixed model (or weights) file as its argument\n", fmt);
        return 2;
    }
    bool verbose = getenv("RNNC_FUZZ_VERBOSE") != NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    /* HDF5 frees blocks over its free lists' default limits (64 KiB a list) to the system: each
     * file's metadata cache (megabytes) was a fresh mmap, page faults and memset under ASan, most
     * of an h5 case's time. Unlimited lists reuse them. */
    H5set_free_list_limits(-1, -1, -1, -1, -1, -1);
    FILE *null = fopen("/dev/null", "w");
    Model *fixed_model = NULL;
    if (!strcmp(fmt, "vectors")) {
        fixed_model = parse_model(fixed);
        check_model(fixed_model);
        quantize_model(fixed_model);
    }
    char file[96], out_dir[96];
    /* arch: sniff wants a JSON's name or content; onnx: is_onnx_model is not needed here */
    const char *ext = !strcmp(fmt, "onnx") || !strcmp(fmt, "h5") || !strcmp(fmt, "keras") ? fmt
                    : !strcmp(fmt, "yaml")                                                ? "yml"
                                                                                          : "json";
    snprintf(file, sizeof file, "/dev/shm/rnnc-fuzz-%ld.%s", (long)getpid(), ext);
    snprintf(out_dir, sizeof out_dir, "/dev/shm/rnnc-fuzz-%ld-out", (long)getpid());
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    /* RNNC_FUZZ_REPEAT=N: each case N times (timing and profiling the harness outside AFL) */
    long repeat = getenv("RNNC_FUZZ_REPEAT") ? atol(getenv("RNNC_FUZZ_REPEAT")) : 1;
    while (__AFL_LOOP(1000)) {
        size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
        for (long rep = 0; rep < repeat; rep++) run_case(fmt, buf, len, file, fixed, fixed_model, null, out_dir, verbose);
    }
    unlink(file);
    return 0;
}
