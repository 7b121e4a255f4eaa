/* ptyrun.c — runs a command on a new pseudo-terminal, answers its prompts (each answer typed only once its prompt shows), and prints what the terminal showed (tests of commands that ask for a password). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SCREEN_MAX (64 * 1024)
#define WAIT_MS 60000 /* for each prompt, and for the end */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what the terminal shows into screen until it holds want (NULL: until
 * the command closes the terminal). 0, or -1 on a timeout. */
static int read_until(int fd, char *screen, size_t *len, const char *want)
{
    long long until = now_ms() + WAIT_MS;
    while (!want || !strstr(screen, want)) {
        long long left = until - now_ms();
        if (left <= 0)
            return -1;
        struct pollfd p = {fd, POLLIN, 0};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        ssize_t n = read(fd, screen + *len, SCREEN_MAX - 1 - *len);
        if (n <= 0)
            return want ? -1 : 0; /* EIO: the command ended */
        *len += (size_t)n;
        screen[*len] = '\0';
    }
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1;
    while (i + 1 < argc && strcmp(argv[i], "--") != 0)
        i += 2;
    if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc) {
        fprintf(stderr, "usage: ptyrun [PROMPT ANSWER]... -- COMMAND [ARGS...]\n"
                        "  runs COMMAND on a new terminal; types each ANSWER and a line end once its PROMPT\n"
                        "  shows; prints what the terminal showed; exits with COMMAND's status (124: a\n"
                        "  prompt or the end did not come within 60 s)\n");
        return 2;
    }
    int fd = -1;
    pid_t pid = forkpty(&fd, NULL, NULL, NULL);
    if (pid < 0) {
        perror("ptyrun: forkpty");
        return 125;
    }
    if (pid == 0) {
        execvp(argv[i + 1], argv + i + 1);
        perror("ptyrun: exec");
        _exit(127);
    }
    static char screen[SCREEN_MAX];
    size_t len = 0;
    int rc = 0;
    for (int k = 1; k < i && rc == 0; k += 2) {
        if (read_until(fd, screen, &len, argv[k]) != 0) {
            fprintf(stderr, "ptyrun: the prompt '%s' did not come\n", argv[k]);
            rc = 124;
            break;
        }
        if (write(fd, argv[k + 1], strlen(argv[k + 1])) < 0 || write(fd, "\n", 1) < 0)
            rc = 125;
    }
    if (rc == 0 && read_until(fd, screen, &len, NULL) != 0)
        rc = 124;
    fwrite(screen, 1, len, stdout);
    if (rc != 0)
        kill(pid, SIGKILL);
    int status = 0;
    if (waitpid(pid, &status, 0) < 0)
        return 125;
    close(fd);
    if (rc != 0)
        return rc;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
