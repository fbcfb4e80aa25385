public import MicrogenreCore
public import MicrogenreTaxonomy

#if canImport(Glibc)
    import Glibc
#endif

/// A micro-genre found in a catalog: its facets, its name, and the titles that fit it.
public struct MinedGenre: Sendable, Hashable {
    /// The facets, in taxonomy order.
    public var tags: [TagID]
    /// The name in the grammar's order ("Critically-acclaimed Dark Workplace Comedies").
    public var name: String
    /// The titles that carry every facet.
    public var titles: [TitleID]
}

/// Mines a catalog's micro-genres: combinations of one to four facets, in the grammar's slots,
/// with a head noun (a genre's or a format's), a name of at most 50 characters, and at least
/// ``minimumTitles`` titles carrying them all.
///
/// A title carries a tag when the tag scores at least ``threshold``. Facets that nearly every
/// title carries (more than ``maximumShare`` of the catalog, such as "American" in a catalog of
/// American films) say nothing and are left out, as are combinations holding a tag and its own
/// ancestor ("Heist Crime Movies"), and names that would read back as other facets.
public struct GenreMiner {
    /// Fewest titles a micro-genre needs.
    public var minimumTitles = 5
    /// Most facets in one micro-genre.
    public var maximumFacets = 4
    /// The score at which a title carries a tag.
    public var threshold = 0.5
    /// Tags carried by more than this share of titles are left out.
    public var maximumShare = 0.5
    /// Per title, the strongest tags considered besides its head nouns.
    public var tagsPerTitle = 8
    /// How the results are ordered.
    public var order = Order.titles

    /// How mined micro-genres are ordered.
    public enum Order: String, Sendable, CaseIterable {
        /// Most titles first: the broad ones ("Horror Movies").
        case titles
        /// Most facets first, then the most titles beyond chance: titles times the logarithm
        /// of the lift (titles carrying every facet over the count expected were the facets
        /// independent). The most specific well-supported ones, whose facets belong together.
        case specific
    }

    /// Two tags whose title sets overlap more than this (Jaccard: shared titles over titles
    /// with either) say the same thing and are not combined ("Scary Creepy", "Sequel
    /// Franchise", "Theatre Movies based on Plays").
    public var maximumOverlap = 0.4
    /// Most adjectives of tone and mood in one name ("Dark Witty", never "Dark Witty Gritty
    /// Quirky"); every other slot but the genre's takes one tag ("Father-son Dramas", never
    /// "Father-son Mother-daughter Dramas").
    public var maximumTones = 2
    /// A tag whose titles nearly all (this share) carry another tag, neither of them a head
    /// noun, is not combined with it: "Sequel" with "Franchise", "Theatre" with "based on Plays".
    /// Both overlap rules apply to tags with at least four times ``minimumTitles`` titles.
    public var maximumContainment = 0.75

    /// Creates a miner with the default settings.
    public init() {}

    /// Mines `tagged` (each title with its scores) and returns the micro-genres, most titles first.
    public func mine(_ tagged: [(id: TitleID, scores: [TagScore])], grammar: GenreGrammar) -> [MinedGenre] {
        let taxonomy = grammar.taxonomy
        var carriers = [Int](repeating: 0, count: taxonomy.tags.count)
        var perTitle: [[Int]] = []
        for (_, scores) in tagged {
            let indexes = scores.filter { $0.score >= threshold }.compactMap { taxonomy.index(of: $0.tag) }
            for index in indexes { carriers[index] += 1 }
            perTitle.append(indexes)
        }
        let limit = Double(tagged.count) * maximumShare
        func isHead(_ index: Int) -> Bool {
            let tag = taxonomy.tags[index]
            return tag.noun != nil && (tag.slot == .genre || tag.slot == .format)
        }
        // Pairs of tags that say the same thing, from how their title sets overlap.
        var shared: [UInt64: Int] = [:]
        for indexes in perTitle {
            for a in indexes {
                for b in indexes where a < b { shared[pack([a, b]), default: 0] += 1 }
            }
        }
        var redundant = Set<UInt64>()
        for (key, both) in shared {
            let pair = unpack(key)
            let either = carriers[pair[0]] + carriers[pair[1]] - both
            let smaller = min(carriers[pair[0]], carriers[pair[1]])
            let heads = isHead(pair[0]) || isHead(pair[1])
            // Only overlaps seen on enough titles tell: in a small catalog every rare pair overlaps.
            guard smaller >= 4 * minimumTitles else { continue }
            if Double(both) > maximumOverlap * Double(either)
                || (!heads && Double(both) >= maximumContainment * Double(max(1, smaller)))
            {
                redundant.insert(key)
            }
        }
        func saysOneThingTwice(_ combination: [Int]) -> Bool {
            for (k, a) in combination.enumerated() {
                for b in combination[(k + 1)...] where redundant.contains(pack([min(a, b), max(a, b)])) { return true }
            }
            return false
        }
        var counts: [UInt64: [Int32]] = [:]
        for (titleIndex, indexes) in perTitle.enumerated() {
            let heads = indexes.filter(isHead)
            let others = indexes.filter { !isHead($0) && Double(carriers[$0]) <= limit }.prefix(tagsPerTitle)
            // A combination reached from two heads ("Romantic Comedies" from both) counts its title once.
            var keys = Set<UInt64>()
            for head in heads {
                let pool = Array(others) + heads.filter { $0 != head && taxonomy.tags[$0].modifier != nil }
                for subset in subsets(of: pool, maximumSize: maximumFacets - 1) {
                    let combination = ([head] + subset).sorted()
                    guard isCoherent(combination, taxonomy: taxonomy), !saysOneThingTwice(combination),
                        fillsEachSlotOnce(combination, taxonomy: taxonomy),
                        combination.contains(where: { taxonomy.tags[$0].slot != .format })
                    else { continue }
                    keys.insert(pack(combination))
                }
            }
            for key in keys { counts[key, default: []].append(Int32(titleIndex)) }
        }
        var byName: [String: MinedGenre] = [:]
        for (key, titles) in counts where titles.count >= minimumTitles {
            let tags = unpack(key).map { taxonomy.tags[$0].id }
            // A name must say exactly its facets: "Comedy Dramas" would read back as Dramedies.
            guard let name = grammar.render(tags), !Self.repeatsAWord(name), Set(grammar.parse(name).tags) == Set(tags)
            else { continue }
            let genre = MinedGenre(tags: tags, name: name, titles: titles.map { tagged[Int($0)].id })
            if let existing = byName[name], existing.titles.count >= genre.titles.count { continue }
            byName[name] = genre
        }
        let bySize = { (a: MinedGenre, b: MinedGenre) in
            a.titles.count != b.titles.count ? a.titles.count > b.titles.count : a.name < b.name
        }
        switch order {
        case .titles: return byName.values.sorted(by: bySize)
        case .specific:
            let total = Double(max(1, tagged.count))
            func lift(_ genre: MinedGenre) -> Double {
                let expected = genre.tags.reduce(total) { product, tag in
                    product * Double(taxonomy.index(of: tag).map { carriers[$0] } ?? 0) / total
                }
                return Double(genre.titles.count) / max(expected, 1e-9)
            }
            let lifts = Dictionary(
                byName.values.map { ($0.name, Double($0.titles.count) * log(max(1, lift($0)))) }, uniquingKeysWith: max)
            return byName.values.sorted {
                if $0.tags.count != $1.tags.count { return $0.tags.count > $1.tags.count }
                let (a, b) = (lifts[$0.name]!, lifts[$1.name]!)
                return a != b ? a > b : bySize($0, $1)
            }
        }
    }

    /// At most ``maximumTones`` tone adjectives and one tag of every other slot but the genre's.
    private func fillsEachSlotOnce(_ combination: [Int], taxonomy: Taxonomy) -> Bool {
        var seen: [Slot: Int] = [:]
        for index in combination {
            let slot = taxonomy.tags[index].slot
            guard slot != .genre else { continue }
            seen[slot, default: 0] += 1
            if seen[slot]! > (slot == .tone ? maximumTones : 1) { return false }
        }
        return true
    }

    /// Whether a name says a word twice ("Steamy Steamy Romance Movies", "Music Lessons Musical
    /// Music Dramas"), the grammar's small words aside.
    static func repeatsAWord(_ name: String) -> Bool {
        let small: Set<Substring> = [
            "a", "about", "and", "based", "for", "from", "in", "of", "on", "set", "the", "to", "with",
        ]
        var seen = Set<Substring>()
        for word in name.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        where !small.contains(word) {
            if !seen.insert(word).inserted { return true }
        }
        return false
    }

    /// No tag with its own ancestor, and one head noun only.
    private func isCoherent(_ combination: [Int], taxonomy: Taxonomy) -> Bool {
        for index in combination {
            for ancestor in taxonomy.ancestors(of: index) where combination.contains(ancestor) { return false }
        }
        return true
    }

    private func subsets(of pool: [Int], maximumSize: Int) -> [[Int]] {
        var result: [[Int]] = [[]]
        for item in pool {
            for existing in result where existing.count < maximumSize { result.append(existing + [item]) }
        }
        return result
    }

    /// Up to four tag indexes packed into one integer key.
    private func pack(_ indexes: [Int]) -> UInt64 {
        var key: UInt64 = 0
        for index in indexes { key = key << 16 | UInt64(index + 1) }
        return key
    }

    private func unpack(_ key: UInt64) -> [Int] {
        var indexes: [Int] = []
        var rest = key
        while rest != 0 {
            indexes.append(Int(rest & 0xFFFF) - 1)
            rest >>= 16
        }
        return indexes.reversed()
    }
}
