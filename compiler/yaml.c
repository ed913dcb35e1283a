/* yaml.c: a YAML file (hls4ml's project configuration, hls4ml_config.yml) read with libyaml
 * into the cJSON tree the JSON configuration gives (keras_config.c).
 *
 * Mappings become objects (keys must be scalars), sequences arrays, and scalars by YAML 1.1's
 * plain-scalar rules as PyYAML (hls4ml's writer) uses them: null/~/empty -> null, true/false
 * (and yes/no/on/off) -> booleans, integers and floats -> numbers, everything else and every
 * quoted scalar -> a string. A tag on a scalar (hls4ml's "!keras_model PATH") is dropped and
 * the scalar kept as a string. Aliases are expanded, with a bound on the nodes made so that a
 * file of nested aliases cannot grow without limit. */
#include "rnnc.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define YAML_MAX_NODES 200000 /* made (aliases expanded) */
#define YAML_MAX_DEPTH 64

typedef struct {
    const char *path;
    yaml_document_t *doc;
    long made;
} Ycx;

static _Noreturn void yerr(const Ycx *y, const yaml_node_t *n, const char *what)
{
    user_error(y->path, "line %lu: %s", n ? (unsigned long)n->start_mark.line + 1 : 0UL, what);
}

static bool word_in(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (!strcmp(s, *words)) return true;
    return false;
}

/* A plain scalar as YAML 1.1 (PyYAML) resolves it. */
static cJSON *plain_scalar(const char *s)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", NULL};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", NULL};
    if (word_in(s, nulls)) return cJSON_CreateNull();
    if (word_in(s, yes)) return cJSON_CreateTrue();
    if (word_in(s, no)) return cJSON_CreateFalse();
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
        char buf[64];
        size_t n = 0;
        for (const char *q = s; *q && n + 1 < sizeof buf; q++)
            if (*q != '_') buf[n++] = *q; /* YAML 1.1 allows 1_000 */
        buf[n] = 0;
        char *end;
        errno = 0;
        double d = strtod(buf, &end);
        if (!*end && end != buf && errno == 0 && isfinite(d) && strncasecmp(buf, "0x", 2) &&
            !strchr(buf, 'x') && !strchr(buf, 'X'))
            return cJSON_CreateNumber(d);
    }
    return cJSON_CreateString(s);
}

static cJSON *to_json(Ycx *y, yaml_node_t *n, int depth)
{
    if (!n) yerr(y, NULL, "broken YAML document");
    if (++y->made > YAML_MAX_NODES) yerr(y, n, "too many YAML nodes (aliases nested too deep?)");
    if (depth > YAML_MAX_DEPTH) yerr(y, n, "YAML nested too deep");
    if (n->type == YAML_SCALAR_NODE) {
        const char *s = (const char *)n->data.scalar.value;
        if (strlen(s) != n->data.scalar.length) yerr(y, n, "a NUL byte in a YAML scalar");
        if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
            !(n->tag && strcmp((const char *)n->tag, YAML_STR_TAG) && n->tag[0] == '!'))
            return plain_scalar(s);
        return cJSON_CreateString(s);
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        cJSON *a = cJSON_CreateArray();
        for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
            cJSON_AddItemToArray(a, to_json(y, yaml_document_get_node(y->doc, *i), depth + 1));
        return a;
    }
    if (n->type == YAML_MAPPING_NODE) {
        cJSON *o = cJSON_CreateObject();
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE) yerr(y, k ? k : n, "a mapping key that is not a plain word");
            const char *key = (const char *)k->data.scalar.value;
            if (cJSON_GetObjectItemCaseSensitive(o, key)) {
                char msg[160];
                snprintf(msg, sizeof msg, "key '%.60s' given twice", key);
                yerr(y, k, msg);
            }
            cJSON_AddItemToObject(o, key, to_json(y, yaml_document_get_node(y->doc, p->value), depth + 1));
        }
        return o;
    }
    yerr(y, n, "empty YAML node");
}

/* The deepest nesting of flow collections ([ {) outside quotes and comments: libyaml's scanner
 * takes time quadratic in it, so a deep file is refused before libyaml sees it. */
static int flow_depth(const char *t, size_t len)
{
    int depth = 0, max = 0;
    char quote = 0;
    bool comment = false;
    for (size_t i = 0; i < len; i++) {
        char ch = t[i];
        if (comment) comment = ch != '\n';
        else if (quote) quote = ch == quote ? 0 : quote; /* '' and \" only re-enter the quote */
        else if (ch == '"' || ch == '\'') quote = ch;
        else if (ch == '#' && (i == 0 || isspace((unsigned char)t[i - 1]))) comment = true;
        else if (ch == '[' || ch == '{') max = ++depth > max ? depth : max;
        else if ((ch == ']' || ch == '}') && depth > 0) depth--;
    }
    return max;
}

cJSON *yaml_read_file(const char *path)
{
    size_t len;
    char *text = read_whole_file(path, &len);
    if (flow_depth(text, len) > YAML_MAX_DEPTH) {
        free(text);
        user_error(path, "YAML nested deeper than %d levels", YAML_MAX_DEPTH);
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) user_error(path, "cannot start the YAML parser (out of memory)");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        const char *prob = parser.problem ? parser.problem : "invalid YAML";
        unsigned long line = (unsigned long)parser.problem_mark.line + 1;
        char msg[200];
        snprintf(msg, sizeof msg, "line %lu: invalid YAML: %.120s", line, prob);
        yaml_parser_delete(&parser);
        free(text);
        user_error(path, "%s", msg);
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
        free(text);
        user_error(path, "expected a YAML mapping (hls4ml's project configuration: KerasH5, HLSConfig, ...)");
    }
    Ycx y = {.path = path, .doc = &doc};
    cJSON *out = to_json(&y, root, 0);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    free(text);
    return out;
}
