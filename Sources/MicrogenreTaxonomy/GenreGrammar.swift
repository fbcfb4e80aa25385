import MicrogenreCore
import MicrogenreText

/// A person slot of a micro-genre name: "starring X", "directed by X", "created by X",
/// "based on a work by X".
public struct PersonSlot: Sendable, Hashable {
    /// How the person is credited.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case starring
        case directedBy = "directed by"
        case createdBy = "created by"
        case basedOnWorkBy = "based on a work by"
    }

    /// The credit.
    public var role: Role
    /// The person's name as written.
    public var name: String

    /// Creates a person slot.
    public init(role: Role, name: String) {
        self.role = role
        self.name = name
    }
}

/// What a micro-genre name says: its facets (tags), an optional person, and the words the
/// taxonomy did not understand.
public struct ParsedGenreName: Sendable, Hashable {
    /// The name as given.
    public var name: String
    /// The tags found, in the order they appear.
    public var tags: [TagID]
    /// A "starring/directed by/created by" person, if any.
    public var person: PersonSlot?
    /// Words that no taxonomy phrase covers (stopwords never count).
    public var unknownWords: [String]

    /// Every word understood, and at least one facet or person found.
    public var isComplete: Bool { unknownWords.isEmpty && (!tags.isEmpty || person != nil) }
}

/// The micro-genre grammar: renders a set of tags as a name in Netflix's order
/// ("Critically-acclaimed Dark Workplace Comedies"), and parses names back into tags.
///
/// Order: acclaim, region, tone, descriptor, subject, genre modifiers, the TV format, the head
/// noun (a genre's plural noun, else a format's), then the phrases about, source, setting, era,
/// audience and lead, then a person. Names are at most ``maximumLength`` characters.
public struct GenreGrammar {
    /// The longest name rendered.
    public static let maximumLength = 50

    /// The taxonomy the grammar speaks.
    public let taxonomy: Taxonomy
    private let analyzer: Analyzer

    /// Creates a grammar over `taxonomy`.
    public init(taxonomy: Taxonomy) throws {
        self.taxonomy = taxonomy
        analyzer = try Analyzer(options: AnalyzerOptions(stem: true, removeStopwords: false, catenateHyphenated: true))
    }

    // MARK: - Parsing

    /// Parses a name into tags, a person and the words left unknown.
    public func parse(_ name: String) -> ParsedGenreName {
        var text = name
        var person: PersonSlot?
        let characters = Array(name)
        let lower = characters.map { $0.lowercased().first ?? $0 }
        search: for role in PersonSlot.Role.allCases {
            let marker = Array(role.rawValue + " ")
            guard marker.count <= lower.count else { continue }
            for start in 0...(lower.count - marker.count) where start == 0 || lower[start - 1] == " " {
                guard Array(lower[start..<(start + marker.count)]) == marker else { continue }
                let personName = String(characters[(start + marker.count)...]).trimmed
                if !personName.isEmpty {
                    person = PersonSlot(role: role, name: personName)
                    text = String(characters[..<start])
                    break search
                }
            }
        }
        let tokens = taxonomy.names.tokens(of: text, analyzer: analyzer)
        let matches = taxonomy.names.matches(in: tokens)
        var tags: [TagID] = []
        for match in matches {
            for entry in match.entries where !tags.contains(taxonomy.tags[entry.tag].id) {
                tags.append(taxonomy.tags[entry.tag].id)
            }
        }
        let bytes = Array(text.utf8)
        var unknown: [String] = []
        for token in tokens where !token.isCompound && !token.isStopword {
            if !matches.contains(where: { $0.start <= token.start && token.end <= $0.end }) {
                unknown.append(String(decoding: bytes[token.start..<token.end], as: UTF8.self))
            }
        }
        return ParsedGenreName(name: name, tags: tags, person: person, unknownWords: unknown)
    }

    // MARK: - Rendering

    /// The name of a micro-genre made of `tags` (and `person`), or nil when the tags have no
    /// head noun, two tags want the same place, or the name would exceed ``maximumLength``.
    public func render(_ tags: [TagID], person: PersonSlot? = nil) -> String? {
        let resolved = tags.compactMap { id in taxonomy.index(of: id).map { (index: $0, tag: taxonomy.tags[$0]) } }
        guard resolved.count == tags.count else { return nil }
        // The head noun: the first genre in taxonomy order that has one; else a format's noun.
        let genres = resolved.filter { $0.tag.slot == .genre }.sorted { $0.index < $1.index }
        let head = genres.first { $0.tag.noun != nil }
        let formats = resolved.filter { $0.tag.slot == .format }
        var words: [String] = []
        var phrases: [String] = []
        for slot in Slot.allCases where slot != .genre && slot != .format && slot != .person {
            let inSlot = resolved.filter { $0.tag.slot == slot }.sorted { $0.index < $1.index }
            for item in inSlot {
                guard let form = item.tag.form else { return nil }
                if slot.isBeforeNoun { words.append(form) } else { phrases.append(form) }
            }
        }
        for genre in genres where genre.index != head?.index {
            guard let modifier = genre.tag.modifier else { return nil }
            words.append(modifier)
        }
        if let head, let noun = head.tag.noun {
            for format in formats {
                // A format before a genre noun is its adjective form ("TV Dramas"); a format
                // without one cannot join a genre.
                guard let form = format.tag.form else { return nil }
                words.append(form)
            }
            words.append(noun)
        } else {
            guard formats.count == 1, let noun = formats[0].tag.noun else { return nil }
            words.append(noun)
        }
        var name = (words + phrases).joined(separator: " ")
        if let person { name += " \(person.role.rawValue) \(person.name)" }
        return name.count <= Self.maximumLength ? name : nil
    }
}
