// Declarations only: LLVMFuzzerRunDriver is defined by the fuzzer runtime.
#include "CFuzzerDriver.h"
