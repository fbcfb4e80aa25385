/// The text fields of an indexed title, each with its BM25F weight.
public enum IndexField: UInt8, Sendable, Hashable, CaseIterable {
    /// The display title.
    case title = 0
    /// Subtitle and original title.
    case alternateTitles = 1
    /// Synopses.
    case synopsis = 2
    /// Credited people.
    case people = 3
    /// The feed's genres and keywords.
    case keywords = 4

    /// How much a match in this field counts, relative to the synopsis.
    public var weight: Double {
        switch self {
        case .title: 3.0
        case .alternateTitles: 2.0
        case .synopsis: 1.0
        case .people: 2.5
        case .keywords: 1.5
        }
    }

    /// BM25F's length normalization for this field.
    public var b: Double {
        switch self {
        case .title, .alternateTitles: 0.5
        case .synopsis: 0.75
        case .people, .keywords: 0.3
        }
    }
}
