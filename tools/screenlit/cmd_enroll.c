/* cmd_enroll.c — `screenlit enroll-code`: asks the hub for a one-time code that enrols a screen of the inventory. */
#include "content/json.h"
#include "tools/screenlit/cli.h"
#include "tools/screenlit/hubclient.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENROLL_TTL_DEFAULT_H 24
#define ENROLL_TTL_MAX_H (24 * 30)

static void help(void)
{
    printf("NAME\n"
           "    screenlit enroll-code - make a one-time code that enrols a screen\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit enroll-code SCREEN_ID [--ttl HOURS] [--json] [--hub URL]\n"
           "                          [--token TOKEN] [--config FILE]\n"
           "\n"
           "DESCRIPTION\n"
           "    Asks the hub for an enrolment code for SCREEN_ID, a screen of the\n"
           "    inventory (see `screenlit inventory`), and prints it with its expiry.\n"
           "    The installer types the code into the player once; the player trades it\n"
           "    for its own device token. A code works once; a new code for the same\n"
           "    screen replaces the screen's token (use it when a box is swapped).\n"
           "    Needs an admin token.\n"
           "\n"
           "OPTIONS\n"
           "    --ttl HOURS         how long the code stays valid (1-%d, default %d)\n"
           "    --json              print the hub's answer as JSON\n"
           SL_HUB_HELP_OPTS
           "    -h, --help          show this help\n"
           "\n"
           SL_HUB_HELP_ENV
           "\n"
           "EXIT STATUS\n"
           "    0 code printed, 1 the hub refused (e.g. the screen is not in the\n"
           "    inventory) or could not be reached, 2 wrong arguments.\n"
           "\n"
           "EXAMPLE\n"
           "    screenlit enroll-code bank-0412-lobby --ttl 72\n"
           "        screen bank-0412-lobby: enrolment code K7Q2-9XWD-MB4T\n"
           "        valid until 2026-11-28T10:00:00Z (72 hours), once\n",
           ENROLL_TTL_MAX_H, ENROLL_TTL_DEFAULT_H);
}

int sl_cmd_enroll_code(int argc, char **argv)
{
    static const struct option opts[] = {{"ttl", required_argument, NULL, 't'},
                                         {"json", no_argument, NULL, 'j'},
                                         SL_HUB_LONG_OPTS,
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    sl_hub_opts ho = {0};
    long ttl_h = ENROLL_TTL_DEFAULT_H;
    bool json = false, usage = false;
    char err[SL_HUB_ERR_MAX], *end;
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (sl_hub_opts_take(&ho, c, optarg))
            continue;
        switch (c) {
        case 't':
            errno = 0;
            ttl_h = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || ttl_h < 1 || ttl_h > ENROLL_TTL_MAX_H)
                return sl_cli_usage_error("enroll-code", "--ttl wants hours from 1 to %d, not '%s'",
                                          ENROLL_TTL_MAX_H, optarg);
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            help();
            return SL_EXIT_OK;
        case ':':
            return sl_cli_usage_error("enroll-code", "'%s' needs a value", argv[optind - 1]);
        default:
            return sl_cli_usage_error("enroll-code", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return sl_cli_usage_error("enroll-code", "the screen id is missing");
    if (optind + 1 < argc)
        return sl_cli_usage_error("enroll-code", "one screen at a time ('%s' is extra)",
                                  argv[optind + 1]);
    const char *screen = argv[optind];
    if (!sl_hub_id_ok(screen))
        return sl_cli_usage_error("enroll-code",
                                  "'%s' is not a screen id (1-64 letters, digits, '.', '_', '-'; "
                                  "not starting with '.' or '-')",
                                  screen);

    int rc = SL_EXIT_FAIL;
    cJSON *req = NULL, *reply = NULL;
    char *text = NULL;
    sl_hub *h = sl_hub_open(&ho, true, &usage, err, sizeof err);
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
    if (sl_hub_json(h, "POST", "/api/v1/enroll-codes", req, false, 201, &reply, NULL, NULL, err,
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
        sl_hub_printable(code, c1, sizeof c1);
        sl_hub_printable(expires ? expires : "?", c2, sizeof c2);
        printf("screen %s: enrolment code %s\n", screen, c1);
        printf("valid until %s (%ld hour%s), once\n", c2, ttl_h, ttl_h == 1 ? "" : "s");
    }
    rc = SL_EXIT_OK;
out:
    free(text);
    cJSON_Delete(req);
    cJSON_Delete(reply);
    sl_hub_close(h);
    return rc;
}
