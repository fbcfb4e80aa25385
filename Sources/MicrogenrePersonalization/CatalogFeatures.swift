public import MicrogenreCore
public import MicrogenreIndex

/// What personalization needs to know about every title: its id, its facet vector (the
/// tagger's scores weighted by inverse document frequency, so rare facets say more than
/// "Movies") and its runtime, by document number.
public struct CatalogFeatures: Sendable {
    /// Title ids by document number.
    public let ids: [TitleID]
    /// Whether each document is live (deleted documents are never recommended).
    public let live: [Bool]
    /// Facet tag ids; vectors refer to them by position.
    public let tags: [String]
    /// Per document: (tag position, score x idf), sorted by tag position.
    public let vectors: [[(tag: Int, weight: Double)]]
    /// Per document: the raw tagger scores (tag position, score).
    public let scores: [[(tag: Int, score: Double)]]
    /// Per document: the Euclidean norm of its vector.
    public let norms: [Double]
    /// Per document: the runtime in seconds, when the feed gave one.
    public let runtimes: [Int?]
    /// Document numbers by title id. Ids of duplicates (see ``canonical``) map to the canonical document.
    public let documents: [TitleID: Int]
    /// Per document: the document it duplicates (the same display title, year and kind under
    /// another id, as redirects and re-released entries in real catalogs are), or itself.
    /// Only canonical documents are recommended.
    public let canonical: [Int]

    /// Builds the features from raw per-document data.
    public init(
        ids: [TitleID], tags: [String], scores: [[(tag: Int, score: Double)]], runtimes: [Int?], live: [Bool]? = nil,
        displayKeys: [String]? = nil
    ) {
        self.ids = ids
        self.tags = tags
        self.runtimes = runtimes
        let live = live ?? Array(repeating: true, count: ids.count)
        self.live = live
        var frequency = [Int](repeating: 0, count: tags.count)
        for document in scores { for entry in document where entry.score >= 0.5 { frequency[entry.tag] += 1 } }
        let total = Double(max(1, live.filter { $0 }.count))
        let idf = frequency.map { log((total + 1) / (Double($0) + 1)) + 0.1 }
        var vectors: [[(tag: Int, weight: Double)]] = []
        var norms: [Double] = []
        vectors.reserveCapacity(ids.count)
        for document in scores {
            let vector = document.sorted { $0.tag < $1.tag }.map { (tag: $0.tag, weight: $0.score * idf[$0.tag]) }
            vectors.append(vector)
            norms.append(vector.reduce(0) { $0 + $1.weight * $1.weight }.squareRoot())
        }
        self.vectors = vectors
        self.norms = norms
        self.scores = scores
        var canonical = Array(ids.indices)
        if let displayKeys {
            var first: [String: Int] = [:]
            for doc in ids.indices where live[doc] {
                if let earlier = first[displayKeys[doc]] {
                    canonical[doc] = earlier
                } else {
                    first[displayKeys[doc]] = doc
                }
            }
        }
        self.canonical = canonical
        var documents: [TitleID: Int] = [:]
        documents.reserveCapacity(ids.count)
        for (doc, id) in ids.enumerated() where live[doc] { documents[id] = canonical[doc] }
        self.documents = documents
    }

    /// Reads the features of every document of an index snapshot.
    public init(index: IndexReader) {
        let (tags, facets) = index.documentFacets()
        var ids: [TitleID] = []
        var runtimes: [Int?] = []
        var live: [Bool] = []
        var keys: [String] = []
        ids.reserveCapacity(index.count)
        for doc in 0..<index.count {
            ids.append(index.titleID(doc))
            runtimes.append(index.runtime(doc).map { $0 * 60 })
            live.append(index.isLive(doc))
            keys.append(Self.displayKey(index.storedJSON(doc)))
        }
        self.init(ids: ids, tags: tags, scores: facets, runtimes: runtimes, live: live, displayKeys: keys)
    }

    /// The stored display fields after the id (`"title":..,"year":..,"kind":..`).
    static func displayKey(_ stored: String) -> String {
        let bytes = Array(stored.utf8)
        let marker = Array(",\"title\":".utf8)
        guard bytes.count > marker.count else { return stored }
        for start in 0...(bytes.count - marker.count)
        where bytes[start] == 0x2C && bytes[start..<(start + marker.count)].elementsEqual(marker) {
            return String(decoding: bytes[start...], as: UTF8.self)
        }
        return stored
    }

    /// Number of documents.
    public var count: Int { ids.count }

    /// Cosine similarity of two documents' facet vectors.
    public func similarity(_ a: Int, _ b: Int) -> Double {
        let denominator = norms[a] * norms[b]
        guard denominator > 0 else { return 0 }
        return dot(vectors[a], vectors[b]) / denominator
    }

    /// The dot product of two sparse vectors sorted by tag.
    func dot(_ x: [(tag: Int, weight: Double)], _ y: [(tag: Int, weight: Double)]) -> Double {
        var i = 0
        var j = 0
        var sum = 0.0
        while i < x.count && j < y.count {
            if x[i].tag == y[j].tag {
                sum += x[i].weight * y[j].weight
                i += 1
                j += 1
            } else if x[i].tag < y[j].tag {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }
}

#if canImport(Glibc)
    import Glibc
#endif
