/* hubcmd_key.c — `screenlit-hub key add|list`: the publisher public keys whose signed manifests the hub accepts. */
#include "tools/hub/cmd/hubcmd.h"

#include "content/keys.h"
#include "content/opts.h"
#include "content/timeutil.h"
#include "tools/hub/service/hub_access.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The options as given. */
typedef struct {
    const char *data, *db, *name, *channels;
} key_args;

static const sl_opts_entry key_opts[] = {
    SL_HUB_STORE_OPTS_E(key_args),
    SL_OPTS_STR_E("name", 'n', "NAME", "a name for the key (add); 1 to 64 letters, digits, '.', '_', '-'", key_args,
                  name),
    SL_OPTS_STR_E("channels", 'c', "A,B",
                  "the channels the key may sign for (add), names joined by ',' (default: every channel)", key_args,
                  channels),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit-hub key - the publisher keys the hub accepts manifests from\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit-hub key add (--data DIR | --db URI) [--name NAME] [--channels A,B]\n"
           "                          PUBLISHER.pub\n"
           "    screenlit-hub key list (--data DIR | --db URI)\n"
           "\n"
           "DESCRIPTION\n"
           "    The hub refuses a manifest unless it is signed with the secret key of\n"
           "    one of these public keys (made with `screenlit keygen`). Screens pin the\n"
           "    same public keys in their own config: the hub checks early, so that a\n"
           "    bad manifest is refused at publishing rather than by every screen.\n"
           "\n"
           "    add reads a publisher.pub file and adds its key. With --channels the key\n"
           "    may sign manifests of those channels only: the hub refuses a manifest of\n"
           "    any other channel signed with it (403). Without --channels it may sign\n"
           "    every channel. Adding a key the hub has already is not an error and\n"
           "    changes only its channels, to the ones given now (none: every channel).\n"
           "    NAME defaults to key-<first 8 hex digits of the key>. list prints name,\n"
           "    key (base64), when it was added and its channels (\"*\" = every channel).\n"
           "    Screens can limit the keys they pin to channels too (publisher-key =\n"
           "    BASE64 channels=A,B in the player's config).\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, key_opts);
    printf("\n"
           "EXIT STATUS\n"
           "    0 done, 1 failure (unreadable key file, name taken by another key),\n"
           "    2 wrong arguments.\n"
           "\n"
           "EXAMPLES\n"
           "    screenlit keygen --out keys\n"
           "    screenlit-hub key add --data /var/lib/screenlit-hub --name content-team keys/publisher.pub\n"
           "    screenlit-hub key add --data /var/lib/screenlit-hub --name branch-0412 \\\n"
           "        --channels bank-lobby,bank-door branch.pub\n");
}

static int list_cb(void *ud, const sl_hub_key *k)
{
    char added[40];
    sl_instant_format(k->created_ms, 0, added, sizeof added);
    printf("%-24s %-46s %-21s %s\n", k->name, k->key_b64, added, k->channels[0] ? k->channels : "*");
    return 0;
}

int sl_hub_cmd_key(int argc, char **argv)
{
    key_args a = {0};
    const char *action = NULL, *file = NULL;
    int next;
    int parsed = sl_hub_parse_action("key", key_opts, help, &a, &argc, &argv, &action, &next);
    if (parsed >= 0)
        return parsed;
    const char *data = a.data, *db = a.db, *name = a.name, *channels_s = a.channels;
    if (!action)
        return sl_hub_usage_error("key", "say add or list");
    bool add = strcmp(action, "add") == 0, list = strcmp(action, "list") == 0;
    if (!add && !list)
        return sl_hub_usage_error("key", "unknown action '%s' (add or list)", action);
    if (add) {
        if (next >= argc)
            return sl_hub_usage_error("key", "the publisher.pub file is missing");
        file = argv[next++];
    }
    if (next < argc)
        return sl_hub_usage_error("key", "unexpected argument '%s'", argv[next]);
    if (!data && !db)
        return sl_hub_usage_error("key", "--data DIR (or --db URI) is missing");
    if (list && name)
        return sl_hub_usage_error("key", "--name is for add");
    if (list && channels_s)
        return sl_hub_usage_error("key", "--channels is for add");
    if (channels_s && strspn(channels_s, " ") == strlen(channels_s))
        return sl_hub_usage_error("key", "--channels: name at least one channel (leave it out for every channel)");
    char err[512];
    sl_store *st = NULL;
    int rc = sl_hub_admin_open("key", data, db, &st);
    if (rc != SL_HUB_EXIT_OK)
        return rc;
    rc = SL_HUB_EXIT_FAIL;
    if (add) {
        sl_pubkey pk;
        sl_svc_err e;
        char b64[SL_PUBKEY_B64_MAX], used[SL_HUB_ID_MAX + 1], channels[SL_HUB_SCOPE_MAX + 1];
        if (sl_pubkey_load(file, &pk, err, sizeof err) != 0) {
            fprintf(stderr, "screenlit-hub key: %s\n", err);
            goto out;
        }
        sl_pubkey_to_b64(&pk, b64, sizeof b64);
        sl_svc_rc r = sl_access_key_add(st, name, b64, channels_s, used, channels, &e);
        if (r == SL_SVC_INVALID) {
            rc = sl_hub_usage_error("key", "--%s", e.msg);
        } else if (r != SL_SVC_OK) {
            fprintf(stderr, "screenlit-hub key: %s\n", e.msg);
        } else {
            printf("publisher key %s accepted (%s) for %s%s\n", b64, used,
                   channels[0] ? "channels " : "every channel", channels);
            rc = SL_HUB_EXIT_OK;
        }
    } else {
        printf("%-24s %-46s %-21s %s\n", "NAME", "KEY", "ADDED", "CHANNELS");
        if (st->ops->key_list(st, list_cb, NULL, err, sizeof err) != SL_ST_OK)
            fprintf(stderr, "screenlit-hub key: %s\n", err);
        else
            rc = SL_HUB_EXIT_OK;
    }
out:
    sl_store_close(st);
    return rc;
}
