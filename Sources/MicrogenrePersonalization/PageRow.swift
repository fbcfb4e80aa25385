/// One row of a home page.
public struct PageRow: Sendable {
    /// What chose the row.
    public enum Kind: String, Sendable {
        /// A micro-genre chosen for the user's tastes (or, without history, for its popularity).
        case genre
        /// Titles co-viewed with one the user liked.
        case becauseYouWatched = "because-you-watched"
        /// The user's best titles whatever their genre ("Top Picks for You"); for a user
        /// without events, the most popular titles ("Popular Right Now"). Always first.
        case topPicks = "top-picks"
    }

    /// What chose the row.
    public var kind: Kind
    /// The row's heading ("Dark Workplace Comedies", "Because you watched Fargo").
    public var name: String
    /// The micro-genre's facets with the user's affinity for each (genre rows).
    public var facets: [(tag: String, affinity: Double)]
    /// The user's titles that chose the row: those that contributed most to its facets, or
    /// the title a "because you watched" row is about.
    public var because: [Int]
    /// The row's titles, best first.
    public var titles: [Int]
    /// How tailored the row is: the higher, the nearer the top of the page.
    public var score: Double
}
