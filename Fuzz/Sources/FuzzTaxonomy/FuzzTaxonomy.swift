import FuzzSupport
import MicrogenreQuery
import MicrogenreTaxonomy

/// The program's entry point (SwiftPM links `main` to it): libFuzzer, over ``fuzzOne(_:_:)``.
@_cdecl("FuzzTaxonomy_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}

/// One taxonomy file's text, loaded and validated as `Taxonomy.load` does each file; when it
/// is valid, the grammar and the query parser are built over it and read a name and a query
/// made of its own tags' phrases.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = pointer ?? (size == 0 ? UnsafePointer(bitPattern: 1) : nil) else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let taxonomy: Taxonomy
    do {
        taxonomy = try Taxonomy.parse([(file: "fuzz.taxonomy", text: text)])
    } catch {
        _ = "\(error)"
        return 0
    }
    let phrases = taxonomy.tags.prefix(8).map { $0.id.rawValue }.joined(separator: " ")
    if let grammar = try? GenreGrammar(taxonomy: taxonomy) {
        _ = grammar.parse(phrases)
        _ = grammar.render(taxonomy.tags.prefix(3).map(\.id))
    }
    if let parser = try? QueryParser(taxonomy: taxonomy) {
        _ = try? parser.parse(phrases)
    }
    return 0
}
