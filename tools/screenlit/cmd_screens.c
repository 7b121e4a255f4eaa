/* cmd_screens.c — `screenlit screens`: the hub's screens as a table (online, offline since, never enrolled); `screens revoke` de-enrols one. */
#include "content/json.h"
#include "content/textwidth.h"
#include "content/timeutil.h"
#include "content/wire.h"
#include "tools/screenlit/cli.h"
#include "tools/screenlit/hubclient.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCR_COLS 6
#define SCR_CELL_MAX 512   /* bytes of one cell */
#define SCR_NAME_WIDTH 28  /* terminal columns a name or region may take */

typedef enum { SCR_ALL, SCR_ONLINE, SCR_OFFLINE, SCR_NEVER } scr_filter;

/* The options as given. */
typedef struct {
    sl_hubc_opts ho;
    bool json;
    scr_filter filter;
} screens_args;

/* --status S. */
static int set_status(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    scr_filter *f = field;
    if (strcmp(arg, "online") == 0)
        *f = SCR_ONLINE;
    else if (strcmp(arg, "offline") == 0)
        *f = SCR_OFFLINE;
    else if (strcmp(arg, "never") == 0)
        *f = SCR_NEVER;
    else {
        snprintf(err, errlen, "--status wants online, offline or never, not '%s'", arg);
        return -1;
    }
    return 0;
}

static const sl_opts_entry screens_opts[] = {
    SL_OPTS_FUNC_E("status", 0, "S",
                   "only screens that are online, offline (enrolled but silent) or never (never enrolled)",
                   screens_args, filter, set_status, 0),
    SL_OPTS_FLAG_E("json", 0, "print the hub's answer as JSON instead of a table", screens_args, json),
    SL_HUBC_OPTS_E(screens_args, ho),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

/* `screens revoke` takes the hub's options only. */
static const sl_opts_entry revoke_opts[] = {
    SL_HUBC_OPTS_E(screens_args, ho),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit screens - list the screens and whether they are lit\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit screens [list] [--status online|offline|never] [--json] [--hub URL]\n"
           "                      [--token TOKEN] [--config FILE]\n"
           "    screenlit screens revoke SCREEN_ID [--hub URL] [--token TOKEN] [--config FILE]\n"
           "\n"
           "DESCRIPTION\n"
           "    Prints one line per screen of the hub's inventory: its id, name, region,\n"
           "    status, when the hub last heard from it and the content version it plays.\n"
           "    The status is one of\n"
           "        online                   a heartbeat in the last 3 minutes\n"
           "        offline since TIME       enrolled, but silent since TIME\n"
           "        enrolled, never seen     enrolled, no heartbeat yet\n"
           "        never enrolled           in the inventory, but no box was enrolled\n"
           "    Times are in this computer's local time. A last line counts each status.\n"
           "    Needs an admin or auditor token.\n"
           "\n"
           "    revoke de-enrols a screen (a stolen or scrapped box, or one to be enrolled\n"
           "    again): its device token stops working at once, and the box, at its next\n"
           "    contact with the hub, drops its identity and content and shows a waiting\n"
           "    screen asking for a new enrolment code (`screenlit enroll-code`). The\n"
           "    screen stays in the inventory, listed as never enrolled; its play records\n"
           "    are kept. Needs an admin token.\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, screens_opts);
    printf("\n"
           SL_HUBC_HELP_ENV
           "\n"
           "EXIT STATUS\n"
           "    0 listed (or revoked), 1 the hub refused (e.g. the screen is not enrolled)\n"
           "    or could not be reached, 2 wrong arguments.\n"
           "\n"
           "EXAMPLES\n"
           "    screenlit screens --status offline\n"
           "    screenlit screens revoke bank-0412-lobby\n");
}

/* "2026-11-25 18:02" in local time for an ISO instant from the hub. */
static void scr_local(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(buf, len, "?");
}

/* "just now", "5 min ago", "3 h ago", "4 days ago". */
static void scr_ago(int64_t ms, int64_t now_ms, char *buf, size_t len)
{
    int64_t s = (now_ms - ms) / 1000;
    if (s < 60)
        snprintf(buf, len, "just now");
    else if (s < 3600)
        snprintf(buf, len, "%lld min ago", (long long)(s / 60));
    else if (s < 48 * 3600)
        snprintf(buf, len, "%lld h ago", (long long)(s / 3600));
    else
        snprintf(buf, len, "%lld days ago", (long long)(s / 86400));
}

/* Fills the six cells of one screen; returns its kind (ONLINE, OFFLINE or NEVER). */
static scr_filter scr_row(const cJSON *s, int64_t now_ms, char cells[SCR_COLS][SCR_CELL_MAX],
                          int widths[SCR_COLS])
{
    char tmp[SCR_CELL_MAX], when[64];
    const char *status = sl_json_str(s, "status");
    const char *seen = sl_json_str(s, "last_seen");
    const cJSON *online = cJSON_GetObjectItemCaseSensitive(s, "online");
    const cJSON *enrolled = cJSON_GetObjectItemCaseSensitive(s, "enrolled");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(s, "content_version");
    int64_t seen_ms = 0;
    bool has_seen = seen && sl_instant_parse(seen, NULL, &seen_ms) == 0;
    scr_filter kind;

    widths[0] = sl_textwidth_fit(sl_json_str(s, "id"), 64, cells[0], SCR_CELL_MAX);
    widths[1] = sl_textwidth_fit(sl_json_str(s, "name"), SCR_NAME_WIDTH, cells[1], SCR_CELL_MAX);
    widths[2] = sl_textwidth_fit(sl_json_str(s, "region"), SCR_NAME_WIDTH, cells[2], SCR_CELL_MAX);

    if (cJSON_IsTrue(online) || (status && strcmp(status, "online") == 0)) {
        kind = SCR_ONLINE;
        snprintf(tmp, sizeof tmp, "online");
    } else if (cJSON_IsFalse(enrolled) || (status && strcmp(status, "never enrolled") == 0)) {
        kind = SCR_NEVER;
        snprintf(tmp, sizeof tmp, "never enrolled");
    } else {
        kind = SCR_OFFLINE;
        if (has_seen) {
            scr_local(seen_ms, when, sizeof when);
            snprintf(tmp, sizeof tmp, "offline since %s", when);
        } else {
            snprintf(tmp, sizeof tmp, "enrolled, never seen");
        }
    }
    widths[3] = sl_textwidth_fit(tmp, 64, cells[3], SCR_CELL_MAX);
    if (has_seen)
        scr_ago(seen_ms, now_ms, tmp, sizeof tmp);
    else
        snprintf(tmp, sizeof tmp, "-");
    widths[4] = sl_textwidth_fit(tmp, 64, cells[4], SCR_CELL_MAX);
    if (cJSON_IsNumber(ver) && ver->valuedouble >= 0 && ver->valuedouble < 9.0e15)
        snprintf(tmp, sizeof tmp, "%lld", (long long)ver->valuedouble);
    else
        snprintf(tmp, sizeof tmp, "-");
    widths[5] = sl_textwidth_fit(tmp, 64, cells[5], SCR_CELL_MAX);
    return kind;
}

static void scr_print_row(char cells[SCR_COLS][SCR_CELL_MAX], const int widths[SCR_COLS],
                          const int colw[SCR_COLS])
{
    for (int c = 0; c < SCR_COLS; c++) {
        fputs(cells[c], stdout);
        if (c + 1 < SCR_COLS)
            printf("%*s", colw[c] - widths[c] + 2, "");
    }
    putchar('\n');
}

/* `screens revoke SCREEN_ID`. */
static int scr_revoke(int argc, char **argv)
{
    screens_args a = {0};
    bool usage = false;
    char err[SL_HUBC_ERR_MAX], path[128];
    int next, prc = sl_cli_parse_opts("screens revoke", revoke_opts, help, &a, argc, argv, &next);
    if (prc >= 0)
        return prc;
    sl_hubc_opts ho = a.ho;
    if (next >= argc)
        return sl_cli_usage_error("screens revoke", "the screen id is missing");
    if (next + 1 < argc)
        return sl_cli_usage_error("screens revoke", "one screen at a time ('%s' is extra)", argv[next + 1]);
    const char *screen = argv[next];
    if (!sl_wire_id_ok(screen))
        return sl_cli_usage_error("screens revoke", "'%s' is not a screen id", screen);
    sl_hubc *h = sl_hubc_open(&ho, true, &usage, err, sizeof err);
    if (!h) {
        if (usage)
            return sl_cli_usage_error("screens revoke", "%s", err);
        fprintf(stderr, "screenlit screens revoke: %s\n", err);
        return SL_EXIT_FAIL;
    }
    snprintf(path, sizeof path, "/api/v1/screens/%s/revoke", screen);
    int rc = SL_EXIT_OK;
    if (sl_hubc_json(h, "POST", path, NULL, false, 200, NULL, NULL, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit screens revoke: %s\n", err);
        rc = SL_EXIT_FAIL;
    } else {
        printf("screen %s de-enrolled: its device token no longer works; the box shows a waiting screen until "
               "it is enrolled again\n", screen);
    }
    sl_hubc_close(h);
    return rc;
}

int sl_cmd_screens(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "revoke") == 0)
        return scr_revoke(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "list") == 0) {
        argc--;
        argv++;
    }
    screens_args a = {.filter = SCR_ALL};
    bool usage = false;
    char err[SL_HUBC_ERR_MAX];
    int next, prc = sl_cli_parse_opts("screens", screens_opts, help, &a, argc, argv, &next);
    if (prc >= 0)
        return prc;
    sl_hubc_opts ho = a.ho;
    bool json = a.json;
    scr_filter filter = a.filter;
    if (next < argc)
        return sl_cli_usage_error("screens", "unexpected argument '%s'", argv[next]);

    int rc = SL_EXIT_FAIL;
    cJSON *reply = NULL, *out_arr = NULL;
    char *text = NULL;
    char(*cells)[SCR_CELL_MAX] = NULL;
    sl_hubc *h = sl_hubc_open(&ho, true, &usage, err, sizeof err);
    if (!h) {
        if (usage)
            return sl_cli_usage_error("screens", "%s", err);
        fprintf(stderr, "screenlit screens: %s\n", err);
        return SL_EXIT_FAIL;
    }
    if (sl_hubc_json(h, "GET", "/api/v1/screens", NULL, true, 200, &reply, NULL, NULL, err,
                    sizeof err) != 0) {
        fprintf(stderr, "screenlit screens: %s\n", err);
        goto out;
    }
    const cJSON *screens = cJSON_GetObjectItemCaseSensitive(reply, "screens"), *s;
    if (!cJSON_IsArray(screens)) {
        fprintf(stderr, "screenlit screens: the hub's answer has no \"screens\" list\n");
        goto out;
    }
    if (!(cells = malloc(SCR_COLS * sizeof *cells))) {
        fprintf(stderr, "screenlit screens: out of memory\n");
        goto out;
    }
    int64_t now_ms = (int64_t)time(NULL) * 1000;
    int widths[SCR_COLS];
    static const char *const head[SCR_COLS] = {"ID", "NAME", "REGION", "STATUS", "LAST SEEN",
                                               "VERSION"};
    int colw[SCR_COLS];
    for (int k = 0; k < SCR_COLS; k++)
        colw[k] = (int)strlen(head[k]);
    size_t count[4] = {0};

    if (json) {
        /* The hub's own answer, filtered when asked. */
        if (!(out_arr = cJSON_CreateArray())) {
            fprintf(stderr, "screenlit screens: out of memory\n");
            goto out;
        }
        cJSON_ArrayForEach(s, screens)
        {
            scr_filter kind = scr_row(s, now_ms, cells, widths);
            if (filter != SCR_ALL && kind != filter)
                continue;
            cJSON *dup = cJSON_Duplicate(s, 1);
            if (!dup || !cJSON_AddItemToArray(out_arr, dup)) {
                cJSON_Delete(dup);
                fprintf(stderr, "screenlit screens: out of memory\n");
                goto out;
            }
        }
        cJSON *doc = cJSON_CreateObject();
        if (!doc || !cJSON_AddItemToObject(doc, "screens", out_arr)) {
            cJSON_Delete(doc);
            fprintf(stderr, "screenlit screens: out of memory\n");
            goto out;
        }
        out_arr = NULL;
        text = sl_json_print(doc, true);
        cJSON_Delete(doc);
        if (!text) {
            fprintf(stderr, "screenlit screens: out of memory\n");
            goto out;
        }
        printf("%s\n", text);
        rc = SL_EXIT_OK;
        goto out;
    }

    /* Two passes: column widths, then the lines. */
    cJSON_ArrayForEach(s, screens)
    {
        scr_filter kind = scr_row(s, now_ms, cells, widths);
        if (filter != SCR_ALL && kind != filter)
            continue;
        for (int k = 0; k < SCR_COLS; k++)
            if (widths[k] > colw[k])
                colw[k] = widths[k];
    }
    char hc[SCR_COLS][SCR_CELL_MAX];
    int hw[SCR_COLS];
    for (int k = 0; k < SCR_COLS; k++)
        hw[k] = sl_textwidth_fit(head[k], 64, hc[k], SCR_CELL_MAX);
    scr_print_row(hc, hw, colw);
    cJSON_ArrayForEach(s, screens)
    {
        scr_filter kind = scr_row(s, now_ms, cells, widths);
        count[kind]++;
        if (filter != SCR_ALL && kind != filter)
            continue;
        scr_print_row(cells, widths, colw);
    }
    size_t total = count[SCR_ONLINE] + count[SCR_OFFLINE] + count[SCR_NEVER];
    printf("%zu screen%s: %zu online, %zu offline, %zu never enrolled", total,
           total == 1 ? "" : "s", count[SCR_ONLINE], count[SCR_OFFLINE], count[SCR_NEVER]);
    if (filter != SCR_ALL)
        printf(" (%zu shown)", count[filter]);
    printf("\n");
    rc = SL_EXIT_OK;
out:
    free(text);
    free(cells);
    cJSON_Delete(out_arr);
    cJSON_Delete(reply);
    sl_hubc_close(h);
    return rc;
}
