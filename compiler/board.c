/* board.c: the host side of the UART front end (--board PORT IN.txt).
 *
 * For each input sequence: quantize it exactly as the emulator does, send every timestep as
 * ceil(in_bits/8) bytes (least significant first), read the sequence's output beats back
 * (ceil(out_bits/8) bytes each) and print them in --emulate's format, so a board run can be
 * diffed against `rnnc --emulate`. The serial port is set to 115200 baud, 8N1, raw. */
#define _DEFAULT_SOURCE
#include "rnnc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int open_port(const char *port)
{
    int fd = open(port, O_RDWR | O_NOCTTY);
    if (fd < 0) user_error(port, "cannot open the serial port: %s", strerror(errno));
    struct termios tio;
    if (tcgetattr(fd, &tio) != 0) user_error(port, "not a serial port: %s", strerror(errno));
    cfmakeraw(&tio);
    cfsetispeed(&tio, B115200);
    cfsetospeed(&tio, B115200);
    tio.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CRTSCTS);
    tio.c_cflag |= CLOCAL | CREAD | CS8;
    if (tcsetattr(fd, TCSANOW, &tio) != 0) user_error(port, "cannot configure: %s", strerror(errno));
    tcflush(fd, TCIOFLUSH);
    return fd;
}

static void write_all(int fd, const unsigned char *buf, size_t n, const char *port)
{
    while (n > 0) {
        ssize_t k = write(fd, buf, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            fprintf(stderr, "rnnc: %s: write failed: %s\n", port, strerror(errno));
            exit(1);
        }
        buf += k;
        n -= (size_t)k;
    }
}

/* Read exactly n bytes or give up after timeout_ms of silence. */
static bool read_all(int fd, unsigned char *buf, size_t n, int timeout_ms)
{
    while (n > 0) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, timeout_ms);
        if (r <= 0) return false;
        ssize_t k = read(fd, buf, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        buf += k;
        n -= (size_t)k;
    }
    return true;
}

int run_board(const Model *m, const Vectors *v, const char *port)
{
    int fd = open_port(port);
    int T = m->timesteps, F = m->features;
    int in_bytes = (F * m->input_type.w + 7) / 8, out_bytes = (m->out_feat * m->out_type.w + 7) / 8;
    int beats_out = m->out_seq ? m->out_steps : 1;
    int64_t *raw = xcalloc((size_t)T * (size_t)F, sizeof(int64_t));
    unsigned char *tx = xcalloc((size_t)T * (size_t)in_bytes, 1);
    unsigned char *rx = xcalloc((size_t)beats_out * (size_t)out_bytes, 1);
    int64_t *vals = xcalloc((size_t)m->out_feat, sizeof(int64_t));
    for (int k = 0; k < v->n_seq; k++) {
        quantize_input(m, v->values + (size_t)k * (size_t)T * (size_t)F, raw);
        memset(tx, 0, (size_t)T * (size_t)in_bytes);
        for (int t = 0; t < T; t++)
            for (int f = 0; f < F; f++)
                for (int b = 0; b < m->input_type.w; b++) {
                    int bit = f * m->input_type.w + b;
                    if (((uint64_t)raw[t * F + f] >> b) & 1) tx[t * in_bytes + bit / 8] |= (unsigned char)(1u << (bit % 8));
                }
        write_all(fd, tx, (size_t)T * (size_t)in_bytes, port);
        if (!read_all(fd, rx, (size_t)beats_out * (size_t)out_bytes, 2000)) {
            fprintf(stderr, "rnnc: %s: no answer for sequence %d within 2 s (is the bitstream loaded? "
                    "reset the board to resynchronize)\n", port, k);
            close(fd);
            return 1;
        }
        for (int o = 0; o < beats_out; o++) {
            const unsigned char *beat = rx + (size_t)o * (size_t)out_bytes;
            for (int e = 0; e < m->out_feat; e++) {
                uint64_t u = 0;
                for (int b = 0; b < m->out_type.w; b++) {
                    int bit = e * m->out_type.w + b;
                    if ((beat[bit / 8] >> (bit % 8)) & 1) u |= (uint64_t)1 << b;
                }
                vals[e] = m->out_type.sgn && ((u >> (m->out_type.w - 1)) & 1) ? (int64_t)u - ((int64_t)1 << m->out_type.w)
                                                                             : (int64_t)u;
            }
            for (int e = 0; e < m->out_feat; e++) {
                if (o || e) putchar(' ');
                print_fixed(stdout, vals[e], m->out_type);
            }
        }
        putchar('\n');
        fflush(stdout);
    }
    close(fd);
    free(raw);
    free(tx);
    free(rx);
    free(vals);
    return 0;
}
