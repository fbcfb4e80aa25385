public import MicrogenreCore

/// The stable identifier of a taxonomy tag (`dark`, `comedies`, `strong-female-lead`).
public struct TagID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id text.
    public var rawValue: String

    /// Wraps an id string.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func < (lhs: TagID, rhs: TagID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A group of tags that describe one aspect of a title (tone, genre, region ...).
public struct Facet: Sendable, Hashable {
    /// The facet's id (`tone`).
    public var id: String
    /// Its display name (`Tone and mood`).
    public var name: String
    /// The grammar slot its tags take unless they say otherwise.
    public var slot: Slot
}

/// Proper names whose words say nothing of a title (studios, distributors, publishers: a
/// `names` block), or other phrases that say nothing of it (mentions of later works: an
/// `ignore` block): the tagger reads no synonym or cue inside them ("20th Century Fox" is no
/// 20th-century film, "followed by a sequel" no sequel).
public struct ProperNames: Sendable, Hashable {
    /// The block's id (`studios`).
    public var id: String
    /// `names` or `ignore`.
    public var keyword: String
    /// The names, as written in the taxonomy.
    public var phrases: [String]
    /// Where the block is defined.
    public var location: SourceLocation
}

/// Phrases that name several tags at once, in micro-genre names, queries, feed genres and
/// synopses alike (a `combined` block): "black comedy" is Dark and Comedies, where its word
/// "black" alone would name African-American.
public struct CombinedPhrases: Sendable, Hashable {
    /// The block's id (`black-comedy`).
    public var id: String
    /// The phrases, as written in the taxonomy.
    public var phrases: [String]
    /// The tags each phrase names, two or more.
    public var tags: [TagID]
    /// Where the block is defined.
    public var location: SourceLocation
}

/// One facet value: its forms for names, the phrases that name or suggest it, its parents.
public struct Tag: Sendable, Hashable {
    /// The stable id.
    public var id: TagID
    /// The facet it belongs to.
    public var facet: String
    /// Where it goes in a micro-genre name.
    public var slot: Slot
    /// The adjective or phrase written in its slot (`Dark`, `based on Books`).
    public var form: String?
    /// For genres and formats: the plural head noun (`Comedies`).
    public var noun: String?
    /// For genres: the form used before another genre's noun (`Crime`).
    public var modifier: String?
    /// Phrases that name the tag.
    public var synonyms: [String]
    /// Phrases in a synopsis that suggest the tag.
    public var cues: [String]
    /// Tags this one implies.
    public var parents: [TagID]
    /// ISO 3166 country codes that imply the tag (region tags).
    public var countries: [String]
    /// BCP 47 language subtags that imply the tag (language tags).
    public var languages: [String]
    /// Whether the tagger may infer the tag from synopsis text; tags such as "Movies" come
    /// from metadata only.
    public var inferredFromText: Bool = true
    /// Phrases that name the tag in micro-genre names, queries, feed genres and keywords, but
    /// that a synopsis uses for other things ("black" in "black-and-white", "hit" in "hit man"):
    /// synonyms the tagger does not read in synopses.
    public var nameSynonyms: [String] = []
    /// Phrases in a synopsis that speak against the tag, as a negation does ("box office bomb"
    /// against Blockbuster).
    public var against: [String] = []
    /// Words of the tag's phrases that, capitalized right after another capitalized word, are
    /// part of a name ("Stephen King", "the Cisco Kid", "Our Gang", "Fuzzy Knight"): the tagger
    /// does not read them there.
    public var nameWords: [String] = []
    /// People whose name in a synopsis names the tag, even where the synopsis credits them
    /// ("based on the novel by Charles Dickens" of Classic Literature).
    public var people: [String] = []
    /// Phrases that name the tag in a synopsis only, not in names and queries, where they would
    /// hide another facet ("dark fantasy" names Dark in a synopsis, but "Dark Fantasy Movies" is
    /// Dark and Fantasy).
    public var textSynonyms: [String] = []
    /// How many years old a title must be before its synopsis, title or the learned model can
    /// give it the tag (a classic is an older title, not a recent one whose synopsis mentions "a
    /// classic"); feed genres and keywords give it at any age. Nil: any age.
    public var minimumAge: Int?
    /// The phrases of `combined` blocks that name this tag together with others ("black comedy"
    /// of Dark and of Comedies).
    public var combinedPhrases: [String] = []
    /// One line saying what the tag means, for readers and for meaning: a title whose
    /// embedding lies near its description's is evidence of the tag where too few titles name
    /// it for a classifier to learn it ("Atmospheric: moody films whose place, light and sound
    /// ...").
    public var description: String?
    /// Where the description is written.
    public var descriptionLocation: SourceLocation?
    /// Where the tag is defined.
    public var location: SourceLocation
    /// Where each phrase of the tag is written (the line of its field).
    public var phraseLocations: [String: SourceLocation] = [:]

    /// Every phrase that names the tag: its forms and synonyms, name-only ones included.
    public var namingPhrases: [String] { [form, noun, modifier].compactMap { $0 } + synonyms + nameSynonyms }

    /// Every phrase that names or suggests the tag anywhere: naming phrases, text-only synonyms,
    /// people, cues and the combined phrases that name it with other tags (not the phrases that
    /// speak against it).
    public var supportingPhrases: [String] { namingPhrases + textSynonyms + people + cues + combinedPhrases }
}
