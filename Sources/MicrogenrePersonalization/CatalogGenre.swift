import MicrogenreCore
import MicrogenreTagging
public import MicrogenreTaxonomy

/// A micro-genre of the catalog, as rows use it: facets as positions in the catalog's tag list,
/// its name, and its member documents.
public struct CatalogGenre: Sendable {
    /// The name in the grammar's order ("Dark Workplace Comedies").
    public var name: String
    /// The facets, in taxonomy order.
    public var tags: [TagID]
    /// The tags' positions in ``CatalogFeatures/tags``.
    public var tagPositions: [Int]
    /// Documents carrying every facet.
    public var members: [Int]
}

extension CatalogGenre {
    /// Mines the catalog's micro-genres from the index's facet scores (see ``GenreMiner``).
    public static func mine(_ catalog: CatalogFeatures, grammar: GenreGrammar, minimumTitles: Int = 20)
        -> [CatalogGenre]
    {
        var tagged: [(id: TitleID, scores: [TagScore])] = []
        tagged.reserveCapacity(catalog.count)
        let tagIDs = catalog.tags.map(TagID.init)
        for doc in 0..<catalog.count where catalog.live[doc] {
            let scores = catalog.scores[doc].sorted { $0.score > $1.score }.map {
                TagScore(tag: tagIDs[$0.tag], score: $0.score, evidence: [])
            }
            tagged.append((catalog.ids[doc], scores))
        }
        var miner = GenreMiner()
        miner.minimumTitles = minimumTitles
        let positions = Dictionary(uniqueKeysWithValues: catalog.tags.enumerated().map { ($1, $0) })
        return miner.mine(tagged, grammar: grammar).map { genre in
            CatalogGenre(
                name: genre.name, tags: genre.tags, tagPositions: genre.tags.compactMap { positions[$0.rawValue] },
                members: Array(Set(genre.titles.compactMap { catalog.documents[$0] })).sorted())
        }
    }
}
