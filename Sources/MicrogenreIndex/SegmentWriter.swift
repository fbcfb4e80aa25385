internal import CZlib
import MicrogenreCore
import MicrogenreFeeds
import MicrogenreText

/// Builds one immutable segment file from documents: the inverted index of every text field
/// (with positions, for phrases), facet postings with the tagger's scores, per-document values,
/// field lengths for BM25F, stored display fields and document ids. See FORMAT.md.
public struct SegmentWriter {
    private let analyzer: Analyzer
    private var terms = ByteStringTable(capacity: 1 << 16)
    private var postings: [[UInt8]] = []
    private var lastDoc: [Int32] = []
    private var docFrequency: [UInt32] = []
    private var facetIndex: [String: Int] = [:]
    private var facetTags: [String] = []
    private var facetPostings: [[(doc: UInt32, score: UInt8)]] = []
    private var fieldLengths: [[UInt16]] = IndexField.allCases.map { _ in [] }
    private var docValues: [UInt8] = []
    private var docIDs: [[UInt8]] = []
    private var stored: [[UInt8]] = []
    private var records: [UInt8] = []
    private var recordOffsets: [UInt32] = [0]
    /// The analyzer version the segment records (tests set an older one).
    var analyzerVersion = Analyzer.version
    /// The identity of the model that made the documents' embeddings (nil: the segment keeps
    /// none, and documents' embeddings are ignored).
    public var embeddingIdentity: String?
    private var embeddingScales: [Float] = []
    private var embeddingValues: [Int8] = []
    private var embeddingDimension = 0

    /// Creates a writer.
    public init() throws {
        analyzer = try Analyzer()
    }

    /// Documents added so far.
    public var count: Int { docIDs.count }

    /// Adds a document; documents get consecutive numbers from 0.
    public mutating func add(_ document: IndexDocument) {
        let doc = Int32(docIDs.count)
        var positions: [Int32: [UInt32]] = [:]
        var lengths = [Int](repeating: 0, count: IndexField.allCases.count)
        var key: [UInt8] = []
        for (field, values) in document.fieldTexts {
            var base = UInt32(lengths[Int(field.rawValue)] + 16)  // a gap between entries of one field
            for value in values {
                var copy = value
                let used = copy.withUTF8 { utf8 in
                    analyzer.analyze(utf8) { token in
                        if token.type != .compound { lengths[Int(field.rawValue)] = Int(base) + token.position + 1 }
                        key.removeAll(keepingCapacity: true)
                        key.append(field.rawValue)
                        key.append(contentsOf: token.term)
                        let id = key.withUnsafeBufferPointer { terms.insert($0).id }
                        positions[id, default: []].append(base + UInt32(token.position))
                    }
                }
                base += UInt32(used)  // the next value's positions run on, as if joined by ". "
            }
        }
        for (id, list) in positions {
            let term = Int(id)
            while postings.count <= term {
                postings.append([])
                lastDoc.append(-1)
                docFrequency.append(0)
            }
            postings[term].appendVarint(UInt32(doc - lastDoc[term]))
            postings[term].appendVarint(UInt32(list.count))
            var previous: UInt32 = 0
            for position in list.sorted() {
                postings[term].appendVarint(position - previous)
                previous = position
            }
            lastDoc[term] = doc
            docFrequency[term] += 1
        }
        for field in IndexField.allCases {
            fieldLengths[Int(field.rawValue)].append(UInt16(min(lengths[Int(field.rawValue)], Int(UInt16.max))))
        }
        for (tag, score) in document.facets where score >= 0.05 {
            let index: Int
            if let existing = facetIndex[tag.rawValue] {
                index = existing
            } else {
                index = facetTags.count
                facetIndex[tag.rawValue] = index
                facetTags.append(tag.rawValue)
                facetPostings.append([])
            }
            facetPostings[index].append((UInt32(doc), UInt8(min(255, max(1, (score * 255).rounded())))))
        }
        let record = document.record
        docValues.append(little: Int16(record.year ?? 0))
        docValues.append(UInt8(TitleKind.allCases.firstIndex(of: record.kind)!))
        var systemIndex: UInt8 = 0xFF
        var rank: UInt8 = 0xFF
        if let rating = record.rating, let system = RatingSystem.named(rating.system),
            let position = RatingSystem.known.firstIndex(of: system), let found = system.rank(of: rating.value)
        {
            systemIndex = UInt8(position)
            rank = UInt8(found)
        }
        docValues.append(systemIndex)
        docValues.append(rank)
        docValues.append(0)
        docValues.append(little: UInt16(min(record.runtimeMinutes ?? 0, Int(UInt16.max))))
        if let embedding = document.embedding, embedding.isPresent {
            if embeddingDimension == 0 { embeddingDimension = embedding.values.count }
            precondition(embedding.values.count == embeddingDimension, "embeddings of different lengths in one segment")
            embeddingScales.append(embedding.scale)
            embeddingValues.append(contentsOf: embedding.values)
        } else {
            embeddingScales.append(0)
        }
        docIDs.append(Array(record.id.rawValue.utf8))
        var json = JSONWriter()
        json.beginObject()
        json.string(record.id.rawValue, "id")
        json.string(record.title, "title")
        json.optional(record.subtitle, "subtitle")
        json.optional(record.year, "year")
        json.string(record.kind.rawValue, "kind")
        json.endObject()
        stored.append(json.bytes)
        FeedWriter.append(record, to: &records)
        recordOffsets.append(UInt32(records.count))
    }

    /// The finished segment file's bytes.
    public func finish() -> [UInt8] {
        var sections: [(SegmentFormat.Section, [UInt8])] = []
        sections.append((.docIDs, blob(docIDs)))
        sections.append((.stored, blob(stored)))
        sections.append((.docValues, docValues))
        var lengths: [UInt8] = []
        for field in IndexField.allCases {
            let values = fieldLengths[Int(field.rawValue)]
            lengths.append(little: UInt64(values.reduce(0) { $0 + Int($1) }))
            for value in values { lengths.append(little: value) }
        }
        sections.append((.fieldLengths, lengths))
        // Terms sorted by their bytes (field byte first), each pointing into the postings.
        let order = (0..<terms.count).map(Int32.init).sorted { a, b in
            terms.withBytes(of: a) { x in terms.withBytes(of: b) { y in x.lexicographicallyPrecedes(y) } }
        }
        var termSection: [UInt8] = []
        var postingSection: [UInt8] = []
        var keys: [UInt8] = []
        termSection.append(little: UInt32(order.count))
        var keyOffsets: [UInt32] = [0]
        var postingOffsets: [UInt64] = [0]
        var frequencies: [UInt32] = []
        for id in order {
            terms.withBytes(of: id) { keys.append(contentsOf: $0) }
            keyOffsets.append(UInt32(keys.count))
            let term = Int(id)
            postingSection += term < postings.count ? postings[term] : []
            postingOffsets.append(UInt64(postingSection.count))
            frequencies.append(term < docFrequency.count ? docFrequency[term] : 0)
        }
        for offset in keyOffsets { termSection.append(little: offset) }
        for offset in postingOffsets { termSection.append(little: offset) }
        for frequency in frequencies { termSection.append(little: frequency) }
        termSection += keys
        sections.append((.terms, termSection))
        sections.append((.postings, postingSection))
        // Facets sorted by tag id.
        var facetSection: [UInt8] = []
        let tagOrder = facetTags.indices.sorted { facetTags[$0] < facetTags[$1] }
        facetSection.append(little: UInt32(tagOrder.count))
        var tagKeys: [UInt8] = []
        var tagKeyOffsets: [UInt32] = [0]
        var entryOffsets: [UInt32] = [0]
        var docs: [UInt32] = []
        var scores: [UInt8] = []
        for index in tagOrder {
            tagKeys += Array(facetTags[index].utf8)
            tagKeyOffsets.append(UInt32(tagKeys.count))
            for (doc, score) in facetPostings[index] {
                docs.append(doc)
                scores.append(score)
            }
            entryOffsets.append(UInt32(docs.count))
        }
        for offset in tagKeyOffsets { facetSection.append(little: offset) }
        for offset in entryOffsets { facetSection.append(little: offset) }
        for doc in docs { facetSection.append(little: doc) }
        facetSection += scores
        facetSection += tagKeys
        sections.append((.facets, facetSection))
        sections.append((.records, compressedRecords()))
        var analysis: [UInt8] = []
        analysis.append(little: analyzerVersion)
        sections.append((.analysis, analysis))
        if let embeddings = embeddingSection() { sections.append((.embeddings, embeddings)) }
        return assemble(sections)
    }

    /// `u32 dimension`, `u32 identity length`, the identity padded to 4 bytes, `f32 scale[count]`,
    /// `i8 value[count x dimension]` (zeros with scale 0 for a document without a vector).
    private func embeddingSection() -> [UInt8]? {
        guard let identity = embeddingIdentity, embeddingDimension > 0 else { return nil }
        var out: [UInt8] = []
        out.append(little: UInt32(embeddingDimension))
        out.append(little: UInt32(identity.utf8.count))
        out += Array(identity.utf8)
        while out.count % 4 != 0 { out.append(0) }
        for scale in embeddingScales { out.append(little: scale.bitPattern) }
        var next = 0
        for scale in embeddingScales {
            if scale > 0 {
                out += embeddingValues[next..<(next + embeddingDimension)].map { UInt8(bitPattern: $0) }
                next += embeddingDimension
            } else {
                out += repeatElement(0, count: embeddingDimension)
            }
        }
        return out
    }

    /// `u64 rawLength`, `u32 offsets[count+1]` into the raw bytes, then the zlib stream.
    private func compressedRecords() -> [UInt8] {
        var out: [UInt8] = []
        out.append(little: UInt64(records.count))
        for offset in recordOffsets { out.append(little: offset) }
        var capacity = compressBound(uLong(records.count))
        var compressed = [UInt8](repeating: 0, count: Int(capacity))
        let status = records.withUnsafeBufferPointer { source in
            compressed.withUnsafeMutableBufferPointer { target in
                compress2(target.baseAddress, &capacity, source.baseAddress, uLong(source.count), 6)
            }
        }
        precondition(status == Z_OK, "zlib compress2 failed: \(status)")
        out += compressed[..<Int(capacity)]
        return out
    }

    private func blob(_ items: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        var offset: UInt32 = 0
        out.append(little: offset)
        for item in items {
            offset += UInt32(item.count)
            out.append(little: offset)
        }
        for item in items { out += item }
        return out
    }

    private func assemble(_ sections: [(SegmentFormat.Section, [UInt8])]) -> [UInt8] {
        var file = SegmentFormat.magic
        file.append(little: SegmentFormat.version)
        file.append(little: UInt32(docIDs.count))
        var table: [UInt8] = []
        table.append(little: UInt32(sections.count))
        for (kind, bytes) in sections {
            while file.count % 8 != 0 { file.append(0) }
            let offset = file.count
            file += bytes
            let sum = bytes.withUnsafeBytes { SegmentFormat.checksum($0) }
            table.append(little: kind.rawValue)
            table.append(little: UInt64(offset))
            table.append(little: UInt64(bytes.count))
            table.append(little: sum)
        }
        let tableOffset = file.count
        file += table
        file.append(little: UInt64(tableOffset))
        file.append(little: table.withUnsafeBytes { SegmentFormat.checksum($0) })
        file += SegmentFormat.magic
        return file
    }
}
