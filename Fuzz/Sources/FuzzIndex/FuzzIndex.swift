import FuzzSupport
import MicrogenreIndex
import MicrogenreQuery
import MicrogenreTaxonomy

#if canImport(Glibc)
    import Glibc
#endif

/// An index directory packed in one input: the segment's bytes, then optionally
/// ``separator`` and a deletion file's bytes, then optionally ``separator`` and `CURRENT`'s text
/// (without it, `CURRENT` names `segment-1.mgix` and the deletion file if there is one).
///
/// Each input is opened twice: as given (the checksums refuse nearly every mutation), and with
/// every checksum repaired, so that the structure behind them (offset tables, term and facet
/// dictionaries, postings, records, embeddings) is what the mutations reach: a hostile file can
/// always carry correct checksums. Both must throw an `IndexError` or read, never crash.
let separator: [UInt8] = Array("|MGFZ|".utf8)

/// Queries run over every index that opens, parsed once over the repository's taxonomy.
private let queries: [ParsedQuery] = {
    let directory = getenv("MICROGENRE_TAXONOMY").map { String(cString: $0) } ?? "Taxonomy"
    do {
        let parser = try QueryParser(taxonomy: try Taxonomy.load(directory: directory))
        return try [
            "veep", "\"vice president\" comedy", "political comedy -thanksgiving year:2010..2020",
            "julia louis-dreyfus", "workplace satire kind:series", "mother",
        ].map { try parser.parse($0) }
    } catch {
        fatalError("fuzz-index: cannot load the taxonomy in \(directory): \(error)")
    }
}()

/// The program's entry point (SwiftPM links `main` to it): libFuzzer, over ``fuzzOne(_:_:)``.
@_cdecl("FuzzIndex_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    _ = queries  // made before the first input, so that it does not count against its time
    return runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}

/// One input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = pointer ?? (size == 0 ? UnsafePointer(bitPattern: 1) : nil) else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var parts = split(input)
    read(parts)
    parts[0] = repairSegment(parts[0])
    if parts.count > 1 { parts[1] = repairDeletions(parts[1]) }
    read(parts)
    return 0
}

/// The input's parts: segment, deletion file, CURRENT.
func split(_ input: [UInt8]) -> [[UInt8]] {
    var parts: [[UInt8]] = []
    var start = 0
    var k = 0
    while parts.count < 2, k + separator.count <= input.count {
        if input[k..<(k + separator.count)].elementsEqual(separator) {
            parts.append(Array(input[start..<k]))
            k += separator.count
            start = k
        } else {
            k += 1
        }
    }
    parts.append(Array(input[start...]))
    return parts
}

/// Writes the parts as an index directory and reads everything a search, `index --merge` and
/// the personalization pass read.
func read(_ parts: [[UInt8]]) {
    let directory = "\(Scratch.directory)/index"
    mkdir(directory, 0o700)
    Scratch.write(parts[0], to: "index/segment-1.mgix")
    var current = "segment-1.mgix\n"
    if parts.count > 1 {
        Scratch.write(parts[1], to: "index/deletes-1-1.mgdl")
        current = "segment-1.mgix deletes-1-1.mgdl\n"
    } else {
        Scratch.remove("index/deletes-1-1.mgdl")
    }
    if parts.count > 2 { current = String(decoding: parts[2], as: UTF8.self) }
    Scratch.write(Array(current.utf8), to: "index/CURRENT")
    let index: IndexReader
    do {
        index = try IndexDirectory(path: directory).open()
    } catch {
        _ = "\(error)"
        return
    }
    for doc in 0..<index.count {
        _ = index.isLive(doc)
        _ = index.titleID(doc)
        _ = index.storedJSON(doc)
        _ = index.year(doc)
        _ = index.kind(doc)
        _ = index.rating(doc)
        _ = index.runtime(doc)
        let (segment, local) = index.locate(doc)
        _ = segment.vector(local)
    }
    _ = index.liveDocuments()
    _ = index.documentFacets()
    _ = index.segmentsFromOtherAnalyzers
    do {
        _ = try index.liveRecords()
    } catch {
        _ = "\(error)"
    }
    for identity in index.embeddingIdentities {
        _ = index.liveVectors(identity: identity)
        _ = index.documentsWithoutVectors(from: identity)
        let dimension = index.segments.map(\.embeddingDimension).max() ?? 0
        let vector = [Float](repeating: 0.5, count: dimension)
        _ = index.similarities(to: vector, identity: identity)
        let searcher = Searcher(index: index)
        for query in queries.prefix(2) {
            _ = searcher.search(
                query, limit: 5, explain: true, mode: .hybrid,
                semantic: SemanticQuery(vector: vector, identity: identity))
        }
    }
    let searcher = Searcher(index: index)
    for query in queries { _ = searcher.search(query, limit: 10, explain: true) }
}

/// The segment with every section's checksum and the table's checksum made right, where the
/// trailer and table can be found at all.
func repairSegment(_ segment: [UInt8]) -> [UInt8] {
    var bytes = segment
    let size = bytes.count
    guard size >= 32 else { return bytes }
    let tableOffset = Int(truncatingIfNeeded: load(bytes, size - 20, as: UInt64.self))
    let tableEnd = size - 20
    guard tableOffset >= 12, tableOffset <= tableEnd - 4 else { return bytes }
    let sectionCount = Int(load(bytes, tableOffset, as: UInt32.self))
    for k in 0..<sectionCount {
        let entry = tableOffset + 4 + k * 28
        guard entry + 28 <= tableEnd else { break }
        let offset = Int(truncatingIfNeeded: load(bytes, entry + 4, as: UInt64.self))
        let length = Int(truncatingIfNeeded: load(bytes, entry + 12, as: UInt64.self))
        guard offset >= 0, length >= 0, offset <= tableOffset, length <= tableOffset - offset else { continue }
        store(&bytes, entry + 20, checksum(bytes[offset..<(offset + length)]))
    }
    store(&bytes, size - 12, checksum(bytes[tableOffset..<tableEnd]))
    return bytes
}

/// The deletion file with its trailing checksum made right.
func repairDeletions(_ file: [UInt8]) -> [UInt8] {
    var bytes = file
    guard bytes.count >= 20 else { return bytes }
    store(&bytes, bytes.count - 8, checksum(bytes[0..<(bytes.count - 8)]))
    return bytes
}

func load<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int, as type: T.Type) -> T {
    var value: T = 0
    for k in (0..<MemoryLayout<T>.size).reversed() { value = value << 8 | T(bytes[offset + k]) }
    return value
}

func store(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt64) {
    for k in 0..<8 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
}

/// `SegmentFormat.checksum`, copied: 64-bit multiply-xor over 8-byte words, then the tail.
func checksum(_ slice: ArraySlice<UInt8>) -> UInt64 {
    slice.withUnsafeBytes { bytes in
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        let words = bytes.count / 8
        for k in 0..<words {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self))
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
        }
        for k in (words * 8)..<bytes.count {
            h = (h ^ UInt64(bytes[k])) &* 0xC4CE_B9FE_1A85_EC53
        }
        h ^= h >> 33
        return h
    }
}
