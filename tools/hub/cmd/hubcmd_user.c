/* hubcmd_user.c — `screenlit-hub user add|list|passwd|disable|enable|remove`: the people who log in to the web console, their roles and passwords. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/cmd/hubcmd.h"
#include "tools/hub/console/console_session.h"

#include "content/opts.h"
#include "content/timeutil.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* The options as given. */
typedef struct {
    const char *data, *db, *role;
} user_args;

static const sl_opts_entry user_opts[] = {
    SL_HUB_STORE_OPTS_E(user_args),
    SL_OPTS_STR_E("role", 'r', "ROLE", "admin, publisher or auditor (add)", user_args, role),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit-hub user - the people who log in to the web console\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit-hub user add NAME --role admin|publisher|auditor (--data DIR | --db URI)\n"
           "    screenlit-hub user list (--data DIR | --db URI)\n"
           "    screenlit-hub user passwd NAME (--data DIR | --db URI)\n"
           "    screenlit-hub user disable NAME (--data DIR | --db URI)\n"
           "    screenlit-hub user enable NAME (--data DIR | --db URI)\n"
           "    screenlit-hub user remove NAME (--data DIR | --db URI)\n"
           "\n"
           "DESCRIPTION\n"
           "    The hub serves a web console under /console/ on its own address (see\n"
           "    tools/hub/CONSOLE.md). People log in to it with a name and a password;\n"
           "    their role decides what they see and may do, as for API tokens:\n"
           "      admin      everything, including the inventory and the people\n"
           "      publisher  channels and what was published\n"
           "      auditor    screens, coverage and reports\n"
           "\n"
           "    add makes a person. NAME is 1 to 64 letters, digits, '.', '_' or '-'\n"
           "    (not starting with '.' or '-'), used by nobody else. The password is\n"
           "    read from standard input: one line, 8 characters or more (at most 1024\n"
           "    bytes, UTF-8, no control characters). When standard input is a\n"
           "    terminal the command asks for it twice without showing it.\n"
           "    The hub keeps only its Argon2id hash (libsodium crypto_pwhash_str).\n"
           "\n"
           "    list shows every person's name, role, creation time and whether they\n"
           "    are disabled; never a password or its hash.\n"
           "\n"
           "    passwd sets a new password (read as for add) and ends every session of\n"
           "    the person: wherever they are logged in, they log in again.\n"
           "\n"
           "    disable ends every session of the person and keeps them from logging\n"
           "    in until enable; remove deletes them and ends their sessions. Both take\n"
           "    effect at once, even while the hub runs.\n"
           "\n"
           SL_HUB_ADMIN_HELP_STORE
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, user_opts);
    printf("\n"
           "EXIT STATUS\n"
           "    0 done, 1 failure (e.g. the name is taken, no such person, a password\n"
           "    too short), 2 wrong arguments.\n"
           "\n"
           "EXAMPLES\n"
           "    screenlit-hub user add wang.li --role auditor --data /var/lib/screenlit-hub\n"
           "    printf '%%s\\n' \"$PASSWORD\" | screenlit-hub user add ops --role admin --data /var/lib/screenlit-hub\n"
           "    screenlit-hub user passwd wang.li --data /var/lib/screenlit-hub\n"
           "    screenlit-hub user disable wang.li --data /var/lib/screenlit-hub\n");
}

/* Reads one line of at most SL_CSESS_PASSWORD_MAX bytes (without its line
 * end) from stdin into buf; on a terminal after prompt, without echo. 0, or
 * -1 at end of input, -2 when the line is too long. */
static int read_line(const char *prompt, bool tty, char *buf, size_t len)
{
    struct termios was, quiet;
    bool echo_off = false;
    if (tty) {
        /* Echo goes off before the prompt shows: what is typed after it is never shown. */
        if (tcgetattr(STDIN_FILENO, &was) == 0) {
            quiet = was;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            echo_off = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
        }
        fprintf(stderr, "%s", prompt);
        fflush(stderr);
    }
    char *got = fgets(buf, (int)len, stdin);
    if (echo_off) {
        tcsetattr(STDIN_FILENO, TCSANOW, &was);
        fprintf(stderr, "\n");
    }
    if (!got)
        return -1;
    size_t n = strlen(buf);
    bool whole = n > 0 && buf[n - 1] == '\n';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    if (!whole && !feof(stdin))
        return -2;
    return 0;
}

/* Reads a new password (twice on a terminal) and hashes it. 0, or 1 after saying why not. */
static int new_password(const char *name, char hash[SL_HUB_PWHASH_MAX])
{
    char pw[SL_CSESS_PASSWORD_MAX + 3], again[SL_CSESS_PASSWORD_MAX + 3], prompt[128];
    bool tty = isatty(STDIN_FILENO) == 1;
    int rc = 1;
    snprintf(prompt, sizeof prompt, "New password for %s: ", name);
    int r = read_line(prompt, tty, pw, sizeof pw);
    if (r == -1) {
        fprintf(stderr, "screenlit-hub user: no password on standard input (give it as one line, e.g. with "
                        "printf '%%s\\n' \"$PASSWORD\" |)\n");
        goto out;
    }
    if (r == -2) {
        fprintf(stderr, "screenlit-hub user: the password is longer than %d bytes\n", SL_CSESS_PASSWORD_MAX);
        goto out;
    }
    const char *problem = sl_csess_password_problem(pw, "en");
    if (problem) {
        fprintf(stderr, "screenlit-hub user: %s\n", problem);
        goto out;
    }
    if (tty) {
        if (read_line("The same again: ", tty, again, sizeof again) != 0 || strcmp(pw, again) != 0) {
            fprintf(stderr, "screenlit-hub user: the two passwords differ; nothing changed\n");
            goto out;
        }
    }
    if (sl_csess_password_hash(NULL, pw, hash) != 0) {
        fprintf(stderr, "screenlit-hub user: out of memory while hashing the password\n");
        goto out;
    }
    rc = 0;
out:
    sodium_memzero(pw, sizeof pw);
    sodium_memzero(again, sizeof again);
    return rc;
}

static int list_cb(void *ud, const sl_hub_user *u)
{
    char created[40];
    sl_instant_format(u->created_ms, 0, created, sizeof created);
    printf("%-24s %-10s %-21s %s\n", u->name, sl_hub_role_name(u->role), created, u->disabled ? "disabled" : "-");
    return 0;
}

/* What the command does once its arguments are checked. */
static int run(sl_store *st, const char *action, const char *name, sl_hub_role role)
{
    char err[512], hash[SL_HUB_PWHASH_MAX];
    sl_st_rc r = SL_ST_OK;
    sl_hub_user u;
    if (strcmp(action, "list") == 0) {
        printf("%-24s %-10s %-21s %s\n", "NAME", "ROLE", "CREATED", "DISABLED");
        r = st->ops->user_list(st, list_cb, NULL, err, sizeof err);
    } else if (strcmp(action, "add") == 0 || strcmp(action, "passwd") == 0) {
        bool add = action[0] == 'a';
        if (!add && (r = st->ops->user_get(st, name, NULL, err, sizeof err)) != SL_ST_OK)
            goto said;
        if (new_password(name, hash) != 0)
            return SL_HUB_EXIT_FAIL;
        if (add) {
            memset(&u, 0, sizeof u);
            snprintf(u.name, sizeof u.name, "%s", name);
            u.role = role;
            memcpy(u.pwhash, hash, sizeof hash);
            u.created_ms = sl_hub_now_ms();
            r = st->ops->user_add(st, &u, err, sizeof err);
        } else {
            r = st->ops->user_set_password(st, name, hash, NULL, err, sizeof err);
        }
        sodium_memzero(hash, sizeof hash);
        if (r == SL_ST_CONFLICT) {
            fprintf(stderr, "screenlit-hub user: a person named %s exists; pick another name (or set their "
                            "password with `user passwd %s`)\n", name, name);
            return SL_HUB_EXIT_FAIL;
        }
        if (r == SL_ST_OK)
            fprintf(stderr, add ? "screenlit-hub user: %s (%s) added; they may log in at /console/\n"
                                : "screenlit-hub user: the password of %s changed%s; their sessions ended\n",
                    name, add ? sl_hub_role_name(role) : "");
    } else if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0) {
        bool off = action[0] == 'd';
        r = st->ops->user_get(st, name, &u, err, sizeof err);
        if (r == SL_ST_OK)
            r = st->ops->user_set(st, name, u.role, off, err, sizeof err);
        if (r == SL_ST_OK)
            fprintf(stderr, "screenlit-hub user: %s %s\n", name,
                    off ? "disabled; their sessions ended" : "enabled; they may log in again");
    } else {
        r = st->ops->user_remove(st, name, err, sizeof err);
        if (r == SL_ST_OK)
            fprintf(stderr, "screenlit-hub user: %s removed; their sessions ended\n", name);
    }
said:
    if (r == SL_ST_NOT_FOUND)
        fprintf(stderr, "screenlit-hub user: nobody is named %s (see `screenlit-hub user list`)\n", name);
    else if (r != SL_ST_OK)
        fprintf(stderr, "screenlit-hub user: %s\n", err);
    return r == SL_ST_OK ? SL_HUB_EXIT_OK : SL_HUB_EXIT_FAIL;
}

int sl_hub_cmd_user(int argc, char **argv)
{
    static const char *const actions[] = {"add", "list", "passwd", "disable", "enable", "remove"};
    user_args a = {0};
    const char *action = NULL, *name = NULL;
    int next;
    int parsed = sl_hub_parse_action("user", user_opts, help, &a, &argc, &argv, &action, &next);
    if (parsed >= 0)
        return parsed;
    if (!action)
        return sl_hub_usage_error("user", "say add, list, passwd, disable, enable or remove");
    bool known = false;
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        known = known || strcmp(action, actions[i]) == 0;
    if (!known)
        return sl_hub_usage_error("user", "unknown action '%s' (add, list, passwd, disable, enable or remove)", action);
    bool list = strcmp(action, "list") == 0, add = strcmp(action, "add") == 0;
    if (!list && next >= argc)
        return sl_hub_usage_error("user", "%s needs the person's NAME", action);
    if (!list)
        name = argv[next++];
    if (next < argc)
        return sl_hub_usage_error("user", "unexpected argument '%s'", argv[next]);
    if (name && !sl_wire_id_ok(name))
        return sl_hub_usage_error("user", "'%s' is not a name: 1 to 64 letters, digits, '.', '_' or '-', not starting "
                                          "with '.' or '-'",
                                  name);
    sl_hub_role role = sl_hub_role_parse(a.role);
    if (add && role == SL_ROLE_NONE)
        return sl_hub_usage_error("user", a.role ? "--role must be admin, publisher or auditor"
                                                 : "add needs --role admin, publisher or auditor");
    if (!add && a.role)
        return sl_hub_usage_error("user", "--role is only for add");
    sl_store *st = NULL;
    int rc = sl_hub_admin_open("user", a.data, a.db, &st);
    if (rc != SL_HUB_EXIT_OK)
        return rc;
    rc = run(st, action, name, role);
    sl_store_close(st);
    return rc;
}
