import FuzzSupport
import MicrogenreEvents

/// The program's entry point (SwiftPM links `main` to it): libFuzzer, over ``fuzzOne(_:_:)``.
@_cdecl("FuzzEvents_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}

/// One events file, parsed as CSV and as JSON Lines from memory, then read from a file in
/// chunks as `microgenre events import` reads it (format detected, gzip told by its magic).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = pointer ?? (size == 0 ? UnsafePointer(bitPattern: 1) : nil) else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parser = EventParser()
    for format in EventParser.Format.allCases {
        let (events, errors) = parser.parse(bytes, file: "events", format: format)
        consume(events.count, errors.map { "\($0)" })
    }
    let path = Scratch.write(bytes, to: "events")
    var rows = 0
    do {
        try parser.read(path: path) { result in
            rows += 1
            if case .failure(let error) = result { _ = "\(error)" }
        }
    } catch {
        _ = "\(error)"
    }
    return 0
}

@inline(never)
private func consume(_ count: Int, _ messages: [String]) {
    precondition(count >= 0 && messages.allSatisfy { !$0.isEmpty })
}
