/* fonts.c — fontconfig look-ups: the installed font that draws a character. */
#include "content/fonts.h"

#include "content/textwidth.h"

#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>

struct sl_fonts {
    FcConfig *config;
    FcCharSet *all; /* every installed font's characters; NULL until asked */
};

sl_fonts *sl_fonts_open(char *err, size_t errlen)
{
    sl_fonts *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    f->config = FcInitLoadConfigAndFonts();
    if (!f->config) {
        snprintf(err, errlen, "cannot read fontconfig's configuration (fonts.conf)");
        free(f);
        return NULL;
    }
    return f;
}

void sl_fonts_free(sl_fonts *f)
{
    if (!f)
        return;
    if (f->all)
        FcCharSetDestroy(f->all);
    FcConfigDestroy(f->config);
    free(f);
}

struct sl_font_chars {
    FcCharSet *cs;
};

sl_font_chars *sl_fonts_file_chars(const char *path, int index)
{
    int count = 0;
    FcCharSet *cs = NULL;
    FcPattern *pat = path ? FcFreeTypeQuery((const FcChar8 *)path, index, NULL, &count) : NULL;
    sl_font_chars *c = pat ? calloc(1, sizeof *c) : NULL;
    if (c && FcPatternGetCharSet(pat, FC_CHARSET, 0, &cs) == FcResultMatch)
        c->cs = FcCharSetCopy(cs);
    if (c && !c->cs) {
        free(c);
        c = NULL;
    }
    if (pat)
        FcPatternDestroy(pat);
    return c;
}

bool sl_font_chars_has(const sl_font_chars *c, uint32_t cp)
{
    return c && FcCharSetHasChar(c->cs, cp);
}

void sl_font_chars_free(sl_font_chars *c)
{
    if (!c)
        return;
    FcCharSetDestroy(c->cs);
    free(c);
}

bool sl_fonts_invisible(uint32_t cp)
{
    return cp <= 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp == 0x3000 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
           cp == 0x205f || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef) ||
           (sl_textwidth_cp(cp) == 0 && cp >= 0x200b && cp <= 0x206f) || cp == 0xfeff;
}

bool sl_fonts_covers(sl_fonts *f, uint32_t cp)
{
    if (!f)
        return false;
    if (!f->all) {
        FcPattern *pat = FcPatternCreate();
        FcObjectSet *os = FcObjectSetBuild(FC_CHARSET, (char *)NULL);
        FcFontSet *set = pat && os ? FcFontList(f->config, pat, os) : NULL;
        f->all = FcCharSetCreate();
        for (int i = 0; f->all && set && i < set->nfont; i++) {
            FcCharSet *cs = NULL;
            if (FcPatternGetCharSet(set->fonts[i], FC_CHARSET, 0, &cs) == FcResultMatch)
                FcCharSetMerge(f->all, cs, NULL);
        }
        if (set)
            FcFontSetDestroy(set);
        if (os)
            FcObjectSetDestroy(os);
        if (pat)
            FcPatternDestroy(pat);
        if (!f->all)
            return false;
    }
    return FcCharSetHasChar(f->all, cp);
}

int sl_fonts_find(sl_fonts *f, uint32_t cp, char *path, size_t len, int *index)
{
    int rc = -1;
    if (!f || !path || !len)
        return -1;
    FcPattern *pat = FcPatternCreate();
    FcCharSet *cs = FcCharSetCreate();
    FcFontSet *set = NULL;
    if (!pat || !cs || !FcCharSetAddChar(cs, cp) || !FcPatternAddCharSet(pat, FC_CHARSET, cs) ||
        !FcPatternAddString(pat, FC_LANG, (const FcChar8 *)"zh-cn"))
        goto out;
    FcConfigSubstitute(f->config, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    set = FcFontSort(f->config, pat, FcTrue, NULL, &res);
    for (int i = 0; set && i < set->nfont; i++) {
        FcCharSet *have = NULL;
        FcChar8 *file = NULL;
        int idx = 0;
        if (FcPatternGetCharSet(set->fonts[i], FC_CHARSET, 0, &have) != FcResultMatch ||
            !FcCharSetHasChar(have, cp) ||
            FcPatternGetString(set->fonts[i], FC_FILE, 0, &file) != FcResultMatch)
            continue;
        if (FcPatternGetInteger(set->fonts[i], FC_INDEX, 0, &idx) != FcResultMatch)
            idx = 0;
        if ((size_t)snprintf(path, len, "%s", (const char *)file) >= len)
            continue;
        if (index)
            *index = idx;
        rc = 0;
        break;
    }
out:
    if (set)
        FcFontSetDestroy(set);
    if (cs)
        FcCharSetDestroy(cs);
    if (pat)
        FcPatternDestroy(pat);
    return rc;
}
