/* fuzz_hub_body.c — libFuzzer target: the JSON bodies of the hub's routes; the first byte selects the route, the rest is the body. */
#include "content/manifest.h"
#include "tests/fuzz/fuzzutil.h"
#include "tests/fuzz/hubfake.h"
#include "tools/hub/http/routes.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* Selector values (the first byte modulo 7). */
enum {
    SEL_ENROLL_CODE,     /* POST /api/v1/enroll-codes (admin) */
    SEL_ENROLL,          /* POST /api/v1/enroll (no token) */
    SEL_HEARTBEAT,       /* POST /api/v1/heartbeat (screen) */
    SEL_INVENTORY,       /* PUT /api/v1/inventory (admin, CSV) */
    SEL_PUBLISH,         /* POST /api/v1/channels/lobby/manifests: the body is the envelope */
    SEL_PUBLISH_SIGNED,  /* the same, the body is the payload, signed here with the test key */
    SEL_MISSING,         /* POST /api/v1/media/missing (publisher) */
    SEL_N
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    switch (data[0] % SEL_N) {
    case SEL_ENROLL_CODE:
        sl_fuzz_hub_call(sl_h_enroll_code, SL_ROLE_ADMIN, "admin", NULL, "application/json", body, len);
        break;
    case SEL_ENROLL:
        sl_fuzz_hub_call(sl_h_enroll, SL_ROLE_NONE, NULL, NULL, "application/json", body, len);
        break;
    case SEL_HEARTBEAT:
        sl_fuzz_hub_call(sl_h_heartbeat, SL_ROLE_SCREEN, SL_FUZZ_SCREEN, NULL, "application/json", body, len);
        break;
    case SEL_INVENTORY:
        sl_fuzz_hub_call(sl_h_inventory_put, SL_ROLE_ADMIN, "admin", NULL, "text/csv", body, len);
        break;
    case SEL_PUBLISH:
        sl_fuzz_hub_call(sl_h_manifest_post, SL_ROLE_PUBLISHER, "pub", SL_FUZZ_CHANNEL, "application/json", body,
                         len);
        break;
    case SEL_PUBLISH_SIGNED: {
        sl_seckey sk;
        sl_pubkey pk;
        sl_fuzz_test_key(&sk, &pk);
        char *env = sl_mf_sign(body, len, &sk);
        if (env)
            sl_fuzz_hub_call(sl_h_manifest_post, SL_ROLE_PUBLISHER, "pub", SL_FUZZ_CHANNEL, "application/json", env,
                             strlen(env));
        free(env);
        break;
    }
    case SEL_MISSING:
        sl_fuzz_hub_call(sl_h_media_missing, SL_ROLE_PUBLISHER, "pub", NULL, "application/json", body, len);
        break;
    default:
        break;
    }
    return 0;
}
