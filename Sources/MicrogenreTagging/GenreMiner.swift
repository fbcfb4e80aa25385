public import MicrogenreCore
public import MicrogenreTaxonomy

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
                    guard isCoherent(combination, taxonomy: taxonomy),
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
            guard let name = grammar.render(tags), Set(grammar.parse(name).tags) == Set(tags) else { continue }
            let genre = MinedGenre(tags: tags, name: name, titles: titles.map { tagged[Int($0)].id })
            if let existing = byName[name], existing.titles.count >= genre.titles.count { continue }
            byName[name] = genre
        }
        return byName.values.sorted {
            $0.titles.count != $1.titles.count ? $0.titles.count > $1.titles.count : $0.name < $1.name
        }
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
