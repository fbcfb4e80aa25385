/// An index that cannot be opened or written: missing, foreign, of another version, damaged,
/// or locked by another writer. Always names the file.
public struct IndexError: Error, Sendable, CustomStringConvertible {
    /// The file at fault.
    public var path: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): error: \(message)" }
}
