public import MicrogenreCore
import MicrogenreText

/// The facet vocabulary: facets, tags, their hierarchy, and matchers that find the tags'
/// phrases in analyzed text. Loaded and validated from the `Taxonomy/` directory.
public struct Taxonomy: Sendable {
    /// Facets in file order.
    public let facets: [Facet]
    /// Tags in file order (the order also decides which genre is a name's head noun).
    public let tags: [Tag]
    /// Phrases that name tags (forms and synonyms): for names, queries and feed genres.
    public let names: PhraseMatcher
    /// Naming phrases and cues: for synopses. Proper names are in it too, as entries that
    /// stand for no tag (``PhraseMatcher/Entry/isProperName``).
    public let cues: PhraseMatcher
    /// The `names` blocks: proper names whose words say nothing of a title.
    public let properNames: [ProperNames]
    /// The `combined` blocks: phrases that name several tags at once.
    public let combinedPhrases: [CombinedPhrases]
    /// Problems that do not stop loading, for `taxonomy check` to show (a phrase that is a
    /// single common word once its stopwords are dropped).
    public internal(set) var warnings: [Diagnostic] = []

    private let indexByID: [TagID: Int]
    private let ancestorIndexes: [[Int]]
    private let descendantIndexes: [[Int]]

    init(
        facets: [Facet], tags: [Tag], names: PhraseMatcher, cues: PhraseMatcher, properNames: [ProperNames] = [],
        combinedPhrases: [CombinedPhrases] = []
    ) {
        self.facets = facets
        self.properNames = properNames
        self.combinedPhrases = combinedPhrases
        self.tags = tags
        self.names = names
        self.cues = cues
        var index: [TagID: Int] = [:]
        for (k, tag) in tags.enumerated() { index[tag.id] = k }
        indexByID = index
        var ancestors: [[Int]] = []
        for tag in tags {
            var seen: Set<Int> = []
            var stack = tag.parents.compactMap { index[$0] }
            while let next = stack.popLast() {
                if seen.insert(next).inserted { stack += tags[next].parents.compactMap { index[$0] } }
            }
            ancestors.append(seen.sorted())
        }
        ancestorIndexes = ancestors
        var descendants = [[Int]](repeating: [], count: tags.count)
        for (k, list) in ancestors.enumerated() {
            for ancestor in list { descendants[ancestor].append(k) }
        }
        descendantIndexes = descendants
    }

    /// The tag with `id`.
    public subscript(id: TagID) -> Tag? { indexByID[id].map { tags[$0] } }

    /// The position of `id` in ``tags``.
    public func index(of id: TagID) -> Int? { indexByID[id] }

    /// Every ancestor of the tag at `index` (parents, their parents ...), as indexes.
    public func ancestors(of index: Int) -> [Int] { ancestorIndexes[index] }

    /// Every descendant of the tag at `index`, as indexes.
    public func descendants(of index: Int) -> [Int] { descendantIndexes[index] }

    /// The tags of a facet.
    public func tags(inFacet facet: String) -> [Tag] { tags.filter { $0.facet == facet } }
}
