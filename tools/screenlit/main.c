/* main.c — the screenlit command: dispatches to its subcommands. */
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "screenlit: not yet\n");
    return 2;
}
