internal import CZlib
public import MicrogenreCore
import MicrogenreFeeds

#if canImport(Glibc)
    import Glibc
#endif

/// One immutable segment file, memory-mapped for reading. Opening checks the magic numbers, the
/// format version and the checksum of every section, so a damaged, truncated or foreign file is
/// refused with an ``IndexError`` naming it, never read. See FORMAT.md.
public final class Segment: @unchecked Sendable {
    /// The file.
    public let path: String
    /// Documents in the segment.
    public let count: Int
    /// The format version the file was written in.
    public let formatVersion: UInt32
    /// The version of the analyzer that made the segment's terms (``Analyzer/version``): 1 for
    /// segments older than format version 3. Terms made by another version than this build's
    /// are not all found by its queries.
    public let analyzerVersion: UInt32
    /// The identity of the sentence-embedding model that made the segment's vectors
    /// (`SentenceEmbedder.identity`), or nil when the segment holds none.
    public let embeddingIdentity: String?
    /// Floats per vector (0 without vectors).
    public let embeddingDimension: Int

    private let base: UnsafeMutableRawPointer
    private let size: Int
    private let sections: SectionTable
    let termCount: Int
    let facetCount: Int
    /// Per field: the average length, for BM25F.
    let averageLengths: [Double]
    /// Per field: the sum of every document's length.
    let fieldTotals: [Double]

    /// Opens and validates the segment at `path`.
    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw IndexError(path: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw IndexError(path: path, "cannot stat the file") }
        size = Int(info.st_size)
        guard size >= 12 + SegmentFormat.trailerSize else {
            throw IndexError(path: path, "not a Microgenre index segment (only \(size) bytes)")
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw IndexError(path: path, "cannot map the file: \(String(cString: strerror(errno)))")
        }
        base = mapped
        let bytes = UnsafeRawBufferPointer(start: mapped, count: size)
        var found = SectionTable()
        do {
            guard Array(bytes[0..<4]) == SegmentFormat.magic, Array(bytes[(size - 4)..<size]) == SegmentFormat.magic
            else {
                throw IndexError(path: path, "not a Microgenre index segment (bad magic number)")
            }
            let version: UInt32 = bytes.little(4)
            guard SegmentFormat.readableVersions.contains(version) else {
                throw IndexError(
                    path: path,
                    "index format version \(version); this build reads version \(SegmentFormat.version): rebuild the index"
                )
            }
            count = Int(bytes.little(8, as: UInt32.self))
            // Offsets and lengths are u64 on disk: one past Int.max must be refused, not trap.
            let tableOffset = Int(exactly: bytes.little(size - SegmentFormat.trailerSize, as: UInt64.self)) ?? -1
            let tableEnd = size - SegmentFormat.trailerSize
            guard tableOffset >= 12, tableOffset <= tableEnd - 4 else {
                throw IndexError(path: path, "damaged section table")
            }
            let table = UnsafeRawBufferPointer(rebasing: bytes[tableOffset..<tableEnd])
            guard SegmentFormat.checksum(table) == bytes.little(size - 12, as: UInt64.self) else {
                throw IndexError(path: path, "section table checksum mismatch: the file is damaged or truncated")
            }
            let sectionCount = Int(table.little(0, as: UInt32.self))
            guard 4 + sectionCount * SegmentFormat.tableEntrySize == table.count else {
                throw IndexError(path: path, "damaged section table")
            }
            for k in 0..<sectionCount {
                let entry = 4 + k * SegmentFormat.tableEntrySize
                let kind = table.little(entry, as: UInt32.self)
                let offset = Int(exactly: table.little(entry + 4, as: UInt64.self)) ?? -1
                let length = Int(exactly: table.little(entry + 12, as: UInt64.self)) ?? -1
                guard let section = SegmentFormat.Section(rawValue: kind), offset >= 12, length >= 0,
                    offset <= tableOffset, length <= tableOffset - offset
                else { throw IndexError(path: path, "damaged section table") }
                let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
                guard SegmentFormat.checksum(slice) == table.little(entry + 20, as: UInt64.self) else {
                    throw IndexError(path: path, "checksum mismatch in section \(section): the file is damaged")
                }
                found[section] = slice
            }
            formatVersion = version
            sections = found
            for section in SegmentFormat.Section.allCases where found[section] == nil {
                // Records may be missing (format version 1); the analyzer's version is
                // recorded from format version 3 on.
                if section == .records || section == .embeddings || section == .analysis && version < 3 { continue }
                throw IndexError(path: path, "section \(section) is missing")
            }
            if let analysis = found[.analysis] {
                guard analysis.count == 4 else { throw IndexError(path: path, "damaged analysis section") }
                analyzerVersion = analysis.little(0, as: UInt32.self)
            } else {
                analyzerVersion = 1
            }
            (embeddingIdentity, embeddingDimension) = try Self.embeddingHeader(
                found[.embeddings], count: count, path: path)
            let lengths = found[.fieldLengths]!
            guard found[.docValues]!.count == count * SegmentFormat.docValueSize,
                lengths.count == IndexField.allCases.count * (8 + 2 * count)
            else { throw IndexError(path: path, "damaged document values") }
            try Self.checkStructure(found, count: count, path: path)
            termCount = Int(found[.terms]!.little(0, as: UInt32.self))
            facetCount = Int(found[.facets]!.little(0, as: UInt32.self))
            let documents = count
            fieldTotals = IndexField.allCases.map { field in
                Double(lengths.little(Int(field.rawValue) * (8 + 2 * documents), as: UInt64.self))
            }
            averageLengths = fieldTotals.map { documents > 0 ? max(1, $0 / Double(documents)) : 1 }
        } catch {
            munmap(mapped, size)
            throw error
        }
    }

    deinit { munmap(base, size) }

    /// Checks that every offset, length and document number inside the sections stays inside
    /// its section and the segment, so that reading never goes out of bounds: a file with
    /// correct checksums may still be hostile. Reads each section once, as the checksums do.
    private static func checkStructure(_ found: SectionTable, count: Int, path: String) throws {
        func damaged(_ section: SegmentFormat.Section) -> IndexError {
            IndexError(path: path, "damaged \(section) section")
        }
        /// `u32 offsets[entries + 1]` at `at`, non-decreasing, the last at most `limit`.
        func checkOffsets(_ bytes: UnsafeRawBufferPointer, at: Int, entries: Int, limit: Int) -> Bool {
            guard entries >= 0, at >= 0, at + 4 * (entries + 1) <= bytes.count else { return false }
            var previous = 0
            for k in 0...entries {
                let offset = Int(bytes.little(at + 4 * k, as: UInt32.self))
                guard offset >= previous else { return false }
                previous = offset
            }
            return previous <= limit
        }
        for section in [SegmentFormat.Section.docIDs, .stored] {
            let bytes = found[section]!
            let data = 4 * (count + 1)
            guard data <= bytes.count, checkOffsets(bytes, at: 0, entries: count, limit: bytes.count - data) else {
                throw damaged(section)
            }
        }
        let values = found[.docValues]!
        for doc in 0..<count {
            let system = values[doc * SegmentFormat.docValueSize + 3]
            guard system == 0xFF || Int(system) < RatingSystem.known.count else { throw damaged(.docValues) }
        }
        // Terms: the key and posting offset tables, each key's field byte, each term's postings.
        let terms = found[.terms]!
        let postings = found[.postings]!
        guard terms.count >= 4 else { throw damaged(.terms) }
        let termCount = Int(terms.little(0, as: UInt32.self))
        let postingOffsetsAt = 4 + 4 * (termCount + 1)
        let keysAt = postingOffsetsAt + 8 * (termCount + 1) + 4 * termCount
        guard keysAt <= terms.count, checkOffsets(terms, at: 4, entries: termCount, limit: terms.count - keysAt)
        else { throw damaged(.terms) }
        var end = 0
        for index in 0..<termCount {
            let key = keysAt + Int(terms.little(4 + 4 * index, as: UInt32.self))
            let keyEnd = keysAt + Int(terms.little(4 + 4 * (index + 1), as: UInt32.self))
            guard key < keyEnd, Int(terms[key]) < IndexField.allCases.count else { throw damaged(.terms) }
            let start = Int(exactly: terms.little(postingOffsetsAt + 8 * index, as: UInt64.self)) ?? -1
            end = Int(exactly: terms.little(postingOffsetsAt + 8 * (index + 1), as: UInt64.self)) ?? -1
            guard start >= 0, start <= end, end <= postings.count,
                checkPostings(UnsafeRawBufferPointer(rebasing: postings[start..<end]), count: count)
            else { throw damaged(.postings) }
        }
        // Facets: key and entry offset tables, the documents, the keys.
        let facets = found[.facets]!
        guard facets.count >= 4 else { throw damaged(.facets) }
        let facetCount = Int(facets.little(0, as: UInt32.self))
        let entryOffsetsAt = 4 + 4 * (facetCount + 1)
        let docsAt = entryOffsetsAt + 4 * (facetCount + 1)
        guard docsAt <= facets.count else { throw damaged(.facets) }
        let entries = Int(facets.little(entryOffsetsAt + 4 * facetCount, as: UInt32.self))
        let keysStart = docsAt + 5 * entries
        guard keysStart <= facets.count,
            checkOffsets(facets, at: entryOffsetsAt, entries: facetCount, limit: entries),
            checkOffsets(facets, at: 4, entries: facetCount, limit: facets.count - keysStart)
        else { throw damaged(.facets) }
        for entry in 0..<entries where Int(facets.little(docsAt + 4 * entry, as: UInt32.self)) >= count {
            throw damaged(.facets)
        }
        if let records = found[.records], records.count < 8 + 4 * (count + 1) { throw damaged(.records) }
    }

    /// Whether one term's postings decode inside `bytes` exactly: documents increasing and
    /// below `count`, every varint at most 5 bytes, positions that fit in 32 bits.
    private static func checkPostings(_ bytes: UnsafeRawBufferPointer, count: Int) -> Bool {
        var offset = 0
        func varint() -> UInt32? {
            var value: UInt64 = 0
            for k in 0..<5 where offset < bytes.count {
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << (7 * UInt64(k))
                if byte < 0x80 { return UInt32(exactly: value) }
            }
            return nil
        }
        var doc = -1
        while offset < bytes.count {
            guard let delta = varint(), delta > 0, let frequency = varint() else { return false }
            doc += Int(delta)
            guard doc < count, Int(frequency) <= bytes.count - offset else { return false }
            var position: UInt64 = 0
            for _ in 0..<frequency {
                guard let step = varint() else { return false }
                position += UInt64(step)
                guard position <= UInt64(UInt32.max) else { return false }
            }
        }
        return true
    }

    /// The sections by kind, in an array (a lookup per posting must not hash).
    struct SectionTable {
        private var slots = [UnsafeRawBufferPointer?](repeating: nil, count: 16)

        subscript(_ section: SegmentFormat.Section) -> UnsafeRawBufferPointer? {
            get { slots[Int(section.rawValue)] }
            set { slots[Int(section.rawValue)] = newValue }
        }
    }

    // MARK: - Documents

    /// Every title record in full (format version 2 and later), for indexing again.
    public func records() throws -> [TitleRecord] {
        let raw = try recordBytes()
        let feed = Array(FeedWriter.header.utf8) + raw + Array(FeedWriter.footer.utf8)
        let reader = try FeedReader(bytes: feed, name: path)
        var result: [TitleRecord] = []
        while let record = try reader.next() { result.append(record) }
        return result
    }

    /// The records section uncompressed: the records of every document, one after another, in
    /// the feed format (see ``record(_:in:)``).
    public func recordBytes() throws -> [UInt8] {
        guard let section = sections[.records] else {
            throw IndexError(
                path: path,
                "this index (format version \(formatVersion)) keeps no title records: index all the feeds again with --replace"
            )
        }
        let rawLength = Int(exactly: section.little(0, as: UInt64.self)) ?? -1
        let compressedAt = 8 + 4 * (count + 1)
        // zlib expands at most about 1032 to 1: a larger claimed length is damage, and must not
        // be allocated.
        guard compressedAt <= section.count, rawLength >= 0, rawLength <= (section.count - compressedAt) * 1032 + 64
        else {
            throw IndexError(path: path, "damaged records section")
        }
        var raw = [UInt8](repeating: 0, count: max(1, rawLength))
        var length = uLong(rawLength)
        let status = raw.withUnsafeMutableBufferPointer { target in
            uncompress(
                target.baseAddress, &length,
                section.baseAddress!.advanced(by: compressedAt).assumingMemoryBound(to: UInt8.self),
                uLong(section.count - compressedAt))
        }
        guard status == Z_OK, Int(length) == rawLength else { throw IndexError(path: path, "damaged records section") }
        raw.removeLast(raw.count - rawLength)
        return raw
    }

    /// Document `doc`'s full record, read from ``recordBytes()``'s result (so that a reader of
    /// many records uncompresses the section once).
    public func record(_ doc: Int, in raw: [UInt8]) throws -> TitleRecord {
        guard let section = sections[.records], doc >= 0, doc < count else {
            throw IndexError(path: path, "no record \(doc)")
        }
        let start = Int(section.little(8 + 4 * doc, as: UInt32.self))
        let end = Int(section.little(8 + 4 * (doc + 1), as: UInt32.self))
        guard start <= end, end <= raw.count else { throw IndexError(path: path, "damaged records section") }
        let feed = Array(FeedWriter.header.utf8) + raw[start..<end] + Array(FeedWriter.footer.utf8)
        guard let record = try FeedReader(bytes: feed, name: path).next() else {
            throw IndexError(path: path, "damaged records section")
        }
        return record
    }

    /// The title id of document `doc`.
    public func titleID(_ doc: Int) -> TitleID {
        TitleID(String(decoding: blobItem(.docIDs, doc), as: UTF8.self))
    }

    /// The stored display fields of document `doc`, as JSON.
    public func storedJSON(_ doc: Int) -> String { String(decoding: blobItem(.stored, doc), as: UTF8.self) }

    private func blobItem(_ section: SegmentFormat.Section, _ index: Int) -> UnsafeRawBufferPointer {
        let bytes = sections[section]!
        let start = Int(bytes.little(4 * index, as: UInt32.self))
        let end = Int(bytes.little(4 * index + 4, as: UInt32.self))
        let data = 4 * (count + 1)
        return UnsafeRawBufferPointer(rebasing: bytes[(data + start)..<(data + end)])
    }

    /// The release year of `doc`, or nil.
    public func year(_ doc: Int) -> Int? {
        let value = Int(sections[.docValues]!.little(doc * SegmentFormat.docValueSize, as: Int16.self))
        return value == 0 ? nil : value
    }

    /// The kind of `doc`.
    public func kind(_ doc: Int) -> TitleKind {
        TitleKind.allCases[Int(sections[.docValues]![doc * SegmentFormat.docValueSize + 2]) % TitleKind.allCases.count]
    }

    /// The rating system (an index into `RatingSystem.known`) and rank of `doc`, or nil.
    public func rating(_ doc: Int) -> (system: Int, rank: Int)? {
        let values = sections[.docValues]!
        let system = values[doc * SegmentFormat.docValueSize + 3]
        let rank = values[doc * SegmentFormat.docValueSize + 4]
        return system == 0xFF ? nil : (Int(system), Int(rank))
    }

    /// The runtime of `doc` in minutes, or nil.
    public func runtime(_ doc: Int) -> Int? {
        let value = Int(sections[.docValues]!.little(doc * SegmentFormat.docValueSize + 6, as: UInt16.self))
        return value == 0 ? nil : value
    }

    /// The length of `field` in `doc`, in word positions.
    func fieldLength(_ field: IndexField, _ doc: Int) -> Int {
        Int(sections[.fieldLengths]!.little(Int(field.rawValue) * (8 + 2 * count) + 8 + 2 * doc, as: UInt16.self))
    }

    // MARK: - Embeddings

    /// Reads and checks the embeddings section's header: `u32 dimension`, `u32 identity length`,
    /// the identity padded to 4 bytes, then `f32 scale[count]` and `i8 value[count x dimension]`.
    private static func embeddingHeader(
        _ section: UnsafeRawBufferPointer?, count: Int, path: String
    ) throws -> (String?, Int) {
        guard let section else { return (nil, 0) }
        guard section.count >= 8 else { throw IndexError(path: path, "damaged embeddings section") }
        let dimension = Int(section.little(0, as: UInt32.self))
        let identityLength = Int(section.little(4, as: UInt32.self))
        let identityEnd = 8 + (identityLength + 3) / 4 * 4
        guard dimension > 0, dimension <= 1 << 16, identityLength < 1 << 16,
            section.count == identityEnd + count * (4 + dimension)
        else { throw IndexError(path: path, "damaged embeddings section") }
        let identity = String(decoding: section[8..<(8 + identityLength)], as: UTF8.self)
        return (identity, dimension)
    }

    /// Where the scales and the rows of the embeddings section start.
    private var embeddingLayout: (section: UnsafeRawBufferPointer, scalesAt: Int, rowsAt: Int)? {
        guard let section = sections[.embeddings] else { return nil }
        let identityLength = Int(section.little(4, as: UInt32.self))
        let scalesAt = 8 + (identityLength + 3) / 4 * 4
        return (section, scalesAt, scalesAt + 4 * count)
    }

    /// The stored vector of `doc`, or nil when the segment has none or the title was indexed
    /// without one.
    public func vector(_ doc: Int) -> QuantizedVector? {
        guard let layout = embeddingLayout else { return nil }
        let scale = Float(bitPattern: layout.section.little(layout.scalesAt + 4 * doc, as: UInt32.self))
        guard scale > 0 else { return nil }
        let start = layout.rowsAt + doc * embeddingDimension
        return QuantizedVector(
            scale: scale, values: layout.section[start..<(start + embeddingDimension)].map { Int8(bitPattern: $0) })
    }

    /// Whether `doc` has a vector (its scale is not 0), without reading the vector.
    public func hasVector(_ doc: Int) -> Bool {
        guard let layout = embeddingLayout else { return false }
        return Float(bitPattern: layout.section.little(layout.scalesAt + 4 * doc, as: UInt32.self)) > 0
    }

    /// Writes the dot product of `query` (``embeddingDimension`` floats) with every document's
    /// vector to `scores[0..<count]` (minus infinity for a document without one). Does nothing without vectors.
    func dotProducts(_ query: UnsafePointer<Float>, into scores: UnsafeMutablePointer<Float>) {
        guard let layout = embeddingLayout, count > 0, let start = layout.section.baseAddress else { return }
        VectorScan.dotProducts(
            query: query, dimension: embeddingDimension, rows: start + layout.rowsAt, scales: start + layout.scalesAt,
            count: count, into: scores)
    }

    // MARK: - Terms

    /// One document's occurrences of a term.
    struct Posting {
        var doc: Int
        var positions: [UInt32]
    }

    /// Where the postings of the term at `index` of the term dictionary lie in the postings
    /// section.
    private func postingRange(at index: Int) -> Range<Int> {
        let terms = sections[.terms]!
        let postingOffsetsAt = 4 + 4 * (termCount + 1)
        let start = Int(terms.little(postingOffsetsAt + 8 * index, as: UInt64.self))
        let end = Int(terms.little(postingOffsetsAt + 8 * (index + 1), as: UInt64.self))
        return start..<end
    }

    /// The documents holding `term` in `field`, with positions.
    func postings(_ field: IndexField, _ term: String) -> [Posting] {
        guard let index = termIndex(field, term) else { return [] }
        let bytes = sections[.postings]!
        let range = postingRange(at: index)
        var offset = range.lowerBound
        let end = range.upperBound
        var doc = -1
        var result: [Posting] = []
        while offset < end {
            doc += Int(bytes.varint(&offset))
            let frequency = Int(bytes.varint(&offset))
            var positions: [UInt32] = []
            positions.reserveCapacity(frequency)
            var position: UInt32 = 0
            for _ in 0..<frequency {
                position += bytes.varint(&offset)
                positions.append(position)
            }
            result.append(Posting(doc: doc, positions: positions))
        }
        return result
    }

    /// Calls `body` with each document holding the term at `index` of the term dictionary and
    /// the term's frequency there, skipping positions without building them: what BM25F needs,
    /// allocation-free.
    func forEachPosting(at index: Int, _ body: (_ doc: Int, _ frequency: Int) -> Void) {
        let range = postingRange(at: index)
        let bytes = sections[.postings]!
        var offset = range.lowerBound
        let end = range.upperBound
        var doc = -1
        while offset < end {
            doc += Int(bytes.varint(&offset))
            let frequency = Int(bytes.varint(&offset))
            for _ in 0..<frequency {
                while bytes[offset] >= 0x80 { offset += 1 }
                offset += 1
            }
            body(doc, frequency)
        }
    }

    /// The number of documents holding the term at `index` of the term dictionary.
    func documentFrequency(at index: Int) -> Int {
        let terms = sections[.terms]!
        return Int(terms.little(4 + 4 * (termCount + 1) + 8 * (termCount + 1) + 4 * index, as: UInt32.self))
    }

    /// Binary search of the sorted term keys (field byte, then the term's UTF-8), comparing in
    /// place without building the key.
    func termIndex(_ field: IndexField, _ term: String) -> Int? {
        var term = term
        return term.withUTF8 { termIndex(field, $0) }
    }

    func termIndex(_ field: IndexField, _ term: UnsafeBufferPointer<UInt8>) -> Int? {
        let terms = sections[.terms]!
        let keysAt = 4 + 4 * (termCount + 1) + 8 * (termCount + 1) + 4 * termCount
        var low = 0
        var high = termCount - 1
        while low <= high {
            let middle = (low + high) / 2
            let start = keysAt + Int(terms.little(4 + 4 * middle, as: UInt32.self))
            let end = keysAt + Int(terms.little(4 + 4 * (middle + 1), as: UInt32.self))
            // Compare (field byte, term bytes) with the candidate key.
            var order = Int(terms[start]) - Int(field.rawValue)
            if order == 0 {
                let length = end - start - 1
                let common = min(length, term.count)
                var k = 0
                while k < common && terms[start + 1 + k] == term[k] { k += 1 }
                order = k < common ? Int(terms[start + 1 + k]) - Int(term[k]) : length - term.count
            }
            if order == 0 { return middle }
            if order < 0 { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    // MARK: - Facets

    /// Calls `body` with every facet tag the segment holds and its documents and scores.
    func forEachFacet(_ body: (_ tag: String, _ postings: [(doc: Int, score: Double)]) -> Void) {
        let layout = FacetLayout(self)
        for index in 0..<facetCount {
            body(String(decoding: layout.key(index), as: UTF8.self), layout.postings(index))
        }
    }

    /// Where the parts of the facets section are: per tag, its key (UTF-8) and its postings
    /// (document numbers and quantized scores).
    struct FacetLayout {
        let facets: UnsafeRawBufferPointer
        let count: Int
        let keyOffsetsAt = 4
        let entryOffsetsAt: Int
        let docsAt: Int
        let scoresAt: Int
        let keysAt: Int

        init(_ segment: Segment) {
            facets = segment.sections[.facets]!
            count = segment.facetCount
            entryOffsetsAt = keyOffsetsAt + 4 * (count + 1)
            docsAt = entryOffsetsAt + 4 * (count + 1)
            let total = Int(facets.little(entryOffsetsAt + 4 * count, as: UInt32.self))
            scoresAt = docsAt + 4 * total
            keysAt = scoresAt + total
        }

        func key(_ index: Int) -> UnsafeRawBufferPointer {
            let start = Int(facets.little(keyOffsetsAt + 4 * index, as: UInt32.self))
            let end = Int(facets.little(keyOffsetsAt + 4 * (index + 1), as: UInt32.self))
            return UnsafeRawBufferPointer(rebasing: facets[(keysAt + start)..<(keysAt + end)])
        }

        func postings(_ index: Int) -> [(doc: Int, score: Double)] {
            let first = Int(facets.little(entryOffsetsAt + 4 * index, as: UInt32.self))
            let last = Int(facets.little(entryOffsetsAt + 4 * (index + 1), as: UInt32.self))
            return (first..<last).map { entry in
                (Int(facets.little(docsAt + 4 * entry, as: UInt32.self)), Double(facets[scoresAt + entry]) / 255)
            }
        }
    }
    /// The documents carrying `tag`, with the tagger's score (quantized to 1/255).
    func facetPostings(_ tag: String) -> [(doc: Int, score: Double)] {
        let layout = FacetLayout(self)
        let key = Array(tag.utf8)
        var low = 0
        var high = facetCount - 1
        while low <= high {
            let middle = (low + high) / 2
            let candidate = layout.key(middle)
            if candidate.elementsEqual(key) { return layout.postings(middle) }
            if candidate.lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle - 1 }
        }
        return []
    }
}
