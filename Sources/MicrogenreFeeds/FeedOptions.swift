/// Limits and choices for reading a feed.
public struct FeedOptions: Sendable, Hashable {
    /// Read as this format instead of detecting it from the root element.
    public var format: FeedFormat?
    /// Longest synopsis kept, in UTF-8 bytes; longer ones are cut at a character boundary
    /// with a warning.
    public var maxSynopsisBytes: Int
    /// Longest title, name, genre or keyword kept, in UTF-8 bytes.
    public var maxFieldBytes: Int
    /// Most entries kept in one list field (genres, keywords, people ...).
    public var maxListEntries: Int
    /// Most bytes that entity references may add to one record; beyond it the feed is refused
    /// as an entity-expansion attack.
    public var maxEntityExpansionBytes: Int

    /// Creates options; the defaults are documented in the README.
    public init(
        format: FeedFormat? = nil, maxSynopsisBytes: Int = 16_384, maxFieldBytes: Int = 1_024,
        maxListEntries: Int = 500, maxEntityExpansionBytes: Int = 65_536
    ) {
        self.format = format
        self.maxSynopsisBytes = maxSynopsisBytes
        self.maxFieldBytes = maxFieldBytes
        self.maxListEntries = maxListEntries
        self.maxEntityExpansionBytes = maxEntityExpansionBytes
    }
}
