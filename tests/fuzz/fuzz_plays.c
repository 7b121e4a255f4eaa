/* fuzz_plays.c — libFuzzer target: play-record batches as screens post them (POST /api/v1/plays, and an admin's POST /api/v1/screens/<id>/plays when the first byte is odd). */
#include "tests/fuzz/fuzzutil.h"
#include "tests/fuzz/hubfake.h"
#include "tools/hub/http/routes.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        (void)sl_fuzz_hub_call(sl_h_screen_plays_post, SL_ROLE_ADMIN, "admin", SL_FUZZ_SCREEN, "application/json",
                               data + 1, size - 1);
    else
        (void)sl_fuzz_hub_call(sl_h_plays_post, SL_ROLE_SCREEN, SL_FUZZ_SCREEN, NULL, "application/json", data + 1,
                               size - 1);
    return 0;
}
