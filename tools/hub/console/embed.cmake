# embed.cmake — writes a C file defining `const unsigned char NAME[]`: the bytes of the text file IN and a
# final NUL, so a file of the tree (the console's editor.js) is served from the binary as it is written.
# Usage: cmake -DIN=FILE -DOUT=FILE.c -DNAME=SYMBOL -P embed.cmake (run by tools/CMakeLists.txt at build time).
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){24})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}.tmp" "/* generated from ${IN} by embed.cmake at build time: edit that file, not this one. */\n"
                        "#include <stddef.h>\n"
                        "extern const unsigned char ${NAME}[];\n"
                        "extern const size_t ${NAME}_len;\n"
                        "const unsigned char ${NAME}[] = {\n${bytes}0x00};\n"
                        "const size_t ${NAME}_len = sizeof ${NAME} - 1;\n")
file(RENAME "${OUT}.tmp" "${OUT}")
