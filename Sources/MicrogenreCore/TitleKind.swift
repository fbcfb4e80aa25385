/// What sort of work a title record describes.
public enum TitleKind: String, Sendable, Hashable, CaseIterable {
    case movie
    case series
    case season
    case episode
    case special

    /// Parses a kind name case-insensitively, accepting the common synonyms feeds use.
    public init?(name: String) {
        switch name.lowercased() {
        case "movie", "film", "feature", "featurefilm", "feature film", "short", "shortfilm": self = .movie
        case "series", "show", "tvshow", "tv show", "programme", "program", "serial": self = .series
        case "season": self = .season
        case "episode": self = .episode
        case "special", "promotion", "supplemental", "bonus", "trailer", "clip", "event": self = .special
        default: return nil
        }
    }
}
