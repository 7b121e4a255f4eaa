/* imgcheck.c — test helper: compares PNG frames with references and measures dark areas. */
#include <SDL2/SDL.h>
#include <SDL2/SDL_image.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Usage:
 *   imgcheck diff A.png B.png [MAX_MEAN [MAX_BAD_FRACTION]]
 *     exit 0 when the images have the same size, the mean absolute channel
 *     difference is <= MAX_MEAN (default 1.0) and the fraction of pixels with
 *     a channel off by more than 32 is <= MAX_BAD_FRACTION (default 0.002).
 *   imgcheck dark A.png X,Y,W,H
 *     prints the fraction of pixels in the rectangle darker than luma 16.
 *   imgcheck colours A.png X,Y,W,H
 *     prints the distinct colours in the rectangle, RRGGBB a line (at most 256).
 *   imgcheck pixel A.png X,Y
 *     prints the pixel as RRGGBB.
 *   imgcheck bands A.png X,Y,W,H RRGGBB
 *     prints the bands of rows of the rectangle holding a pixel that is not
 *     the background colour RRGGBB (a channel off by more than 48), "FIRST
 *     LAST" a line, rows counted from the rectangle's top; nothing when the
 *     rectangle is only background.
 *   imgcheck count A.png X,Y,W,H RRGGBB [TOL]
 *     prints how many pixels of the rectangle are within TOL (default 40) of
 *     RRGGBB on every channel.
 */

static SDL_Surface *load(const char *path)
{
    SDL_Surface *raw = IMG_Load(path);
    if (!raw) {
        fprintf(stderr, "imgcheck: %s: %s\n", path, IMG_GetError());
        return NULL;
    }
    SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(raw);
    return s;
}

static Uint32 px(const SDL_Surface *s, int x, int y)
{
    return ((const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch))[x];
}

static int diff(const char *a, const char *b, double max_mean, double max_bad)
{
    int rc = 1;
    SDL_Surface *x = load(a), *y = load(b);
    if (!x || !y)
        goto out;
    if (x->w != y->w || x->h != y->h) {
        printf("size differs: %dx%d vs %dx%d\n", x->w, x->h, y->w, y->h);
        goto out;
    }
    double sum = 0;
    long bad = 0;
    for (int j = 0; j < x->h; j++) {
        for (int i = 0; i < x->w; i++) {
            Uint32 p = px(x, i, j), q = px(y, i, j);
            int worst = 0;
            for (int sh = 0; sh < 24; sh += 8) {
                int d = abs((int)((p >> sh) & 255) - (int)((q >> sh) & 255));
                sum += d;
                if (d > worst)
                    worst = d;
            }
            if (worst > 32)
                bad++;
        }
    }
    double n = (double)x->w * x->h;
    double mean = sum / (n * 3);
    double badf = bad / n;
    printf("mean %.4f, bad fraction %.5f\n", mean, badf);
    rc = (mean <= max_mean && badf <= max_bad) ? 0 : 1;
out:
    SDL_FreeSurface(x);
    SDL_FreeSurface(y);
    return rc;
}

static int dark(const char *a, const char *rect)
{
    int x0, y0, w, h;
    if (sscanf(rect, "%d,%d,%d,%d", &x0, &y0, &w, &h) != 4)
        return 2;
    SDL_Surface *s = load(a);
    if (!s)
        return 1;
    long n = 0, d = 0;
    for (int j = y0; j < y0 + h && j < s->h; j++) {
        for (int i = x0; i < x0 + w && i < s->w; i++) {
            Uint32 p = px(s, i, j);
            int r = (p >> 16) & 255, g = (p >> 8) & 255, b = p & 255;
            int luma = (r * 299 + g * 587 + b * 114) / 1000;
            n++;
            d += luma < 16;
        }
    }
    printf("%.4f\n", n ? (double)d / n : 1.0);
    SDL_FreeSurface(s);
    return 0;
}

static int pixel(const char *a, const char *at)
{
    int x, y;
    if (sscanf(at, "%d,%d", &x, &y) != 2)
        return 2;
    SDL_Surface *s = load(a);
    if (!s || x < 0 || y < 0 || x >= s->w || y >= s->h) {
        SDL_FreeSurface(s);
        return 1;
    }
    printf("%06X\n", px(s, x, y) & 0xFFFFFF);
    SDL_FreeSurface(s);
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    Uint32 x = *(const Uint32 *)a, y = *(const Uint32 *)b;
    return x < y ? -1 : x > y;
}

/* Prints the distinct colours of a rectangle, one RRGGBB a line (at most 256). */
static int colours(const char *a, const char *rect)
{
    int x0, y0, w, h;
    if (sscanf(rect, "%d,%d,%d,%d", &x0, &y0, &w, &h) != 4)
        return 2;
    SDL_Surface *s = load(a);
    if (!s)
        return 1;
    Uint32 seen[256];
    size_t n = 0;
    for (int j = y0; j < y0 + h && j < s->h; j++) {
        for (int i = x0; i < x0 + w && i < s->w; i++) {
            Uint32 p = px(s, i, j) & 0xFFFFFF;
            size_t k = 0;
            while (k < n && seen[k] != p)
                k++;
            if (k == n && n < 256)
                seen[n++] = p;
        }
    }
    qsort(seen, n, sizeof seen[0], cmp_u32);
    for (size_t k = 0; k < n; k++)
        printf("%06X\n", seen[k]);
    SDL_FreeSurface(s);
    return 0;
}

static bool near(Uint32 p, Uint32 c, int tol)
{
    for (int sh = 0; sh < 24; sh += 8)
        if (abs((int)((p >> sh) & 255) - (int)((c >> sh) & 255)) > tol)
            return false;
    return true;
}

/* bands (rows differing from a background) or count (pixels near a colour). */
static int scan(const char *mode, const char *a, const char *rect, const char *hex, int tol)
{
    int x0, y0, w, h;
    unsigned c;
    if (sscanf(rect, "%d,%d,%d,%d", &x0, &y0, &w, &h) != 4 || sscanf(hex, "%6x", &c) != 1)
        return 2;
    SDL_Surface *s = load(a);
    if (!s)
        return 1;
    bool bands = strcmp(mode, "bands") == 0;
    long count = 0;
    int first = -1;
    for (int j = y0; j < y0 + h && j < s->h; j++) {
        bool any = false;
        for (int i = x0; i < x0 + w && i < s->w; i++) {
            bool is_near = near(px(s, i, j), c, bands ? 48 : tol);
            if (bands ? !is_near : is_near) {
                any = true;
                count++;
            }
        }
        if (bands && any && first < 0)
            first = j - y0;
        if (bands && !any && first >= 0) {
            printf("%d %d\n", first, j - y0 - 1);
            first = -1;
        }
    }
    if (bands && first >= 0)
        printf("%d %d\n", first, (y0 + h < s->h ? y0 + h : s->h) - y0 - 1);
    if (!bands)
        printf("%ld\n", count);
    SDL_FreeSurface(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "diff") == 0)
        return diff(argv[2], argv[3], argc > 4 ? atof(argv[4]) : 1.0, argc > 5 ? atof(argv[5]) : 0.002);
    if (argc == 4 && strcmp(argv[1], "dark") == 0)
        return dark(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "colours") == 0)
        return colours(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "pixel") == 0)
        return pixel(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "bands") == 0)
        return scan(argv[1], argv[2], argv[3], argv[4], 0);
    if ((argc == 5 || argc == 6) && strcmp(argv[1], "count") == 0)
        return scan(argv[1], argv[2], argv[3], argv[4], argc == 6 ? atoi(argv[5]) : 40);
    fprintf(stderr, "usage: imgcheck diff A B [MEAN [BAD]] | dark A X,Y,W,H | pixel A X,Y | "
                    "bands A X,Y,W,H RRGGBB | count A X,Y,W,H RRGGBB [TOL]\n");
    return 2;
}
