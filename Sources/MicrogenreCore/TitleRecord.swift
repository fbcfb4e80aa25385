/// One title as every feed format maps it: the common record the whole pipeline works on.
public struct TitleRecord: Sendable, Hashable {
    /// The title's identifier, unique within a catalog.
    public var id: TitleID
    /// Movie, series, season, episode or special.
    public var kind: TitleKind
    /// The display title.
    public var title: String
    /// An episode's own title or a secondary title ("Thanksgiving" for an episode of "Veep").
    public var subtitle: String?
    /// The title in its original language, when the feed gives one that differs.
    public var originalTitle: String?
    /// Year of first release.
    public var year: Int?
    /// Synopses of any length and language.
    public var synopses: [Synopsis]
    /// Genres exactly as the source names them.
    public var genres: [String]
    /// Keywords and tags exactly as the source gives them.
    public var keywords: [String]
    /// Cast and crew.
    public var people: [Credit]
    /// Countries of origin (ISO 3166 codes or names, as given).
    public var countries: [String]
    /// Spoken languages (BCP 47 codes or names, as given).
    public var languages: [String]
    /// Maturity rating.
    public var rating: MaturityRating?
    /// Running time in minutes.
    public var runtimeMinutes: Int?
    /// For seasons and episodes: the series or season the title belongs to.
    public var parentID: TitleID?
    /// Season number, for seasons and episodes.
    public var seasonNumber: Int?
    /// Episode number within its season.
    public var episodeNumber: Int?
    /// Where the record starts in its feed.
    public var source: SourceLocation?

    /// Creates a record; everything but id, kind and title is optional. Inlinable, so that a
    /// feed mapper builds the record in place instead of copying every field through a call.
    @inlinable public init(
        id: TitleID, kind: TitleKind, title: String, subtitle: String? = nil, originalTitle: String? = nil,
        year: Int? = nil,
        synopses: [Synopsis] = [], genres: [String] = [], keywords: [String] = [], people: [Credit] = [],
        countries: [String] = [], languages: [String] = [], rating: MaturityRating? = nil,
        runtimeMinutes: Int? = nil, parentID: TitleID? = nil, seasonNumber: Int? = nil,
        episodeNumber: Int? = nil, source: SourceLocation? = nil
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.subtitle = subtitle
        self.originalTitle = originalTitle
        self.year = year
        self.synopses = synopses
        self.genres = genres
        self.keywords = keywords
        self.people = people
        self.countries = countries
        self.languages = languages
        self.rating = rating
        self.runtimeMinutes = runtimeMinutes
        self.parentID = parentID
        self.seasonNumber = seasonNumber
        self.episodeNumber = episodeNumber
        self.source = source
    }

    /// The longest synopsis, preferring the given language when one is present.
    public func bestSynopsis(language: String? = nil) -> Synopsis? {
        let candidates = language.map { lang in synopses.filter { $0.language == lang } } ?? []
        return (candidates.isEmpty ? synopses : candidates).max { $0.text.utf8.count < $1.text.utf8.count }
    }
}

/// A synopsis of a title.
public struct Synopsis: Sendable, Hashable {
    /// How long a synopsis the source meant this to be.
    public enum Length: String, Sendable, Hashable, CaseIterable {
        case short, medium, long
    }

    /// Short, medium or long.
    public var length: Length
    /// The language tag, when the feed gives one.
    public var language: String?
    /// The synopsis text.
    public var text: String

    /// Creates a synopsis.
    @inlinable public init(length: Length, language: String? = nil, text: String) {
        self.length = length
        self.language = language
        self.text = text
    }
}

/// A person credited on a title.
public struct Credit: Sendable, Hashable {
    /// What the person did.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case cast, director, writer, creator, producer, composer, presenter, other
    }

    /// The person's display name.
    public var name: String
    /// Their role.
    public var role: Role
    /// The character played, for cast.
    public var character: String?

    /// Creates a credit.
    @inlinable public init(name: String, role: Role, character: String? = nil) {
        self.name = name
        self.role = role
        self.character = character
    }
}

/// A maturity rating in a named rating system ("MPAA" "PG-13", "TVPG" "TV-MA", "BBFC" "15").
public struct MaturityRating: Sendable, Hashable {
    /// The rating system.
    public var system: String
    /// The rating within that system.
    public var value: String

    /// Creates a rating.
    @inlinable public init(system: String, value: String) {
        self.system = system
        self.value = value
    }
}
