# arm64-toolchain.cmake — cross-compiles screenlit for arm64 (aarch64) on a Debian 12 amd64 machine.
# Needs tools/setup-arm64.sh: Debian's gcc-aarch64-linux-gnu and the arm64 -dev packages installed
# beside the amd64 ones (multi-arch: headers in /usr/include, libraries in /usr/lib/aarch64-linux-gnu).
# Use: cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=tools/arm64-toolchain.cmake -DSL_WITH_PG=OFF
# Test programs run through qemu-aarch64-static (CMAKE_CROSSCOMPILING_EMULATOR), so ctest runs them.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# pkg-config reads only the arm64 .pc files (and the architecture-independent ones).
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")


find_program(SL_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(SL_QEMU_AARCH64)
  # The arm64 dynamic loader and libraries are installed multi-arch (libc6:arm64), so no -L is needed.
  set(CMAKE_CROSSCOMPILING_EMULATOR ${SL_QEMU_AARCH64})
endif()
