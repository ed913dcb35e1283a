/* tree.c: the rnnc-model/1 tree rnnc's ONNX import (compiler/onnx.c) makes of a model, printed,
 * or compared with an expected JSON file (exit 1 when it differs). tests/onnx/run.sh builds it
 * against build/obj; it checks the import of layer kinds this build may not compile yet.
 * usage: tree M.onnx [EXPECTED.json] */
#include "rnnc.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: tree M.onnx [EXPECTED.json]\n");
        return 2;
    }
    KerasOptions opt = {0};
    cJSON *tree = onnx_tree(argv[1], &opt);
    char *text = rnnc_json_print(tree);
    if (argc == 2) {
        fputs(text, stdout);
        return 0;
    }
    size_t len;
    char *exp = read_whole_file(argv[2], &len);
    cJSON *want = cJSON_Parse(exp);
    if (!want) {
        fprintf(stderr, "tree: %s is not JSON\n", argv[2]);
        return 2;
    }
    bool same = cJSON_Compare(tree, want, true);
    if (!same) fputs(text, stdout);
    free(text);
    free(exp);
    cJSON_Delete(tree);
    cJSON_Delete(want);
    return same ? 0 : 1;
}
