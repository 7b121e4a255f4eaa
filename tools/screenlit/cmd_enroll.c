/* cmd_enroll.c — `screenlit enroll-code`: asks the hub for a one-time code that enrols a screen of the inventory; lists and revokes codes. */
#include "content/json.h"
#include "content/wire.h"
#include "tools/screenlit/cli.h"
#include "tools/screenlit/hubclient.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENROLL_TTL_DEFAULT_H 24
#define ENROLL_TTL_MAX_H (24 * 30)

/* The options as given. */
typedef struct {
    sl_hubc_opts ho;
    long ttl_h;
    bool ttl_given, json, list, all;
    long long revoke_id;
} enroll_args;

enum { OPT_TTL = 1, OPT_REVOKE };

/* --ttl HOURS and --revoke ID. */
static int set_opt(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    enroll_args *a = field;
    char *end;
    errno = 0;
    if (e->id == OPT_TTL) {
        long h = strtol(arg, &end, 10);
        if (errno || *end || end == arg || h < 1 || h > ENROLL_TTL_MAX_H) {
            snprintf(err, errlen, "--ttl wants hours from 1 to %d, not '%s'", ENROLL_TTL_MAX_H, arg);
            return -1;
        }
        a->ttl_h = h;
        a->ttl_given = true;
        return 0;
    }
    long long id = strtoll(arg, &end, 10);
    if (errno || *end || end == arg || id < 1) {
        snprintf(err, errlen, "--revoke wants a code's id (a number, see --list), not '%s'", arg);
        return -1;
    }
    a->revoke_id = id;
    return 0;
}

_Static_assert(ENROLL_TTL_MAX_H == 720 && ENROLL_TTL_DEFAULT_H == 24, "the help of --ttl says 720 and 24");

static const sl_opts_entry enroll_opts[] = {
    {"ttl", 0, SL_OPTS_FUNC, "HOURS", "how long the code stays valid (1-720, default 24)", 0, 0, 0, NULL, set_opt,
     OPT_TTL},
    SL_OPTS_FLAG_E("json", 0, "print the hub's answer as JSON", enroll_args, json),
    SL_OPTS_FLAG_E("list", 0, "list codes instead of making one", enroll_args, list),
    SL_OPTS_FLAG_E("all", 0, "with --list: used, revoked and expired codes too", enroll_args, all),
    {"revoke", 0, SL_OPTS_FUNC, "ID", "revoke the valid code with this id (from --list)", 0, 0, 0, NULL, set_opt,
     OPT_REVOKE},
    SL_HUBC_OPTS_E(enroll_args, ho),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit enroll-code - make a one-time code that enrols a screen\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit enroll-code SCREEN_ID [--ttl HOURS] [--json] [--hub URL]\n"
           "                          [--token TOKEN] [--config FILE]\n"
           "    screenlit enroll-code --list [SCREEN_ID] [--all] [--json] [hub options]\n"
           "    screenlit enroll-code --revoke ID [--json] [hub options]\n"
           "\n"
           "DESCRIPTION\n"
           "    Asks the hub for an enrolment code for SCREEN_ID, a screen of the\n"
           "    inventory (see `screenlit inventory`), and prints it with its expiry.\n"
           "    The installer types the code into the player once; the player trades it\n"
           "    for its own device token. A code works once; a new code for the same\n"
           "    screen replaces the screen's token (use it when a box is swapped). When\n"
           "    a screen enrols, every other code still outstanding for it stops working,\n"
           "    so an old code cannot enrol a second box later.\n"
           "\n"
           "    --list prints the codes still valid (with --all: every code, used,\n"
           "    revoked and expired ones too), of one screen or of all: the code's id,\n"
           "    screen, state, when it was made and when it expires. The code itself is\n"
           "    shown only once, when it is made; the hub keeps only its hash.\n"
           "    --revoke ID makes a valid code stop working (e.g. one sent to the wrong\n"
           "    person). To take a screen's device token away, see `screenlit screens\n"
           "    revoke`. Needs an admin token.\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, enroll_opts);
    printf("\n"
           SL_HUBC_HELP_ENV
           "\n"
           "EXIT STATUS\n"
           "    0 code printed, 1 the hub refused (e.g. the screen is not in the\n"
           "    inventory) or could not be reached, 2 wrong arguments.\n"
           "\n"
           "EXAMPLES\n"
           "    screenlit enroll-code bank-0412-lobby --ttl 72\n"
           "        screen bank-0412-lobby: enrolment code K7Q2-9XWD-MB4T (id 7)\n"
           "        valid until 2026-11-28T10:00:00Z (72 hours), once\n"
           "    screenlit enroll-code --list bank-0412-lobby\n"
           "        ID  SCREEN           STATE  CREATED               EXPIRES\n"
           "        7   bank-0412-lobby  valid  2026-11-25T10:00:00Z  2026-11-28T10:00:00Z\n"
           "    screenlit enroll-code --revoke 7\n");
}

/* Prints the hub's reply as indented JSON; 0 or -1. */
static int print_json(const cJSON *reply)
{
    char *text = cJSON_Print(reply);
    if (!text) {
        fprintf(stderr, "screenlit enroll-code: out of memory\n");
        return -1;
    }
    printf("%s\n", text);
    free(text);
    return 0;
}

/* --list: a table of codes (never the codes themselves: the hub does not keep them). */
static int list_codes(sl_hubc *h, const char *screen, bool all, bool json)
{
    char err[SL_HUBC_ERR_MAX], path[256];
    cJSON *reply = NULL;
    int rc = SL_EXIT_FAIL;
    snprintf(path, sizeof path, "/api/v1/enroll-codes?state=%s%s%s", all ? "all" : "valid", screen ? "&screen=" : "",
             screen ? screen : "");
    if (sl_hubc_json(h, "GET", path, NULL, true, 200, &reply, NULL, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit enroll-code: %s\n", err);
        goto out;
    }
    const cJSON *codes = cJSON_GetObjectItemCaseSensitive(reply, "codes"), *c;
    if (!cJSON_IsArray(codes)) {
        fprintf(stderr, "screenlit enroll-code: the hub's answer has no \"codes\" list\n");
        goto out;
    }
    if (json) {
        rc = print_json(reply) == 0 ? SL_EXIT_OK : SL_EXIT_FAIL;
        goto out;
    }
    int w_screen = 6;
    cJSON_ArrayForEach(c, codes)
    {
        const char *s = sl_json_str(c, "screen");
        if (s && (int)strlen(s) > w_screen)
            w_screen = (int)strlen(s);
    }
    printf("%-6s %-*s  %-8s %-21s %s\n", "ID", w_screen, "SCREEN", "STATE", "CREATED", "EXPIRES");
    int n = 0;
    cJSON_ArrayForEach(c, codes)
    {
        char s1[80], s2[16], s3[40], s4[40];
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "id");
        sl_hubc_printable(sl_json_str(c, "screen") ? sl_json_str(c, "screen") : "?", s1, sizeof s1);
        sl_hubc_printable(sl_json_str(c, "state") ? sl_json_str(c, "state") : "?", s2, sizeof s2);
        sl_hubc_printable(sl_json_str(c, "created") ? sl_json_str(c, "created") : "-", s3, sizeof s3);
        sl_hubc_printable(sl_json_str(c, "expires") ? sl_json_str(c, "expires") : "-", s4, sizeof s4);
        printf("%-6lld %-*s  %-8s %-21s %s\n", cJSON_IsNumber(id) ? (long long)id->valuedouble : 0LL, w_screen, s1, s2,
               s3, s4);
        n++;
    }
    printf("%d code%s%s\n", n, n == 1 ? "" : "s", all ? "" : " valid (--all: used, revoked and expired ones too)");
    rc = SL_EXIT_OK;
out:
    cJSON_Delete(reply);
    return rc;
}

/* --revoke ID */
static int revoke_code(sl_hubc *h, long long id, bool json)
{
    char err[SL_HUBC_ERR_MAX], path[96];
    cJSON *reply = NULL;
    snprintf(path, sizeof path, "/api/v1/enroll-codes/%lld/revoke", id);
    /* Idempotent in effect: a repeat finds the code revoked (409), nothing more changes. */
    if (sl_hubc_json(h, "POST", path, NULL, true, 200, &reply, NULL, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit enroll-code: %s\n", err);
        return SL_EXIT_FAIL;
    }
    int rc = SL_EXIT_OK;
    if (json) {
        rc = print_json(reply) == 0 ? SL_EXIT_OK : SL_EXIT_FAIL;
    } else {
        char s1[80];
        sl_hubc_printable(sl_json_str(reply, "screen") ? sl_json_str(reply, "screen") : "?", s1, sizeof s1);
        printf("enrolment code %lld (screen %s) revoked: it no longer enrols anything\n", id, s1);
    }
    cJSON_Delete(reply);
    return rc;
}

int sl_cmd_enroll_code(int argc, char **argv)
{
    enroll_args a = {.ttl_h = ENROLL_TTL_DEFAULT_H};
    bool usage = false;
    char err[SL_HUBC_ERR_MAX];
    int next, prc = sl_cli_parse_opts("enroll-code", enroll_opts, help, &a, argc, argv, &next);
    if (prc >= 0)
        return prc;
    sl_hubc_opts ho = a.ho;
    long ttl_h = a.ttl_h;
    bool json = a.json, list = a.list, all = a.all, ttl_given = a.ttl_given;
    long long revoke_id = a.revoke_id;
    if (list && revoke_id)
        return sl_cli_usage_error("enroll-code", "--list or --revoke, not both");
    if (all && !list)
        return sl_cli_usage_error("enroll-code", "--all goes with --list");
    if ((list || revoke_id) && ttl_given)
        return sl_cli_usage_error("enroll-code", "--ttl is for making a code");
    if (revoke_id && next < argc)
        return sl_cli_usage_error("enroll-code", "--revoke takes a code's id only ('%s' is extra)", argv[next]);
    if (list && next + 1 < argc)
        return sl_cli_usage_error("enroll-code", "--list takes at most one screen ('%s' is extra)",
                                  argv[next + 1]);
    if (list && next < argc && !sl_wire_id_ok(argv[next]))
        return sl_cli_usage_error("enroll-code", "'%s' is not a screen id", argv[next]);
    if (list || revoke_id) {
        sl_hubc *lh = sl_hubc_open(&ho, true, &usage, err, sizeof err);
        if (!lh) {
            if (usage)
                return sl_cli_usage_error("enroll-code", "%s", err);
            fprintf(stderr, "screenlit enroll-code: %s\n", err);
            return SL_EXIT_FAIL;
        }
        int lrc = list ? list_codes(lh, next < argc ? argv[next] : NULL, all, json) : revoke_code(lh, revoke_id, json);
        sl_hubc_close(lh);
        return lrc;
    }
    if (next >= argc)
        return sl_cli_usage_error("enroll-code", "the screen id is missing");
    if (next + 1 < argc)
        return sl_cli_usage_error("enroll-code", "one screen at a time ('%s' is extra)",
                                  argv[next + 1]);
    const char *screen = argv[next];
    if (!sl_wire_id_ok(screen))
        return sl_cli_usage_error("enroll-code",
                                  "'%s' is not a screen id (1-64 letters, digits, '.', '_', '-'; "
                                  "not starting with '.' or '-')",
                                  screen);

    int rc = SL_EXIT_FAIL;
    cJSON *req = NULL, *reply = NULL;
    char *text = NULL;
    sl_hubc *h = sl_hubc_open(&ho, true, &usage, err, sizeof err);
    if (!h) {
        if (usage)
            return sl_cli_usage_error("enroll-code", "%s", err);
        fprintf(stderr, "screenlit enroll-code: %s\n", err);
        return SL_EXIT_FAIL;
    }
    req = cJSON_CreateObject();
    if (!req || !cJSON_AddStringToObject(req, "screen", screen) ||
        !cJSON_AddNumberToObject(req, "ttl_s", (double)ttl_h * 3600)) {
        fprintf(stderr, "screenlit enroll-code: out of memory\n");
        goto out;
    }
    /* Not idempotent: a repeat would make a second code. */
    if (sl_hubc_json(h, "POST", "/api/v1/enroll-codes", req, false, 201, &reply, NULL, NULL, err,
                    sizeof err) != 0) {
        fprintf(stderr, "screenlit enroll-code: %s\n", err);
        goto out;
    }
    const char *code = sl_json_str(reply, "code"), *expires = sl_json_str(reply, "expires");
    if (!code) {
        fprintf(stderr, "screenlit enroll-code: the hub's answer has no code\n");
        goto out;
    }
    if (json) {
        if (!(text = sl_json_print(reply, true))) {
            fprintf(stderr, "screenlit enroll-code: out of memory\n");
            goto out;
        }
        printf("%s\n", text);
    } else {
        char c1[64], c2[64];
        sl_hubc_printable(code, c1, sizeof c1);
        sl_hubc_printable(expires ? expires : "?", c2, sizeof c2);
        const cJSON *cid = cJSON_GetObjectItemCaseSensitive(reply, "id");
        if (cJSON_IsNumber(cid))
            printf("screen %s: enrolment code %s (id %lld)\n", screen, c1, (long long)cid->valuedouble);
        else
            printf("screen %s: enrolment code %s\n", screen, c1);
        printf("valid until %s (%ld hour%s), once\n", c2, ttl_h, ttl_h == 1 ? "" : "s");
    }
    rc = SL_EXIT_OK;
out:
    free(text);
    cJSON_Delete(req);
    cJSON_Delete(reply);
    sl_hubc_close(h);
    return rc;
}
