/// The stable identifier of a title within a catalog, as the feed gives it.
public struct TitleID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The identifier text.
    public var rawValue: String

    /// Wraps an identifier string.
    @inlinable public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func < (lhs: TitleID, rhs: TitleID) -> Bool { lhs.rawValue < rhs.rawValue }
}
