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

    /// Creates an update.
    public init(records: [TitleRecord], deletions: Set<TitleID> = [], replace: Bool = false, merge: Bool = false) {
        self.records = records
        self.deletions = deletions
        self.replace = replace
        self.merge = merge
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
    /// Applies `update`, scoring each title written with `facets` (the tagger) and reporting
    /// progress as (titles written, titles to write).
    public func apply(
        _ update: IndexUpdate, facets: (TitleRecord) -> [(tag: TagID, score: Double)],
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> IndexUpdateSummary {
        var summary = IndexUpdateSummary()
        let incoming = update.records.filter { !update.deletions.contains($0.id) }
        let updatedIDs = Set(update.records.map(\.id))
        func write(_ records: [TitleRecord]) throws -> [UInt8] {
            var writer = try SegmentWriter()
            for (k, record) in records.enumerated() {
                writer.add(IndexDocument(record: record, facets: facets(record)))
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
            if update.merge
                || (mergeable
                    && (segmentsAfter > update.maximumSegments || deletedShare > update.maximumDeletedShare
                        || reanalyze))
            {
                // Every live title but the replaced and deleted ones, then the incoming ones.
                let records = try snapshot.liveRecords().filter {
                    !updatedIDs.contains($0.id) && !update.deletions.contains($0.id)
                }
                summary.merged = true
                summary.reanalyzed = reanalyze
                return Change(replaceAll: true, segment: try write(records + incoming))
            }
            return Change(deletions: deletions, segment: incoming.isEmpty ? nil : try write(incoming))
        }
        summary.segments = try entries().count
        return summary
    }
}
