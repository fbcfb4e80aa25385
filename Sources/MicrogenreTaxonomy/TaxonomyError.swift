public import MicrogenreCore

/// Problems in the taxonomy files, each at its file and line; loading reports them all at once.
public struct TaxonomyError: Error, Sendable, CustomStringConvertible {
    /// Every problem found.
    public var problems: [Diagnostic]

    /// Creates an error from problems.
    public init(_ problems: [Diagnostic]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
