/* hubcmd_token.c — `screenlit-hub token create|list|revoke`: role tokens for admins, publishers and auditors. */
#include "tools/hub/cmd/hubcmd.h"

#include "content/opts.h"
#include "content/timeutil.h"
#include "tools/hub/service/hub_access.h"

#include <stdbool.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The options as given. */
typedef struct {
    const char *data, *db, *role, *name, *channels;
} token_args;

static const sl_opts_entry token_opts[] = {
    SL_HUB_STORE_OPTS_E(token_args),
    SL_OPTS_STR_E("role", 'r', "ROLE", "admin, publisher or auditor (create)", token_args, role),
    SL_OPTS_STR_E("name", 'n', "NAME", "the token's name (create, revoke)", token_args, name),
    SL_OPTS_STR_E("channels", 'c', "A,B",
                  "publisher tokens only: the channels it may publish to, names joined by ',' (default: every "
                  "channel)",
                  token_args, channels),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit-hub token - create, list and revoke role tokens\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit-hub token create (--data DIR | --db URI) --role admin|publisher|auditor\n"
           "                               --name NAME [--channels A,B]\n"
           "    screenlit-hub token list (--data DIR | --db URI)\n"
           "    screenlit-hub token revoke (--data DIR | --db URI) --name NAME\n"
           "\n"
           "DESCRIPTION\n"
           "    Role tokens let people use the hub's API (Authorization: Bearer TOKEN):\n"
           "      admin      everything: inventory, enrolment codes, screenshots, and what\n"
           "                 publishers and auditors may do\n"
           "      publisher  upload media and publish manifests\n"
           "      auditor    read screens, plays and reports\n"
           "    Screens get their own device tokens by enrolling (POST /api/v1/enroll).\n"
           "\n"
           "    create prints the new token on standard output, once: the hub keeps only\n"
           "    its SHA-256 and cannot show it again. NAME (1 to 64 letters, digits, '.',\n"
           "    '_' or '-') must not be used by another valid token. A publisher token\n"
           "    made with --channels may publish to those channels only: the hub refuses\n"
           "    any other with 403 (media uploads are not limited: media belong to no\n"
           "    channel). Without --channels it may publish to every channel. list shows\n"
           "    every token's name, role, channels (\"*\" = every channel), creation and\n"
           "    revocation time, never the token.\n"
           "    revoke stops a token from working at once, even while the hub runs.\n"
           "\n"
           SL_HUB_ADMIN_HELP_STORE
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, token_opts);
    printf("\n"
           "EXIT STATUS\n"
           "    0 done, 1 failure (e.g. the name is taken, no such token), 2 wrong arguments.\n"
           "\n"
           "EXAMPLES\n"
           "    TOKEN=$(screenlit-hub token create --data /var/lib/screenlit-hub \\\n"
           "            --role publisher --name content-team)\n"
           "    screenlit-hub token create --data /var/lib/screenlit-hub --role publisher \\\n"
           "            --name branch-staff --channels bank-lobby,bank-door\n"
           "    screenlit-hub token revoke --data /var/lib/screenlit-hub --name content-team\n");
}

static int list_cb(void *ud, const sl_hub_token *t)
{
    char created[40], revoked[40];
    sl_instant_format(t->created_ms, 0, created, sizeof created);
    if (t->revoked_ms >= 0)
        sl_instant_format(t->revoked_ms, 0, revoked, sizeof revoked);
    else
        snprintf(revoked, sizeof revoked, "-");
    printf("%-24s %-10s %-21s %-21s %s\n", t->name, sl_hub_role_name(t->role), created, revoked,
           t->channels[0] ? t->channels : "*");
    return 0;
}

int sl_hub_cmd_token(int argc, char **argv)
{
    token_args a = {0};
    const char *action = NULL;
    int next;
    int parsed = sl_hub_parse_action("token", token_opts, help, &a, &argc, &argv, &action, &next);
    if (parsed >= 0)
        return parsed;
    const char *data = a.data, *db = a.db, *role_s = a.role, *name = a.name, *channels_s = a.channels;
    if (next < argc)
        return sl_hub_usage_error("token", "unexpected argument '%s'", argv[next]);
    if (!action)
        return sl_hub_usage_error("token", "say create, list or revoke");
    bool create = strcmp(action, "create") == 0, list = strcmp(action, "list") == 0,
         revoke = strcmp(action, "revoke") == 0;
    if (!create && !list && !revoke)
        return sl_hub_usage_error("token", "unknown action '%s' (create, list or revoke)", action);
    if (!data && !db)
        return sl_hub_usage_error("token", "--data DIR (or --db URI) is missing");
    sl_hub_role role = sl_hub_role_parse(role_s);
    if (create && role == SL_ROLE_NONE)
        return sl_hub_usage_error("token", "--role must be admin, publisher or auditor");
    if (!create && role_s)
        return sl_hub_usage_error("token", "--role is only for create");
    if ((create || revoke) && !name)
        return sl_hub_usage_error("token", "--name NAME is missing");
    if (list && name)
        return sl_hub_usage_error("token", "--name is not for list");
    if (channels_s && !(create && role == SL_ROLE_PUBLISHER))
        return sl_hub_usage_error("token", "--channels is only for create --role publisher");
    if (channels_s && strspn(channels_s, " ") == strlen(channels_s))
        return sl_hub_usage_error("token", "--channels: name at least one channel (leave it out for every channel)");
    if (revoke && !sl_wire_id_ok(name))
        return sl_hub_usage_error("token", "--name: 1 to 64 letters, digits, '.', '_' or '-'");

    char err[512];
    sl_store *st = NULL;
    int rc = sl_hub_admin_open("token", data, db, &st);
    if (rc != SL_HUB_EXIT_OK)
        return rc;
    rc = SL_HUB_EXIT_FAIL;
    if (create) {
        char token[SL_HUB_TOKEN_HEX + 1], channels[SL_HUB_SCOPE_MAX + 1];
        sl_svc_err e;
        sl_svc_rc r = sl_access_token_create(st, name, role, channels_s, token, channels, &e);
        if (r == SL_SVC_INVALID) {
            rc = sl_hub_usage_error("token", "--%s", e.msg);
        } else if (r != SL_SVC_OK) {
            fprintf(stderr, "screenlit-hub token: %s\n", e.msg);
        } else {
            printf("%s\n", token);
            fprintf(stderr, "screenlit-hub token: %s token \"%s\"%s%s created; it is shown only this once\n",
                    sl_hub_role_name(role), name, channels[0] ? " for channels " : "", channels);
            rc = SL_HUB_EXIT_OK;
        }
        sodium_memzero(token, sizeof token);
    } else if (list) {
        printf("%-24s %-10s %-21s %-21s %s\n", "NAME", "ROLE", "CREATED", "REVOKED", "CHANNELS");
        if (st->ops->token_list(st, list_cb, NULL, err, sizeof err) != SL_ST_OK)
            fprintf(stderr, "screenlit-hub token: %s\n", err);
        else
            rc = SL_HUB_EXIT_OK;
    } else {
        sl_svc_err e;
        if (sl_access_token_revoke(st, name, &e) != SL_SVC_OK) {
            fprintf(stderr, "screenlit-hub token: %s\n", e.msg);
        } else {
            fprintf(stderr, "screenlit-hub token: %s revoked\n", name);
            rc = SL_HUB_EXIT_OK;
        }
    }
    sl_store_close(st);
    return rc;
}
