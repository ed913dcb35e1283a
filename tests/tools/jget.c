/* jget: print one value of a JSON file, for the test suites' shell scripts (no Python needed).
 *
 *   jget FILE KEY...
 *
 * follows KEY... from the root (an object member by name, an array element by index) and prints
 * the value reached: a number as %.17g (integers exactly), a string as is, true/false/null, and
 * an object or array as its members' scalar values, one a line (e.g. to sum them with awk).
 * Exit status 1 when the file cannot be read or parsed or a key is missing.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b = realloc(buf, 2 * cap + 1);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static int print_scalar(const cJSON *v)
{
    if (cJSON_IsNumber(v))
        printf("%.17g\n", v->valuedouble);
    else if (cJSON_IsString(v))
        printf("%s\n", v->valuestring);
    else if (cJSON_IsBool(v))
        printf("%s\n", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNull(v))
        printf("null\n");
    else
        return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: jget FILE KEY...\n");
        return 2;
    }
    char *text = slurp(argv[1]);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    const cJSON *v = root;
    for (int i = 2; v && i < argc; i++) {
        if (cJSON_IsArray(v)) {
            char *end;
            long k = strtol(argv[i], &end, 10);
            v = *argv[i] && !*end && k >= 0 ? cJSON_GetArrayItem(v, (int)k) : NULL;
        } else {
            v = cJSON_GetObjectItemCaseSensitive(v, argv[i]);
        }
    }
    int rc = 1;
    if (v && print_scalar(v)) {
        const cJSON *c;
        rc = 0;
        cJSON_ArrayForEach(c, v) rc |= print_scalar(c);
    } else if (v) {
        rc = 0;
    }
    cJSON_Delete(root);
    return rc;
}
