public import MicrogenreCore
public import MicrogenreTaxonomy

/// What the index keeps of one title: its text by field, its facet scores, the values filters
/// read, and what results display.
public struct IndexDocument: Sendable {
    /// The title's id.
    public var id: TitleID
    /// The record, for its text, values and display fields.
    public var record: TitleRecord
    /// Tag scores from the tagger (scores under 0.05 are not kept).
    public var facets: [(tag: TagID, score: Double)]

    /// Creates a document.
    public init(record: TitleRecord, facets: [(tag: TagID, score: Double)]) {
        id = record.id
        self.record = record
        self.facets = facets
    }

    /// The UTF-8 bytes of every field's text: the raw text the index holds.
    public var fieldTextBytes: Int { fieldTexts.reduce(0) { $0 + $1.1.utf8.count } }

    /// The text of each field.
    var fieldTexts: [(IndexField, String)] {
        var texts: [(IndexField, String)] = [(.title, record.title)]
        for alternate in [record.subtitle, record.originalTitle].compactMap({ $0 }) {
            texts.append((.alternateTitles, alternate))
        }
        for synopsis in record.synopses { texts.append((.synopsis, synopsis.text)) }
        if !record.people.isEmpty { texts.append((.people, record.people.map(\.name).joined(separator: ". "))) }
        let keywords = record.genres + record.keywords
        if !keywords.isEmpty { texts.append((.keywords, keywords.joined(separator: ". "))) }
        return texts
    }
}
