/* notifylisten.c — a tiny systemd notify socket for tests: runs a command with NOTIFY_SOCKET and WATCHDOG_USEC, logs what it sends. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Usage: notifylisten LOG WATCHDOG_USEC CMD [ARG...]
 * LOG gets "pid N" (the command's), then one line per line of every message:
 * "MS TEXT", MS = milliseconds since the command started (monotonic clock).
 * WATCHDOG_USEC 0 leaves the variable unset. With NOTIFYLISTEN_SILENCE_MS=N
 * in the environment, "MS silent N" is logged once N ms have passed without a
 * message (again after each later message): a test waits for that line to
 * know the command stayed quiet that long. SIGTERM and SIGINT are passed on
 * to the command; the exit status is the command's (128+N when killed by N). */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pid_t child_pid;

static void pass_on(int sig)
{
    if (child_pid > 0)
        kill(child_pid, sig);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: notifylisten LOG WATCHDOG_USEC CMD [ARG...]\n");
        return 2;
    }
    FILE *log = fopen(argv[1], "w");
    if (!log) {
        perror(argv[1]);
        return 2;
    }
    char dir[] = "/tmp/notifylisten.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/notify", dir);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("notify socket");
        return 2;
    }
    setenv("NOTIFY_SOCKET", sa.sun_path, 1);
    if (strcmp(argv[2], "0") != 0)
        setenv("WATCHDOG_USEC", argv[2], 1);
    const char *sv = getenv("NOTIFYLISTEN_SILENCE_MS");
    long long silence_ms = sv ? atoll(sv) : 0;
    unsetenv("NOTIFYLISTEN_SILENCE_MS");
    long long t0 = now_ms();
    long long last_rx = 0; /* ms since t0 of the last message */
    int silent_logged = 0;
    child_pid = fork();
    if (child_pid < 0) {
        perror("fork");
        return 2;
    }
    if (child_pid == 0) {
        execvp(argv[3], argv + 3);
        perror(argv[3]);
        _exit(127);
    }
    struct sigaction act = {.sa_handler = pass_on};
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    fprintf(log, "pid %ld\n", (long)child_pid);
    fflush(log);
    int status = 0;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, 50);
        if (n > 0) {
            char buf[4096];
            ssize_t len = recv(fd, buf, sizeof buf - 1, 0);
            if (len > 0) {
                buf[len] = '\0';
                long long t = now_ms() - t0;
                for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
                    fprintf(log, "%lld %s\n", t, line);
                fflush(log);
                last_rx = t;
                silent_logged = 0;
            }
            continue;
        }
        long long t = now_ms() - t0;
        if (silence_ms > 0 && !silent_logged && t - last_rx >= silence_ms) {
            fprintf(log, "%lld silent %lld\n", t, silence_ms);
            fflush(log);
            silent_logged = 1;
        }
        pid_t w = waitpid(child_pid, &status, WNOHANG);
        if (w == child_pid)
            break;
        if (w < 0 && errno != EINTR)
            break;
    }
    fclose(log);
    close(fd);
    unlink(sa.sun_path);
    rmdir(dir);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
