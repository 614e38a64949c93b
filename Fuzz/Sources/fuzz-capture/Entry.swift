import CFuzzerDriver
import FuzzTargets

/// The executable's `main` (SwiftPM binds `main` to `<module>_main`): hands over to libFuzzer.
@_cdecl("fuzz_capture_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        FuzzTargets.capture(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
}
