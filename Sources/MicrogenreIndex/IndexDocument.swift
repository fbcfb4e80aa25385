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
    /// The title's sentence embedding, or nil.
    public var embedding: QuantizedVector?

    /// Creates a document.
    public init(record: TitleRecord, facets: [(tag: TagID, score: Double)], embedding: QuantizedVector? = nil) {
        id = record.id
        self.record = record
        self.facets = facets
        self.embedding = embedding
    }

    /// The UTF-8 bytes of every field's text: the raw text the index holds (the values of a
    /// list counted as if joined by ". ").
    public var fieldTextBytes: Int {
        fieldTexts.reduce(0) { total, entry in
            total + entry.values.reduce(0) { $0 + $1.utf8.count } + 2 * (entry.values.count - 1)
        }
    }

    /// The text of each field. The values of one entry (a title's people, its genres and
    /// keywords) are analyzed as one text whose positions run on from value to value, without
    /// joining them into a new string.
    var fieldTexts: [(field: IndexField, values: [String])] {
        var texts: [(field: IndexField, values: [String])] = [(.title, [record.title])]
        for alternate in [record.subtitle, record.originalTitle].compactMap({ $0 }) {
            texts.append((.alternateTitles, [alternate]))
        }
        for synopsis in record.synopses { texts.append((.synopsis, [synopsis.text])) }
        if !record.people.isEmpty { texts.append((.people, record.people.map(\.name))) }
        let keywords = record.genres + record.keywords
        if !keywords.isEmpty { texts.append((.keywords, keywords)) }
        return texts
    }
}
