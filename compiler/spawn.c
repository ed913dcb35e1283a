/* spawn.c: external tools (make, yosys, nextpnr, iverilog, vvp, verilator, the built bench)
 * started with an argument vector, never through a shell, so that no path or name needs quoting;
 * their output goes to a log file, their progress to stderr. */
#define _POSIX_C_SOURCE 200809L
#include "rnnc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* In the child: into dir, output to log (relative to dir) or to out_fd, then the tool. */
static _Noreturn void exec_tool(char *const *argv, const char *dir, const char *log, int out_fd)
{
    if (dir && chdir(dir) != 0) _exit(127);
    int fd = log ? open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666) : out_fd;
    if (fd < 0) _exit(127);
    if (fd >= 0 && (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)) _exit(127);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    execvp(argv[0], argv);
    const char *msg = "rnnc: cannot start the tool (not on PATH?)\n";
    if (write(STDERR_FILENO, msg, strlen(msg)) < 0) _exit(127);
    _exit(127);
}

/* Waits for pid; with a label, says how long it has been running: on a terminal a line
 * rewritten every second, elsewhere (logs, CI) a line a minute. */
static int wait_with_progress(pid_t pid, const char *label)
{
    double t0 = now_s();
    bool tty = label && isatty(STDERR_FILENO);
    int st = 0, shown = 0;
    for (;;) {
        pid_t r = waitpid(pid, &st, label ? WNOHANG : 0);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) return -1;
        if (!label) continue;
        struct timespec nap = {0, 200000000L};
        nanosleep(&nap, NULL);
        int secs = (int)(now_s() - t0);
        if (tty && secs > shown) {
            fprintf(stderr, "\rrnnc: [%s] %d s", label, secs);
            shown = secs;
        } else if (!tty && secs >= shown + 60) {
            shown = secs - secs % 60;
            fprintf(stderr, "rnnc: [%s] still running, %d s\n", label, shown);
        }
    }
    if (tty && shown) fprintf(stderr, "\r");
    return st;
}

static int status_code(int st)
{
    if (st < 0) return 127;
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
}

int run_tool(const char *const *argv, const char *dir, const char *log, const char *label)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return 127;
    if (pid == 0) exec_tool((char *const *)argv, dir, log, -1);
    return status_code(wait_with_progress(pid, label));
}

bool tool_on_path(const char *name)
{
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    char buf[4096];
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, name);
        struct stat st;
        if (n && stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0) return true;
        p += n;
        if (*p) p++;
    }
    return false;
}

void tool_output_line(const char *const *argv, char *out, size_t len)
{
    out[0] = 0;
    int fds[2];
    if (pipe(fds) != 0) return;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        exec_tool((char *const *)argv, NULL, NULL, fds[1]);
    }
    close(fds[1]);
    char buf[4096];
    size_t n = 0;
    for (;;) { /* keep the last non-empty line */
        ssize_t k = read(fds[0], buf + n, sizeof buf - 1 - n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        n += (size_t)k;
        buf[n] = 0;
        char *nl;
        while ((nl = strchr(buf, '\n'))) {
            *nl = 0;
            if (*buf) snprintf(out, len, "%s", buf);
            n -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, n + 1);
        }
        if (n == sizeof buf - 1) n = 0;
    }
    buf[n] = 0;
    if (*buf) snprintf(out, len, "%s", buf);
    close(fds[0]);
    waitpid(pid, NULL, 0);
}

void tail_file(const char *dir, const char *rel, int lines)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    size_t len;
    char *text = try_read_whole_file(path, &len);
    if (!text) {
        fprintf(stderr, "(no log)\n");
        return;
    }
    const char *p = text + len;
    if (p > text && p[-1] == '\n') p--;
    for (int n = 0; p > text; p--)
        if (p[-1] == '\n' && ++n == lines) break;
    fputs(p, stderr);
    if (len && text[len - 1] != '\n') fputc('\n', stderr);
    free(text);
}
