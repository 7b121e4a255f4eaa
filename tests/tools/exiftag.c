/* exiftag.c — test helper: `exiftag IN OUT N` copies a JPEG, PNG, WebP or TIFF picture with EXIF Orientation N (1-8) added. */
#include "exifwrite.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: exiftag IN OUT ORIENTATION(1-8)\n");
        return 2;
    }
    return sl_test_exif_orientation(argv[1], argv[2], atoi(argv[3])) == 0 ? 0 : 1;
}
