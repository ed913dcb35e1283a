/* wave_names FILE NAME...: exit 0 when the waveform FILE (an FST from Verilator or a VCD from
 * Icarus; a name ending in .vcd is read as VCD) declares a signal called each NAME, else print
 * the missing names and exit 1.
 *
 * A VCD is searched as text. Of an FST only the hierarchy block (the names of scopes and
 * signals) is read: FST_BL_HIER (gzip, via zlib) or FST_BL_HIER_LZ4 (one raw LZ4 block,
 * decoded here); the double-LZ4 form fstapi uses for very large hierarchies reads as no names.
 * Blocks: a kind byte, a big-endian 64-bit length (counting itself), the body; a hierarchy
 * body starts with its uncompressed length (64 bits). Compiled by tests/e2e/run.sh with -lz.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { FST_BL_HIER = 4, FST_BL_HIER_LZ4 = 6 };

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *b = realloc(buf, 2 * cap);
            if (!b) {
                free(buf);
                buf = NULL;
            }
            buf = b;
            cap *= 2;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* One raw LZ4 block of n bytes into out (size bytes); the bytes written. */
static size_t lz4_block(const unsigned char *s, size_t n, unsigned char *out, size_t size)
{
    size_t i = 0, o = 0;
    while (i < n && o < size) {
        unsigned token = s[i++];
        size_t lit = token >> 4, m = token & 15, off;
        if (lit == 15)
            for (unsigned b = 255; b == 255 && i < n; lit += b)
                b = s[i++];
        if (lit > n - i || lit > size - o)
            return o;
        memcpy(out + o, s + i, lit);
        i += lit;
        o += lit;
        if (i + 2 > n || o >= size)
            return o;
        off = s[i] | (size_t)s[i + 1] << 8;
        i += 2;
        if (m == 15)
            for (unsigned b = 255; b == 255 && i < n; m += b)
                b = s[i++];
        m += 4;
        if (off == 0 || off > o)
            return o;
        for (; m > 0 && o < size; m--, o++)
            out[o] = out[o - off];
    }
    return o;
}

/* The FST's hierarchy text (malloc'd, *hlen bytes), or NULL if there is none. */
static unsigned char *fst_hierarchy(const unsigned char *d, size_t len, size_t *hlen)
{
    if (len == 0 || d[0] != 0)
        return NULL;
    for (size_t i = 0; i + 9 <= len;) {
        uint64_t blen = be64(d + i + 1);
        if (blen < 8 || blen > len - i - 1)
            break;
        const unsigned char *body = d + i + 9;
        size_t n = (size_t)blen - 8;
        if ((d[i] == FST_BL_HIER || d[i] == FST_BL_HIER_LZ4) && n >= 8 && be64(body) < (1u << 30)) {
            size_t size = (size_t)be64(body);
            unsigned char *out = malloc(size + 1);
            if (!out)
                return NULL;
            if (d[i] == FST_BL_HIER_LZ4) {
                *hlen = lz4_block(body + 8, n - 8, out, size);
                return out;
            }
            z_stream z = {0};
            z.next_in = (unsigned char *)body + 8;
            z.avail_in = (uInt)(n - 8);
            z.next_out = out;
            z.avail_out = (uInt)size;
            if (inflateInit2(&z, 15 + 32) == Z_OK) { /* gzip or zlib header */
                inflate(&z, Z_FINISH);
                *hlen = size - z.avail_out;
                inflateEnd(&z);
                return out;
            }
            free(out);
            return NULL;
        }
        i += 1 + (size_t)blen;
    }
    return NULL;
}

static int contains(const unsigned char *t, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (t[i] == (unsigned char)s[0] && !memcmp(t + i, s, k))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: wave_names FILE NAME...\n");
        return 2;
    }
    size_t len = 0, n = 0;
    unsigned char *data = slurp(argv[1], &len), *text = NULL;
    size_t plen = strlen(argv[1]);
    if (data && plen >= 4 && !strcmp(argv[1] + plen - 4, ".vcd")) {
        text = data;
        n = len;
        data = NULL;
    } else if (data) {
        text = fst_hierarchy(data, len, &n);
    }
    int missing = 0;
    for (int i = 2; i < argc; i++)
        if (!text || !contains(text, n, argv[i]))
            printf("%s%s", missing++ ? ", " : "no signal ", argv[i]);
    if (missing)
        printf(" in %s\n", argv[1]);
    free(data);
    free(text);
    return missing ? 1 : 0;
}
