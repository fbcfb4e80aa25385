import FuzzSupport
import MicrogenreCore
import MicrogenreFeeds

/// The program's entry point (SwiftPM links `main` to it): libFuzzer, over ``fuzzOne(_:_:)``.
@_cdecl("FuzzFeeds_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}

/// One feed, read as `microgenre ingest` reads it: from a file (so libxml2 detects gzip), the
/// format detected from the root element; then the same bytes read from memory with a format
/// forced (`--format`), chosen by the input's length, so every mapper sees every document.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = pointer ?? (size == 0 ? UnsafePointer(bitPattern: 1) : nil) else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let path = Scratch.write(bytes, to: "feed.xml")
    drain { try FeedReader(path: path) }
    let formats = FeedFormat.allCases
    let forced = formats[size % formats.count]
    drain { try FeedReader(bytes: bytes, name: "feed.xml", options: FeedOptions(format: forced)) }
    return 0
}

/// Reads every record, diagnostic and error the reader gives; errors are the expected outcome
/// of most inputs.
private func drain(_ open: () throws -> FeedReader) {
    guard let reader = try? open() else { return }
    var records = 0
    while true {
        do {
            guard let record = try reader.next() else { break }
            _ = record.id
            records += 1
        } catch {
            _ = "\(error)"
            break
        }
        _ = reader.takeDiagnostics()
        // A reader that keeps returning records from a small input is a hang.
        if records > 1_000_000 { fatalError("feed reader returned too many records") }
    }
    for diagnostic in reader.takeDiagnostics() { _ = diagnostic.description }
    _ = reader.format
    _ = reader.bytesConsumed
}
