public import MicrogenreCore
public import MicrogenreTaxonomy
import MicrogenreText

/// One run of `microgenre index`: titles to upsert, ids to delete, and how to fold them in.
///
/// An upsert writes the new and changed titles as one new segment and marks the titles they
/// replace (and the deleted ones) in the older segments' deletion files. When the index would
/// hold more than ``maximumSegments`` segments, or more than ``maximumDeletedShare`` of its
/// documents are deleted, or ``merge`` is set, every live title is written into one new segment
/// instead (a merge), from the full records the segments keep.
public struct IndexUpdate {
    /// The titles to add or replace, by id.
    public var records: [TitleRecord]
    /// Ids to remove.
    public var deletions: Set<TitleID>
    /// Make the index hold exactly ``records``.
    public var replace = false
    /// Merge every segment into one now.
    public var merge = false
    /// Merge when an update would leave more segments than this.
    public var maximumSegments = 8
    /// Merge when more than this share of the documents is deleted.
    public var maximumDeletedShare = 0.3
    /// How titles are embedded (nil: the new segment keeps no vectors; a merge still copies
    /// those the old segments hold when they all come from one model).
    public var embedding: TitleEmbedding?

    /// Creates an update.
    public init(records: [TitleRecord], deletions: Set<TitleID> = [], replace: Bool = false, merge: Bool = false) {
        self.records = records
        self.deletions = deletions
        self.replace = replace
        self.merge = merge
    }
}

/// How an index update embeds titles: the identity of the model (recorded in each segment, so
/// that vectors from another model are never compared with this one's) and a function from
/// records to their vectors, one per record, in order. The index never sees the model itself.
public struct TitleEmbedding {
    /// The model's identity (``Segment/embeddingIdentity`` of the segments it writes).
    public var identity: String
    /// The vectors of the records, in order.
    public var embed: ([TitleRecord]) -> [[Float]]

    /// Creates an embedding step.
    public init(identity: String, embed: @escaping ([TitleRecord]) -> [[Float]]) {
        self.identity = identity
        self.embed = embed
    }
}

/// What an update did.
public struct IndexUpdateSummary: Sendable {
    /// Titles that were new.
    public var added = 0
    /// Titles that replaced an indexed title with the same id.
    public var replaced = 0
    /// Indexed titles removed by ``IndexUpdate/deletions``.
    public var deleted = 0
    /// Ids to delete that the index did not hold.
    public var missing: [TitleID] = []
    /// Whether every segment was merged into one.
    public var merged = false
    /// Whether the merge analyzed titles again because another analyzer version made them.
    public var reanalyzed = false
    /// Titles embedded by the model in this update.
    public var embedded = 0
    /// Vectors a merge copied from the old segments, unchanged.
    public var vectorsCopied = 0
    /// Whether the merge embedded titles again because their vectors came from another model
    /// (or from none).
    public var reembedded = false
    /// Titles written into the new segment.
    public var written = 0
    /// Bytes of the new segment.
    public var segmentBytes = 0
    /// Titles of the index afterwards.
    public var titles = 0
    /// Segments of the index afterwards.
    public var segments = 0

    /// An empty summary.
    public init() {}
}

extension IndexDirectory {
    /// Applies `update`, scoring each title written with `facets` (the tagger, given the
    /// title's vector as the segment keeps it, when it has one) and reporting progress as
    /// (titles written, titles to write).
    public func apply(
        _ update: IndexUpdate, facets: (TitleRecord, TitleVector?) -> [(tag: TagID, score: Double)],
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> IndexUpdateSummary {
        var summary = IndexUpdateSummary()
        let incoming = update.records.filter { !update.deletions.contains($0.id) }
        let updatedIDs = Set(update.records.map(\.id))
        // `carried[k]`: the vector records[k] keeps from an old segment, if any.
        func write(_ records: [TitleRecord], carried: [QuantizedVector?] = [], identity carriedIdentity: String? = nil)
            throws -> [UInt8]
        {
            var writer = try SegmentWriter()
            var vectors = records.indices.map { $0 < carried.count ? carried[$0] : nil }
            if let embedding = update.embedding {
                writer.embeddingIdentity = embedding.identity
                let missing = records.indices.filter { vectors[$0] == nil }
                if !missing.isEmpty {
                    let made = embedding.embed(missing.map { records[$0] })
                    precondition(made.count == missing.count, "the embedding step must give one vector per record")
                    for (k, index) in missing.enumerated() { vectors[index] = QuantizedVector(made[k]) }
                    summary.embedded = missing.count
                }
            } else {
                writer.embeddingIdentity = carriedIdentity
            }
            summary.vectorsCopied = vectors.count - summary.embedded - vectors.filter { $0 == nil }.count
            let identity = writer.embeddingIdentity
            for (k, record) in records.enumerated() {
                let vector = identity.flatMap { identity in
                    vectors[k].map { TitleVector(identity: identity, values: $0.floats) }
                }
                writer.add(IndexDocument(record: record, facets: facets(record, vector), embedding: vectors[k]))
                if k % 500 == 0 { progress(k, records.count) }
            }
            progress(records.count, records.count)
            summary.written = records.count
            let bytes = writer.finish()
            summary.segmentBytes = bytes.count
            return bytes
        }
        try self.update { current in
            let snapshot = update.replace ? nil : try current()
            guard let snapshot else {
                summary.added = incoming.count
                summary.missing = update.deletions.sorted { $0.rawValue < $1.rawValue }
                summary.titles = incoming.count
                return Change(replaceAll: true, segment: try write(incoming))
            }
            let indexed = snapshot.liveDocuments()
            var deletions: [Int] = []
            for record in incoming {
                if let doc = indexed[record.id] {
                    deletions.append(doc)
                    summary.replaced += 1
                } else {
                    summary.added += 1
                }
            }
            for id in update.deletions.sorted(by: { $0.rawValue < $1.rawValue }) {
                if let doc = indexed[id] {
                    deletions.append(doc)
                    summary.deleted += 1
                } else if !updatedIDs.contains(id) {
                    summary.missing.append(id)
                }
            }
            summary.titles = snapshot.liveCount - deletions.count + incoming.count
            let deletedShare =
                Double(snapshot.count - summary.titles + incoming.count)
                / Double(max(1, snapshot.count + incoming.count))
            let segmentsAfter = snapshot.segments.count + (incoming.isEmpty ? 0 : 1)
            let mergeable = snapshot.segments.allSatisfy { $0.formatVersion >= 2 }
            // Segments another analyzer version made are analyzed again by a merge, so that
            // every term in the index is one this build's queries look up.
            let reanalyze = !snapshot.segmentsFromOtherAnalyzers.isEmpty
            // Vectors of another model, or none, are embedded again by a merge, so that every
            // vector of the index compares with this model's queries.
            let reembed =
                update.embedding.map { embedding in
                    snapshot.segments.contains { $0.count > 0 && $0.embeddingIdentity != embedding.identity }
                } ?? false
            if update.merge
                || (mergeable
                    && (segmentsAfter > update.maximumSegments || deletedShare > update.maximumDeletedShare
                        || reanalyze || reembed))
            {
                // Every live title but the replaced and deleted ones, then the incoming ones,
                // each keeping its vector when the model that made it is the one in use.
                let identities = Set(snapshot.segments.compactMap(\.embeddingIdentity))
                let keep = update.embedding?.identity ?? (identities.count == 1 ? identities.first : nil)
                var records: [TitleRecord] = []
                var carried: [QuantizedVector?] = []
                for (record, vector, identity) in try snapshot.liveRecordsAndVectors()
                where !updatedIDs.contains(record.id) && !update.deletions.contains(record.id) {
                    records.append(record)
                    carried.append(keep != nil && identity == keep ? vector : nil)
                }
                summary.merged = true
                summary.reanalyzed = reanalyze
                summary.reembedded = reembed
                return Change(
                    replaceAll: true, segment: try write(records + incoming, carried: carried, identity: keep))
            }
            return Change(deletions: deletions, segment: incoming.isEmpty ? nil : try write(incoming))
        }
        summary.segments = try entries().count
        return summary
    }
}
