public import MicrogenreCore

/// Collects records from any number of feeds into one catalog keyed by id: when an id comes
/// again, the later record replaces the earlier one in place ("last wins") and a warning names
/// both places.
public struct CatalogBuilder: Sendable {
    /// The records, in the order their ids first appeared.
    public private(set) var records: [TitleRecord] = []
    /// How many records replaced an earlier one with the same id.
    public private(set) var duplicates = 0
    private var positions: [TitleID: Int] = [:]

    /// Creates an empty catalog.
    public init() {}

    /// Adds `record`; returns a warning when it replaces an earlier record with the same id.
    public mutating func add(_ record: TitleRecord) -> Diagnostic? {
        guard let position = positions[record.id] else {
            positions[record.id] = records.count
            records.append(record)
            return nil
        }
        let earlier = records[position]
        records[position] = record
        duplicates += 1
        let here = record.source ?? SourceLocation(file: "?", line: 0)
        let there = earlier.source.map(\.description) ?? "an earlier record"
        return Diagnostic(
            .warning, at: here, "duplicate id '\(record.id)': this title replaces the one at \(there) (last wins)")
    }

    /// The record with `id`, if any.
    public subscript(id: TitleID) -> TitleRecord? { positions[id].map { records[$0] } }
}
