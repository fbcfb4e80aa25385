import FuzzSupport
import MicrogenreQuery
import MicrogenreTaxonomy

#if canImport(Glibc)
    import Glibc
#endif

/// The parser over the repository's taxonomy (`Taxonomy/` of the working directory, or the
/// directory `MICROGENRE_TAXONOMY` names), made once per process.
nonisolated(unsafe) private let parser: QueryParser = {
    let directory = getenv("MICROGENRE_TAXONOMY").map { String(cString: $0) } ?? "Taxonomy"
    do {
        return try QueryParser(taxonomy: try Taxonomy.load(directory: directory))
    } catch {
        fatalError("fuzz-query: cannot load the taxonomy in \(directory): \(error)")
    }
}()

/// The program's entry point (SwiftPM links `main` to it): libFuzzer, over ``fuzzOne(_:_:)``.
@_cdecl("FuzzQuery_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    _ = parser  // made before the first input, so that it does not count against its time
    return runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}

/// One query, as the search box would send it (invalid UTF-8 repaired as `String` does).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = pointer ?? (size == 0 ? UnsafePointer(bitPattern: 1) : nil) else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let query = try parser.parse(text)
        _ = "\(query)"
    } catch {
        _ = "\(error)"
    }
    return 0
}
