public import MicrogenreCore
import MicrogenreText

/// A snapshot of an index: its live segments, read as one, with the titles each segment's
/// deletion set removes left out. Documents are numbered across segments: segment k's document
/// d is `bases[k] + d`. Term statistics (document frequencies, average field lengths) are taken
/// over the whole snapshot, so a title scores the same whichever segment holds it.
public final class IndexReader: @unchecked Sendable {
    /// The segments, oldest first.
    public let segments: [Segment]
    /// Per segment, the deleted documents (nil: none).
    public let deletions: [DeletionSet?]
    /// Per segment, the number of the first document.
    let bases: [Int]
    /// Documents in every segment, deleted ones included.
    public let count: Int
    /// Documents not deleted.
    public let liveCount: Int
    /// Per field: the average length over the snapshot, for BM25F.
    let averageLengths: [Double]
    private let live: [Bool]?

    /// Reads `segments` with `deletions` (one per segment, nil for none).
    public init(segments: [Segment], deletions: [DeletionSet?]? = nil) {
        self.segments = segments
        self.deletions = deletions ?? Array(repeating: nil, count: segments.count)
        var bases: [Int] = []
        var total = 0
        for segment in segments {
            bases.append(total)
            total += segment.count
        }
        self.bases = bases
        count = total
        var live: [Bool]?
        var deleted = 0
        for (k, set) in self.deletions.enumerated() {
            guard let set else { continue }
            if live == nil { live = Array(repeating: true, count: total) }
            for doc in 0..<segments[k].count where set.contains(doc) {
                live![bases[k] + doc] = false
                deleted += 1
            }
        }
        self.live = live
        liveCount = total - deleted
        averageLengths = IndexField.allCases.map { field in
            let sum = segments.reduce(0) { $0 + $1.fieldTotals[Int(field.rawValue)] }
            return total > 0 ? max(1, sum / Double(total)) : 1
        }
    }

    /// The segments whose terms another analyzer version than this build's made: queries may
    /// miss words there until the titles are analyzed again (`index --merge`).
    public var segmentsFromOtherAnalyzers: [Segment] {
        segments.filter { $0.analyzerVersion != Analyzer.version }
    }

    /// Whether document `doc` is not deleted.
    public func isLive(_ doc: Int) -> Bool { live?[doc] ?? true }

    /// The position in ``segments`` of the segment holding document `doc`.
    func segmentIndex(of doc: Int) -> Int {
        var k = bases.count - 1
        while k > 0 && bases[k] > doc { k -= 1 }
        return k
    }

    /// The segment holding document `doc`, and its number there.
    public func locate(_ doc: Int) -> (segment: Segment, local: Int) {
        let k = segmentIndex(of: doc)
        return (segments[k], doc - bases[k])
    }

    /// Every live title's id and document number.
    public func liveDocuments() -> [TitleID: Int] {
        var result: [TitleID: Int] = [:]
        result.reserveCapacity(liveCount)
        for (k, segment) in segments.enumerated() {
            for local in 0..<segment.count where isLive(bases[k] + local) {
                result[segment.titleID(local)] = bases[k] + local
            }
        }
        return result
    }

    /// Every live title's full record, in document order (format version 2 segments only).
    public func liveRecords() throws -> [TitleRecord] {
        var result: [TitleRecord] = []
        for (k, segment) in segments.enumerated() {
            for (local, record) in try segment.records().enumerated() where isLive(bases[k] + local) {
                result.append(record)
            }
        }
        return result
    }

    /// Every live title's full record, with the vector its segment keeps and the identity of
    /// the model that made it, in document order (format version 2 segments only).
    func liveRecordsAndVectors() throws -> [(TitleRecord, QuantizedVector?, String?)] {
        var result: [(TitleRecord, QuantizedVector?, String?)] = []
        for (k, segment) in segments.enumerated() {
            for (local, record) in try segment.records().enumerated() where isLive(bases[k] + local) {
                result.append((record, segment.vector(local), segment.embeddingIdentity))
            }
        }
        return result
    }

    // MARK: - Embeddings

    /// The identities of the models whose vectors the live segments hold.
    public var embeddingIdentities: Set<String> {
        Set(segments.filter { $0.count > 0 }.compactMap(\.embeddingIdentity))
    }

    /// Every live title's vector from the model `identity`, by id (titles another model
    /// embedded, or none, are left out).
    public func liveVectors(identity: String) -> [TitleID: [Float]] {
        var result: [TitleID: [Float]] = [:]
        for (k, segment) in segments.enumerated() where segment.embeddingIdentity == identity {
            for local in 0..<segment.count where isLive(bases[k] + local) {
                if let vector = segment.vector(local) { result[segment.titleID(local)] = vector.floats }
            }
        }
        return result
    }

    /// Live documents without a vector from the model `identity`.
    public func documentsWithoutVectors(from identity: String) -> Int {
        var missing = 0
        for (k, segment) in segments.enumerated() {
            for local in 0..<segment.count where isLive(bases[k] + local) {
                if segment.embeddingIdentity != identity || !segment.hasVector(local) { missing += 1 }
            }
        }
        return missing
    }

    /// The similarity of `query` (a unit vector of the model `identity`) to every document,
    /// by document number: the dot product with the document's stored vector, or minus infinity
    /// for a deleted document, one without a vector, or one another model embedded.
    public func similarities(to query: [Float], identity: String) -> [Float] {
        var scores = [Float](repeating: -.infinity, count: count)
        scores.withUnsafeMutableBufferPointer { out in
            query.withUnsafeBufferPointer { q in
                for (k, segment) in segments.enumerated()
                where segment.embeddingIdentity == identity && segment.embeddingDimension == query.count {
                    segment.dotProducts(q.baseAddress!, into: out.baseAddress! + bases[k])
                }
            }
        }
        if let live {
            for doc in 0..<count where !live[doc] { scores[doc] = -.infinity }
        }
        return scores
    }

    // MARK: - Reading across segments

    /// Where a term sits in each segment's term dictionary, per field: looked up once per query
    /// term, then read for its document frequency and its postings.
    struct TermSlots {
        /// `slots[field * segmentCount + k]`: the term's index in segment k, or -1.
        var slots: [Int]
        var segmentCount: Int
    }

    /// Looks `term` up in every field of every segment.
    func termSlots(_ term: String) -> TermSlots {
        var slots = [Int](repeating: -1, count: IndexField.allCases.count * segments.count)
        var term = term
        term.withUTF8 { bytes in
            for field in IndexField.allCases {
                for (k, segment) in segments.enumerated() {
                    if let index = segment.termIndex(field, bytes) {
                        slots[Int(field.rawValue) * segments.count + k] = index
                    }
                }
            }
        }
        return TermSlots(slots: slots, segmentCount: segments.count)
    }

    /// The number of documents holding the looked-up term in `field`, deleted ones included.
    func documentFrequency(_ term: TermSlots, _ field: IndexField) -> Int {
        var total = 0
        for (k, segment) in segments.enumerated() {
            let index = term.slots[Int(field.rawValue) * term.segmentCount + k]
            if index >= 0 { total += segment.documentFrequency(at: index) }
        }
        return total
    }

    /// Calls `body` with each live document holding the looked-up term in `field`, the frequency
    /// there and the field's length in that document.
    func forEachPosting(
        _ term: TermSlots, _ field: IndexField, _ body: (_ doc: Int, _ frequency: Int, _ length: Int) -> Void
    ) {
        for (k, segment) in segments.enumerated() {
            let index = term.slots[Int(field.rawValue) * term.segmentCount + k]
            guard index >= 0 else { continue }
            let base = bases[k]
            let live = self.live
            segment.forEachPosting(at: index) { local, frequency in
                let doc = base + local
                if live?[doc] ?? true { body(doc, frequency, segment.fieldLength(field, local)) }
            }
        }
    }

    /// The live documents holding `term` in `field`, with positions, in document order.
    func postings(_ field: IndexField, _ term: String) -> [Segment.Posting] {
        var result: [Segment.Posting] = []
        for (k, segment) in segments.enumerated() {
            for var posting in segment.postings(field, term) {
                posting.doc += bases[k]
                if isLive(posting.doc) { result.append(posting) }
            }
        }
        return result
    }

    /// The live documents carrying `tag` with their scores, in document order.
    func facetPostings(_ tag: String) -> [(doc: Int, score: Double)] {
        var result: [(doc: Int, score: Double)] = []
        for (k, segment) in segments.enumerated() {
            for (local, score) in segment.facetPostings(tag) where isLive(bases[k] + local) {
                result.append((bases[k] + local, score))
            }
        }
        return result
    }

    /// Every facet tag in the snapshot (sorted) and, per document, the tags it carries (as
    /// positions in that list) with their scores. Deleted documents carry none.
    public func documentFacets() -> (tags: [String], documents: [[(tag: Int, score: Double)]]) {
        var postingsByTag: [String: [(doc: Int, score: Double)]] = [:]
        for (k, segment) in segments.enumerated() {
            segment.forEachFacet { tag, postings in
                for (local, score) in postings where isLive(bases[k] + local) {
                    postingsByTag[tag, default: []].append((bases[k] + local, score))
                }
            }
        }
        let tags = postingsByTag.keys.sorted()
        var documents = [[(tag: Int, score: Double)]](repeating: [], count: count)
        for (index, tag) in tags.enumerated() {
            for (doc, score) in postingsByTag[tag]! { documents[doc].append((index, score)) }
        }
        return (tags, documents)
    }

    /// The title id of document `doc`.
    public func titleID(_ doc: Int) -> TitleID {
        let (segment, local) = locate(doc)
        return segment.titleID(local)
    }

    /// The display fields of document `doc` (JSON).
    public func storedJSON(_ doc: Int) -> String {
        let (segment, local) = locate(doc)
        return segment.storedJSON(local)
    }

    public func year(_ doc: Int) -> Int? {
        let (segment, local) = locate(doc)
        return segment.year(local)
    }

    public func kind(_ doc: Int) -> TitleKind {
        let (segment, local) = locate(doc)
        return segment.kind(local)
    }

    public func rating(_ doc: Int) -> (system: Int, rank: Int)? {
        let (segment, local) = locate(doc)
        return segment.rating(local)
    }

    public func runtime(_ doc: Int) -> Int? {
        let (segment, local) = locate(doc)
        return segment.runtime(local)
    }
}
