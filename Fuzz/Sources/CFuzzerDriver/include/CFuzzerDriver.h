#ifndef CFUZZERDRIVER_H
#define CFUZZERDRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (libclang_rt.fuzzer, linked by `-sanitize=fuzzer`): parses the libFuzzer
/// flags in argv and runs `callback` on each input. Called from the executable's own `main`,
/// because SwiftPM links Linux executables with `main` bound to `<module>_main`, which leaves
/// no room for libFuzzer's `main`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
