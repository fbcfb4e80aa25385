public import MicrogenreCore

/// A feed could not be read on: the file is missing, not XML, malformed, hostile or of an
/// unknown format. Records read before the error stay valid.
public struct FeedError: Error, Sendable, CustomStringConvertible {
    /// Where reading stopped.
    public var location: SourceLocation
    /// What went wrong, in one sentence.
    public var message: String

    /// Creates an error.
    public init(at location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `FILE:LINE:COL: error: message`, as compilers print it.
    public var description: String { "\(location): error: \(message)" }
}
